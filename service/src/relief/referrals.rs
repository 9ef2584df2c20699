//! Referrals (转介) of relief cases to charity: the official states the
//! needs and a deadline, the system suggests organizations and funds, the
//! official sends it; each organization accepts or declines, then records
//! what it delivered. Referrals unanswered past their deadline are
//! escalated to the official; the same help from two organizations in one
//! month is flagged.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::app_user::{self, Role};
use entity::assistance;
use entity::charity_fund;
use entity::disbursement::{BeneficiaryKind, DisbursementStatus, Purpose};
use entity::organization::{self, OrganizationStatus};
use entity::referral::{self, ReferralStatus, Urgency};
use entity::referral_need::{self, NeedKind, Service};
use entity::referral_target::{self, TargetStatus};
use entity::relief_case::{self, CaseStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::clock;
use crate::context::TenantContext;
use crate::db::{Db, WriteTx};
use crate::error::{Error, OrConflict, Result};
use crate::funds::disbursements;
use crate::labels::Label;
use crate::money::Money;
use crate::outbox::{Email, Template};
use crate::page::{self, Order, Page, PageRequest};
use crate::scoped::{OwnedById, TenantOwned};
use crate::validate;

#[derive(Clone, Debug)]
pub struct NeedInput {
    pub kind: NeedKind,
    pub amount: Option<Money>,
    pub service: Option<Service>,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ReferralInput {
    pub case_id: Uuid,
    pub needs: Vec<NeedInput>,
    pub urgency: Urgency,
    pub deadline: NaiveDate,
    pub note: Option<String>,
}

/// A need as officials and organizations read it, in Chinese.
pub fn need_label(n: &referral_need::Model, lang: &str) -> String {
    let kind = crate::labels::heading(n.kind, lang);
    let colon = if lang.starts_with("zh") { "：" } else { ": " };
    match (n.kind, n.service, n.amount_fen) {
        (NeedKind::Money, _, Some(fen)) => format!("{kind} ¥{}", Money::from_fen(fen).grouped()),
        (NeedKind::Goods, _, _) if !n.description.is_empty() => format!("{kind}{colon}{}", n.description),
        (NeedKind::Service, Some(s), _) => format!("{kind}{colon}{}", s.label(lang)),
        _ => kind,
    }
}

/// An official refers an open case with its needs. It is sent to
/// organizations afterwards ([`send`]), usually after looking at the
/// [`suggestions`].
pub async fn create(
    db: &Db,
    ctx: &TenantContext,
    input: ReferralInput,
    idempotency_key: Option<&str>,
) -> Result<(referral::Model, Vec<referral_need::Model>)> {
    let (user, _) = ctx.require_role(&[Role::CityOfficial])?;
    if input.needs.is_empty() || input.needs.len() > 20 {
        return Err(Error::validation(
            "needs",
            "state between 1 and 20 needs",
            "请填写 1 至 20 项需求",
        ));
    }
    let today = crate::clock::today();
    if input.deadline < today {
        return Err(Error::validation(
            "deadline",
            "the deadline cannot be in the past",
            "答复期限不能早于今天",
        ));
    }
    let mut needs = Vec::new();
    for n in &input.needs {
        let description =
            validate::optional_text("needs.description", n.description.as_deref(), 500)?.unwrap_or_default();
        let (amount_fen, service) = match n.kind {
            NeedKind::Money => {
                let fen = n.amount.map(Money::fen).unwrap_or(0);
                if fen <= 0 || fen > crate::donations::MAX_AMOUNT_FEN {
                    return Err(Error::validation(
                        "needs.amount",
                        "a money need states an amount above 0",
                        "资金需求请填写大于 0 的金额",
                    ));
                }
                (Some(fen), None)
            }
            NeedKind::Goods => {
                if description.is_empty() {
                    return Err(Error::validation(
                        "needs.description",
                        "say which goods are needed",
                        "请写明需要哪些物资",
                    ));
                }
                (None, None)
            }
            NeedKind::Service => {
                let service = n.service.ok_or_else(|| {
                    Error::validation("needs.service", "choose the service: daily care, meal delivery, medical escort, bathing, psychological care or education support", "请选择服务项目：生活照料、助餐送餐、就医陪护、助浴、心理关爱或助学辅导")
                })?;
                (None, Some(service))
            }
        };
        needs.push((n.kind, amount_fen, service, description));
    }
    let note = validate::optional_text("note", input.note.as_deref(), 2000)?.unwrap_or_default();
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({
        "case_id": input.case_id, "urgency": input.urgency, "deadline": input.deadline, "note": note,
        "needs": needs.iter().map(|n| json!({"kind": n.0, "amount_fen": n.1, "service": n.2, "description": n.3})).collect::<Vec<_>>(),
    });
    if let Some(id) = tx.replayed(idempotency_key, "referral.create", &fingerprint).await? {
        return find_with_needs(tx.conn(), ctx, id).await;
    }
    let case = relief_case::Entity::find_owned(tx.conn(), ctx, input.case_id).await?;
    if case.status != CaseStatus::Open {
        return Err(Error::conflict(
            "the case is closed; reopen it by registering the household again",
            "该救助案件已结案；如需继续救助，请重新登记该家庭",
        ));
    }
    let referral = referral::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        case_id: case.id,
        urgency: input.urgency,
        deadline: input.deadline,
        note,
        status: ReferralStatus::Open,
        created_by: user,
        created_at: clock::now(),
        first_assisted_on: None,
        closed_at: None,
    };
    referral::Entity::insert(referral::ActiveModel::from(referral.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    let needs: Vec<referral_need::Model> = needs
        .into_iter()
        .map(|(kind, amount_fen, service, description)| referral_need::Model {
            tenant_id: ctx.tenant_id,
            id: Uuid::now_v7(),
            referral_id: referral.id,
            kind,
            amount_fen,
            service,
            description,
        })
        .collect();
    referral_need::Entity::insert_many(needs.iter().cloned().map(referral_need::ActiveModel::from))
        .exec_without_returning(tx.conn())
        .await?;
    tx.commit(AuditEvent::new("referral.create", "referral", referral.id).created(&fingerprint))
        .await?;
    Ok((referral, needs))
}

async fn find_with_needs<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    id: Uuid,
) -> Result<(referral::Model, Vec<referral_need::Model>)> {
    let referral = referral::Entity::find_owned(conn, ctx, id).await?;
    let needs = referral_need::Entity::scoped(ctx)
        .filter(referral_need::Column::ReferralId.eq(id))
        .order_by_asc(referral_need::Column::Id)
        .all(conn)
        .await?;
    Ok((referral, needs))
}

/// One suggested recipient, with why.
pub struct Suggestion {
    pub organization: organization::Model,
    pub fund: Option<charity_fund::Model>,
    pub score: i32,
    pub reasons: Vec<String>,
}

/// What a service needs an organization's declared scope to mention.
fn service_keywords(service: Service) -> &'static [&'static str] {
    match service {
        Service::DailyCare => &["养老", "照料", "居家"],
        Service::MealDelivery => &["助餐", "养老", "居家"],
        Service::MedicalEscort => &["医疗", "陪护", "康复"],
        Service::Bathing => &["助浴", "养老", "照料"],
        Service::PsychologicalCare => &["心理"],
        Service::EducationSupport => &["助学", "教育", "青少年", "儿童"],
    }
}

/// Charitable organizations and community funds of the city that could
/// meet the referral's needs, best first, each with its reasons: services
/// named in its registered scope, a fund in the case's district with the
/// balance for the money needed, presence in the district.
pub async fn suggestions(db: &Db, ctx: &TenantContext, referral_id: Uuid) -> Result<Vec<Suggestion>> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let (referral, needs) = find_with_needs(&tx, ctx, referral_id).await?;
    let case = relief_case::Entity::find_owned(&tx, ctx, referral.case_id).await?;
    let charities = organization::Entity::scoped(ctx)
        .filter(organization::Column::Status.eq(OrganizationStatus::Active))
        .filter(organization::Column::CharityRecognizedOn.is_not_null())
        .order_by_asc(organization::Column::Name)
        .all(&tx)
        .await?;
    let funds = charity_fund::Entity::scoped(ctx).all(&tx).await?;
    tx.commit().await?;
    let money_needed: i64 = needs.iter().filter_map(|n| n.amount_fen).sum();
    let services: Vec<Service> = needs.iter().filter_map(|n| n.service).collect();
    let wants_goods = needs.iter().any(|n| n.kind == NeedKind::Goods);
    let mut out = Vec::new();
    for org in charities {
        let mut score = 0;
        let mut reasons = Vec::new();
        for s in &services {
            if service_keywords(*s).iter().any(|k| org.business_scope.contains(k)) {
                score += 3;
                reasons.push(format!("业务范围含{}", s.zh()));
            }
        }
        if wants_goods && (org.business_scope.contains("救助") || org.public_fundraising_on.is_some()) {
            score += 2;
            reasons.push("可提供物资救助".to_owned());
        }
        if org.registered_address.contains(&case.district) {
            score += 1;
            reasons.push(format!("位于{}", case.district));
        }
        // Its best fund for the money: in the district with enough balance
        // first, then any with enough balance.
        let mut best_fund = None;
        if money_needed > 0 {
            let mut own: Vec<&charity_fund::Model> = funds
                .iter()
                .filter(|f| f.organization_id == org.id && f.raised_fen - f.disbursed_fen >= money_needed)
                .collect();
            own.sort_by_key(|f| {
                (
                    f.district != case.district,
                    std::cmp::Reverse(f.raised_fen - f.disbursed_fen),
                )
            });
            if let Some(f) = own.first() {
                let balance = Money::from_fen(f.raised_fen - f.disbursed_fen);
                if f.district == case.district {
                    score += 4;
                    reasons.push(format!("同区基金“{}”余额 {balance} 元", f.name));
                } else {
                    score += 2;
                    reasons.push(format!("基金“{}”余额 {balance} 元", f.name));
                }
                best_fund = Some((*f).clone());
            }
        }
        if score > 0 {
            out.push(Suggestion {
                organization: org,
                fund: best_fund,
                score,
                reasons,
            });
        }
    }
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.organization.name.cmp(&b.organization.name))
    });
    out.truncate(10);
    Ok(out)
}

/// Send a referral to one or more organizations (each optionally with one
/// of its funds); each is told by email.
pub async fn send(
    db: &Db,
    ctx: &TenantContext,
    referral_id: Uuid,
    targets: Vec<(Uuid, Option<Uuid>)>,
) -> Result<Vec<referral_target::Model>> {
    ctx.require_role(&[Role::CityOfficial])?;
    if targets.is_empty() || targets.len() > 10 {
        return Err(Error::validation(
            "targets",
            "send the referral to between 1 and 10 organizations",
            "请选择 1 至 10 家组织发送转介",
        ));
    }
    let tx = db.write(ctx).await?;
    let (referral, needs) = find_with_needs(tx.conn(), ctx, referral_id).await?;
    if referral.status != ReferralStatus::Open {
        return Err(Error::conflict("the referral is closed", "该转介已关闭"));
    }
    let case = relief_case::Entity::find_owned(tx.conn(), ctx, referral.case_id).await?;
    let now = clock::now();
    let mut sent = Vec::new();
    for (organization_id, fund_id) in targets {
        let org = crate::donations::receiving_organization(tx.conn(), ctx, organization_id)
            .await
            .map_err(|e| match e {
                Error::NotFound(_) => Error::validation(
                    "targets.organizationId",
                    "no organization of this city has this id",
                    "本市没有该组织",
                ),
                other => other,
            })?;
        if let Some(fund_id) = fund_id {
            charity_fund::Entity::find_owned_opt(tx.conn(), ctx, fund_id)
                .await?
                .filter(|f| f.organization_id == org.id)
                .ok_or_else(|| {
                    Error::validation(
                        "targets.fundId",
                        format!("{} manages no fund with this id", org.name),
                        format!("{} 名下没有该基金", org.name),
                    )
                })?;
        }
        let target = referral_target::Model {
            tenant_id: ctx.tenant_id,
            id: Uuid::now_v7(),
            referral_id,
            organization_id,
            fund_id,
            status: TargetStatus::Sent,
            reason: None,
            decided_by: None,
            decided_at: None,
            escalated_at: None,
            created_at: now,
        };
        referral_target::Entity::insert(referral_target::ActiveModel::from(target.clone()))
            .exec_without_returning(tx.conn())
            .await
            .or_conflict(|| {
                Error::conflict(
                    format!("the referral was already sent to {}", org.name),
                    format!("该转介已发送给{}", org.name),
                )
            })?;
        tx.send_email(Email {
            to: org.contact_email.clone(),
            language: "zh-CN".into(),
            template: Template::ReferralReceived,
            context: json!({
                "name": org.name, "district": case.district, "community": case.community,
                "needs": needs.iter().map(|n| need_label(n, "zh-CN")).collect::<Vec<_>>().join("；"),
                "urgency": urgency_label(referral.urgency), "deadline": referral.deadline.to_string(),
            }),
        })
        .await?;
        sent.push(target);
    }
    tx.commit(AuditEvent::new("referral.send", "referral", referral_id).detail(json!({
        "targets": sent.iter().map(|t| json!({"organization_id": t.organization_id, "fund_id": t.fund_id})).collect::<Vec<_>>(),
    })))
    .await?;
    Ok(sent)
}

fn urgency_label(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Normal => "一般",
        Urgency::Urgent => "紧急",
        Urgency::Critical => "特急",
    }
}

/// The target of the caller's organization, locked.
async fn my_target<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<referral_target::Model> {
    referral_target::Entity::lock_owned_opt(conn, ctx, id)
        .await?
        .filter(|t| Some(t.organization_id) == ctx.organization_id())
        .ok_or(Error::NotFound("referral"))
}

async fn open_referral<C: ConnectionTrait>(conn: &C, ctx: &TenantContext, id: Uuid) -> Result<referral::Model> {
    let referral = referral::Entity::find_owned(conn, ctx, id).await?;
    if referral.status != ReferralStatus::Open {
        return Err(Error::conflict("the referral is closed", "该转介已关闭"));
    }
    Ok(referral)
}

/// The charity takes the referral on.
pub async fn accept(db: &Db, ctx: &TenantContext, target_id: Uuid) -> Result<referral_target::Model> {
    decide(db, ctx, target_id, None).await
}

/// The charity declines, with a reason the official is sent.
pub async fn decline(db: &Db, ctx: &TenantContext, target_id: Uuid, reason: &str) -> Result<referral_target::Model> {
    let reason = validate::required_text("reason", reason, 1000)?;
    decide(db, ctx, target_id, Some(reason)).await
}

async fn decide(
    db: &Db,
    ctx: &TenantContext,
    target_id: Uuid,
    decline: Option<String>,
) -> Result<referral_target::Model> {
    let (user, _) = ctx.require_role(&[Role::OrgStaff])?;
    let tx = db.write(ctx).await?;
    let before = my_target(tx.conn(), ctx, target_id).await?;
    let referral = open_referral(tx.conn(), ctx, before.referral_id).await?;
    if before.status != TargetStatus::Sent {
        let accepted = matches!(before.status, TargetStatus::Accepted | TargetStatus::Completed);
        return Err(Error::conflict(
            format!(
                "the referral was already {}",
                if accepted { "accepted" } else { "declined" }
            ),
            format!("该转介已{}", if accepted { "接收" } else { "拒绝" }),
        ));
    }
    let after = referral_target::Model {
        status: if decline.is_some() {
            TargetStatus::Declined
        } else {
            TargetStatus::Accepted
        },
        reason: decline.clone(),
        decided_by: Some(user),
        decided_at: Some(clock::now()),
        ..before.clone()
    };
    referral_target::Entity::save_owned(tx.conn(), after.clone()).await?;
    if let Some(reason) = &decline {
        let org = organization::Entity::find_owned(tx.conn(), ctx, after.organization_id).await?;
        tell_official(
            &tx,
            ctx,
            &referral,
            Template::ReferralDeclined,
            json!({"organization_name": org.name, "reason": reason}),
        )
        .await?;
    }
    let action = if decline.is_some() {
        "referral.decline"
    } else {
        "referral.accept"
    };
    tx.commit(
        AuditEvent::new(action, "referral_target", target_id)
            .organization(Some(after.organization_id))
            .changed(
                &json!({"status": "sent"}),
                &json!({"status": after.status, "reason": after.reason}),
            ),
    )
    .await?;
    Ok(after)
}

/// The charity says the help it took on is done: after at least one record
/// of help, and only once. The official who referred the household is told
/// what was delivered.
pub async fn complete(db: &Db, ctx: &TenantContext, target_id: Uuid) -> Result<referral_target::Model> {
    ctx.require_staff()?;
    let tx = db.write(ctx).await?;
    let before = my_target(tx.conn(), ctx, target_id).await?;
    let referral = referral::Entity::find_owned(tx.conn(), ctx, before.referral_id).await?;
    match before.status {
        TargetStatus::Accepted => {}
        TargetStatus::Completed => {
            return Err(Error::conflict(
                "the help was already marked complete",
                "该转介的帮扶已标记为完成",
            ));
        }
        TargetStatus::Sent | TargetStatus::Declined => {
            return Err(Error::conflict(
                "only a referral you accepted can be completed",
                "只有已接收的转介才能标记为帮扶完成",
            ));
        }
    }
    let help = assistance::Entity::scoped(ctx)
        .filter(assistance::Column::ReferralId.eq(referral.id))
        .filter(assistance::Column::OrganizationId.eq(before.organization_id))
        .order_by_asc(assistance::Column::Id)
        .all(tx.conn())
        .await?;
    if help.is_empty() {
        return Err(Error::conflict(
            "record the help delivered before marking it complete",
            "请先登记帮扶情况，再标记帮扶完成",
        ));
    }
    let after = referral_target::Model {
        status: TargetStatus::Completed,
        ..before.clone()
    };
    referral_target::Entity::save_owned(tx.conn(), after.clone()).await?;
    let org = organization::Entity::find_owned(tx.conn(), ctx, after.organization_id).await?;
    let delivered = help.len();
    tell_official(
        &tx,
        ctx,
        &referral,
        Template::ReferralCompleted,
        json!({"organization_name": org.name, "records": delivered}),
    )
    .await?;
    tx.commit(
        AuditEvent::new("referral.complete", "referral_target", target_id)
            .organization(Some(after.organization_id))
            .changed(&json!({"status": before.status}), &json!({"status": after.status})),
    )
    .await?;
    Ok(after)
}

/// Email the official who made the referral.
async fn tell_official(
    tx: &WriteTx<'_>,
    ctx: &TenantContext,
    referral: &referral::Model,
    template: Template,
    mut context: serde_json::Value,
) -> Result<()> {
    let Some(official) = app_user::Entity::find_owned_opt(tx.conn(), ctx, referral.created_by).await? else {
        return Ok(());
    };
    if let Some(map) = context.as_object_mut() {
        map.insert("name".into(), json!(official.display_name));
        map.insert("referral_id".into(), json!(referral.id));
        map.insert("deadline".into(), json!(referral.deadline.to_string()));
    }
    tx.send_email(Email {
        to: official.email,
        language: official.language,
        template,
        context,
    })
    .await
}

#[derive(Clone, Debug)]
pub struct AssistanceInput {
    pub kind: NeedKind,
    /// Money, or the valuation of goods.
    pub amount: Option<Money>,
    /// Money paid out of this fund of the organization, through a
    /// disbursement request a second member approves.
    pub fund_id: Option<Uuid>,
    pub description: Option<String>,
    pub service: Option<Service>,
    pub person_times: Option<i32>,
    /// Hours with at most two decimals, e.g. `2.5`.
    pub hours: Option<String>,
    pub delivered_on: Option<NaiveDate>,
}

/// What was recorded, and whether it looks like help another organization
/// already gave this month.
pub struct Recorded {
    pub assistance: assistance::Model,
    pub duplicate_of: Option<assistance::Model>,
}

/// The charity records help delivered on a referral it accepted.
pub async fn record_assistance(
    db: &Db,
    ctx: &TenantContext,
    target_id: Uuid,
    input: AssistanceInput,
    idempotency_key: Option<&str>,
) -> Result<Recorded> {
    let (user, _) = ctx.require_role(&[Role::OrgStaff])?;
    let today = crate::clock::today();
    let delivered_on = input.delivered_on.unwrap_or(today);
    let description = validate::optional_text("description", input.description.as_deref(), 500)?.unwrap_or_default();
    let (amount_fen, service, person_times, hours_centi) = match input.kind {
        NeedKind::Money | NeedKind::Goods => {
            let fen = input.amount.map(Money::fen).unwrap_or(0);
            if fen <= 0 || fen > crate::donations::MAX_AMOUNT_FEN {
                return Err(Error::validation(
                    "amount",
                    "state the amount (money, or the goods' valuation), above 0",
                    "请填写金额（资金或物资折价），须大于 0",
                ));
            }
            if input.kind == NeedKind::Goods && description.is_empty() {
                return Err(Error::validation(
                    "description",
                    "describe the goods delivered",
                    "请写明提供了哪些物资",
                ));
            }
            if input.kind == NeedKind::Goods && input.fund_id.is_some() {
                return Err(Error::validation(
                    "fundId",
                    "community funds pay money only",
                    "社区慈善基金只能用于资金帮扶",
                ));
            }
            (fen, None, 0, 0)
        }
        NeedKind::Service => {
            let service = input.service.ok_or_else(|| {
                Error::validation("service", "choose the service delivered", "请选择所提供的服务项目")
            })?;
            let times = input.person_times.unwrap_or(0);
            if !(1..=10_000).contains(&times) {
                return Err(Error::validation(
                    "personTimes",
                    "person-times are between 1 and 10,000",
                    "服务人次须在 1 至 10000 之间",
                ));
            }
            let text = input.hours.as_deref().unwrap_or("").trim();
            let hours = rust_decimal::Decimal::from_str_exact(text).map_err(|_| {
                Error::validation(
                    "hours",
                    format!("\"{text}\" is not a number of hours, e.g. 2.5"),
                    format!("“{text}”不是有效的小时数，请填写数字，如 2.5"),
                )
            })?;
            let centi = (hours * rust_decimal::Decimal::ONE_HUNDRED).normalize();
            if hours <= rust_decimal::Decimal::ZERO || centi.scale() > 0 || hours > rust_decimal::Decimal::from(100_000)
            {
                return Err(Error::validation(
                    "hours",
                    "hours are above 0, at most 100,000, with at most two decimals",
                    "服务时长须大于 0、不超过 100000 小时，最多两位小数",
                ));
            }
            let centi = i64::try_from(centi.mantissa())
                .map_err(|_| Error::validation("hours", "too many hours", "服务时长过长"))?;
            if input.fund_id.is_some() {
                return Err(Error::validation(
                    "fundId",
                    "community funds pay money only",
                    "社区慈善基金只能用于资金帮扶",
                ));
            }
            (0, Some(service), times, centi)
        }
    };
    let mut tx = db.write(ctx).await?;
    let fingerprint = json!({
        "target_id": target_id, "kind": input.kind, "amount_fen": amount_fen, "fund_id": input.fund_id,
        "description": description, "service": service, "person_times": person_times, "hours_centi": hours_centi,
        "delivered_on": delivered_on,
    });
    if let Some(id) = tx.replayed(idempotency_key, "assistance.record", &fingerprint).await? {
        let a = assistance::Entity::find_owned(tx.conn(), ctx, id).await?;
        drop(tx);
        return Ok(Recorded {
            assistance: a,
            duplicate_of: None,
        });
    }
    let target = my_target(tx.conn(), ctx, target_id).await?;
    let referral = open_referral(tx.conn(), ctx, target.referral_id).await?;
    match target.status {
        TargetStatus::Accepted => {}
        TargetStatus::Completed => {
            return Err(Error::conflict(
                "the help on this referral was marked complete",
                "该转介的帮扶已标记为完成",
            ));
        }
        TargetStatus::Sent | TargetStatus::Declined => {
            return Err(Error::conflict(
                "accept the referral before recording assistance",
                "请先接收转介，再登记帮扶情况",
            ));
        }
    }
    let referred_on = crate::clock::china_date(referral.created_at);
    if delivered_on > today || delivered_on < referred_on {
        return Err(Error::validation(
            "deliveredOn",
            format!("help is delivered between the referral ({referred_on}) and today ({today})"),
            format!("帮扶日期须在转介日（{referred_on}）至今天（{today}）之间"),
        ));
    }
    let disbursement_id = match input.fund_id {
        Some(fund_id) => {
            let case = relief_case::Entity::find_owned(tx.conn(), ctx, referral.case_id).await?;
            let head = crate::relief::head_name(tx.conn(), ctx, case.id).await?;
            let request = disbursements::insert_request(
                &tx,
                ctx,
                user,
                disbursements::DisbursementInput {
                    fund_id,
                    purpose: Purpose::LivingAid,
                    beneficiary_kind: BeneficiaryKind::Household,
                    // Masked even here: the charity's staff see the case masked,
                    // and the disbursement list must not undo that.
                    beneficiary_name: crate::privacy::mask_name(&head),
                    description: format!(
                        "转介帮扶：{}{}",
                        case.community,
                        if description.is_empty() {
                            String::new()
                        } else {
                            format!("，{description}")
                        }
                    ),
                    amount: Money::from_fen(amount_fen),
                },
            )
            .await?;
            Some(request.id)
        }
        None => None,
    };
    // The same kind of help (the same service) for this household from
    // another organization in the same month.
    let month_start = NaiveDate::from_ymd_opt(delivered_on.year(), delivered_on.month(), 1).unwrap_or(delivered_on);
    let month_end = month_start
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(delivered_on);
    let mut same = assistance::Entity::scoped(ctx)
        .filter(assistance::Column::CaseId.eq(referral.case_id))
        .filter(assistance::Column::Kind.eq(input.kind))
        .filter(assistance::Column::OrganizationId.ne(target.organization_id))
        .filter(assistance::Column::DeliveredOn.between(month_start, month_end));
    if let Some(service) = service {
        same = same.filter(assistance::Column::Service.eq(service));
    }
    let duplicate_of = same.order_by_asc(assistance::Column::Id).one(tx.conn()).await?;
    let record = assistance::Model {
        tenant_id: ctx.tenant_id,
        id: Uuid::now_v7(),
        target_id,
        referral_id: referral.id,
        case_id: referral.case_id,
        organization_id: target.organization_id,
        kind: input.kind,
        amount_fen,
        description,
        service,
        person_times,
        hours_centi,
        delivered_on,
        disbursement_id,
        duplicate_of: duplicate_of.as_ref().map(|d| d.id),
        recorded_by: user,
        created_at: clock::now(),
    };
    assistance::Entity::insert(assistance::ActiveModel::from(record.clone()))
        .exec_without_returning(tx.conn())
        .await?;
    // Money through a fund is not help yet: it counts once approved (the
    // dashboard reads that from the disbursement). The condition makes the
    // earliest date win even when two recordings race.
    if disbursement_id.is_none() {
        referral::Entity::scoped_update(ctx)
            .col_expr(referral::Column::FirstAssistedOn, Expr::value(delivered_on))
            .filter(referral::Column::Id.eq(referral.id))
            .filter(
                sea_orm::Condition::any()
                    .add(referral::Column::FirstAssistedOn.is_null())
                    .add(referral::Column::FirstAssistedOn.gt(delivered_on)),
            )
            .exec(tx.conn())
            .await?;
    }
    if let Some(other) = &duplicate_of {
        let names: Vec<String> = organization::Entity::scoped(ctx)
            .filter(organization::Column::Id.is_in([other.organization_id, record.organization_id]))
            .all(tx.conn())
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
        tell_official(
            &tx,
            ctx,
            &referral,
            Template::DuplicateAssistance,
            json!({"organizations": names.join("、"), "month": format!("{}-{:02}", delivered_on.year(), delivered_on.month()),
                "kind": kind_label(&record)}),
        )
        .await?;
    }
    tx.commit(
        AuditEvent::new("assistance.record", "assistance", record.id)
            .organization(Some(record.organization_id))
            .created(&json!({"fingerprint": fingerprint, "disbursement_id": disbursement_id, "duplicate_of": record.duplicate_of})),
    )
    .await?;
    Ok(Recorded {
        assistance: record,
        duplicate_of,
    })
}

fn kind_label(a: &assistance::Model) -> String {
    match (a.kind, a.service) {
        (NeedKind::Money, _) => "资金".to_owned(),
        (NeedKind::Goods, _) => "物资".to_owned(),
        (NeedKind::Service, Some(s)) => s.zh().to_owned(),
        (NeedKind::Service, None) => "服务".to_owned(),
    }
}

/// Close a case's open referrals (the case is being closed).
pub(crate) async fn close_open_referrals<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    referral::Entity::scoped_update(ctx)
        .col_expr(referral::Column::Status, Expr::value(ReferralStatus::Closed))
        .col_expr(referral::Column::ClosedAt, Expr::value(now))
        .filter(referral::Column::CaseId.eq(case_id))
        .filter(referral::Column::Status.eq(ReferralStatus::Open))
        .exec(conn)
        .await?;
    Ok(())
}

/// Tell officials about referrals still unanswered after their deadline,
/// once each. Run by the daily job for every city (and by an official's
/// supervision check for theirs). Returns how many were escalated.
pub async fn escalate_overdue(db: &Db, ctx: &TenantContext, as_of: NaiveDate) -> Result<usize> {
    let by_system = ctx.actor == crate::context::Actor::System;
    if !by_system {
        ctx.require_role(&[Role::CityOfficial])?;
        if as_of != crate::clock::today() {
            return Err(Error::validation(
                "asOf",
                "officials escalate as of today",
                "工作人员只能检查截至今天的逾期转介",
            ));
        }
    }
    let tx = db.write(ctx).await?;
    let overdue: Vec<referral::Model> = referral::Entity::scoped(ctx)
        .filter(referral::Column::Status.eq(ReferralStatus::Open))
        .filter(referral::Column::Deadline.lt(as_of))
        .all(tx.conn())
        .await?;
    let mut escalated = Vec::new();
    for referral in overdue {
        let targets = referral_target::Entity::scoped(ctx)
            .filter(referral_target::Column::ReferralId.eq(referral.id))
            .filter(referral_target::Column::Status.eq(TargetStatus::Sent))
            .filter(referral_target::Column::EscalatedAt.is_null())
            .lock_exclusive()
            .all(tx.conn())
            .await?;
        if targets.is_empty() {
            continue;
        }
        let ids: Vec<Uuid> = targets.iter().map(|t| t.id).collect();
        let names: Vec<String> = organization::Entity::scoped(ctx)
            .filter(organization::Column::Id.is_in(targets.iter().map(|t| t.organization_id)))
            .all(tx.conn())
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
        referral_target::Entity::scoped_update(ctx)
            .col_expr(referral_target::Column::EscalatedAt, Expr::value(clock::now()))
            .filter(referral_target::Column::Id.is_in(ids.clone()))
            .exec(tx.conn())
            .await?;
        tell_official(
            &tx,
            ctx,
            &referral,
            Template::ReferralOverdue,
            json!({"organizations": names.join("、")}),
        )
        .await?;
        escalated.extend(ids);
    }
    if escalated.is_empty() && by_system {
        return Ok(0); // the daily job found nothing: no event, no record
    }
    let count = escalated.len();
    tx.commit(
        AuditEvent::new("referral.escalate", "referral_target", "overdue")
            .detail(json!({"as_of": as_of, "targets": escalated})),
    )
    .await?;
    Ok(count)
}

/// A referral as one organization sees it (its inbox), or as officials do.
pub struct ReferralView {
    pub referral: referral::Model,
    pub needs: Vec<referral_need::Model>,
    pub targets: Vec<referral_target::Model>,
    pub assistance: Vec<assistance::Model>,
    pub district: String,
    pub community: String,
    /// For the organizations it was sent to: the household, masked.
    pub household: Option<super::CaseView>,
}

async fn views<C: ConnectionTrait>(
    conn: &C,
    ctx: &TenantContext,
    referrals: Vec<referral::Model>,
    only_org: Option<Uuid>,
) -> Result<Vec<ReferralView>> {
    let ids: Vec<Uuid> = referrals.iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let needs = referral_need::Entity::scoped(ctx)
        .filter(referral_need::Column::ReferralId.is_in(ids.clone()))
        .order_by_asc(referral_need::Column::Id)
        .all(conn)
        .await?;
    let mut targets =
        referral_target::Entity::scoped(ctx).filter(referral_target::Column::ReferralId.is_in(ids.clone()));
    let mut help = assistance::Entity::scoped(ctx).filter(assistance::Column::ReferralId.is_in(ids));
    if let Some(org) = only_org {
        targets = targets.filter(referral_target::Column::OrganizationId.eq(org));
        help = help.filter(assistance::Column::OrganizationId.eq(org));
    }
    let targets = targets.order_by_asc(referral_target::Column::Id).all(conn).await?;
    let help = help.order_by_asc(assistance::Column::Id).all(conn).await?;
    let case_ids: BTreeSet<Uuid> = referrals.iter().map(|r| r.case_id).collect();
    let cases = relief_case::Entity::scoped(ctx)
        .filter(relief_case::Column::Id.is_in(case_ids))
        .all(conn)
        .await?;
    // What the referral email promises the charity: the household's make-up
    // with names and numbers masked. Officials read the case itself.
    let households = match only_org {
        Some(_) => super::views_of(conn, ctx, cases.clone(), false).await?,
        None => Vec::new(),
    };
    Ok(referrals
        .into_iter()
        .map(|r| {
            let case = cases.iter().find(|c| c.id == r.case_id);
            ReferralView {
                needs: needs.iter().filter(|n| n.referral_id == r.id).cloned().collect(),
                targets: targets.iter().filter(|t| t.referral_id == r.id).cloned().collect(),
                assistance: help.iter().filter(|a| a.referral_id == r.id).cloned().collect(),
                district: case.map(|c| c.district.clone()).unwrap_or_default(),
                community: case.map(|c| c.community.clone()).unwrap_or_default(),
                household: households.iter().find(|h| h.case.id == r.case_id).cloned(),
                referral: r,
            }
        })
        .collect())
}

/// Referrals, newest first. Officials see the city's (optionally of one
/// case); org staff see those sent to their organization, with only their
/// own answer and help, and the household masked. `status` keeps the
/// referrals with an answer in that state (the organization's own, for its
/// staff).
pub async fn list(
    db: &Db,
    ctx: &TenantContext,
    case_id: Option<Uuid>,
    status: Option<TargetStatus>,
    page: PageRequest<Uuid>,
) -> Result<Page<ReferralView>> {
    let (_, role) = ctx.require_role(&[Role::CityOfficial, Role::OrgStaff])?;
    let tx = db.read(ctx).await?;
    let mut query = referral::Entity::scoped(ctx);
    let only_org = (role == Role::OrgStaff).then(|| ctx.organization_id()).flatten();
    if role == Role::OrgStaff || status.is_some() {
        let mut targets = referral_target::Entity::scoped(ctx)
            .select_only()
            .column(referral_target::Column::ReferralId);
        if role == Role::OrgStaff {
            targets = targets.filter(referral_target::Column::OrganizationId.eq(ctx.organization_id()));
        }
        if let Some(status) = status {
            targets = targets.filter(referral_target::Column::Status.eq(status));
        }
        let matching: Vec<Uuid> = targets.into_tuple().all(&tx).await?;
        query = query.filter(referral::Column::Id.is_in(matching));
    }
    if let Some(case_id) = case_id {
        query = query.filter(referral::Column::CaseId.eq(case_id));
    }
    let page = page::fetch(&tx, query, referral::Column::Id, Order::NewestFirst, page).await?;
    let items = views(&tx, ctx, page.items, only_org).await?;
    tx.commit().await?;
    Ok(Page {
        items,
        has_next: page.has_next,
        total: page.total,
    })
}

/// Assistance flagged as a possible duplicate, newest first (officials).
pub async fn duplicate_warnings(db: &Db, ctx: &TenantContext) -> Result<Vec<(assistance::Model, assistance::Model)>> {
    ctx.require_role(&[Role::CityOfficial])?;
    let tx = db.read(ctx).await?;
    let flagged = assistance::Entity::scoped(ctx)
        .filter(assistance::Column::DuplicateOf.is_not_null())
        .order_by_desc(assistance::Column::Id)
        .limit(200)
        .all(&tx)
        .await?;
    let originals = assistance::Entity::scoped(ctx)
        .filter(assistance::Column::Id.is_in(flagged.iter().filter_map(|a| a.duplicate_of)))
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(flagged
        .into_iter()
        .filter_map(|a| {
            let original = originals.iter().find(|o| Some(o.id) == a.duplicate_of)?.clone();
            Some((a, original))
        })
        .collect())
}

/// Money assistance counts once it really left: paid directly, or through
/// a fund disbursement that was approved.
pub(crate) const COUNTED_DISBURSEMENTS: [DisbursementStatus; 2] =
    [DisbursementStatus::Approved, DisbursementStatus::Paid];
