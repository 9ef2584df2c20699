//! The GraphQL schema. Resolvers only translate: arguments into service
//! inputs, service results into GraphQL types, service errors into coded
//! GraphQL errors. No rule lives here.

mod donations;
mod error;
mod fee_reductions;
mod funds;
mod loaders;
mod mutation;
mod object_from;
mod organizations;
mod query;
mod relief;
mod scalars;
mod spending_rules;
mod stations;
mod types;

use async_graphql::{Context, EmptySubscription, Schema};
use service::token::TokenKeys;
use service::{Db, RequestMeta, TenantContext};

pub use error::{ApiError, ApiResult, code_of, error_codes};
/// Every query, merged from the modules that define them.
#[derive(async_graphql::MergedObject, Default)]
pub struct Query(
    query::BaseQuery,
    organizations::OrganizationQuery,
    fee_reductions::FeeReductionQuery,
    donations::DonationQuery,
    funds::FundQuery,
    spending_rules::SpendingRuleQuery,
    relief::ReliefQuery,
    stations::StationQuery,
);

/// Every mutation, merged from the modules that define them.
#[derive(async_graphql::MergedObject, Default)]
pub struct Mutation(
    mutation::BaseMutation,
    organizations::OrganizationMutation,
    fee_reductions::FeeReductionMutation,
    donations::DonationMutation,
    funds::FundMutation,
    spending_rules::SpendingRuleMutation,
    relief::ReliefMutation,
    stations::StationMutation,
);
pub use scalars::MoneyScalar;

use crate::config::GraphqlSettings;

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// Per-request data: who is calling, built once by the HTTP handler.
pub struct RequestState {
    /// `None` for anonymous callers.
    pub tenant: Option<TenantContext>,
    pub meta: RequestMeta,
    /// `login` fields run so far in this request (at most one may).
    pub sign_ins: std::sync::atomic::AtomicUsize,
    /// The nested lists' loader, made on first use (signed in only).
    loader: std::sync::OnceLock<async_graphql::dataloader::DataLoader<loaders::Nested>>,
}

impl RequestState {
    pub fn new(tenant: Option<TenantContext>, meta: RequestMeta) -> Self {
        Self {
            tenant,
            meta,
            sign_ins: std::sync::atomic::AtomicUsize::new(0),
            loader: std::sync::OnceLock::new(),
        }
    }
}

/// The schema twice over, alike but for what an operation may cost: the
/// public (no token) gets the lower budget.
#[derive(Clone)]
pub struct Schemas {
    pub signed_in: AppSchema,
    pub anonymous: AppSchema,
}

impl Schemas {
    /// The schema for a caller with or without a session.
    pub fn for_caller(&self, signed_in: bool) -> &AppSchema {
        if signed_in { &self.signed_in } else { &self.anonymous }
    }
}

pub fn build_schema(db: Db, keys: TokenKeys, settings: &GraphqlSettings, introspection: bool) -> Schemas {
    let build = |complexity: usize| {
        let builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
            .data(db.clone())
            .data(keys.clone())
            .limit_depth(settings.max_depth)
            .limit_complexity(complexity);
        if introspection {
            builder.finish()
        } else {
            builder.disable_introspection().finish()
        }
    };
    Schemas {
        signed_in: build(settings.max_complexity),
        anonymous: build(settings.max_complexity_anonymous),
    }
}

/// The SDL, for `api schema` and for clients that generate code.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .finish()
        .sdl()
}

pub(crate) fn db<'a>(ctx: &Context<'a>) -> &'a Db {
    ctx.data_unchecked::<Db>()
}

pub(crate) fn keys<'a>(ctx: &Context<'a>) -> &'a TokenKeys {
    ctx.data_unchecked::<TokenKeys>()
}

pub(crate) fn state<'a>(ctx: &Context<'a>) -> Option<&'a RequestState> {
    ctx.data_opt::<RequestState>()
}

/// The signed-in caller's request state and context, or UNAUTHENTICATED.
pub(crate) fn signed_in<'a>(ctx: &Context<'a>) -> ApiResult<(&'a RequestState, &'a TenantContext)> {
    state(ctx)
        .and_then(|s| Some((s, s.tenant.as_ref()?)))
        .ok_or_else(|| service::Error::Unauthenticated("sign in first: this needs a bearer token".into()).into())
}

/// The signed-in caller's context, or UNAUTHENTICATED.
pub(crate) fn tenant<'a>(ctx: &Context<'a>) -> ApiResult<&'a TenantContext> {
    signed_in(ctx).map(|(_, tenant)| tenant)
}

pub(crate) fn request_meta(ctx: &Context<'_>) -> RequestMeta {
    state(ctx).map(|s| s.meta.clone()).unwrap_or_default()
}
