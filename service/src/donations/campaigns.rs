//! Fundraising campaigns (e.g. 慈善一日捐, 99公益日) and their public
//! figures.

use chrono::NaiveDate;
use entity::donation::GiftKind;
use entity::{campaign, donation_tally};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::receiving_organization;
use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, OrConflict, Result};
use crate::money::Money;
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

pub struct CampaignInput {
    pub name: String,
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub target: Option<Money>,
    pub match_sponsor: Option<String>,
    pub match_percent: Option<i32>,
    pub match_cap: Option<Money>,
}

pub async fn create(
    db: &Db,
    ctx: &TenantContext,
    input: CampaignInput,
    idempotency_key: Option<&str>,
) -> Result<campaign::Model> {
    let (user, organization_id) = ctx.require_staff()?;
    let name = validate::required_text("name", &input.name, 200)?;
    let description = validate::optional_text("description", input.description.as_deref(), 2000)?.unwrap_or_default();
    if input.ends_on < input.starts_on {
        return Err(Error::validation(
            "endsOn",
            "a campaign cannot end before it starts",
            "结束日期不能早于开始日期",
        ));
    }
    if input
        .target
        .is_some_and(|t| t.fen() <= 0 || t.fen() > super::MAX_AMOUNT_FEN)
    {
        return Err(Error::validation(
            "target",
            "the target must be more than 0 and at most 100,000,000,000.00",
            "目标金额须大于 0，且不超过 100,000,000,000.00 元",
        ));
    }
    let sponsor = validate::optional_text("matchSponsor", input.match_sponsor.as_deref(), 200)?;
    let matching = match (&sponsor, input.match_percent, input.match_cap) {
        (None, None, None) => (None, None),
        (Some(_), Some(percent), Some(cap)) => {
            if !(1..=100).contains(&percent) {
                return Err(Error::validation(
                    "matchPercent",
                    "the sponsor matches between 1 and 100 percent of each gift",
                    "配捐比例须在 1% 至 100% 之间",
                ));
            }
            if cap.fen() <= 0 || cap.fen() > super::MAX_AMOUNT_FEN {
                return Err(Error::validation(
                    "matchCap",
                    "the matching cap must be more than 0",
                    "配捐上限须大于 0",
                ));
            }
            (Some(percent), Some(cap.fen()))
        }
        _ => {
            return Err(Error::validation(
                "matchSponsor",
                "matching needs all three: the sponsor, the percentage it matches and its cap",
                "配捐须同时填写配捐方、配捐比例和上限",
            ));
        }
    };
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({
        "name": name, "description": description, "starts_on": input.starts_on, "ends_on": input.ends_on,
        "target_fen": input.target.map(Money::fen), "match_sponsor": sponsor, "match_percent": matching.0,
        "match_cap_fen": matching.1,
    });
    if let Some(id) = tx.replayed(idempotency_key, "campaign.create", &fingerprint).await? {
        return find(tx.conn(), ctx, id).await;
    }
    receiving_organization(tx.conn(), ctx, organization_id).await?;
    let campaign = campaign::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id,
        name,
        description,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        target_fen: input.target.map(Money::fen),
        match_sponsor: sponsor,
        match_percent: matching.0,
        match_cap_fen: matching.1,
        matched_fen: 0,
        created_by: user,
        created_at: clock::now(),
    };
    campaign::Entity::insert(campaign::ActiveModel::from(campaign.clone()))
        .exec_without_returning(tx.conn())
        .await
        .or_conflict(|| {
            Error::conflict(
                format!("your organization already has a campaign named {}", campaign.name),
                format!("本机构已有名为“{}”的募捐活动", campaign.name),
            )
        })?;
    tx.commit(
        AuditEvent::new("campaign.create", "campaign", campaign.id)
            .organization(Some(organization_id))
            .created(&fingerprint),
    )
    .await?;
    Ok(campaign)
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<campaign::Model> {
    campaign::Entity::find_owned(conn, ctx, id).await
}

/// A campaign with what it raised so far (voids deducted).
pub struct CampaignFigures {
    pub campaign: campaign::Model,
    pub money_fen: i64,
    pub goods_fen: i64,
    pub gifts: i64,
}

/// The city's campaigns, newest first, with their figures: public.
pub async fn list(db: &Db, ctx: &TenantContext) -> Result<Vec<CampaignFigures>> {
    let tx = db.read(ctx).await?;
    let campaigns = campaign::Entity::scoped(ctx)
        .order_by_desc(campaign::Column::StartsOn)
        .order_by_desc(campaign::Column::Id)
        .all(&tx)
        .await?;
    // The campaigns' rows of the running tallies, over all years.
    let sums: Vec<(Uuid, GiftKind, i64, i64)> = donation_tally::Entity::scoped(ctx)
        .select_only()
        .column(donation_tally::Column::CampaignId)
        .column(donation_tally::Column::GiftKind)
        .column_as(Expr::cust("CAST(SUM(fen) AS BIGINT)"), "fen")
        .column_as(Expr::cust("CAST(SUM(gifts) AS BIGINT)"), "gifts")
        .filter(donation_tally::Column::CampaignId.ne(Uuid::nil()))
        .group_by(donation_tally::Column::CampaignId)
        .group_by(donation_tally::Column::GiftKind)
        .into_tuple()
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(campaigns
        .into_iter()
        .map(|campaign| {
            let of = |kind: GiftKind| {
                sums.iter()
                    .filter(|(c, k, _, _)| *c == campaign.id && *k == kind)
                    .fold((0, 0), |(fen, n), (_, _, f, g)| (fen + f, n + g))
            };
            let (money_fen, money_gifts) = of(GiftKind::Money);
            let (goods_fen, goods_gifts) = of(GiftKind::Goods);
            CampaignFigures {
                campaign,
                money_fen,
                goods_fen,
                gifts: money_gifts + goods_gifts,
            }
        })
        .collect())
}
