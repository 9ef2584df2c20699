//! Charity donations, campaigns, receipts' traces and donation totals in
//! GraphQL. Public types (`PublicGift`, `DonationTrace`) have no field that
//! could carry an undisclosed donor's name: the service's display name is
//! the only name they know.

use async_graphql::connection::{Connection, OpaqueCursor};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{campaign, donation};
use service::donations::campaigns::{self, CampaignFigures, CampaignInput as ServiceCampaignInput};
use service::donations::totals::{self, Figures};
use service::donations::trace::{self, Trace};
use service::donations::{self, DonationFilter, GiftView, PledgeInput as ServicePledgeInput, Recorded};
use uuid::Uuid;

use super::error::ApiResult;
use super::funds::{BeneficiaryKind, Purpose};
use super::object_from::{money, object_from};
use super::scalars::MoneyScalar;
use super::types::Paging;
use super::{db, request_meta, tenant};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::donation::GiftKind", rename_items = "snake_case")]
pub enum GiftKind {
    Money,
    Goods,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::donation::Channel", rename_items = "snake_case")]
pub enum Channel {
    BankTransfer,
    Cash,
    WechatPay,
    Alipay,
    Other,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::donation::DonorKind", rename_items = "snake_case")]
pub enum DonorKind {
    Individual,
    Enterprise,
    Anonymous,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::donation::DonationStatus", rename_items = "snake_case")]
pub enum DonationStatus {
    Pledged,
    Confirmed,
    Declined,
}

object_from! {
    // A gift as its organization, the city's officials and its donor see it.
    pub struct Donation from GiftView as v in (v.gift) {
        id: Uuid,
        organization_id: Uuid,
        status: DonationStatus,
        gift_kind: GiftKind,
        /// Money, or the valuation of goods.
        amount: MoneyScalar = money(v.gift.amount_fen),
        channel: Option<Channel> = v.gift.channel.map(Into::into),
        external_reference: String,
        goods_description: String,
        goods_quantity: String,
        goods_unit: String,
        valuation_basis: String,
        donor_kind: DonorKind,
        donor_name: String,
        donor_email: Option<String>,
        /// Whether the donor agreed to be named publicly.
        disclose: bool,
        /// The name public pages show: the donor's, or 爱心人士.
        public_donor_name: String = v.public_donor_name(),
        campaign_id: Option<Uuid>,
        /// The donation station that took it.
        station_id: Option<Uuid>,
        fund_id: Option<Uuid>,
        project: Option<String>,
        restricted_purpose: Option<Purpose> = v.gift.restricted_purpose.map(Into::into),
        /// For a sponsor's matching gift: the gift it matches.
        matches_id: Option<Uuid>,
        /// `ORGCODE-YYYY-NNNNNN`; null until a pledge is confirmed.
        receipt_number: Option<String>,
        received_on: NaiveDate,
        note: String,
        confirmed_at: Option<DateTime<Utc>>,
        /// What of a fund gift no disbursement has used yet.
        unallocated: MoneyScalar = money(v.gift.unallocated_fen),
        /// Voided by a reversing entry; the receipt number is void too.
        voided: bool = v.reversal.is_some(),
        void_reason: Option<String> = v.reversal.as_ref().map(|r| r.note.clone()),
        voided_at: Option<DateTime<Utc>> = v.reversal.as_ref().map(|r| r.created_at),
    }
}

/// A gift just recorded or confirmed (never voided yet).
fn unvoided(gift: donation::Model) -> Donation {
    GiftView { gift, reversal: None }.into()
}

object_from! {
    // A gift just recorded or confirmed.
    pub struct RecordedDonation from Recorded as r {
        donation: Donation = unvoided(r.donation.clone()),
        /// The code printed on the receipt, shown once (only its hash is kept):
        /// print it for a donor without an email address. Null on a replay.
        verification_code: Option<String>,
        /// The campaign sponsor's matching gift, if this gift was matched.
        matched: Option<Donation> = r.matched.clone().map(unvoided),
    }
}

object_from! {
    // A gift as the public sees it: no donor name unless disclosed.
    pub struct PublicGift from GiftView as v in (v.gift) {
        id: Uuid,
        /// The donor's name if they agreed to be named, else 爱心人士.
        donor: String = v.public_donor_name(),
        gift_kind: GiftKind,
        amount: MoneyScalar = money(v.gift.amount_fen),
        received_on: NaiveDate,
        voided: bool = v.reversal.is_some(),
    }
}

object_from! {
    pub struct Campaign from CampaignFigures as c in (c.campaign) {
        id: Uuid,
        organization_id: Uuid,
        name: String,
        description: String,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        target: Option<MoneyScalar> = c.campaign.target_fen.map(money),
        match_sponsor: Option<String>,
        match_percent: Option<i32>,
        match_cap: Option<MoneyScalar> = c.campaign.match_cap_fen.map(money),
        /// How much the sponsor has matched so far.
        matched: MoneyScalar = money(c.campaign.matched_fen),
        /// Money raised, matching gifts included, voids deducted.
        raised_money: MoneyScalar = money(c.money_fen),
        /// The valuation of goods received.
        raised_goods: MoneyScalar = money(c.goods_fen),
        gifts: i64 = c.gifts,
    }
}

fn new_campaign(campaign: campaign::Model) -> Campaign {
    CampaignFigures {
        campaign,
        money_fen: 0,
        goods_fen: 0,
        gifts: 0,
    }
    .into()
}

object_from! {
    /// One disbursement a traced gift paid for.
    pub struct TracedUse from service::donations::trace::TracedUse as u {
        disbursement_id: Uuid,
        purpose: Purpose,
        beneficiary_kind: BeneficiaryKind,
        /// Masked: people and households show as 张*.
        beneficiary: String,
        approved_on: Option<NaiveDate> = u.decided_on,
        paid_on: Option<NaiveDate>,
        /// The part of this gift that went to it.
        amount: MoneyScalar = money(u.amount_fen),
    }
}

object_from! {
    // Where a gift went.
    pub struct DonationTrace from Trace as t {
        gift: PublicGift,
        receipt_number: Option<String> = t.gift.gift.receipt_number.clone(),
        organization_name: String,
        fund_name: Option<String>,
        project: Option<String> = t.gift.gift.project.clone(),
        uses: Vec<TracedUse> = t.uses.iter().map(Into::into).collect(),
        /// The total of `uses`.
        allocated: MoneyScalar = money(t.allocated_fen),
        /// What of a fund gift is still unspent.
        unspent: MoneyScalar = money(t.unspent_fen),
    }
}

object_from! {
    pub struct DonationFigures from Figures as f {
        money: MoneyScalar = money(f.money_fen),
        /// The valuation of goods, kept apart from money.
        goods: MoneyScalar = money(f.goods_fen),
        /// Gifts counted, voided ones excluded.
        gifts: i64,
    }
}

#[derive(SimpleObject)]
pub struct NamedFigures {
    pub id: Uuid,
    pub name: String,
    pub figures: DonationFigures,
}

#[derive(SimpleObject)]
pub struct ChannelFigures {
    pub channel: Channel,
    pub figures: DonationFigures,
}

#[derive(SimpleObject)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub figures: DonationFigures,
}

#[derive(SimpleObject)]
pub struct DonationTotals {
    pub overall: DonationFigures,
    /// The organizations that raised the most money, most first.
    pub by_organization: Vec<NamedFigures>,
    /// How many organizations received gifts.
    pub organization_count: i32,
    pub by_campaign: Vec<NamedFigures>,
    /// Money only.
    pub by_channel: Vec<ChannelFigures>,
    pub by_month: Vec<MonthFigures>,
}

#[derive(SimpleObject)]
pub struct CityDonationTotals {
    pub city_slug: String,
    pub city_name: String,
    pub figures: DonationFigures,
}

#[derive(InputObject, Default)]
pub struct DonationFilterInput {
    pub organization_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub fund_id: Option<Uuid>,
    pub status: Option<DonationStatus>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
}

#[derive(Default)]
pub struct DonationQuery;

#[Object]
impl DonationQuery {
    /// Gifts, newest first: org staff see their organization's, officials
    /// the city's, donors their own.
    #[graphql(complexity = "super::types::page_cost(first, child_complexity)")]
    async fn donations(
        &self,
        ctx: &Context<'_>,
        filter: Option<DonationFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<OpaqueCursor<Uuid>, Donation>> {
        let paging = Paging::new(first, after)?;
        let f = filter.unwrap_or_default();
        let filter = DonationFilter {
            organization_id: f.organization_id,
            campaign_id: f.campaign_id,
            fund_id: f.fund_id,
            status: f.status.map(Into::into),
            received_from: f.received_from,
            received_to: f.received_to,
        };
        let result = donations::list(db(ctx), tenant(ctx)?, filter, paging.request).await?;
        Ok(paging.connection(result, |g| g.gift.id, Donation::from))
    }

    async fn donation(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Donation> {
        Ok(donations::get(db(ctx), tenant(ctx)?, id).await?.into())
    }

    /// Signed in: where one of my gifts went.
    async fn donation_trace(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<DonationTrace> {
        Ok(trace::of_donation(db(ctx), tenant(ctx)?, id).await?.into())
    }

    /// Public: where a gift went, with the receipt number and the
    /// verification code from the receipt email.
    #[graphql(complexity = 100)]
    async fn trace_donation(
        &self,
        ctx: &Context<'_>,
        tenant: String,
        receipt_number: String,
        verification_code: String,
    ) -> ApiResult<DonationTrace> {
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        Ok(trace::by_receipt(db(ctx), &public, &receipt_number, &verification_code)
            .await?
            .into())
    }

    /// Public: a city's campaigns with what they raised.
    async fn campaigns(&self, ctx: &Context<'_>, tenant: String) -> ApiResult<Vec<Campaign>> {
        let public = service::tenants::public_context(db(ctx), &tenant, request_meta(ctx)).await?;
        Ok(campaigns::list(db(ctx), &public)
            .await?
            .into_iter()
            .map(Campaign::from)
            .collect())
    }

    /// City officials: donations by organization, campaign, channel and
    /// month, money and goods apart; all years when `year` is left out.
    /// `byOrganization` lists the `organizations` that raised the most
    /// money (20 unless asked); `organizationCount` says how many there are.
    #[graphql(complexity = 200)]
    async fn donation_totals(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
        #[graphql(default = 20)] organizations: i32,
    ) -> ApiResult<DonationTotals> {
        let top = usize::try_from(organizations).map_err(|_| {
            service::Error::validation(
                "organizations",
                "organizations is how many to list: 0 or more",
                "机构数量须为 0 或以上",
            )
        })?;
        let t = totals::city(db(ctx), tenant(ctx)?, year, top).await?;
        let named = |rows: Vec<(Uuid, String, Figures)>| {
            rows.into_iter()
                .map(|(id, name, f)| NamedFigures {
                    id,
                    name,
                    figures: f.into(),
                })
                .collect()
        };
        Ok(DonationTotals {
            overall: t.overall.into(),
            by_organization: named(t.by_organization),
            organization_count: i32::try_from(t.organization_count).unwrap_or(i32::MAX),
            by_campaign: named(t.by_campaign),
            by_channel: t
                .by_channel
                .into_iter()
                .map(|(c, f)| ChannelFigures {
                    channel: c.into(),
                    figures: f.into(),
                })
                .collect(),
            by_month: t
                .by_month
                .into_iter()
                .map(|(month, f)| MonthFigures {
                    month,
                    figures: f.into(),
                })
                .collect(),
        })
    }

    /// Region officials: each city's donations, sums only.
    #[graphql(complexity = 200)]
    async fn region_donation_totals(&self, ctx: &Context<'_>, year: Option<i32>) -> ApiResult<Vec<CityDonationTotals>> {
        Ok(totals::region(db(ctx), tenant(ctx)?, year)
            .await?
            .into_iter()
            .map(|(city_slug, city_name, f)| CityDonationTotals {
                city_slug,
                city_name,
                figures: f.into(),
            })
            .collect())
    }
}

#[derive(InputObject)]
pub struct DonationInput {
    pub gift_kind: GiftKind,
    /// Money, or the valuation of goods in yuan.
    pub amount: MoneyScalar,
    /// Required for money.
    pub channel: Option<Channel>,
    pub external_reference: Option<String>,
    /// Required for goods, with quantity, unit and valuation basis.
    pub goods_description: Option<String>,
    pub goods_quantity: Option<String>,
    pub goods_unit: Option<String>,
    pub valuation_basis: Option<String>,
    pub donor_kind: DonorKind,
    /// Required unless anonymous.
    pub donor_name: Option<String>,
    /// Where the receipt is sent.
    pub donor_email: Option<String>,
    /// The donor agrees to be named on public pages (default: no).
    #[graphql(default)]
    pub disclose: bool,
    pub campaign_id: Option<Uuid>,
    /// The organization's donation station that took the gift, open on
    /// the day it was received.
    pub station_id: Option<Uuid>,
    /// Designation to a fund of the organization...
    pub fund_id: Option<Uuid>,
    /// ...or to a project.
    pub project: Option<String>,
    /// Within a fund: only for this purpose.
    pub restricted_purpose: Option<Purpose>,
    /// Defaults to today.
    pub received_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct PledgeInput {
    pub organization_id: Uuid,
    pub amount: MoneyScalar,
    pub channel: Channel,
    #[graphql(default)]
    pub disclose: bool,
    pub campaign_id: Option<Uuid>,
    pub fund_id: Option<Uuid>,
    pub restricted_purpose: Option<Purpose>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct CampaignInput {
    pub name: String,
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub target: Option<MoneyScalar>,
    /// Matching: the sponsor, the percentage of each money gift it adds,
    /// and its cap. All three or none.
    pub match_sponsor: Option<String>,
    pub match_percent: Option<i32>,
    pub match_cap: Option<MoneyScalar>,
}

#[derive(Default)]
pub struct DonationMutation;

#[Object]
impl DonationMutation {
    /// Org staff record a gift received: it gets its receipt number at
    /// once, and the donor a receipt email when an address is given.
    async fn record_donation(
        &self,
        ctx: &Context<'_>,
        input: DonationInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<RecordedDonation> {
        let input = donations::DonationInput {
            gift_kind: input.gift_kind.into(),
            amount: input.amount.0,
            channel: input.channel.map(Into::into),
            external_reference: input.external_reference,
            goods_description: input.goods_description,
            goods_quantity: input.goods_quantity,
            goods_unit: input.goods_unit,
            valuation_basis: input.valuation_basis,
            donor_kind: input.donor_kind.into(),
            donor_name: input.donor_name,
            donor_email: input.donor_email,
            disclose: input.disclose,
            campaign_id: input.campaign_id,
            station_id: input.station_id,
            fund_id: input.fund_id,
            project: input.project,
            restricted_purpose: input.restricted_purpose.map(Into::into),
            received_on: input.received_on,
            note: input.note,
        };
        let recorded = donations::record(db(ctx), tenant(ctx)?, input, idempotency_key.as_deref()).await?;
        Ok(recorded.into())
    }

    /// Donors pledge a money gift online; the organization confirms it.
    async fn pledge_donation(
        &self,
        ctx: &Context<'_>,
        input: PledgeInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<Donation> {
        let input = ServicePledgeInput {
            organization_id: input.organization_id,
            amount: input.amount.0,
            channel: input.channel.into(),
            disclose: input.disclose,
            campaign_id: input.campaign_id,
            fund_id: input.fund_id,
            restricted_purpose: input.restricted_purpose.map(Into::into),
            note: input.note,
        };
        let gift = donations::pledge(db(ctx), tenant(ctx)?, input, idempotency_key.as_deref()).await?;
        Ok(unvoided(gift))
    }

    /// The money of a pledge arrived: confirm it and issue the receipt.
    async fn confirm_pledge(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
        received_on: Option<NaiveDate>,
    ) -> ApiResult<RecordedDonation> {
        Ok(donations::confirm_pledge(db(ctx), tenant(ctx)?, id, received_on)
            .await?
            .into())
    }

    async fn decline_pledge(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> ApiResult<Donation> {
        let gift = donations::decline_pledge(db(ctx), tenant(ctx)?, id, &reason).await?;
        Ok(unvoided(gift))
    }

    /// Void a gift by a reversing entry; its receipt number is void and
    /// never reused.
    async fn void_donation(&self, ctx: &Context<'_>, id: Uuid, reason: String) -> ApiResult<Donation> {
        Ok(donations::void(db(ctx), tenant(ctx)?, id, &reason).await?.into())
    }

    async fn create_campaign(
        &self,
        ctx: &Context<'_>,
        input: CampaignInput,
        idempotency_key: Option<String>,
    ) -> ApiResult<Campaign> {
        let input = ServiceCampaignInput {
            name: input.name,
            description: input.description,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            target: input.target.map(|m| m.0),
            match_sponsor: input.match_sponsor,
            match_percent: input.match_percent,
            match_cap: input.match_cap.map(|m| m.0),
        };
        let campaign = campaigns::create(db(ctx), tenant(ctx)?, input, idempotency_key.as_deref()).await?;
        Ok(new_campaign(campaign))
    }
}
