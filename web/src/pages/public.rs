//! Public pages of a city: the overview, the organization register, the
//! funds and each fund, and the charity donation stations.

use actix_web::http::StatusCode;
use actix_web::web;
use entity::organization::OrganizationKind;
use minijinja::context;
use serde::Deserialize;
use service::labels::heading;
use service::page::PageRequest;
use uuid::Uuid;

use super::{Page, Reply, city, yuan};
use crate::chart;

pub async fn overview(page: Page, tenant: web::Path<String>) -> Reply {
    let place = service::tenants::find_by_slug(&page.db, &tenant).await;
    if let Ok(region) = &place
        && region.kind == service::TenantKind::Region
    {
        return region_overview(&page, region).await;
    }
    let (public, name) = city(&page.db, page.request(), &tenant).await?;
    let o = service::overview::city(&page.db, &public).await?;
    let stations = service::donations::stations::list(&page.db, &public).await?;
    let open_stations = stations.iter().filter(|s| s.station.closed_on.is_none()).count();
    let campaigns = service::donations::campaigns::list(&page.db, &public).await?;
    let campaigns: Vec<_> = campaigns
        .iter()
        .map(|c| {
            context! {
                name => c.campaign.name.clone(), starts_on => c.campaign.starts_on.to_string(),
                ends_on => c.campaign.ends_on.to_string(), money => yuan(c.money_fen), goods => yuan(c.goods_fen),
            }
        })
        .collect();
    let figures = context! {
        active_organizations => o.active_organizations, charities => o.charities, public_fundraising => o.public_fundraising,
        funds => o.funds, funds_raised => yuan(o.funds_raised_fen), funds_balance => yuan(o.funds_raised_fen - o.funds_disbursed_fen),
        campaigns_money => yuan(o.campaigns_money_fen), campaigns_goods => yuan(o.campaigns_goods_fen),
        chain_hash => o.chain.hash.clone(), chain_seq => o.chain.seq,
        chain_at => o.chain.updated_at.map(|t| service::clock::china_date(t).to_string()).unwrap_or_default(),
    };
    Ok(page.render(
        "overview.html",
        StatusCode::OK,
        context! {
            city => name, o => figures, campaigns => campaigns, open_stations => open_stations,
            ..page.base(Some(&tenant))
        },
    ))
}

/// A region's public page: its cities, each with its headline figures and
/// a link to its own pages.
async fn region_overview(page: &Page, region: &entity::tenant::Model) -> Reply {
    let mut cities = Vec::new();
    for city in service::tenants::cities_of(&page.db, region.id).await? {
        let public = service::tenants::context_for(&city, service::Actor::Anonymous, page.meta());
        let o = service::overview::city(&page.db, &public).await?;
        cities.push(context! {
            slug => city.slug, name => city.name, active_organizations => o.active_organizations, charities => o.charities,
            funds => o.funds, funds_raised => yuan(o.funds_raised_fen), campaigns => o.campaigns,
        });
    }
    Ok(page.render(
        "region_public.html",
        StatusCode::OK,
        context! { region => region.name.clone(), cities => cities, ..page.base(None) },
    ))
}

#[derive(Deserialize)]
pub struct After {
    after: Option<Uuid>,
}

/// The register's search: words (name, code or business scope), the
/// kind, and whether charities or fundraisers only; a page at a time.
#[derive(Deserialize, serde::Serialize, Default)]
pub struct Search {
    #[serde(default)]
    q: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<OrganizationKind>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    charity: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    fundraising: String,
    #[serde(skip_serializing)]
    after: Option<Uuid>,
}

/// The public register: active organizations by name, code or business
/// scope, kind and charity status, how many match, and the supervision
/// lists each is on now.
pub async fn register(page: Page, tenant: web::Path<String>, query: web::Query<Search>) -> Reply {
    let (public, name) = city(&page.db, page.request(), &tenant).await?;
    let q = query.q.trim();
    let filter = service::organizations::OrganizationFilter {
        search: (!q.is_empty()).then(|| q.to_owned()),
        kind: query.kind,
        charities_only: !query.charity.is_empty(),
        fundraising_only: !query.fundraising.is_empty(),
        ..Default::default()
    };
    let found = service::organizations::public::register(
        &page.db,
        &public,
        filter,
        PageRequest::new(Some(50), query.after)?.counted(),
    )
    .await?;
    let total = found.total.unwrap_or_default();
    let entries = found;
    let (next, first) = super::page_links(&entries, &*query, query.after.is_some(), |e| e.organization.id);
    let rows: Vec<_> = entries
        .items
        .iter()
        .map(|e| {
            let o = &e.organization;
            context! {
                id => o.id.to_string(), name => o.name.clone(), code => o.credit_code.clone(), kind => super::key(o.kind),
                registered_on => o.registered_on.to_string(), charity => o.charity_recognized_on.is_some(),
                fundraising => o.public_fundraising_on.is_some(),
                lists => e.lists.iter().map(|l| super::key(*l)).collect::<Vec<_>>(),
            }
        })
        .collect();
    Ok(page.render(
        "register.html",
        StatusCode::OK,
        context! {
            city => name, organizations => rows, q => q, next => next, first => first, total => total,
            kinds => super::apply::kind_choices(page.frame.lang), kind => query.kind.map(super::key),
            charity => !query.charity.is_empty(), fundraising => !query.fundraising.is_empty(),
            ..page.base(Some(&tenant))
        },
    ))
}

/// One organization's public record.
pub async fn organization(page: Page, path: web::Path<(String, Uuid)>) -> Reply {
    let (tenant, id) = path.into_inner();
    let (public, city_name) = city(&page.db, page.request(), &tenant).await?;
    let r = service::organizations::public::record(&page.db, &public, id).await?;
    let o = &r.organization;
    let listings: Vec<_> = r
        .listings
        .iter()
        .map(|l| context! { list => super::key(l.list), reason => l.reason.clone(), listed_on => l.listed_on.to_string() })
        .collect();
    let reports: Vec<_> = r
        .annual_reports
        .iter()
        .map(|(year, status)| context! { year => year, status => super::key(*status) })
        .collect();
    let funds: Vec<_> = r
        .funds
        .iter()
        .map(|f| context! { id => f.id.to_string(), name => f.name.clone() })
        .collect();
    let org = context! {
        name => o.name.clone(), code => o.credit_code.clone(), kind => super::key(o.kind), status => super::key(o.status),
        registered_on => o.registered_on.to_string(), address => o.registered_address.clone(),
        representative => o.legal_representative.clone(), scope => o.business_scope.clone(),
        supervising_unit => o.supervising_unit.clone(), association => o.is_industry_association,
        charity_on => o.charity_recognized_on.map(|d| d.to_string()),
        fundraising_on => o.public_fundraising_on.map(|d| d.to_string()),
    };
    Ok(page.render(
        "public_organization.html",
        StatusCode::OK,
        context! {
            city => city_name, org => org, listings => listings, reports => reports, funds => funds,
            ..page.base(Some(&tenant))
        },
    ))
}

pub async fn funds(page: Page, tenant: web::Path<String>, query: web::Query<After>) -> Reply {
    let (public, name) = city(&page.db, page.request(), &tenant).await?;
    let result = service::funds::list(&page.db, &public, None, PageRequest::new(Some(50), query.after)?).await?;
    let next = result
        .has_next
        .then(|| result.items.last().map(|f| f.id.to_string()))
        .flatten();
    let rows: Vec<_> = result
        .items
        .iter()
        .map(|f| {
            context! {
                id => f.id.to_string(), name => f.name.clone(), district => f.district.clone(), kind => super::key(f.kind),
                raised => yuan(f.raised_fen), disbursed => yuan(f.disbursed_fen), balance => yuan(f.raised_fen - f.disbursed_fen),
            }
        })
        .collect();
    Ok(page.render(
        "funds.html",
        StatusCode::OK,
        context! { city => name, funds => rows, next => next, ..page.base(Some(&tenant)) },
    ))
}

/// The fund page's two long lists page on their own.
#[derive(Deserialize)]
pub struct FundPages {
    disbursements_after: Option<Uuid>,
    gifts_after: Option<Uuid>,
}

pub async fn fund(page: Page, path: web::Path<(String, Uuid)>, query: web::Query<FundPages>) -> Reply {
    let (tenant, id) = path.into_inner();
    let db = &page.db;
    let (public, name) = city(db, page.request(), &tenant).await?;
    let (disbursement_page, gift_page) = (
        PageRequest::new(Some(50), query.disbursements_after)?,
        PageRequest::new(Some(50), query.gifts_after)?,
    );
    let parts = service::funds::FundPageParts {
        spending: true,
        services: true,
        disbursements: Some(disbursement_page),
        gifts: Some(gift_page),
    };
    let reader = service::funds::FundReader::open(db, &public, id, parts).await?;
    let spending = reader.spending().await?;
    let services: Vec<_> = reader
        .services()
        .await?
        .iter()
        .map(|s| {
            context! {
                service => heading(s.service, page.frame.lang), person_times => s.person_times,
                hours => yuan(s.hours_centi),
            }
        })
        .collect();
    let disbursements = reader.disbursements(disbursement_page).await?;
    let gifts = reader.gifts(gift_page).await?;
    let fund = reader.fund();
    let more_disbursements = disbursements
        .has_next
        .then(|| disbursements.items.last().map(|d| d.id.to_string()))
        .flatten();
    let more_gifts = gifts
        .has_next
        .then(|| gifts.items.last().map(|g| g.gift.id.to_string()))
        .flatten();
    let lang = page.frame.lang;
    let points: Vec<(String, String, i64)> = spending
        .iter()
        .map(|p| (p.month.clone(), heading(p.purpose, lang), p.amount_fen))
        .collect();
    let xs = match (spending.first(), spending.last()) {
        (Some(first), Some(last)) => chart::every_month(&first.month, &last.month),
        _ => Vec::new(),
    };
    let text = |key: &str| crate::i18n::text(lang, key);
    let svg = chart::stacked_bars(
        &chart::Bars {
            title: &format!("{} · {}", fund.name, text("spending_by_purpose")),
            x_label: &text("month"),
            y_label: &text("amount_yuan_axis"),
            xs,
            // Every purpose in its fixed order: each keeps its colour.
            series: super::disbursements::PURPOSES
                .iter()
                .map(|p| heading(*p, lang))
                .collect(),
            points,
        },
        |v| format!("¥{}", yuan(v)),
    );
    let spending: Vec<_> = spending
        .iter()
        .map(|p| context! { month => p.month.clone(), purpose => heading(p.purpose, page.frame.lang), amount => yuan(p.amount_fen) })
        .collect();
    let disbursements: Vec<_> = disbursements
        .items
        .iter()
        .map(|d| {
            context! {
                date => d.decided_at.map(|t| service::clock::china_date(t).to_string()).unwrap_or_default(),
                purpose => heading(d.purpose, page.frame.lang), beneficiary => service::funds::public_beneficiary(d), amount => yuan(d.amount_fen),
            }
        })
        .collect();
    let gifts: Vec<_> = gifts
        .items
        .iter()
        .map(|g| {
            context! {
                date => g.gift.received_on.to_string(), donor => g.public_donor_name(), amount => yuan(g.gift.amount_fen),
                voided => g.reversal.is_some(),
            }
        })
        .collect();
    // Which charity runs the fund, for the reader who would give to it.
    let (_, charity) = service::funds::get(db, &public, id).await?;
    let fund_ctx = context! {
        id => fund.id.to_string(), charity => charity, name => fund.name.clone(), kind => super::key(fund.kind), district => fund.district.clone(), street => fund.street.clone(),
        community => fund.community.clone(),
        raised => yuan(fund.raised_fen), disbursed => yuan(fund.disbursed_fen), balance => yuan(fund.raised_fen - fund.disbursed_fen),
    };
    Ok(page.render(
        "fund.html",
        StatusCode::OK,
        context! {
            city => name, fund => fund_ctx, chart => svg, spending => spending, services => services,
            disbursements => disbursements, gifts => gifts,
            more_disbursements => more_disbursements, more_gifts => more_gifts, fund_id => id.to_string(),
            ..page.base(Some(&tenant))
        },
    ))
}

/// The city's charity donation stations (社会慈善捐助站): where to hand in
/// a gift, and what each has taken.
pub async fn stations(page: Page, tenant: web::Path<String>) -> Reply {
    let (public, name) = city(&page.db, page.request(), &tenant).await?;
    let rows: Vec<_> = service::donations::stations::list(&page.db, &public)
        .await?
        .iter()
        .map(|f| {
            let s = &f.station;
            context! {
                name => s.name.clone(), district => s.district.clone(), address => s.address.clone(), hours => s.hours.clone(),
                opened_on => s.opened_on.to_string(), closed_on => s.closed_on.map(|d| d.to_string()),
                organization => f.organization_name.clone(), gifts => f.gifts, money => yuan(f.money_fen), goods => yuan(f.goods_fen),
            }
        })
        .collect();
    Ok(page.render(
        "stations.html",
        StatusCode::OK,
        context! { city => name, stations => rows, ..page.base(Some(&tenant)) },
    ))
}
