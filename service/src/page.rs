//! Keyset pagination. Lists are ordered by a unique key (UUID v7 ids are
//! time-ordered), and a page starts after the last key the client saw, so
//! pages stay stable while rows are added and cost the same at any depth.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
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
        Ok(Self { first, after })
    }
}

#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
}

impl<T> Page<T> {
    /// Build a page from a query that fetched `first + 1` rows: the extra row
    /// only tells whether there is a next page.
    pub fn from_overfetch(mut rows: Vec<T>, first: u64) -> Self {
        let has_next = rows.len() as u64 > first;
        rows.truncate(first as usize);
        Self { items: rows, has_next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next: self.has_next,
        }
    }
}

/// Run a tenant-scoped list query one page at a time, keyed on a UUID v7
/// id column (time-ordered, so oldest first).
pub(crate) async fn fetch_by_id<E: EntityTrait>(
    db: &Db,
    ctx: &TenantContext,
    mut query: Select<E>,
    id: E::Column,
    page: PageRequest<Uuid>,
) -> Result<Page<E::Model>> {
    if let Some(after) = page.after {
        query = query.filter(id.gt(after));
    }
    let tx = db.read(ctx).await?;
    let rows = query.order_by_asc(id).limit(page.first + 1).all(&tx).await?;
    tx.commit().await?;
    Ok(Page::from_overfetch(rows, page.first))
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
