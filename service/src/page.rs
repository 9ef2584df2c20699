//! Keyset pagination. Lists are ordered by a unique key (UUID v7 ids are
//! time-ordered), and a page starts after the last key the client saw, so
//! pages stay stable while rows are added and cost the same at any depth.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Value,
};
use uuid::Uuid;

use crate::context::TenantContext;
use crate::db::Db;
use crate::error::{Error, Result};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest<K> {
    pub first: u64,
    pub after: Option<K>,
    /// Also count the whole list (one `COUNT` more): for the lists people
    /// page through in the portal, which say "N in all".
    pub count: bool,
}

impl<K> PageRequest<K> {
    pub fn new(first: Option<i32>, after: Option<K>) -> Result<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n >= 1 && (n as u64) <= MAX_PAGE_SIZE => n as u64,
            Some(n) => {
                return Err(Error::validation(
                    "first",
                    format!("first must be between 1 and {MAX_PAGE_SIZE}, got {n}"),
                    format!("每页条数须在 1 至 {MAX_PAGE_SIZE} 之间，当前为 {n}"),
                ));
            }
        };
        Ok(Self {
            first,
            after,
            count: false,
        })
    }

    /// The same page, with the whole list counted.
    pub fn counted(self) -> Self {
        Self { count: true, ..self }
    }
}

#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    /// How many rows the whole list holds, when the request asked for it
    /// ([`PageRequest::counted`]).
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// Build a page from a query that fetched `first + 1` rows: the extra row
    /// only tells whether there is a next page.
    pub fn from_overfetch(mut rows: Vec<T>, first: u64) -> Self {
        let has_next = rows.len() as u64 > first;
        rows.truncate(first as usize);
        Self {
            items: rows,
            has_next,
            total: None,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next: self.has_next,
            total: self.total,
        }
    }
}

/// Which way a list runs along its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// Ascending: registers and name lists, where new rows join the end.
    OldestFirst,
    /// Descending: ledgers and logs, where people look for the latest.
    NewestFirst,
}

/// One page of `query` along `key` (unique, so no row is skipped or shown
/// twice): the rows after the key the client saw last, plus one more that
/// only tells whether a next page exists.
pub(crate) async fn fetch<E, K, C>(
    conn: &C,
    mut query: Select<E>,
    key: E::Column,
    order: Order,
    page: PageRequest<K>,
) -> Result<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    K: Into<Value>,
    C: ConnectionTrait,
{
    let total = match page.count {
        true => Some(query.clone().count(conn).await?),
        false => None,
    };
    query = match order {
        Order::OldestFirst => {
            if let Some(after) = page.after {
                query = query.filter(key.gt(after));
            }
            query.order_by_asc(key)
        }
        Order::NewestFirst => {
            if let Some(after) = page.after {
                query = query.filter(key.lt(after));
            }
            query.order_by_desc(key)
        }
    };
    let rows = query.limit(page.first + 1).all(conn).await?;
    Ok(Page {
        total,
        ..Page::from_overfetch(rows, page.first)
    })
}

/// [`fetch`] in a read transaction of its own, oldest first by a UUID v7
/// id (time-ordered).
pub(crate) async fn fetch_by_id<E: EntityTrait>(
    db: &Db,
    ctx: &TenantContext,
    query: Select<E>,
    id: E::Column,
    page: PageRequest<Uuid>,
) -> Result<Page<E::Model>>
where
    E::Model: Sync,
{
    let tx = db.read(ctx).await?;
    let page = fetch(&tx, query, id, Order::OldestFirst, page).await?;
    tx.commit().await?;
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_bounded() {
        assert_eq!(
            PageRequest::<u8>::new(None, None).map(|p| p.first).ok(),
            Some(DEFAULT_PAGE_SIZE)
        );
        assert!(PageRequest::<u8>::new(Some(0), None).is_err());
        assert!(PageRequest::<u8>::new(Some(101), None).is_err());
        assert!(PageRequest::<u8>::new(Some(-5), None).is_err());
    }

    #[test]
    fn overfetch_sets_has_next() {
        let page = Page::from_overfetch(vec![1, 2, 3], 2);
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.has_next);
        let page = Page::from_overfetch(vec![1, 2], 2);
        assert!(!page.has_next);
    }
}
