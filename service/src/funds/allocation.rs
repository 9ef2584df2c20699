//! Which donations pay for a disbursement. A fund's unspent gifts are used
//! in a fixed order: gifts the donor restricted to the disbursement's
//! purpose first, then unrestricted gifts; within each, oldest first. Gifts
//! restricted to another purpose are never used. The result is stored, so
//! a donor's trace never changes after the fact.

use entity::disbursement::Purpose;
use uuid::Uuid;

/// An unspent gift of a fund, in ledger order (oldest first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unspent {
    pub donation_id: Uuid,
    pub restricted_to: Option<Purpose>,
    pub unallocated_fen: i64,
}

/// The gifts cannot cover the disbursement: this much is usable for its
/// purpose.
#[derive(Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub available_fen: i64,
}

/// Split `amount_fen` over `unspent`. Every share is positive and at most
/// the gift's unallocated amount; the shares sum to exactly `amount_fen`.
pub fn allocate(unspent: &[Unspent], purpose: Purpose, amount_fen: i64) -> Result<Vec<(Uuid, i64)>, Shortfall> {
    let restricted = unspent.iter().filter(|u| u.restricted_to == Some(purpose));
    let general = unspent.iter().filter(|u| u.restricted_to.is_none());
    let usable: Vec<&Unspent> = restricted.chain(general).filter(|u| u.unallocated_fen > 0).collect();
    let available_fen = usable.iter().map(|u| u.unallocated_fen).sum();
    if amount_fen > available_fen {
        return Err(Shortfall { available_fen });
    }
    let mut remaining = amount_fen;
    let mut shares = Vec::new();
    for gift in usable {
        if remaining == 0 {
            break;
        }
        let share = remaining.min(gift.unallocated_fen);
        shares.push((gift.donation_id, share));
        remaining -= share;
    }
    Ok(shares)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn gift(n: u128, restricted_to: Option<Purpose>, fen: i64) -> Unspent {
        Unspent {
            donation_id: Uuid::from_u128(n),
            restricted_to,
            unallocated_fen: fen,
        }
    }

    #[test]
    fn restricted_gifts_go_first_then_the_oldest() {
        let gifts = [
            gift(1, None, 500),
            gift(2, Some(Purpose::Education), 300),
            gift(3, Some(Purpose::Medical), 1_000),
            gift(4, None, 500),
        ];
        let shares = allocate(&gifts, Purpose::Education, 700).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(shares, vec![(Uuid::from_u128(2), 300), (Uuid::from_u128(1), 400)]);
    }

    #[test]
    fn gifts_restricted_to_another_purpose_are_not_available() {
        let gifts = [gift(1, Some(Purpose::Medical), 1_000), gift(2, None, 200)];
        assert_eq!(
            allocate(&gifts, Purpose::Education, 201),
            Err(Shortfall { available_fen: 200 })
        );
    }

    const PURPOSES: [Purpose; 3] = [Purpose::Education, Purpose::Medical, Purpose::LivingAid];

    #[derive(Clone, Debug)]
    enum Event {
        Donate { fen: i64, restricted: Option<usize> },
        Disburse { fen: i64, purpose: usize },
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            (1..100_000i64, proptest::option::of(0..PURPOSES.len()))
                .prop_map(|(fen, restricted)| Event::Donate { fen, restricted }),
            (1..150_000i64, 0..PURPOSES.len()).prop_map(|(fen, purpose)| Event::Disburse { fen, purpose }),
        ]
    }

    proptest! {
        /// For any history of gifts and disbursements: no gift gives more
        /// than it had, every disbursement that goes through is paid in
        /// full, one that is refused was really not coverable, and no gift
        /// restricted to another purpose is touched.
        #[test]
        fn allocations_never_exceed_gifts_and_always_cover_disbursements(
            events in proptest::collection::vec(event(), 1..80)
        ) {
            let mut ledger: Vec<Unspent> = Vec::new();
            let mut given: HashMap<Uuid, i64> = HashMap::new();
            let mut allocated: HashMap<Uuid, i64> = HashMap::new();
            for (n, event) in events.into_iter().enumerate() {
                match event {
                    Event::Donate { fen, restricted } => {
                        let id = Uuid::from_u128(n as u128 + 1);
                        given.insert(id, fen);
                        ledger.push(gift(n as u128 + 1, restricted.map(|i| PURPOSES[i]), fen));
                    }
                    Event::Disburse { fen, purpose } => {
                        let purpose = PURPOSES[purpose];
                        let usable: i64 = ledger
                            .iter()
                            .filter(|u| u.restricted_to.is_none() || u.restricted_to == Some(purpose))
                            .map(|u| u.unallocated_fen)
                            .sum();
                        match allocate(&ledger, purpose, fen) {
                            Ok(shares) => {
                                prop_assert_eq!(shares.iter().map(|(_, s)| s).sum::<i64>(), fen);
                                for (id, share) in shares {
                                    prop_assert!(share > 0);
                                    let gift = ledger.iter_mut().find(|u| u.donation_id == id).unwrap_or_else(|| panic!("unknown gift {id}"));
                                    prop_assert!(gift.restricted_to.is_none() || gift.restricted_to == Some(purpose));
                                    prop_assert!(share <= gift.unallocated_fen);
                                    gift.unallocated_fen -= share;
                                    *allocated.entry(id).or_default() += share;
                                }
                            }
                            Err(Shortfall { available_fen }) => {
                                prop_assert_eq!(available_fen, usable);
                                prop_assert!(fen > usable);
                            }
                        }
                    }
                }
            }
            for (id, total) in allocated {
                prop_assert!(total <= given[&id]);
            }
        }
    }
}
