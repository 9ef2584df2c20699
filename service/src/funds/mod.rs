//! Community charity funds (社区发展慈善基金): opened by the charitable
//! organization that manages them, filled by designated gifts, emptied by
//! approved disbursements, and disclosed to the public in full (with
//! beneficiaries masked and undisclosed donors unnamed).

pub mod allocation;
pub mod disbursements;

use std::collections::BTreeMap;

use chrono::{Datelike, SubsecRound, Utc};
use entity::app_user::Role;
use entity::charity_fund;
use entity::disbursement::{self, BeneficiaryKind, DisbursementStatus, Purpose};
use entity::donation::{self, DonationStatus, Entry};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::context::TenantContext;
use crate::db::Db;
use crate::donations::{GiftView, with_reversals};
use crate::error::{Error, Result, is_unique_violation};
use crate::page::{Page, PageRequest};
use crate::privacy;
use crate::validate;

pub struct FundInput {
    pub name: String,
    pub community: String,
    pub street: String,
    pub district: String,
}

/// A charity opens a fund for a community it serves.
pub async fn create(
    db: &Db,
    ctx: &TenantContext,
    input: FundInput,
    idempotency_key: Option<&str>,
) -> Result<charity_fund::Model> {
    let (user, _) = ctx.require_user()?;
    ctx.require_role(&[Role::OrgStaff])?;
    let organization_id = ctx
        .organization_id()
        .ok_or_else(|| Error::forbidden("this account does not act for an organization"))?;
    let name = validate::required_text("name", &input.name, 200)?;
    let community = validate::required_text("community", &input.community, 100)?;
    let street = validate::required_text("street", &input.street, 100)?;
    let district = validate::required_text("district", &input.district, 100)?;
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({"name": name, "community": community, "street": street, "district": district});
    if let Some(id) = tx.idempotent(idempotency_key, "fund.create", &fingerprint).await? {
        let fund = find(tx.conn(), ctx, crate::users::replayed_id(&id)?).await?;
        drop(tx);
        return Ok(fund);
    }
    crate::donations::receiving_organization(tx.conn(), ctx, organization_id).await?;
    let fund = charity_fund::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        organization_id,
        name,
        community,
        street,
        district,
        raised_fen: 0,
        disbursed_fen: 0,
        created_by: user,
        created_at: Utc::now().trunc_subsecs(6),
    };
    charity_fund::Entity::insert(charity_fund::ActiveModel::from(fund.clone()))
        .exec_without_returning(tx.conn())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::conflict(
                    format!("a fund named {} already exists in this city", fund.name),
                    format!("本市已有名为“{}”的基金", fund.name),
                )
            } else {
                e.into()
            }
        })?;
    tx.commit(
        AuditEvent::new("fund.create", "charity_fund", fund.id)
            .organization(Some(organization_id))
            .created(&fingerprint),
    )
    .await?;
    Ok(fund)
}

pub(crate) async fn find<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<charity_fund::Model> {
    charity_fund::Entity::find_by_id((ctx.tenant_id, id))
        .one(conn)
        .await?
        .ok_or(Error::NotFound("fund"))
}

/// The city's funds, in name order: public.
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    district: Option<&str>,
    page: PageRequest<Uuid>,
) -> Result<Page<charity_fund::Model>> {
    let mut query = charity_fund::Entity::find().filter(charity_fund::Column::TenantId.eq(ctx.tenant_id));
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
    let funds = charity_fund::Entity::find()
        .filter(charity_fund::Column::TenantId.eq(ctx.tenant_id))
        .filter(charity_fund::Column::OrganizationId.eq(organization_id))
        .order_by_asc(charity_fund::Column::Name)
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(funds)
}

/// One fund's public page, read in one transaction: the fund itself, then
/// whichever of its spending, disbursements and gifts the caller asks for.
/// A page asks for several; one transaction for all of them saves each its
/// own `BEGIN`, tenant binding and `COMMIT`, and they all see one snapshot.
/// The transaction only reads, and is rolled back when the reader is
/// dropped at the end of the request.
///
/// A fund read as part of a list ([`FundReader::of`]) holds no transaction:
/// each of its reads takes its own, so a page of twenty funds never holds
/// twenty pooled connections at once (and cannot starve the pool waiting for
/// a twenty-first).
pub struct FundReader {
    db: Db,
    ctx: TenantContext,
    fund: charity_fund::Model,
    tx: Option<DatabaseTransaction>,
}

/// Where one read runs: the reader's own transaction, or a fresh one.
enum Reading<'a> {
    Shared(&'a DatabaseTransaction),
    Own(DatabaseTransaction),
}

impl Reading<'_> {
    fn conn(&self) -> &DatabaseTransaction {
        match self {
            Reading::Shared(tx) => tx,
            Reading::Own(tx) => tx,
        }
    }

    async fn done(self) -> Result<()> {
        if let Reading::Own(tx) = self {
            tx.commit().await?;
        }
        Ok(())
    }
}

impl FundReader {
    /// Read one fund: public. NOT_FOUND when the city has no such fund.
    pub async fn open(db: &Db, ctx: &TenantContext, id: Uuid) -> Result<Self> {
        let tx = db.read(ctx).await?;
        let fund = find(&tx, ctx, id).await?;
        Ok(Self {
            db: db.clone(),
            ctx: ctx.clone(),
            fund,
            tx: Some(tx),
        })
    }

    /// A fund already loaded (a page of the city's funds).
    pub fn of(db: &Db, ctx: &TenantContext, fund: charity_fund::Model) -> Self {
        Self {
            db: db.clone(),
            ctx: ctx.clone(),
            fund,
            tx: None,
        }
    }

    pub fn fund(&self) -> &charity_fund::Model {
        &self.fund
    }

    async fn reading(&self) -> Result<Reading<'_>> {
        Ok(match &self.tx {
            Some(tx) => Reading::Shared(tx),
            None => Reading::Own(self.db.read(&self.ctx).await?),
        })
    }

    /// Spending by purpose and month, oldest first.
    pub async fn spending(&self) -> Result<Vec<SpendingPoint>> {
        let reading = self.reading().await?;
        let rows: Vec<(Purpose, Option<chrono::DateTime<Utc>>, i64)> = disbursement::Entity::find()
            .select_only()
            .column(disbursement::Column::Purpose)
            .column(disbursement::Column::DecidedAt)
            .column(disbursement::Column::AmountFen)
            .filter(disbursement::Column::TenantId.eq(self.ctx.tenant_id))
            .filter(disbursement::Column::FundId.eq(self.fund.id))
            .filter(disbursement::Column::Status.is_in(SPENT))
            .into_tuple()
            .all(reading.conn())
            .await?;
        reading.done().await?;
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

    /// Approved and paid disbursements, newest first (the caller masks the
    /// beneficiary with [`public_beneficiary`]).
    pub async fn disbursements(&self, page: PageRequest<Uuid>) -> Result<Page<disbursement::Model>> {
        let mut query = disbursement::Entity::find()
            .filter(disbursement::Column::TenantId.eq(self.ctx.tenant_id))
            .filter(disbursement::Column::FundId.eq(self.fund.id))
            .filter(disbursement::Column::Status.is_in(SPENT));
        if let Some(after) = page.after {
            query = query.filter(disbursement::Column::Id.lt(after));
        }
        let reading = self.reading().await?;
        let rows = query
            .order_by_desc(disbursement::Column::Id)
            .limit(page.first + 1)
            .all(reading.conn())
            .await?;
        reading.done().await?;
        Ok(Page::from_overfetch(rows, page.first))
    }

    /// Confirmed gifts, newest first (the caller shows
    /// [`GiftView::public_donor_name`], never the name itself).
    pub async fn gifts(&self, page: PageRequest<Uuid>) -> Result<Page<GiftView>> {
        let mut query = donation::Entity::find()
            .filter(donation::Column::TenantId.eq(self.ctx.tenant_id))
            .filter(donation::Column::FundId.eq(self.fund.id))
            .filter(donation::Column::Entry.eq(Entry::Gift))
            .filter(donation::Column::Status.eq(DonationStatus::Confirmed));
        if let Some(after) = page.after {
            query = query.filter(donation::Column::Id.lt(after));
        }
        let reading = self.reading().await?;
        let rows = query
            .order_by_desc(donation::Column::Id)
            .limit(page.first + 1)
            .all(reading.conn())
            .await?;
        let page = Page::from_overfetch(rows, page.first);
        let items = with_reversals(reading.conn(), &self.ctx, page.items).await?;
        reading.done().await?;
        Ok(Page {
            items,
            has_next: page.has_next,
        })
    }
}

/// What the public may know of a beneficiary.
pub fn public_beneficiary(d: &disbursement::Model) -> String {
    match d.beneficiary_kind {
        BeneficiaryKind::Person => privacy::mask_name(&d.beneficiary_name),
        BeneficiaryKind::Household => format!("{}户", privacy::mask_name(&d.beneficiary_name)),
        BeneficiaryKind::Project => d.beneficiary_name.clone(),
    }
}

/// Spending of one purpose in one month.
pub struct SpendingPoint {
    /// `YYYY-MM`, by the date of approval (China Standard Time).
    pub month: String,
    pub purpose: Purpose,
    pub amount_fen: i64,
}

const SPENT: [DisbursementStatus; 2] = [DisbursementStatus::Approved, DisbursementStatus::Paid];
