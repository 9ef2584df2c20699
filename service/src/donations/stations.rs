//! Charity donation stations (社会慈善捐助站): the street and community
//! counters where residents hand in money and goods. A station belongs to
//! the charitable organization whose ledger receives its gifts; a gift
//! names the station that took it, and the public sees what each station
//! received.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::app_user::Role;
use entity::donation::{self, DonationStatus, GiftKind};
use entity::{donation_station, organization};
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
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

pub struct StationInput {
    pub name: String,
    pub district: String,
    pub address: String,
    pub hours: Option<String>,
    /// Today when left out.
    pub opened_on: Option<NaiveDate>,
}

/// A charity opens a station whose gifts it will receive.
pub async fn create(
    db: &Db,
    ctx: &TenantContext,
    input: StationInput,
    idempotency_key: Option<&str>,
) -> Result<donation_station::Model> {
    let (user, organization_id) = ctx.require_staff()?;
    let name = validate::required_text("name", &input.name, 200)?;
    let district = validate::required_text("district", &input.district, 100)?;
    let address = validate::required_text("address", &input.address, 300)?;
    let hours = validate::optional_text("hours", input.hours.as_deref(), 200)?.unwrap_or_default();
    let today = crate::clock::today();
    let opened_on = input.opened_on.unwrap_or(today);
    if opened_on > today {
        return Err(Error::validation(
            "openedOn",
            format!("a station is recorded once it is open: the opening date cannot be after today ({today})"),
            format!("捐助站开放后再登记：开放日期不能晚于今天（{today}）"),
        ));
    }
    let mut tx = db.write(ctx).await?;
    let fingerprint =
        json!({"name": name, "district": district, "address": address, "hours": hours, "opened_on": opened_on});
    if let Some(id) = tx.replayed(idempotency_key, "station.create", &fingerprint).await? {
        return find(tx.conn(), ctx, id).await;
    }
    receiving_organization(tx.conn(), ctx, organization_id).await?;
    let station = donation_station::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id,
        name,
        district,
        address,
        hours,
        opened_on,
        closed_on: None,
        created_by: user,
        created_at: clock::now(),
    };
    donation_station::Entity::insert(donation_station::ActiveModel::from(station.clone()))
        .exec_without_returning(tx.conn())
        .await
        .or_conflict(|| {
            Error::conflict(
                format!("a donation station named {} already exists in this city", station.name),
                format!("本市已有名为“{}”的慈善捐助站", station.name),
            )
        })?;
    tx.commit(
        AuditEvent::new("station.create", "donation_station", station.id)
            .organization(Some(organization_id))
            .created(&fingerprint),
    )
    .await?;
    Ok(station)
}

/// The station stops taking gifts from today; what it took stays its own.
pub async fn close(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<donation_station::Model> {
    ctx.require_role(&[Role::OrgStaff])?;
    let tx = db.write(ctx).await?;
    let before = donation_station::Entity::lock_owned_opt(tx.conn(), ctx, id)
        .await?
        .filter(|s| Some(s.organization_id) == ctx.organization_id())
        .ok_or(Error::NotFound("donation station"))?;
    if before.closed_on.is_some() {
        return Err(Error::conflict(
            format!("{} is already closed", before.name),
            format!("{}已关闭", before.name),
        ));
    }
    let after = donation_station::Model {
        closed_on: Some(crate::clock::today()),
        ..before.clone()
    };
    donation_station::Entity::save_owned(tx.conn(), after.clone()).await?;
    tx.commit(
        AuditEvent::new("station.close", "donation_station", id)
            .organization(Some(after.organization_id))
            .changed(
                &json!({"closed_on": before.closed_on}),
                &json!({"closed_on": after.closed_on}),
            ),
    )
    .await?;
    Ok(after)
}

pub(crate) async fn find<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<donation_station::Model> {
    donation_station::Entity::find_owned(conn, ctx, id).await
}

/// The station a gift names: the receiving organization's, open on the day
/// the gift was handed in.
pub(crate) async fn station_for_gift<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    org: &organization::Model,
    id: Uuid,
    received_on: NaiveDate,
) -> Result<donation_station::Model> {
    let station = donation_station::Entity::find_owned_opt(conn, ctx, id)
        .await?
        .filter(|s| s.organization_id == org.id)
        .ok_or_else(|| {
            Error::validation(
                "stationId",
                "no donation station of your organization has this id",
                "本机构没有这个慈善捐助站",
            )
        })?;
    let open = station.opened_on <= received_on && station.closed_on.is_none_or(|closed| received_on < closed);
    if !open {
        let until = station.closed_on.map(|d| d.to_string()).unwrap_or_default();
        return Err(Error::validation(
            "stationId",
            format!(
                "{} was open from {} {}; a gift received on {received_on} cannot have been taken there",
                station.name,
                station.opened_on,
                if until.is_empty() {
                    String::new()
                } else {
                    format!("until {until}")
                }
            ),
            format!(
                "{}自 {} 开放{}，{received_on} 收到的捐赠不可能由该站接收",
                station.name,
                station.opened_on,
                if until.is_empty() {
                    String::new()
                } else {
                    format!("，{until} 关闭")
                }
            ),
        ));
    }
    Ok(station)
}

/// A station with what it has taken (voids deducted).
pub struct StationFigures {
    pub station: donation_station::Model,
    pub organization_name: String,
    pub gifts: i64,
    pub money_fen: i64,
    pub goods_fen: i64,
}

/// The city's stations, open ones first, each with its figures: public.
pub async fn list(db: &Db, ctx: &TenantContext) -> Result<Vec<StationFigures>> {
    let tx = db.read(ctx).await?;
    let stations = donation_station::Entity::scoped(ctx)
        .order_by_asc(donation_station::Column::District)
        .order_by_asc(donation_station::Column::Name)
        .all(&tx)
        .await?;
    let sums: Vec<(Option<Uuid>, GiftKind, i64, i64)> = donation::Entity::scoped(ctx)
        .select_only()
        .column(donation::Column::StationId)
        .column(donation::Column::GiftKind)
        .column_as(Expr::cust("CAST(SUM(amount_fen) AS BIGINT)"), "fen")
        .column_as(
            Expr::cust("CAST(SUM(CASE WHEN entry = 'gift' THEN 1 ELSE -1 END) AS BIGINT)"),
            "gifts",
        )
        .filter(donation::Column::StationId.is_not_null())
        .filter(donation::Column::Status.eq(DonationStatus::Confirmed))
        .group_by(donation::Column::StationId)
        .group_by(donation::Column::GiftKind)
        .into_tuple()
        .all(&tx)
        .await?;
    let organizations: HashMap<Uuid, String> = organization::Entity::scoped(ctx)
        .filter(organization::Column::Id.is_in(stations.iter().map(|s| s.organization_id)))
        .all(&tx)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    tx.commit().await?;
    let mut figures: Vec<StationFigures> = stations
        .into_iter()
        .map(|station| {
            let of = |kind: GiftKind| {
                sums.iter()
                    .filter(|(s, k, _, _)| *s == Some(station.id) && *k == kind)
                    .fold((0, 0), |(fen, n), (_, _, f, g)| (fen + f, n + g))
            };
            let (money_fen, money_gifts) = of(GiftKind::Money);
            let (goods_fen, goods_gifts) = of(GiftKind::Goods);
            StationFigures {
                organization_name: organizations.get(&station.organization_id).cloned().unwrap_or_default(),
                station,
                gifts: money_gifts + goods_gifts,
                money_fen,
                goods_fen,
            }
        })
        .collect();
    // Open stations first; the sort is stable, so each half keeps its order.
    figures.sort_by_key(|f| f.station.closed_on.is_some());
    Ok(figures)
}

/// The stations of the caller's organization, open and closed, by name
/// (its station page, and its gift form, which offers the open ones).
pub async fn of_my_organization(db: &Db, ctx: &TenantContext) -> Result<Vec<donation_station::Model>> {
    let Some(organization_id) = ctx.organization_id() else {
        return Ok(Vec::new());
    };
    let tx = db.read(ctx).await?;
    let stations = donation_station::Entity::scoped(ctx)
        .filter(donation_station::Column::OrganizationId.eq(organization_id))
        .order_by_asc(donation_station::Column::Name)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(stations)
}
