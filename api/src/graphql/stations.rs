//! Charity donation stations (社会慈善捐助站) in GraphQL: public with what
//! each took; opened and closed by the staff of the charity that runs them.

use async_graphql::{Context, InputObject, Object};
use chrono::NaiveDate;
use entity::donation_station;
use service::donations::stations::{self, StationFigures, StationInput};
use uuid::Uuid;

use super::error::ApiResult;
use super::object_from::{money, object_from};
use super::scalars::MoneyScalar;
use super::{db, request_meta, tenant};

object_from! {
    pub struct DonationStation from StationFigures as f in (f.station) {
        id: Uuid,
        /// The charitable organization that runs it and receives its gifts.
        organization_id: Uuid,
        organization_name: String = f.organization_name.clone(),
        name: String,
        district: String,
        address: String,
        hours: String,
        opened_on: NaiveDate,
        /// Set once it stopped taking gifts.
        closed_on: Option<NaiveDate>,
        /// Confirmed gifts it took, voids deducted.
        gifts: i64 = f.gifts,
        money: MoneyScalar = money(f.money_fen),
        /// The valuation of goods it took.
        goods: MoneyScalar = money(f.goods_fen),
    }
}

fn without_figures(station: donation_station::Model) -> DonationStation {
    StationFigures {
        station,
        organization_name: String::new(),
        gifts: 0,
        money_fen: 0,
        goods_fen: 0,
    }
    .into()
}

#[derive(Default)]
pub struct StationQuery;

#[Object]
impl StationQuery {
    /// Public: a city's donation stations, open ones first, with what each
    /// took.
    async fn donation_stations(&self, ctx: &Context<'_>, tenant: String) -> ApiResult<Vec<DonationStation>> {
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        Ok(stations::list(db(ctx), &public)
            .await?
            .into_iter()
            .map(DonationStation::from)
            .collect())
    }
}

#[derive(InputObject)]
pub struct DonationStationInput {
    pub name: String,
    pub district: String,
    pub address: String,
    /// Opening hours or a contact, as the public should see them.
    pub hours: Option<String>,
    /// Defaults to today.
    pub opened_on: Option<NaiveDate>,
}

#[derive(Default)]
pub struct StationMutation;

#[Object]
impl StationMutation {
    /// Org staff of a charity open a station whose gifts it receives.
    async fn create_donation_station(
        &self,
        ctx: &Context<'_>,
        input: DonationStationInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<DonationStation> {
        let input = StationInput {
            name: input.name,
            district: input.district,
            address: input.address,
            hours: input.hours,
            opened_on: input.opened_on,
        };
        let station = stations::create(db(ctx), tenant(ctx)?, input, idempotency_key.as_deref()).await?;
        Ok(without_figures(station))
    }

    /// The station stops taking gifts from today.
    async fn close_donation_station(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<DonationStation> {
        Ok(without_figures(stations::close(db(ctx), tenant(ctx)?, id).await?))
    }
}
