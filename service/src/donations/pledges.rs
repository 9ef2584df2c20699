//! Online pledges: a donor pledges, the organization confirms the money
//! arrived or declines it.

use chrono::NaiveDate;
use entity::app_user::Role;
use entity::disbursement::Purpose;
use entity::donation::{self, Channel, DonationStatus, DonorKind, GiftKind};
use sea_orm::EntityTrait;
use serde_json::json;
use uuid::Uuid;

use super::ledger::confirm_into_ledger;
use super::record::{DonationInput, Recorded, campaign_for_gift, fund_for_gift, validate_gift};
use super::voids::{lock_campaign_and_fund, locked_gift_of_my_organization};
use super::{find, receiving_organization};
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::labels::Label;
use crate::money::Money;
use crate::outbox::{Email, Template};
use crate::scoped::TenantOwned;
use crate::validate;

/// A donor pledges a money gift online; the organization confirms it when
/// the money arrives (then the receipt is issued).
pub struct PledgeInput {
    pub organization_id: Uuid,
    pub amount: Money,
    pub channel: Channel,
    pub disclose: bool,
    pub campaign_id: Option<Uuid>,
    pub fund_id: Option<Uuid>,
    pub restricted_purpose: Option<Purpose>,
    pub note: Option<String>,
}

pub async fn pledge(
    db: &Db,
    ctx: &TenantContext,
    input: PledgeInput,
    idempotency_key: Option<&str>,
) -> Result<donation::Model> {
    let (user_id, _) = ctx.require_role(&[Role::Donor])?;
    let user = crate::users::me(db, ctx).await?;
    let gift = validate_gift(DonationInput {
        gift_kind: GiftKind::Money,
        amount: input.amount,
        channel: Some(input.channel),
        external_reference: None,
        goods_description: None,
        goods_quantity: None,
        goods_unit: None,
        valuation_basis: None,
        donor_kind: DonorKind::Individual,
        donor_name: Some(user.display_name.clone()),
        donor_email: Some(user.email.clone()),
        disclose: input.disclose,
        campaign_id: input.campaign_id,
        station_id: None,
        fund_id: input.fund_id,
        project: None,
        restricted_purpose: input.restricted_purpose,
        received_on: None,
        note: input.note,
    })?;
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({"organization_id": input.organization_id, "gift": gift});
    if let Some(id) = tx.replayed(idempotency_key, "donation.pledge", &fingerprint).await? {
        return find(tx.conn(), ctx, id).await;
    }
    let org = receiving_organization(tx.conn(), ctx, input.organization_id).await?;
    if let Some(id) = gift.campaign_id {
        campaign_for_gift(tx.conn(), ctx, &org, id, gift.received_on).await?;
    }
    if let Some(id) = gift.fund_id {
        fund_for_gift(tx.conn(), ctx, &org, id).await?;
    }
    let donation = gift.pending_row(ctx, org.id, Some(user_id), None, clock::now());
    donation::Entity::insert(donation::ActiveModel::from(donation.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    tx.send_email(Email {
        to: org.contact_email.clone(),
        language: "zh-CN".into(),
        template: Template::PledgeReceived,
        context: json!({
            "name": org.name, "donor_name": donation.donor_name,
            "amount": Money::from_fen(donation.amount_fen).to_string(),
            "channel": gift.channel.map_or("", Label::zh), "pledged_on": donation.received_on.to_string(),
        }),
    })
    .await?;
    tx.commit(
        AuditEvent::new("donation.pledge", "donation", donation.id)
            .organization(Some(org.id))
            .created(&fingerprint),
    )
    .await?;
    Ok(donation)
}

/// The organization confirms that a pledged gift arrived: from here on it
/// is a recorded gift with a receipt.
pub async fn confirm_pledge(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    received_on: Option<NaiveDate>,
) -> Result<Recorded> {
    ctx.require_role(&[Role::OrgStaff])?;
    let tx = db.write(ctx).await?;
    lock_campaign_and_fund(tx.conn(), ctx, &find(tx.conn(), ctx, id).await?).await?;
    let pending = locked_gift_of_my_organization(tx.conn(), ctx, id).await?;
    if pending.status != DonationStatus::Pledged {
        return Err(Error::conflict(
            format!(
                "only a pledge can be confirmed; this donation is {}",
                status_name(pending.status)
            ),
            format!(
                "只有待确认的认捐才能确认到账；这笔捐赠{}",
                status_name_zh(pending.status)
            ),
        ));
    }
    let today = crate::clock::today();
    let received_on = received_on.unwrap_or(today);
    if received_on > today || received_on < pending.received_on {
        return Err(Error::validation(
            "receivedOn",
            format!(
                "the money arrives between the pledge ({}) and today ({today})",
                pending.received_on
            ),
            format!("到账日期须在认捐日（{}）与今天（{today}）之间", pending.received_on),
        ));
    }
    let org = receiving_organization(tx.conn(), ctx, pending.organization_id).await?;
    let campaign = match pending.campaign_id {
        Some(c) => Some(campaign_for_gift(tx.conn(), ctx, &org, c, received_on).await?),
        None => None,
    };
    let fund = match pending.fund_id {
        Some(f) => Some(fund_for_gift(tx.conn(), ctx, &org, f).await?),
        None => None,
    };
    let before = pending.clone();
    let pending = donation::Model {
        received_on,
        recorded_by: ctx.user_id(),
        ..pending
    };
    let confirmed = confirm_into_ledger(&tx, ctx, &org, campaign.as_ref(), fund.as_ref(), pending, false).await?;
    confirmed
        .send_receipt(&tx, ctx, db, &org, fund.as_ref(), campaign.as_ref())
        .await?;
    tx.commit(
        AuditEvent::new("donation.confirm", "donation", id)
            .organization(Some(org.id))
            .changed(
                &json!({"status": status_name(before.status), "receipt_number": before.receipt_number, "received_on": before.received_on}),
                &json!({"status": "confirmed", "receipt_number": confirmed.donation.receipt_number, "received_on": received_on}),
            ),
    )
    .await?;
    Ok(Recorded {
        donation: confirmed.donation,
        verification_code: Some(confirmed.code),
        matched: confirmed.matched,
    })
}

/// The organization never received a pledged gift.
pub async fn decline_pledge(db: &Db, ctx: &TenantContext, id: Uuid, reason: &str) -> Result<donation::Model> {
    ctx.require_role(&[Role::OrgStaff])?;
    let reason = validate::required_text("reason", reason, 1000)?;
    let tx = db.write(ctx).await?;
    let pending = locked_gift_of_my_organization(tx.conn(), ctx, id).await?;
    if pending.status != DonationStatus::Pledged {
        return Err(Error::conflict(
            format!(
                "only a pledge can be declined; this donation is {}",
                status_name(pending.status)
            ),
            format!(
                "只有待确认的认捐才能标记为未到账；这笔捐赠{}",
                status_name_zh(pending.status)
            ),
        ));
    }
    // The donor's note stays; the reason is kept by the audit record.
    let declined = donation::Model {
        status: DonationStatus::Declined,
        ..pending.clone()
    };
    donation::Entity::save_owned(tx.conn(), declined.clone()).await?;
    tx.commit(
        AuditEvent::new("donation.decline", "donation", id)
            .organization(Some(pending.organization_id))
            .changed(
                &json!({"status": "pledged"}),
                &json!({"status": "declined", "reason": reason}),
            ),
    )
    .await?;
    Ok(declined)
}

pub(super) fn status_name(status: DonationStatus) -> &'static str {
    match status {
        DonationStatus::Pledged => "pledged",
        DonationStatus::Confirmed => "confirmed",
        DonationStatus::Declined => "declined",
    }
}

/// A donation's status as the Chinese message says it ("this donation
/// is ...").
pub(super) fn status_name_zh(status: DonationStatus) -> &'static str {
    match status {
        DonationStatus::Pledged => "是待确认的认捐",
        DonationStatus::Confirmed => "已确认到账",
        DonationStatus::Declined => "已标记为未到账",
    }
}
