//! The running totals of the donation ledger (`donation_tally`): every
//! confirmed entry is added, in the transaction that confirms it, to its
//! organization's, campaign's, channel's and month's row of its year. The
//! dashboards in [`super::totals`] read them; `migration::rebuild_donation_tally`
//! recounts them from the ledger after a bulk load.

use std::collections::BTreeMap;

use chrono::Datelike;
use entity::donation::{self, DonationStatus, Entry, GiftKind};
use entity::donation_tally;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveEnum, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::error::Result;

/// Add confirmed ledger entries (gifts, matching gifts, reversals) to the
/// tallies, inside the transaction that confirms them. Entries that are not
/// confirmed are skipped. Rows are upserted in key order, so concurrent
/// gifts take the row locks in the same order and cannot deadlock.
pub(crate) async fn add<C: ConnectionTrait>(conn: &C, entries: &[&donation::Model]) -> Result<()> {
    let mut deltas: BTreeMap<TallyKey, (i64, i64)> = BTreeMap::new();
    for entry in entries.iter().filter(|e| e.status == DonationStatus::Confirmed) {
        let gifts = match entry.entry {
            Entry::Gift => 1,
            Entry::Reversal => -1,
        };
        for key in TallyKey::of(entry) {
            let delta = deltas.entry(key).or_default();
            delta.0 += entry.amount_fen;
            delta.1 += gifts;
        }
    }
    if deltas.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = deltas
        .into_iter()
        .map(|(key, (fen, gifts))| donation_tally::ActiveModel {
            tenant_id: Set(key.tenant_id),
            year: Set(key.year),
            month: Set(key.month),
            organization_id: Set(key.organization_id),
            campaign_id: Set(key.campaign_id),
            channel: Set(key.channel),
            gift_kind: Set(key.gift_kind),
            fen: Set(fen),
            gifts: Set(gifts),
        })
        .collect();
    use donation_tally::Column as T;
    let key = [
        T::TenantId,
        T::Year,
        T::Month,
        T::OrganizationId,
        T::CampaignId,
        T::Channel,
        T::GiftKind,
    ];
    let added =
        |column: T| Expr::col((donation_tally::Entity, column)).add(Expr::col((Alias::new("excluded"), column)));
    // Chunks keep a bulk load (the demo seed) under SQLite's limit on
    // bound parameters.
    for chunk in rows.chunks(1000) {
        donation_tally::Entity::insert_many(chunk.iter().cloned())
            .on_conflict(
                OnConflict::columns(key)
                    .value(T::Fen, added(T::Fen))
                    .value(T::Gifts, added(T::Gifts))
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// One tally row's key; see the entity for the layout.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TallyKey {
    tenant_id: Uuid,
    year: i32,
    month: i32,
    organization_id: Uuid,
    campaign_id: Uuid,
    channel: String,
    gift_kind: GiftKind,
}

impl TallyKey {
    /// The rows an entry counts in: its organization's, its campaign's, its
    /// channel's (money only, as the dashboard shows) and its month's.
    fn of(entry: &donation::Model) -> Vec<TallyKey> {
        let none = TallyKey {
            tenant_id: entry.tenant_id,
            year: entry.received_on.year(),
            month: 0,
            organization_id: Uuid::nil(),
            campaign_id: Uuid::nil(),
            channel: String::new(),
            gift_kind: entry.gift_kind,
        };
        let mut keys = vec![
            TallyKey {
                organization_id: entry.organization_id,
                ..none.clone()
            },
            TallyKey {
                month: entry.received_on.month() as i32,
                ..none.clone()
            },
        ];
        if let Some(campaign_id) = entry.campaign_id {
            keys.push(TallyKey {
                campaign_id,
                ..none.clone()
            });
        }
        if let (GiftKind::Money, Some(channel)) = (entry.gift_kind, entry.channel) {
            keys.push(TallyKey {
                channel: channel.to_value(),
                ..none
            });
        }
        keys
    }
}
