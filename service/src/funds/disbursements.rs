//! Money out of a community fund, under four eyes: one member of the
//! managing organization asks, another approves, then the payment is
//! recorded. Approval is where the money leaves the balance: a conditional
//! update that only succeeds while the balance covers it (and a CHECK
//! behind it), and the allocation to the fund's gifts in the same
//! transaction.

use chrono::NaiveDate;
use entity::allocation;
use entity::app_user::{self, Role};
use entity::charity_fund;
use entity::disbursement::{self, BeneficiaryKind, DisbursementStatus, Purpose};
use entity::donation::{self, DonationStatus, Entry};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::allocation::{Shortfall, Unspent, allocate};
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::{Db, WriteTx};
use crate::error::{Error, Result};
use crate::labels::Label;
use crate::money::Money;
use crate::outbox::{Email, Template};
use crate::page::{self, Order, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

pub struct DisbursementInput {
    pub fund_id: Uuid,
    pub purpose: Purpose,
    pub beneficiary_kind: BeneficiaryKind,
    pub beneficiary_name: String,
    pub description: String,
    pub amount: Money,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisbursementAction {
    Approve,
    Reject,
    Pay,
}

/// The disbursement workflow: anything not listed is refused.
pub fn transition(from: DisbursementStatus, action: DisbursementAction) -> Result<DisbursementStatus> {
    use DisbursementAction as A;
    use DisbursementStatus as S;
    match (from, action) {
        (S::Requested, A::Approve) => Ok(S::Approved),
        (S::Requested, A::Reject) => Ok(S::Rejected),
        (S::Approved, A::Pay) => Ok(S::Paid),
        _ => Err(Error::conflict(
            format!(
                "cannot {} a disbursement that is {}",
                format!("{action:?}").to_lowercase(),
                format!("{from:?}").to_lowercase()
            ),
            format!(
                "这笔支出{}，不能{}",
                match from {
                    S::Requested => "正在等待复核",
                    S::Approved => "已批准",
                    S::Rejected => "未批准",
                    S::Paid => "已支付",
                },
                match action {
                    A::Approve => "批准",
                    A::Reject => "不批准",
                    A::Pay => "登记付款",
                }
            ),
        )),
    }
}

/// Staff of the managing organization ask for a disbursement.
pub async fn request(
    db: &Db,
    ctx: &TenantContext,
    input: DisbursementInput,
    idempotency_key: Option<&str>,
) -> Result<disbursement::Model> {
    let (user, _) = ctx.require_role(&[Role::OrgStaff])?;
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({
        "fund_id": input.fund_id, "purpose": input.purpose, "beneficiary_kind": input.beneficiary_kind,
        "beneficiary_name": input.beneficiary_name.trim(), "description": input.description.trim(),
        "amount_fen": input.amount.fen(),
    });
    if let Some(id) = tx
        .replayed(idempotency_key, "disbursement.request", &fingerprint)
        .await?
    {
        let d = find(tx.conn(), ctx, id).await?;
        drop(tx);
        return Ok(d);
    }
    let d = insert_request(&tx, ctx, user, input).await?;
    tx.commit(
        AuditEvent::new("disbursement.request", "disbursement", d.id)
            .organization(Some(d.organization_id))
            .created(&fingerprint),
    )
    .await?;
    Ok(d)
}

/// Check and store a request in the caller's transaction, and ask the
/// organization for the second pair of eyes by email. Also used when a
/// charity pays referral assistance out of a fund.
pub(crate) async fn insert_request(
    tx: &WriteTx<'_>,
    ctx: &TenantContext,
    user: Uuid,
    input: DisbursementInput,
) -> Result<disbursement::Model> {
    let beneficiary_name = validate::required_text("beneficiaryName", &input.beneficiary_name, 200)?;
    let description = validate::required_text("description", &input.description, 2000)?;
    let amount_fen = input.amount.fen();
    if amount_fen <= 0 || amount_fen > crate::donations::MAX_AMOUNT_FEN {
        return Err(Error::validation(
            "amount",
            "the amount must be more than 0",
            "金额须大于 0",
        ));
    }
    let fund = my_fund(tx.conn(), ctx, input.fund_id).await?;
    let balance = fund.raised_fen - fund.disbursed_fen;
    if amount_fen > balance {
        return Err(Error::validation(
            "amount",
            format!(
                "{} has a balance of {}; ask for at most that",
                fund.name,
                Money::from_fen(balance)
            ),
            format!(
                "{}余额为 {} 元，申请金额不能超过余额",
                fund.name,
                Money::from_fen(balance)
            ),
        ));
    }
    let d = disbursement::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        fund_id: fund.id,
        organization_id: fund.organization_id,
        purpose: input.purpose,
        beneficiary_kind: input.beneficiary_kind,
        beneficiary_name,
        description,
        amount_fen,
        status: DisbursementStatus::Requested,
        requested_by: user,
        requested_at: clock::now(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
        paid_by: None,
        paid_on: None,
        payment_reference: None,
    };
    disbursement::Entity::insert(disbursement::ActiveModel::from(d.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    let org = crate::donations::receiving_organization(tx.conn(), ctx, fund.organization_id).await?;
    let requester = display_name(tx.conn(), ctx, user).await?;
    tx.send_email(Email {
        to: org.contact_email.clone(),
        language: "zh-CN".into(),
        template: Template::DisbursementRequested,
        context: json!({
            "name": org.name, "fund_name": fund.name, "amount": Money::from_fen(amount_fen).to_string(),
            "purpose": d.purpose.zh(), "requested_by": requester, "description": d.description,
        }),
    })
    .await?;
    Ok(d)
}

async fn display_name<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<String> {
    Ok(app_user::Entity::find_owned_opt(conn, ctx, id)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default())
}

/// A fund the caller's organization manages.
async fn my_fund<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<charity_fund::Model> {
    charity_fund::Entity::find_owned_opt(conn, ctx, id)
        .await?
        .filter(|f| Some(f.organization_id) == ctx.organization_id())
        .ok_or(Error::NotFound("fund"))
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<disbursement::Model> {
    disbursement::Entity::find_owned(conn, ctx, id).await
}

/// A disbursement of the caller's organization, locked for a decision.
async fn locked_mine<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<disbursement::Model> {
    disbursement::Entity::lock_owned_opt(conn, ctx, id)
        .await?
        .filter(|d| Some(d.organization_id) == ctx.organization_id())
        .ok_or(Error::NotFound("disbursement"))
}

/// A second member of the organization approves: the money leaves the
/// fund's balance and is allocated to its gifts, or the approval is
/// refused because the balance does not cover it.
pub async fn approve(db: &Db, ctx: &TenantContext, id: Uuid, note: Option<&str>) -> Result<disbursement::Model> {
    let (user, _) = ctx.require_role(&[Role::OrgStaff])?;
    let note = validate::optional_text("note", note, 1000)?;
    let tx = db.write(ctx).await?;
    let before = locked_mine(tx.conn(), ctx, id).await?;
    let status = transition(before.status, DisbursementAction::Approve)?;
    if before.requested_by == user {
        return Err(Error::forbidden(
            "four eyes: the person who asked for a disbursement cannot approve it; another member of the organization must",
        ));
    }
    // The guarded update takes the fund's row lock, so concurrent approvals
    // on one fund queue here and each sees the balance the last one left.
    let taken = charity_fund::Entity::scoped_update(ctx)
        .col_expr(
            charity_fund::Column::DisbursedFen,
            Expr::col(charity_fund::Column::DisbursedFen).add(before.amount_fen),
        )
        .filter(charity_fund::Column::Id.eq(before.fund_id))
        .filter(
            Expr::col(charity_fund::Column::RaisedFen)
                .sub(Expr::col(charity_fund::Column::DisbursedFen))
                .gte(before.amount_fen),
        )
        .exec(tx.conn())
        .await?;
    let fund = find_fund(tx.conn(), ctx, before.fund_id).await?;
    if taken.rows_affected == 0 {
        let (balance, needed) = (
            Money::from_fen(fund.raised_fen - fund.disbursed_fen),
            Money::from_fen(before.amount_fen),
        );
        return Err(Error::conflict(
            format!(
                "{} has a balance of {balance}, less than the {needed} this disbursement needs",
                fund.name
            ),
            format!("{}余额 {balance} 元，不足这笔支出所需的 {needed} 元", fund.name),
        ));
    }
    let unspent: Vec<Unspent> = donation::Entity::scoped(ctx)
        .filter(donation::Column::FundId.eq(before.fund_id))
        .filter(donation::Column::Entry.eq(Entry::Gift))
        .filter(donation::Column::Status.eq(DonationStatus::Confirmed))
        .filter(donation::Column::UnallocatedFen.gt(0))
        .order_by_asc(donation::Column::ReceivedOn)
        .order_by_asc(donation::Column::Id)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|g| Unspent {
            donation_id: g.id,
            restricted_to: g.restricted_purpose,
            unallocated_fen: g.unallocated_fen,
        })
        .collect();
    let shares = allocate(&unspent, before.purpose, before.amount_fen).map_err(|Shortfall { available_fen }| {
        let (usable, needed) = (Money::from_fen(available_fen), Money::from_fen(before.amount_fen));
        Error::conflict(
            format!(
                "{} holds {usable} usable for {} (other gifts are restricted to other purposes), less than the {needed} needed",
                fund.name,
                before.purpose.zh(),
            ),
            format!(
                "{}可用于{}的款项为 {usable} 元（其余捐赠限定了其他用途），不足所需的 {needed} 元",
                fund.name,
                before.purpose.zh(),
            ),
        )
    })?;
    for (donation_id, share) in &shares {
        donation::Entity::scoped_update(ctx)
            .col_expr(
                donation::Column::UnallocatedFen,
                Expr::col(donation::Column::UnallocatedFen).sub(*share),
            )
            .filter(donation::Column::Id.eq(*donation_id))
            .exec(tx.conn())
            .await?;
    }
    allocation::Entity::insert_many(shares.iter().map(|(donation_id, share)| {
        allocation::ActiveModel::from(allocation::Model {
            tenant_id: ctx.tenant_id,
            disbursement_id: id,
            donation_id: *donation_id,
            amount_fen: *share,
        })
    }))
    .exec_without_returning(tx.conn())
    .await?;
    let after = disbursement::Model {
        status,
        decided_by: Some(user),
        decided_at: Some(clock::now()),
        decision_note: note,
        ..before.clone()
    };
    disbursement::Entity::save_owned(tx.conn(), after.clone()).await?;
    notify_requester(&tx, ctx, &fund, &after, true).await?;
    tx.commit(
        AuditEvent::new("disbursement.approve", "disbursement", id)
            .organization(Some(after.organization_id))
            .changed(
                &json!({"status": "requested"}),
                &json!({"status": "approved", "note": after.decision_note}),
            )
            .detail_allocations(&shares),
    )
    .await?;
    Ok(after)
}

trait AllocationDetail {
    fn detail_allocations(self, shares: &[(Uuid, i64)]) -> Self;
}

impl AllocationDetail for AuditEvent {
    /// Keep the allocation in the audit record too: it is what donors are
    /// told, so its origin must be provable.
    fn detail_allocations(mut self, shares: &[(Uuid, i64)]) -> Self {
        if let Some(changes) = self.changes.as_object_mut() {
            changes.insert(
                "allocations".into(),
                json!(
                    shares
                        .iter()
                        .map(|(d, fen)| json!({"donation_id": d, "amount_fen": fen}))
                        .collect::<Vec<_>>()
                ),
            );
        }
        self
    }
}

async fn find_fund<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<charity_fund::Model> {
    charity_fund::Entity::find_owned(conn, ctx, id).await
}

async fn notify_requester(
    tx: &WriteTx<'_>,
    ctx: &TenantContext,
    fund: &charity_fund::Model,
    d: &disbursement::Model,
    approved: bool,
) -> Result<()> {
    let Some(requester) = app_user::Entity::find_owned_opt(tx.conn(), ctx, d.requested_by).await? else {
        return Ok(());
    };
    tx.send_email(Email {
        to: requester.email,
        language: requester.language,
        template: Template::DisbursementDecided,
        context: json!({
            "name": requester.display_name, "fund_name": fund.name,
            "amount": Money::from_fen(d.amount_fen).to_string(), "purpose": d.purpose.zh(),
            "approved": approved, "note": d.decision_note,
        }),
    })
    .await
}

/// A second member of the organization turns a request down.
pub async fn reject(db: &Db, ctx: &TenantContext, id: Uuid, reason: &str) -> Result<disbursement::Model> {
    let (user, _) = ctx.require_role(&[Role::OrgStaff])?;
    let reason = validate::required_text("reason", reason, 1000)?;
    let tx = db.write(ctx).await?;
    let before = locked_mine(tx.conn(), ctx, id).await?;
    let status = transition(before.status, DisbursementAction::Reject)?;
    let after = disbursement::Model {
        status,
        decided_by: Some(user),
        decided_at: Some(clock::now()),
        decision_note: Some(reason.clone()),
        ..before.clone()
    };
    disbursement::Entity::save_owned(tx.conn(), after.clone()).await?;
    let fund = find_fund(tx.conn(), ctx, before.fund_id).await?;
    notify_requester(&tx, ctx, &fund, &after, false).await?;
    tx.commit(
        AuditEvent::new("disbursement.reject", "disbursement", id)
            .organization(Some(after.organization_id))
            .changed(
                &json!({"status": "requested"}),
                &json!({"status": "rejected", "reason": reason}),
            ),
    )
    .await?;
    Ok(after)
}

/// The payment of an approved disbursement went out.
pub async fn record_payment(
    db: &Db,
    ctx: &TenantContext,
    id: Uuid,
    paid_on: Option<NaiveDate>,
    reference: &str,
) -> Result<disbursement::Model> {
    let (user, _) = ctx.require_role(&[Role::OrgStaff])?;
    let reference = validate::required_text("paymentReference", reference, 100)?;
    let tx = db.write(ctx).await?;
    let before = locked_mine(tx.conn(), ctx, id).await?;
    let status = transition(before.status, DisbursementAction::Pay)?;
    let today = crate::clock::today();
    let paid_on = paid_on.unwrap_or(today);
    let approved_on = before.decided_at.map(crate::clock::china_date).unwrap_or(today);
    if paid_on > today || paid_on < approved_on {
        return Err(Error::validation(
            "paidOn",
            format!("the payment date must be between the approval ({approved_on}) and today ({today})"),
            format!("付款日期须在批准日（{approved_on}）与今天（{today}）之间"),
        ));
    }
    let after = disbursement::Model {
        status,
        paid_by: Some(user),
        paid_on: Some(paid_on),
        payment_reference: Some(reference),
        ..before.clone()
    };
    disbursement::Entity::save_owned(tx.conn(), after.clone()).await?;
    tx.commit(
        AuditEvent::new("disbursement.pay", "disbursement", id)
            .organization(Some(after.organization_id))
            .changed(
                &json!({"status": "approved"}),
                &json!({"status": "paid", "paid_on": after.paid_on, "payment_reference": after.payment_reference}),
            ),
    )
    .await?;
    Ok(after)
}

/// Disbursements with beneficiaries in full, for the managing organization
/// and the city's officials, newest first.
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    fund_id: Option<Uuid>,
    status: Option<DisbursementStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<disbursement::Model>> {
    let (_, role) = ctx.require_role(&[Role::OrgStaff, Role::CityOfficial])?;
    let mut query = disbursement::Entity::scoped(ctx);
    if role == Role::OrgStaff {
        query = query.filter(disbursement::Column::OrganizationId.eq(ctx.organization_id()));
    }
    if let Some(fund_id) = fund_id {
        query = query.filter(disbursement::Column::FundId.eq(fund_id));
    }
    if let Some(status) = status {
        query = query.filter(disbursement::Column::Status.eq(status));
    }
    let tx = db.read(ctx).await?;
    let page = page::fetch(&tx, query, disbursement::Column::Id, Order::NewestFirst, page).await?;
    tx.commit().await?;
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DisbursementAction as A;
    use DisbursementStatus as S;

    #[test]
    fn every_status_and_action_pair_is_decided() {
        let all = [S::Requested, S::Approved, S::Rejected, S::Paid];
        for from in all {
            for action in [A::Approve, A::Reject, A::Pay] {
                let expected = match (from, action) {
                    (S::Requested, A::Approve) => Some(S::Approved),
                    (S::Requested, A::Reject) => Some(S::Rejected),
                    (S::Approved, A::Pay) => Some(S::Paid),
                    _ => None,
                };
                assert_eq!(transition(from, action).ok(), expected, "{from:?} {action:?}");
            }
        }
    }
}
