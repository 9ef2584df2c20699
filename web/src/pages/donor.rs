//! A signed-in donor's gifts, each with where its money went, and a
//! printable receipt for each.

use actix_web::http::StatusCode;
use actix_web::web;
use entity::donation::GiftKind;
use minijinja::context;
use service::Role;
use service::donations::{self, DonationFilter, trace};
use service::labels::heading;
use service::page::PageRequest;
use uuid::Uuid;

use super::{Page, Reply, yuan};

pub async fn my_donations(page: Page, tenant: web::Path<String>) -> Reply {
    let ctx = page.signed_in(&tenant, Role::Donor)?;
    let gifts = donations::list(
        &page.db,
        ctx,
        DonationFilter::default(),
        PageRequest::new(Some(50), None::<Uuid>)?,
    )
    .await?
    .items;
    let mut rows = Vec::new();
    for g in gifts {
        // One trace per gift: a donor's page lists a handful.
        let t = trace::of_donation(&page.db, ctx, g.gift.id).await?;
        let uses: Vec<_> = t
            .uses
            .iter()
            .map(|u| context! { purpose => heading(u.purpose, page.frame.lang), beneficiary => u.beneficiary.clone(), amount => yuan(u.amount_fen) })
            .collect();
        rows.push(context! {
            id => g.gift.id.to_string(), receipt => g.gift.receipt_number.clone(), voided => g.reversal.is_some(),
            organization => t.organization_name.clone(), fund => t.fund_name.clone(), date => g.gift.received_on.to_string(),
            amount => yuan(g.gift.amount_fen), uses => uses,
            allocated => yuan(t.allocated_fen), unspent => yuan(t.unspent_fen),
        });
    }
    Ok(page.render(
        "my_donations.html",
        StatusCode::OK,
        context! { donations => rows, ..page.base(Some(&tenant)) },
    ))
}

/// One receipt, laid out to print on A4 (the print stylesheet drops the
/// site's header). Only a receipted gift has one.
pub async fn receipt(page: Page, path: web::Path<(String, Uuid)>) -> Reply {
    let (tenant, id) = path.into_inner();
    let ctx = page.signed_in(&tenant, Role::Donor)?;
    let t = trace::of_donation(&page.db, ctx, id).await?;
    let gift = &t.gift.gift;
    let Some(number) = gift.receipt_number.clone() else {
        return Err(service::Error::NotFound("receipt").into());
    };
    let receipt = context! {
        number => number, voided => t.gift.reversal.is_some(),
        void_reason => t.gift.reversal.as_ref().map(|r| r.note.clone()),
        donor => gift.donor_name.clone(), organization => t.organization_name.clone(), credit_code => t.organization_credit_code.clone(),
        goods => gift.gift_kind == GiftKind::Goods, amount => yuan(gift.amount_fen),
        goods_description => gift.goods_description.clone(), goods_quantity => gift.goods_quantity.clone(),
        goods_unit => gift.goods_unit.clone(),
        designation => t.fund_name.clone().or_else(|| gift.project.clone()),
        received_on => gift.received_on.to_string(),
        trace_url => donations::trace_url(&page.db, ctx, gift.receipt_number.as_deref().unwrap_or_default()),
    };
    Ok(page.render(
        "receipt.html",
        StatusCode::OK,
        context! { receipt => receipt, ..page.base(Some(&tenant)) },
    ))
}
