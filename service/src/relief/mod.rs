//! Government relief linked with charity assistance (政府救助 + 慈善帮扶):
//! the city's relief standards, relief cases (households, their members and
//! the relief they hold), referrals to charity ([`referrals`]) and the
//! officials' dashboard ([`dashboard`]).
//!
//! Personal data (names, identity numbers, the street address, health and
//! disability) is masked in every view except for the city's officials,
//! who handle the cases; every unmasked read writes its own audit record.

pub mod dashboard;
pub mod identity;
pub mod referrals;

use chrono::NaiveDate;
use entity::app_user::Role;
use entity::relief_benefit;
use entity::relief_case::{self, CaseStatus};
use entity::relief_person;
use entity::relief_standard::{self, Area, Period, ReliefCategory};
use entity::{audit_log, referral, referral_target};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::page::{self, Order, Page, PageRequest};
use crate::privacy::mask_name;
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

/// How hidden personal text reads.
pub const HIDDEN: &str = "已隐藏";
/// Most members one household may list.
pub const MAX_MEMBERS: usize = 20;

/// The city's current standards: officials and charity staff of the city.
pub async fn standards(db: &Db, ctx: &TenantContext) -> Result<Vec<relief_standard::Model>> {
    ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let tx = db.read(ctx).await?;
    let rows = relief_standard::Entity::scoped(ctx)
        .order_by_asc(relief_standard::Column::Category)
        .order_by_asc(relief_standard::Column::Area)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Set one standard (a tenant setting officials keep current).
pub async fn set_standard(
    db: &Db,
    ctx: &TenantContext,
    category: ReliefCategory,
    area: Area,
    amount: Money,
    period: Period,
) -> Result<relief_standard::Model> {
    let (user, _) = ctx.require_role(&[Role::CityOfficial])?;
    if amount.is_negative() || amount.fen() > 100_000_000 {
        return Err(Error::validation(
            "amount",
            "a standard is between 0 and 1,000,000.00 yuan",
            "救助标准须在 0 至 100 万元之间",
        ));
    }
    let tx = db.write(ctx).await?;
    let before = relief_standard::Entity::scoped(ctx)
        .filter(relief_standard::Column::Category.eq(category))
        .filter(relief_standard::Column::Area.eq(area))
        .one(tx.conn())
        .await?;
    let after = relief_standard::Model {
        tenant_id: ctx.tenant_id,
        category,
        area,
        amount_fen: amount.fen(),
        period,
        updated_by: Some(user),
        updated_at: clock::now(),
    };
    let shown = |s: &relief_standard::Model| json!({"category": s.category, "area": s.area, "amount_fen": s.amount_fen, "period": s.period});
    let event = AuditEvent::new(
        "relief_standard.set",
        "relief_standard",
        format!("{category:?}/{area:?}"),
    );
    let event = match &before {
        Some(old) => {
            relief_standard::ActiveModel::from(after.clone())
                .reset_all()
                .update(tx.conn())
                .await?;
            event.changed(&shown(old), &shown(&after))
        }
        None => {
            relief_standard::Entity::insert(relief_standard::ActiveModel::from(after.clone()))
                .exec_without_returning(tx.conn())
                .await?;
            event.created(&shown(&after))
        }
    };
    tx.commit(event).await?;
    Ok(after)
}

/// A household member as typed by the official.
#[derive(Clone, Debug)]
pub struct PersonInput {
    pub name: String,
    pub id_number: String,
    pub relationship: String,
    pub disability: Option<String>,
    pub health: Option<String>,
}

#[derive(Clone, Copy, Debug)]
pub struct BenefitInput {
    pub category: ReliefCategory,
    pub monthly: Money,
    pub since: NaiveDate,
}

#[derive(Clone, Debug)]
pub struct CaseInput {
    pub district: String,
    pub street: String,
    pub community: String,
    pub address: String,
    /// The head first.
    pub members: Vec<PersonInput>,
    pub benefits: Vec<BenefitInput>,
}

/// Register a relief household (city officials).
pub async fn register_case(
    db: &Db,
    ctx: &TenantContext,
    input: CaseInput,
    idempotency_key: Option<&str>,
) -> Result<CaseView> {
    let (user, _) = ctx.require_role(&[Role::CityOfficial])?;
    let today = crate::clock::today();
    let district = validate::required_text("district", &input.district, 100)?;
    let street = validate::required_text("street", &input.street, 100)?;
    let community = validate::required_text("community", &input.community, 100)?;
    let address = validate::required_text("address", &input.address, 300)?;
    if input.members.is_empty() || input.members.len() > MAX_MEMBERS {
        return Err(Error::validation(
            "members",
            format!("list the household's members, the head first (1 to {MAX_MEMBERS})"),
            format!("请填写家庭成员（1 至 {MAX_MEMBERS} 人），户主列在第一位"),
        ));
    }
    let mut people = Vec::new();
    for (i, m) in input.members.iter().enumerate() {
        let name = validate::required_text("members.name", &m.name, 50)?;
        let (id_number, _) = identity::parse("members.idNumber", &m.id_number, today)?;
        if people
            .iter()
            .any(|p: &(String, String, String, String, String)| p.1 == id_number)
        {
            return Err(Error::validation(
                "members.idNumber",
                format!("{} is listed twice", identity::mask(&id_number)),
                format!("身份证号 {} 重复填写", identity::mask(&id_number)),
            ));
        }
        let relationship = if i == 0 {
            "本人".to_owned()
        } else {
            validate::required_text("members.relationship", &m.relationship, 16)?
        };
        let disability =
            validate::optional_text("members.disability", m.disability.as_deref(), 100)?.unwrap_or_default();
        let health = validate::optional_text("members.health", m.health.as_deref(), 200)?.unwrap_or_default();
        people.push((name, id_number, relationship, disability, health));
    }
    let mut seen = Vec::new();
    for b in &input.benefits {
        if seen.contains(&b.category) {
            return Err(Error::validation(
                "benefits",
                "each relief category is listed once",
                "每个救助类别只能填写一次",
            ));
        }
        seen.push(b.category);
        if b.monthly.is_negative() || b.monthly.fen() > 100_000_000 {
            return Err(Error::validation(
                "benefits.monthly",
                "a monthly amount is between 0 and 1,000,000.00",
                "每月金额须在 0 至 100 万元之间",
            ));
        }
        if b.since > today {
            return Err(Error::validation(
                "benefits.since",
                "relief held since a future date cannot be recorded",
                "起始日期不能晚于今天",
            ));
        }
    }
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({
        "district": district, "street": street, "community": community, "address": address,
        "members": people.iter().map(|p| &p.1).collect::<Vec<_>>(),
        "benefits": input.benefits.iter().map(|b| json!({"category": b.category, "monthly_fen": b.monthly.fen(), "since": b.since})).collect::<Vec<_>>(),
    });
    if let Some(id) = tx
        .replayed(idempotency_key, "relief_case.register", &fingerprint)
        .await?
    {
        let view = load_view(tx.conn(), ctx, id, true).await?;
        drop(tx);
        return Ok(view);
    }
    // The same person in another open household of the city is a
    // registration mistake an official must resolve first.
    let ids: Vec<String> = people.iter().map(|p| p.1.clone()).collect();
    let clash = relief_person::Entity::scoped(ctx)
        .filter(relief_person::Column::IdNumber.is_in(ids))
        .all(tx.conn())
        .await?;
    for person in clash {
        let open = relief_case::Entity::find_owned_opt(tx.conn(), ctx, person.case_id)
            .await?
            .is_some_and(|c| c.status == CaseStatus::Open);
        if open {
            return Err(Error::conflict(
                format!(
                    "{} already belongs to open case {}; close or correct that case first",
                    identity::mask(&person.id_number),
                    person.case_id
                ),
                format!(
                    "身份证号 {} 已在未结案的救助案件 {} 中，请先结案或更正该案件",
                    identity::mask(&person.id_number),
                    person.case_id
                ),
            ));
        }
    }
    let now = clock::now();
    let case = relief_case::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        district,
        street,
        community,
        address,
        status: CaseStatus::Open,
        outcome: None,
        registered_by: user,
        created_at: now,
        closed_by: None,
        closed_at: None,
    };
    relief_case::Entity::insert(relief_case::ActiveModel::from(case.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    relief_person::Entity::insert_many(people.into_iter().enumerate().map(|(i, p)| {
        relief_person::ActiveModel::from(relief_person::Model {
            tenant_id: ctx.tenant_id,
            id: Uuid::now_v7(),
            case_id: case.id,
            position: i as i32 + 1,
            name: p.0,
            id_number: p.1,
            relationship: p.2,
            disability: p.3,
            health: p.4,
        })
    }))
    .exec_without_returning(tx.conn())
    .await?;
    if !input.benefits.is_empty() {
        relief_benefit::Entity::insert_many(input.benefits.iter().map(|b| {
            relief_benefit::ActiveModel::from(relief_benefit::Model {
                tenant_id: ctx.tenant_id,
                case_id: case.id,
                category: b.category,
                amount_fen: b.monthly.fen(),
                since: b.since,
            })
        }))
        .exec_without_returning(tx.conn())
        .await?;
    }
    let view = load_view(tx.conn(), ctx, case.id, true).await?;
    // The audit record names people by masked number only: the trail is
    // read more widely than the case.
    tx.commit(
        AuditEvent::new("relief_case.register", "relief_case", case.id).created(&json!({
            "district": case.district, "street": case.street, "community": case.community,
            "members": view.people.iter().map(|p| identity::mask(&p.id_number)).collect::<Vec<_>>(),
            "benefits": fingerprint["benefits"],
        })),
    )
    .await?;
    Ok(view)
}

/// A member as shown: masked unless the view is unmasked.
#[derive(Clone, Debug)]
pub struct PersonView {
    pub position: i32,
    pub name: String,
    pub id_number: String,
    pub relationship: String,
    pub age: Option<i32>,
    pub disability: String,
    pub health: String,
}

#[derive(Clone, Debug)]
pub struct CaseView {
    pub case: relief_case::Model,
    /// Whether personal data is shown in full.
    pub unmasked: bool,
    pub people: Vec<PersonView>,
    pub benefits: Vec<relief_benefit::Model>,
}

impl CaseView {
    /// The head's name as shown.
    pub fn head_name(&self) -> &str {
        self.people.first().map_or("", |p| p.name.as_str())
    }

    /// The street address as shown.
    pub fn address(&self) -> &str {
        if self.unmasked { &self.case.address } else { HIDDEN }
    }
}

fn person_view(p: relief_person::Model, unmasked: bool, today: NaiveDate) -> PersonView {
    let age = identity::parse("idNumber", &p.id_number, today)
        .ok()
        .map(|(_, birth)| identity::age(birth, today));
    let hide = |s: String| if unmasked || s.is_empty() { s } else { HIDDEN.to_owned() };
    PersonView {
        position: p.position,
        name: if unmasked { p.name.clone() } else { mask_name(&p.name) },
        id_number: if unmasked {
            p.id_number.clone()
        } else {
            identity::mask(&p.id_number)
        },
        relationship: p.relationship,
        age,
        disability: hide(p.disability),
        health: hide(p.health),
    }
}

async fn load_view<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid, unmasked: bool) -> Result<CaseView> {
    let case = relief_case::Entity::find_owned(conn, ctx, id).await?;
    let mut views = views_of(conn, ctx, vec![case], unmasked).await?;
    views.pop().ok_or(Error::NotFound("relief case"))
}

/// Views of several cases, with two queries for all their people and
/// benefits.
async fn views_of<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    cases: Vec<relief_case::Model>,
    unmasked: bool,
) -> Result<Vec<CaseView>> {
    let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let people = relief_person::Entity::scoped(ctx)
        .filter(relief_person::Column::CaseId.is_in(ids.clone()))
        .order_by_asc(relief_person::Column::Position)
        .all(conn)
        .await?;
    let benefits = relief_benefit::Entity::scoped(ctx)
        .filter(relief_benefit::Column::CaseId.is_in(ids))
        .all(conn)
        .await?;
    let today = crate::clock::today();
    Ok(cases
        .into_iter()
        .map(|case| CaseView {
            people: people
                .iter()
                .filter(|p| p.case_id == case.id)
                .cloned()
                .map(|p| person_view(p, unmasked, today))
                .collect(),
            benefits: benefits.iter().filter(|b| b.case_id == case.id).cloned().collect(),
            unmasked,
            case,
        })
        .collect())
}

/// Whether the caller may see this case, and whether unmasked: officials
/// of the city in full; staff of an organization the case was referred to,
/// masked; nobody else.
async fn access<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, case_id: Uuid) -> Result<bool> {
    match ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?.1 {
        Role::CityOfficial => Ok(true),
        _ => {
            let referrals: Vec<Uuid> = referral::Entity::scoped(ctx)
                .select_only()
                .column(referral::Column::Id)
                .filter(referral::Column::CaseId.eq(case_id))
                .into_tuple()
                .all(conn)
                .await?;
            let referred = !referrals.is_empty()
                && referral_target::Entity::scoped(ctx)
                    .filter(referral_target::Column::ReferralId.is_in(referrals))
                    .filter(referral_target::Column::OrganizationId.eq(ctx.organization_id()))
                    .one(conn)
                    .await?
                    .is_some();
            if referred {
                Ok(false)
            } else {
                Err(Error::NotFound("relief case"))
            }
        }
    }
}

/// One case. An official's (unmasked) read is written to the audit trail.
pub async fn get_case(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<CaseView> {
    ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    if ctx.role() == Some(Role::CityOfficial) {
        let tx = db.write(ctx).await?;
        let view = load_view(tx.conn(), ctx, id, true).await?;
        tx.commit(AuditEvent::new("relief_case.read", "relief_case", id).detail(json!({"unmasked": true})))
            .await?;
        return Ok(view);
    }
    let tx = db.read(ctx).await?;
    let unmasked = access(&tx, ctx, id).await?;
    let view = load_view(&tx, ctx, id, unmasked).await?;
    tx.commit().await?;
    Ok(view)
}

/// Officials' list of the city's cases, newest first; one audit record per
/// page read, naming the cases shown.
pub async fn list_cases(
    db: &Db,
    ctx: &TenantContext,
    status: Option<CaseStatus>,
    district: Option<&str>,
    page: PageRequest<Uuid>,
) -> Result<Page<CaseView>> {
    ctx.require_role(&[Role::CityOfficial])?;
    let mut query = relief_case::Entity::scoped(ctx);
    if let Some(status) = status {
        query = query.filter(relief_case::Column::Status.eq(status));
    }
    if let Some(district) = district.map(str::trim).filter(|d| !d.is_empty()) {
        query = query.filter(relief_case::Column::District.eq(district));
    }
    let tx = db.write(ctx).await?;
    let page = page::fetch(tx.conn(), query, relief_case::Column::Id, Order::NewestFirst, page).await?;
    let items = views_of(tx.conn(), ctx, page.items, true).await?;
    let shown: Vec<Uuid> = items.iter().map(|v| v.case.id).collect();
    tx.commit(
        AuditEvent::new("relief_case.read", "relief_case", "list").detail(json!({"unmasked": true, "cases": shown})),
    )
    .await?;
    Ok(Page {
        items,
        has_next: page.has_next,
        total: page.total,
    })
}

/// Who read this household's personal data in full, newest first (at most
/// `limit`): its own page, and the pages of the case list that showed it.
/// The trail answers "who looked at this household's identity numbers".
pub async fn readers(db: &Db, ctx: &TenantContext, id: Uuid, limit: u64) -> Result<Vec<audit_log::Model>> {
    use sea_orm::Condition;
    use sea_orm::sea_query::{Expr, ExprTrait};
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    relief_case::Entity::find_owned(&tx, ctx, id).await?;
    let reads = audit_log::Entity::scoped(ctx)
        .filter(audit_log::Column::Action.eq("relief_case.read"))
        .filter(
            Condition::any()
                .add(audit_log::Column::EntityId.eq(id.to_string()))
                .add(
                    Condition::all()
                        .add(audit_log::Column::EntityId.eq("list"))
                        // The list's record names the cases it showed.
                        .add(Expr::col(audit_log::Column::Changes).like(format!("%{id}%"))),
                ),
        )
        .order_by_desc(audit_log::Column::Seq)
        .limit(limit)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(reads)
}

/// Close a case with its outcome; its open referrals close with it.
pub async fn close_case(db: &Db, ctx: &TenantContext, id: Uuid, outcome: &str) -> Result<CaseView> {
    let (user, _) = ctx.require_role(&[Role::CityOfficial])?;
    let outcome = validate::required_text("outcome", outcome, 2000)?;
    let tx = db.write(ctx).await?;
    let case = relief_case::Entity::lock_owned(tx.conn(), ctx, id).await?;
    if case.status == CaseStatus::Closed {
        return Err(Error::conflict("the case is already closed", "该案件已结案"));
    }
    let now = clock::now();
    let closed = relief_case::Model {
        status: CaseStatus::Closed,
        outcome: Some(outcome.clone()),
        closed_by: Some(user),
        closed_at: Some(now),
        ..case
    };
    relief_case::Entity::save_owned(tx.conn(), closed.clone()).await?;
    referrals::close_open_referrals(tx.conn(), ctx, id, now).await?;
    let view = load_view(tx.conn(), ctx, id, true).await?;
    tx.commit(AuditEvent::new("relief_case.close", "relief_case", id).changed(
        &json!({"status": "open"}),
        &json!({"status": "closed", "outcome": outcome}),
    ))
    .await?;
    Ok(view)
}

/// The head of a household's name (for a fund disbursement's beneficiary,
/// which the public sees masked).
pub(crate) async fn head_name<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, case_id: Uuid) -> Result<String> {
    Ok(relief_person::Entity::scoped(ctx)
        .filter(relief_person::Column::CaseId.eq(case_id))
        .filter(relief_person::Column::Position.eq(1))
        .one(conn)
        .await?
        .map(|p| p.name)
        .unwrap_or_default())
}
