//! A signed-in donor's gifts, each with where its money went.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::{Environment, context};
use service::donations::{self, DonationFilter, trace};
use service::funds::disbursements::purpose_label;
use service::page::PageRequest;
use service::{Db, Money, Role};
use uuid::Uuid;

use super::{Frame, error_page, redirect};
use crate::session::Keys;

pub async fn my_donations(
    req: HttpRequest,
    env: web::Data<Environment<'static>>,
    db: web::Data<Db>,
    keys: Keys,
    tenant: web::Path<String>,
) -> HttpResponse {
    let frame = Frame::of(&req, &db, &keys).await;
    let ctx = match &frame.user {
        Some(ctx) if ctx.tenant_slug == *tenant && ctx.role() == Some(Role::Donor) => ctx,
        Some(_) => return HttpResponse::Forbidden().body("this page is for donors of this city"),
        None => return redirect("/login"),
    };
    let page = match PageRequest::new(Some(50), None::<Uuid>) {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let gifts = match donations::list(&db, ctx, DonationFilter::default(), page).await {
        Ok(g) => g.items,
        Err(e) => return error_page(&e),
    };
    let mut rows = Vec::new();
    for g in gifts {
        // One trace per gift: a donor's page lists a handful.
        let t = match trace::of_donation(&db, ctx, g.gift.id).await {
            Ok(t) => t,
            Err(e) => return error_page(&e),
        };
        let uses: Vec<_> = t
            .uses
            .iter()
            .map(|u| context! { purpose => purpose_label(u.purpose), beneficiary => u.beneficiary.clone(), amount => Money::from_fen(u.amount_fen).to_string() })
            .collect();
        rows.push(context! {
            id => g.gift.id.to_string(), receipt => g.gift.receipt_number.clone(), voided => g.reversal.is_some(),
            organization => t.organization_name.clone(), fund => t.fund_name.clone(), date => g.gift.received_on.to_string(),
            amount => Money::from_fen(g.gift.amount_fen).to_string(), uses => uses,
            allocated => Money::from_fen(t.allocated_fen).to_string(), unspent => Money::from_fen(t.unspent_fen).to_string(),
        });
    }
    frame.page(
        &env,
        "my_donations.html",
        StatusCode::OK,
        context! { donations => rows, ..frame.context(Some(&tenant)) },
    )
}
