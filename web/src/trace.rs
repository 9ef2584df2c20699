//! "Where did my donation go": the page a receipt email links to. The
//! receipt number comes filled in from the link; the donor types the
//! verification code from the email. A GET form, so the page is
//! bookmarkable and needs no CSRF token (it changes nothing).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::{Deserialize, Serialize};
use service::donations::trace::{self, Trace};
use service::{Db, Error};

use crate::render;

#[derive(Deserialize)]
pub(crate) struct TraceQuery {
    receipt: Option<String>,
    code: Option<String>,
}

#[derive(Serialize)]
struct Use {
    purpose: String,
    beneficiary: String,
    approved_on: String,
    amount: String,
}

#[derive(Serialize)]
struct Shown {
    receipt_number: String,
    voided: bool,
    donor: String,
    organization: String,
    designation: String,
    amount: String,
    received_on: String,
    uses: Vec<Use>,
    allocated: String,
    unspent: String,
}

impl Shown {
    /// The trace as the reader reads it, in their language.
    fn of(t: Trace, lang: &str) -> Self {
        let gift = &t.gift.gift;
        Self {
            receipt_number: gift.receipt_number.clone().unwrap_or_default(),
            voided: t.gift.reversal.is_some(),
            donor: t.gift.public_donor_name(),
            organization: t.organization_name.clone(),
            designation: t
                .fund_name
                .clone()
                .or_else(|| gift.project.clone())
                .unwrap_or_else(|| "机构统筹使用 general fund".to_owned()),
            amount: crate::pages::yuan(gift.amount_fen),
            received_on: gift.received_on.to_string(),
            uses: t
                .uses
                .iter()
                .map(|u| Use {
                    purpose: service::labels::heading(u.purpose, lang),
                    beneficiary: u.beneficiary.clone(),
                    approved_on: u.decided_on.map(|d| d.to_string()).unwrap_or_default(),
                    amount: crate::pages::yuan(u.amount_fen),
                })
                .collect(),
            allocated: crate::pages::yuan(t.allocated_fen),
            unspent: crate::pages::yuan(t.unspent_fen),
        }
    }
}

pub(crate) async fn page(
    db: web::Data<Db>,
    tenant: web::Path<String>,
    query: web::Query<TraceQuery>,
    crate::request::Meta(meta): crate::request::Meta,
    req: actix_web::HttpRequest,
) -> HttpResponse {
    let lang = crate::i18n::language(&req);
    let chosen = crate::i18n::chosen(&req);
    let city = match service::tenants::find_by_slug(&db, &tenant).await {
        Ok(city) => city,
        Err(e @ Error::NotFound(_)) => return crate::pages::error_page_in(&e, chosen),
        Err(e) => return crate::pages::error_page(&e),
    };
    let public = service::tenants::context_for(&city, service::Actor::Anonymous, meta);
    let receipt = query.receipt.clone().unwrap_or_default();
    let code = query.code.clone().unwrap_or_default();
    let (status, shown, error) = if receipt.trim().is_empty() || code.trim().is_empty() {
        (StatusCode::OK, None, None)
    } else {
        match trace::by_receipt(&db, &public, &receipt, &code).await {
            Ok(t) => (StatusCode::OK, Some(Shown::of(t, lang)), None),
            Err(Error::NotFound(_)) => (
                StatusCode::NOT_FOUND,
                None,
                Some(
                    "没有找到这张捐赠回执，请核对回执编号和验证码。No acknowledgement matches this number and code; check both."
                        .to_owned(),
                ),
            ),
            Err(e @ Error::TooManyAttempts { .. }) => (
                StatusCode::TOO_MANY_REQUESTS,
                None,
                Some(format!("{} {}", e.message_in("zh-CN"), e)),
            ),
            Err(e) => return crate::pages::error_page(&e),
        }
    };
    render(
        "trace.html",
        status,
        context! {
            tenant => tenant.as_str(), city => city.name, receipt => receipt,
            trace => Value::from(Serde(shown)), error => error,
        },
    )
}
