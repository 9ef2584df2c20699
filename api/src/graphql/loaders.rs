//! Per-request DataLoaders for the nested lists of a list's items
//! (`organizations { history }`, `feeReductionReports { lines }`): the
//! parents' keys are gathered and read with one `service::batch` call, one
//! transaction, instead of one per parent.
//!
//! The loader lives in the request's [`RequestState`](super::RequestState),
//! made on first use with the caller's tenant context, so a loader never
//! outlives its request nor serves another caller.

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{fee_reduction_line, fee_reduction_report_version, organization_version, supervision_listing};
use service::organizations::annual_reports::ReportWithDue;
use service::{Db, TenantContext, batch};
use uuid::Uuid;

use super::error::{ApiError, ApiResult};
use super::{db, signed_in};

/// What the loaders read with: the database and the caller.
pub struct Nested {
    db: Db,
    tenant: TenantContext,
}

/// How many annual reports an organization lists (its first, by id).
pub const ANNUAL_REPORTS_PER_ORGANIZATION: usize = 100;

/// Keys, one type per nested list: the parent's id.
macro_rules! nested_lists {
    ($( $(#[$doc:meta])* $key:ident => $value:ty = |$db:ident, $ctx:ident, $ids:ident| $read:expr; )*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
            pub struct $key(pub Uuid);

            impl Loader<$key> for Nested {
                type Value = Vec<$value>;
                type Error = ApiError;

                async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                    let ($db, $ctx) = (&self.db, &self.tenant);
                    let $ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                    let rows = $read.await?;
                    Ok(rows.into_iter().map(|(id, rows)| ($key(id), rows)).collect())
                }
            }
        )*
    };
}

nested_lists! {
    /// An organization's versions.
    OrganizationHistory => organization_version::Model =
        |db, ctx, ids| batch::organization_histories(db, ctx, &ids);
    /// An organization's supervision listings.
    OrganizationListings => supervision_listing::Model =
        |db, ctx, ids| batch::organization_listings(db, ctx, &ids);
    /// An organization's annual reports.
    OrganizationAnnualReports => ReportWithDue =
        |db, ctx, ids| batch::organization_annual_reports(db, ctx, &ids, ANNUAL_REPORTS_PER_ORGANIZATION);
    /// A fee-reduction report's lines.
    FeeReportLines => fee_reduction_line::Model =
        |db, ctx, ids| batch::fee_report_lines(db, ctx, &ids);
    /// A fee-reduction report's submitted versions.
    FeeReportHistory => fee_reduction_report_version::Model =
        |db, ctx, ids| batch::fee_report_histories(db, ctx, &ids);
}

/// The rows of one parent's nested list, batched with its siblings' in
/// this request, each turned into its GraphQL type.
pub async fn nested<K, T, N>(ctx: &Context<'_>, key: K) -> ApiResult<Vec<N>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    T: Send + Sync + Clone + 'static,
    Nested: Loader<K, Value = Vec<T>, Error = ApiError>,
    N: From<T>,
{
    let (state, tenant) = signed_in(ctx)?;
    let loader = state.loader.get_or_init(|| {
        DataLoader::new(
            Nested {
                db: db(ctx).clone(),
                tenant: tenant.clone(),
            },
            tokio::spawn,
        )
    });
    let rows = loader.load_one(key).await?.unwrap_or_default();
    Ok(rows.into_iter().map(N::from).collect())
}
