//! Charity funds: community funds (社区发展慈善基金) and special funds
//! (专项基金), opened by the charitable organization that manages them,
//! filled by designated gifts, emptied by approved disbursements, and
//! disclosed to the public in full (with beneficiaries masked and
//! undisclosed donors unnamed), with the services charities delivered on
//! referrals made to the fund.

pub mod allocation;
pub mod disbursements;

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::{Datelike, Utc};
use entity::charity_fund::{self, FundKind};
use entity::disbursement::{self, BeneficiaryKind, DisbursementStatus, Purpose};
use entity::donation::{self, DonationStatus, Entry};
use entity::referral_need::{NeedKind, Service};
use entity::{assistance, organization, referral_target};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::Db;
use crate::donations::{GiftView, with_reversals};
use crate::error::{Error, OrConflict, Result};
use crate::page::{self, Order, Page, PageRequest};
use crate::privacy;
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

pub struct FundInput {
    pub name: String,
    pub kind: FundKind,
    /// Required for a community fund; a special fund may leave them empty.
    pub community: String,
    pub street: String,
    pub district: String,
}

/// A charity opens a fund for a community it serves, or a special fund for
/// a cause.
pub async fn create(
    db: &Db,
    ctx: &TenantContext,
    input: FundInput,
    idempotency_key: Option<&str>,
) -> Result<charity_fund::Model> {
    let (user, organization_id) = ctx.require_staff()?;
    let name = validate::required_text("name", &input.name, 200)?;
    let place = |field: &'static str, value: &str| match input.kind {
        FundKind::Community => validate::required_text(field, value, 100),
        FundKind::Special => Ok(validate::optional_text(field, Some(value), 100)?.unwrap_or_default()),
    };
    let community = place("community", &input.community)?;
    let street = place("street", &input.street)?;
    let district = place("district", &input.district)?;
    let mut tx = db.write(ctx).await?;
    let fingerprint =
        json!({"name": name, "kind": input.kind, "community": community, "street": street, "district": district});
    if let Some(id) = tx.replayed(idempotency_key, "fund.create", &fingerprint).await? {
        return find(tx.conn(), ctx, id).await;
    }
    crate::donations::receiving_organization(tx.conn(), ctx, organization_id).await?;
    let fund = charity_fund::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id,
        name,
        kind: input.kind,
        community,
        street,
        district,
        raised_fen: 0,
        disbursed_fen: 0,
        created_by: user,
        created_at: clock::now(),
    };
    charity_fund::Entity::insert(charity_fund::ActiveModel::from(fund.clone()))
        .exec_without_returning(tx.conn())
        .await
        .or_conflict(|| {
            Error::conflict(
                format!("a fund named {} already exists in this city", fund.name),
                format!("本市已有名为“{}”的基金", fund.name),
            )
        })?;
    tx.commit(
        AuditEvent::new("fund.create", "charity_fund", fund.id)
            .organization(Some(organization_id))
            .created(&fingerprint),
    )
    .await?;
    Ok(fund)
}

/// A fund as anyone may read it (the page a donor gives from), with the
/// name of the charity that runs it.
pub async fn get(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<(charity_fund::Model, String)> {
    let tx = db.read(ctx).await?;
    let fund = find(&tx, ctx, id).await?;
    let charity = organization::Entity::find_owned(&tx, ctx, fund.organization_id).await?;
    tx.commit().await?;
    Ok((fund, charity.name))
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<charity_fund::Model> {
    charity_fund::Entity::find_owned(conn, ctx, id).await
}

/// The city's funds, in name order: public.
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    district: Option<&str>,
    page: PageRequest<Uuid>,
) -> Result<Page<charity_fund::Model>> {
    let mut query = charity_fund::Entity::scoped(ctx);
    if let Some(district) = district.map(str::trim).filter(|d| !d.is_empty()) {
        query = query.filter(charity_fund::Column::District.eq(district));
    }
    crate::page::fetch_by_id(db, ctx, query, charity_fund::Column::Id, page).await
}

/// The funds the caller's organization manages, by name (for its forms).
pub async fn of_my_organization(db: &Db, ctx: &TenantContext) -> Result<Vec<charity_fund::Model>> {
    let Some(organization_id) = ctx.organization_id() else {
        return Ok(Vec::new());
    };
    let tx = db.read(ctx).await?;
    let funds = charity_fund::Entity::scoped(ctx)
        .filter(charity_fund::Column::OrganizationId.eq(organization_id))
        .order_by_asc(charity_fund::Column::Name)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(funds)
}

/// What of a fund's public page to read together with the fund.
#[derive(Clone, Copy, Debug, Default)]
pub struct FundPageParts {
    pub spending: bool,
    pub services: bool,
    pub disbursements: Option<PageRequest<Uuid>>,
    pub gifts: Option<PageRequest<Uuid>>,
}

/// One fund's public page: the fund and the parts of its page the caller
/// will ask for, read in one transaction that is over before the reader is
/// returned. One transaction saves each part its own `BEGIN`, tenant
/// binding and `COMMIT`, and they all see one snapshot; being over at once,
/// it never holds a pooled connection while the rest of a request waits for
/// another. A part not read up front (or asked for again, or with another
/// page) is read when asked, in a transaction of its own.
pub struct FundReader {
    db: Db,
    ctx: TenantContext,
    fund: charity_fund::Model,
    read: Mutex<Prefetched>,
}

/// The parts read with the fund, each handed out once.
#[derive(Default)]
struct Prefetched {
    spending: Option<Vec<SpendingPoint>>,
    services: Option<Vec<ServiceTotal>>,
    disbursements: Option<(PageRequest<Uuid>, Page<disbursement::Model>)>,
    gifts: Option<(PageRequest<Uuid>, Page<GiftView>)>,
}

impl FundReader {
    /// Read one fund and the given parts of its page: public. NOT_FOUND
    /// when the city has no such fund.
    pub async fn open(db: &Db, ctx: &TenantContext, id: Uuid, parts: FundPageParts) -> Result<Self> {
        let tx = db.read(ctx).await?;
        let fund = find(&tx, ctx, id).await?;
        let mut read = Prefetched::default();
        if parts.spending {
            read.spending = Some(spending_in(&tx, ctx, fund.id).await?);
        }
        if parts.services {
            read.services = Some(services_in(&tx, ctx, fund.id).await?);
        }
        if let Some(page) = parts.disbursements {
            read.disbursements = Some((page, disbursements_in(&tx, ctx, fund.id, page).await?));
        }
        if let Some(page) = parts.gifts {
            read.gifts = Some((page, gifts_in(&tx, ctx, fund.id, page).await?));
        }
        tx.commit().await?;
        Ok(Self {
            db: db.clone(),
            ctx: ctx.clone(),
            fund,
            read: Mutex::new(read),
        })
    }

    /// A fund already loaded (a page of the city's funds): each part is
    /// read when asked.
    pub fn of(db: &Db, ctx: &TenantContext, fund: charity_fund::Model) -> Self {
        Self {
            db: db.clone(),
            ctx: ctx.clone(),
            fund,
            read: Mutex::default(),
        }
    }

    pub fn fund(&self) -> &charity_fund::Model {
        &self.fund
    }

    fn prefetched<T>(&self, take: impl FnOnce(&mut Prefetched) -> Option<T>) -> Option<T> {
        take(&mut self.read.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Spending by purpose and month, oldest first.
    pub async fn spending(&self) -> Result<Vec<SpendingPoint>> {
        if let Some(points) = self.prefetched(|r| r.spending.take()) {
            return Ok(points);
        }
        let tx = self.db.read(&self.ctx).await?;
        let points = spending_in(&tx, &self.ctx, self.fund.id).await?;
        tx.commit().await?;
        Ok(points)
    }

    /// Services delivered on referrals made to this fund, by service.
    pub async fn services(&self) -> Result<Vec<ServiceTotal>> {
        if let Some(totals) = self.prefetched(|r| r.services.take()) {
            return Ok(totals);
        }
        let tx = self.db.read(&self.ctx).await?;
        let totals = services_in(&tx, &self.ctx, self.fund.id).await?;
        tx.commit().await?;
        Ok(totals)
    }

    /// Approved and paid disbursements, newest first (the caller masks the
    /// beneficiary with [`public_beneficiary`]).
    pub async fn disbursements(&self, page: PageRequest<Uuid>) -> Result<Page<disbursement::Model>> {
        if let Some((_, found)) = self.prefetched(|r| r.disbursements.take_if(|(asked, _)| *asked == page)) {
            return Ok(found);
        }
        let tx = self.db.read(&self.ctx).await?;
        let found = disbursements_in(&tx, &self.ctx, self.fund.id, page).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Confirmed gifts, newest first (the caller shows
    /// [`GiftView::public_donor_name`], never the name itself).
    pub async fn gifts(&self, page: PageRequest<Uuid>) -> Result<Page<GiftView>> {
        if let Some((_, found)) = self.prefetched(|r| r.gifts.take_if(|(asked, _)| *asked == page)) {
            return Ok(found);
        }
        let tx = self.db.read(&self.ctx).await?;
        let found = gifts_in(&tx, &self.ctx, self.fund.id, page).await?;
        tx.commit().await?;
        Ok(found)
    }
}

async fn spending_in<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, fund_id: Uuid) -> Result<Vec<SpendingPoint>> {
    let rows: Vec<(Purpose, Option<chrono::DateTime<Utc>>, i64)> = disbursement::Entity::scoped(ctx)
        .select_only()
        .column(disbursement::Column::Purpose)
        .column(disbursement::Column::DecidedAt)
        .column(disbursement::Column::AmountFen)
        .filter(disbursement::Column::FundId.eq(fund_id))
        .filter(disbursement::Column::Status.is_in(SPENT))
        .into_tuple()
        .all(conn)
        .await?;
    let mut points: BTreeMap<(String, String), (Purpose, i64)> = BTreeMap::new();
    for (purpose, decided_at, fen) in rows {
        let Some(date) = decided_at.map(crate::clock::china_date) else {
            continue;
        };
        let month = format!("{:04}-{:02}", date.year(), date.month());
        let key = (month, format!("{purpose:?}"));
        points.entry(key).or_insert((purpose, 0)).1 += fen;
    }
    Ok(points
        .into_iter()
        .map(|((month, _), (purpose, amount_fen))| SpendingPoint {
            month,
            purpose,
            amount_fen,
        })
        .collect())
}

/// Help in kind is attributed to a fund when the bureau referred the case
/// to the fund's organization for that fund (the referral's target names
/// it): the services delivered on those targets, summed by service.
async fn services_in<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, fund_id: Uuid) -> Result<Vec<ServiceTotal>> {
    let targets = Query::select()
        .column(referral_target::Column::Id)
        .from(referral_target::Entity)
        .and_where(referral_target::Column::TenantId.eq(ctx.tenant_id))
        .and_where(referral_target::Column::FundId.eq(fund_id))
        .to_owned();
    let rows: Vec<(Option<Service>, i32, i64)> = assistance::Entity::scoped(ctx)
        .select_only()
        .column(assistance::Column::Service)
        .column(assistance::Column::PersonTimes)
        .column(assistance::Column::HoursCenti)
        .filter(assistance::Column::Kind.eq(NeedKind::Service))
        .filter(assistance::Column::TargetId.in_subquery(targets))
        .into_tuple()
        .all(conn)
        .await?;
    let mut totals: BTreeMap<String, ServiceTotal> = BTreeMap::new();
    for (service, person_times, hours_centi) in rows {
        let Some(service) = service else { continue };
        let total = totals.entry(format!("{service:?}")).or_insert(ServiceTotal {
            service,
            person_times: 0,
            hours_centi: 0,
        });
        total.person_times += i64::from(person_times);
        total.hours_centi += hours_centi;
    }
    Ok(totals.into_values().collect())
}

async fn disbursements_in<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    fund_id: Uuid,
    page: PageRequest<Uuid>,
) -> Result<Page<disbursement::Model>> {
    let query = disbursement::Entity::scoped(ctx)
        .filter(disbursement::Column::FundId.eq(fund_id))
        .filter(disbursement::Column::Status.is_in(SPENT));
    page::fetch(conn, query, disbursement::Column::Id, Order::NewestFirst, page).await
}

async fn gifts_in<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    fund_id: Uuid,
    page: PageRequest<Uuid>,
) -> Result<Page<GiftView>> {
    let query = donation::Entity::scoped(ctx)
        .filter(donation::Column::FundId.eq(fund_id))
        .filter(donation::Column::Entry.eq(Entry::Gift))
        .filter(donation::Column::Status.eq(DonationStatus::Confirmed));
    let page = page::fetch(conn, query, donation::Column::Id, Order::NewestFirst, page).await?;
    Ok(Page {
        items: with_reversals(conn, ctx, page.items).await?,
        has_next: page.has_next,
        total: page.total,
    })
}

/// What the public may know of a beneficiary.
pub fn public_beneficiary(d: &disbursement::Model) -> String {
    match d.beneficiary_kind {
        BeneficiaryKind::Person => privacy::mask_name(&d.beneficiary_name),
        BeneficiaryKind::Household => format!("{}户", privacy::mask_name(&d.beneficiary_name)),
        BeneficiaryKind::Project => d.beneficiary_name.clone(),
    }
}

/// One service delivered on the fund's referrals, in all.
pub struct ServiceTotal {
    pub service: Service,
    pub person_times: i64,
    /// Hours in hundredths, as recorded.
    pub hours_centi: i64,
}

/// Spending of one purpose in one month.
pub struct SpendingPoint {
    /// `YYYY-MM`, by the date of approval (China Standard Time).
    pub month: String,
    pub purpose: Purpose,
    pub amount_fen: i64,
}

const SPENT: [DisbursementStatus; 2] = [DisbursementStatus::Approved, DisbursementStatus::Paid];
