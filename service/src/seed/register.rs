//! A realistic demo register for a city: associations, charities (some with
//! public fundraising), service institutions and foundations, annual
//! reports, a few organizations on the abnormal list and a few pending
//! applications. Deterministic: the same city gets the same register.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entity::annual_report::{self, ReportStatus};
use entity::organization::{self, OrganizationKind, OrganizationStatus};
use entity::registration_application::{self, ApplicationStatus};
use entity::supervision_listing::{self, SupervisionList};
use entity::{organization_version, tenant};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::clock;
use crate::context::TenantContext;
use crate::credit_code::CreditCode;
use crate::db::WriteTx;
use crate::error::{Error, Result};
use crate::organizations::Snapshot;
use crate::scoped::TenantOwned;

/// The city's charity federation (慈善总会), whose staff is the demo
/// `org_staff` user.
pub const CHARITY_FEDERATION: &str = "慈善总会";

/// (name suffix, kind, industry association, charity, public fundraising)
const REGISTER: &[(&str, OrganizationKind, bool, bool, bool)] = {
    use OrganizationKind::{Foundation as F, SocialGroup as G, SocialServiceInstitution as S};
    &[
        (CHARITY_FEDERATION, G, false, true, true),
        ("汽车工业协会", G, true, false, false),
        ("物流与采购协会", G, true, false, false),
        ("建筑业协会", G, true, false, false),
        ("餐饮行业协会", G, true, false, false),
        ("软件行业协会", G, true, false, false),
        ("旅游饭店协会", G, true, false, false),
        ("家具行业协会", G, true, false, false),
        ("电子商务协会", G, true, false, false),
        ("食品工业协会", G, true, false, false),
        ("中小企业商会", G, true, false, false),
        ("个体劳动者协会", G, true, false, false),
        ("志愿者协会", G, false, true, false),
        ("老年人体育协会", G, false, false, false),
        ("摄影家协会", G, false, false, false),
        ("青年创业促进会", G, false, false, false),
        ("阳光社会工作服务中心", S, false, true, false),
        ("幸福里养老服务中心", S, false, false, false),
        ("启明星儿童康复中心", S, false, true, false),
        ("同心社区发展服务中心", S, false, false, false),
        ("蓝天应急救援服务中心", S, false, false, false),
        ("晨曦心理健康服务中心", S, false, false, false),
        ("爱心助学服务中心", S, false, true, false),
        ("银龄居家养老服务中心", S, false, false, false),
        ("新市民融合服务中心", S, false, false, false),
        ("护苗青少年服务中心", S, false, false, false),
        ("教育发展基金会", F, false, true, true),
        ("见义勇为基金会", F, false, true, false),
        ("乡村振兴基金会", F, false, true, true),
        ("文化艺术基金会", F, false, true, false),
        ("青少年发展基金会", F, false, true, false),
        ("助残扶弱基金会", F, false, true, false),
    ]
};

/// Indexes (into REGISTER) of organizations that missed last year's report
/// and sit on the abnormal list.
const ABNORMAL: [usize; 3] = [14, 20, 25];

const PENDING: [(&str, OrganizationKind, i64, ApplicationStatus); 3] = [
    (
        "社区养老互助协会",
        OrganizationKind::SocialGroup,
        2,
        ApplicationStatus::Submitted,
    ),
    (
        "绿色家园环保服务中心",
        OrganizationKind::SocialServiceInstitution,
        12,
        ApplicationStatus::Submitted,
    ),
    (
        "困境儿童关爱基金会",
        OrganizationKind::Foundation,
        4,
        ApplicationStatus::Accepted,
    ),
];

/// Insert the register unless the city already has organizations. Returns
/// the charity federation's id.
pub(super) async fn seed_register(tx: &WriteTx<'_>, ctx: &TenantContext, city: &tenant::Model) -> Result<Option<Uuid>> {
    let federation_name = format!("{}{CHARITY_FEDERATION}", city.name);
    let existing = organization::Entity::scoped(city.id).count(tx.conn()).await?;
    if existing > 0 {
        return Ok(organization::Entity::scoped(city.id)
            .filter(organization::Column::Name.eq(federation_name))
            .one(tx.conn())
            .await?
            .map(|o| o.id));
    }
    let now = clock::now();
    let today = crate::clock::today();
    let city_number: u32 = city.division_code.parse().unwrap_or(0);
    let mut organizations = Vec::new();
    for (i, (suffix, kind, association, charity, fundraising)) in REGISTER.iter().enumerate() {
        let i32_index = i as i32;
        let registered_on = NaiveDate::from_ymd_opt(
            2005 + (i32_index * 7) % 19,
            1 + (i as u32 * 5) % 12,
            1 + (i as u32 * 3) % 28,
        )
        .ok_or_else(|| Error::internal(anyhow::anyhow!("demo date")))?;
        let body = format!("{:08}", city_number * 100 + i as u32 + 1);
        let org = Particulars {
            name: format!("{}{suffix}", city.name),
            kind: *kind,
            association: *association,
            division: &city.division_code,
            body: &body[body.len() - 8..],
            registered_on,
        }
        .into_model(city, i, now)?;
        organizations.push(organization::Model {
            charity_recognized_on: charity.then(|| (registered_on + Duration::days(400)).min(today)),
            public_fundraising_on: fundraising.then(|| (registered_on + Duration::days(800)).min(today)),
            ..org
        });
    }
    // The district and county associations the fee-reduction story needs.
    for (k, a) in super::associations::generated(city)?.iter().enumerate() {
        let n = organizations.len();
        organizations.push(
            Particulars {
                name: a.name.clone(),
                kind: OrganizationKind::SocialGroup,
                association: true,
                division: a.division,
                body: &super::associations::code_body(city, k),
                registered_on: a.registered_on,
            }
            .into_model(city, n, now)?,
        );
    }
    let versions: Vec<organization_version::ActiveModel> = organizations
        .iter()
        .map(|o| {
            Ok(organization_version::ActiveModel {
                tenant_id: Set(o.tenant_id),
                organization_id: Set(o.id),
                version: Set(1),
                snapshot: Set(serde_json::to_string(&Snapshot::from(o)).map_err(Error::internal)?),
                cause: Set("registration".to_owned()),
                change_application_id: Set(None),
                created_by: Set(None),
                created_at: Set(now),
            })
        })
        .collect::<Result<_>>()?;
    for chunk in organizations.chunks(500) {
        organization::Entity::insert_many(chunk.iter().cloned().map(organization::ActiveModel::from))
            .exec_without_returning(tx.conn())
            .await?;
    }
    super::analyze(tx, &["organization"]).await?;
    for chunk in versions.chunks(1000) {
        organization_version::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx.conn())
            .await?;
    }

    // Annual reports for the last two years, except for the abnormal ones,
    // which missed last year's; the district associations show last year's
    // only (all the daily check reads), which keeps the seed quick.
    let last_year = today.year() - 1;
    let mut reports = Vec::new();
    for (i, org) in organizations.iter().enumerate() {
        for year in [last_year - 1, last_year] {
            let generated = i >= REGISTER.len();
            if year < org.registered_on.year()
                || (year == last_year && ABNORMAL.contains(&i))
                || (generated && year < last_year)
            {
                continue;
            }
            let status = if i % 9 == 4 {
                ReportStatus::PassedWithIssues
            } else {
                ReportStatus::Passed
            };
            reports.push(annual_report::ActiveModel::from(annual_report::Model {
                tenant_id: city.id,
                id: Uuid::now_v7(),
                organization_id: org.id,
                year,
                status,
                summary: format!("{}{year}年度工作报告：开展活动、财务收支和内部治理情况。", org.name),
                submitted_by: Uuid::nil(),
                submitted_at: now,
                reviewed_by: None,
                review_comment: (status == ReportStatus::PassedWithIssues).then(|| "财务报表附注不完整".to_owned()),
                reviewed_at: Some(now),
            }));
        }
    }
    for chunk in reports.chunks(1000) {
        annual_report::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx.conn())
            .await?;
    }

    let listed_on = NaiveDate::from_ymd_opt(today.year(), 6, 1)
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let listings = ABNORMAL.iter().map(|&i| {
        supervision_listing::ActiveModel::from(supervision_listing::Model {
            tenant_id: city.id,
            id: Uuid::now_v7(),
            organization_id: organizations[i].id,
            list: SupervisionList::Abnormal,
            reason: format!("未按规定报送{last_year}年度工作报告"),
            listed_on,
            listed_by: None,
            removed_on: None,
            removal_reason: None,
            removed_by: None,
        })
    });
    supervision_listing::Entity::insert_many(listings)
        .exec_without_returning(tx.conn())
        .await?;

    let applicant = crate::context::TenantContext::user_id(ctx).unwrap_or(Uuid::nil());
    let applications = PENDING.iter().enumerate().map(|(i, (suffix, kind, days_ago, status))| {
        let submitted_at = now - Duration::days(*days_ago);
        registration_application::ActiveModel::from(registration_application::Model {
            tenant_id: city.id,
            id: Uuid::now_v7(),
            status: *status,
            applicant_user_id: applicant,
            contact_email: format!("applicant{}@{}.demo.shanlian.invalid", i + 1, city.slug),
            name: format!("{}{suffix}", city.name),
            kind: *kind,
            is_industry_association: false,
            business_scope: business_scope(*kind, false).to_owned(),
            registered_address: format!("{}新城区{}号", city.name, 100 + i),
            legal_representative: ["赵磊", "孙燕", "马骏"][i % 3].to_owned(),
            supervising_unit: String::new(),
            decision_reason: None,
            decided_by: None,
            organization_id: None,
            submitted_at,
            accepted_at: (*status == ApplicationStatus::Accepted).then_some(submitted_at + Duration::days(1)),
            decided_at: None,
            overdue_notified_at: None,
        })
    });
    registration_application::Entity::insert_many(applications)
        .exec_without_returning(tx.conn())
        .await?;
    super::fee_reductions::seed_fee_reductions(tx, city, &organizations).await?;
    let funds = super::charity::seed_charity(tx, city, &organizations).await?;
    super::relief::seed_relief(tx, city, &organizations, &funds).await?;
    Ok(organizations.first().map(|o| o.id))
}

/// What a demo organization is registered as; the rest of its record is
/// filled in alike for all of them.
struct Particulars<'a> {
    name: String,
    kind: OrganizationKind,
    association: bool,
    /// The registering authority's division (the city's, or a district's).
    division: &'a str,
    /// The eight characters of its organization code before the check.
    body: &'a str,
    registered_on: NaiveDate,
}

impl Particulars<'_> {
    /// The `n`th organization of the city's register, not (yet) a charity.
    fn into_model(self, city: &tenant::Model, n: usize, now: DateTime<Utc>) -> Result<organization::Model> {
        let code = CreditCode::assemble(self.kind, self.division, self.body)?;
        Ok(organization::Model {
            tenant_id: city.id,
            id: Uuid::now_v7(),
            name: self.name,
            kind: self.kind,
            is_industry_association: self.association,
            credit_code: code.to_string(),
            business_scope: business_scope(self.kind, self.association).to_owned(),
            registered_address: format!(
                "{}{}路{}号",
                city.name,
                ["民主", "友谊", "中山", "解放", "文昌"][n % 5],
                10 + n * 3
            ),
            legal_representative: ["王建国", "李秀兰", "张伟", "刘洋", "陈静", "黄志强", "周丽", "吴敏"][n % 8]
                .to_owned(),
            contact_email: format!("org{:02}@{}.demo.shanlian.invalid", n + 1, city.slug),
            supervising_unit: if self.association {
                String::new()
            } else {
                format!("{}民政局", city.name)
            },
            status: OrganizationStatus::Active,
            registered_on: self.registered_on,
            charity_recognized_on: None,
            charity_recognized_by: None,
            public_fundraising_on: None,
            public_fundraising_by: None,
            deregistered_on: None,
            deregistration_reason: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }
}

fn business_scope(kind: OrganizationKind, association: bool) -> &'static str {
    match (kind, association) {
        (_, true) => "行业自律、行业调研、标准制定、技术交流、会员服务、维护会员合法权益",
        (OrganizationKind::SocialGroup, false) => "开展慈善募捐、社会救助、志愿服务和公益宣传活动",
        (OrganizationKind::SocialServiceInstitution, false) => "为社区居民提供社会工作、养老、康复和心理支持等服务",
        (OrganizationKind::Foundation, false) => "接受社会捐赠，资助教育、济困、助残和乡村振兴公益项目",
    }
}
