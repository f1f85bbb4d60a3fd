//! The alert core against the plainest possible reference: a list scanned
//! in full on every trade. Random alerts are set, cancelled and fired by
//! random trades over a few symbols; after every step both fire the same
//! alerts at the same price, in the core's order (nearest level first, then
//! by id), and the core keeps its invariants and its owners' counts.

use marketlab_actors::alerts::{Alert, AlertId, Alerts, Fired, Trigger};
use marketlab_actors::types::{AccountId, Money, Symbol};
use proptest::prelude::*;

const SYMBOLS: [&str; 3] = ["ACME", "BOLT", "CORE"];

#[derive(Debug, Clone)]
enum Step {
    Set {
        owner: u64,
        symbol: usize,
        above: bool,
        level: i64,
    },
    Cancel(usize),
    Trade {
        symbol: usize,
        price: i64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0u64..4, 0usize..3, any::<bool>(), 90i64..110).prop_map(|(owner, symbol, above, level)| Step::Set { owner, symbol, above, level }),
        1 => (0usize..64).prop_map(Step::Cancel),
        3 => (0usize..3, 85i64..115).prop_map(|(symbol, price)| Step::Trade { symbol, price }),
    ]
}

/// What the core promises, computed the slow way.
fn reference_fire(waiting: &mut Vec<Alert>, symbol: Symbol, price: Money) -> Vec<Fired> {
    let (mut fired, kept): (Vec<Alert>, Vec<Alert>) = waiting
        .drain(..)
        .partition(|a| a.symbol == symbol && a.trigger.fires_at(price));
    *waiting = kept;
    // Nearest first: above-levels from the highest down, then below-levels
    // from the lowest up; ties by id.
    fired.sort_by_key(|a| match a.trigger {
        Trigger::AtOrAbove(level) => (0, -level.0, a.id),
        Trigger::AtOrBelow(level) => (1, level.0, a.id),
    });
    fired
        .into_iter()
        .map(|alert| Fired { alert, price })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_core_fires_what_a_full_scan_fires(steps in prop::collection::vec(step(), 1..200)) {
        let mut core = Alerts::default();
        let mut waiting: Vec<Alert> = Vec::new();
        let mut next_id = 1u64;
        for step in steps {
            match step {
                Step::Set { owner, symbol, above, level } => {
                    let trigger = if above {
                        Trigger::AtOrAbove(Money(level))
                    } else {
                        Trigger::AtOrBelow(Money(level))
                    };
                    let alert = Alert {
                        id: AlertId(next_id),
                        owner: AccountId(owner),
                        symbol: Symbol::new(SYMBOLS[symbol]).unwrap(),
                        trigger,
                    };
                    next_id += 1;
                    prop_assert!(core.insert(alert));
                    waiting.push(alert);
                }
                Step::Cancel(nth) => {
                    let id = AlertId(nth as u64 + 1);
                    let expected = waiting.iter().position(|a| a.id == id).map(|i| waiting.remove(i));
                    prop_assert_eq!(core.remove(id), expected);
                }
                Step::Trade { symbol, price } => {
                    let symbol = Symbol::new(SYMBOLS[symbol]).unwrap();
                    let expected = reference_fire(&mut waiting, symbol, Money(price));
                    prop_assert_eq!(core.on_trade(symbol, Money(price)), expected);
                }
            }
            prop_assert_eq!(core.len(), waiting.len());
            for owner in 0..4 {
                let owned = waiting.iter().filter(|a| a.owner == AccountId(owner)).count();
                prop_assert_eq!(core.waiting_of(AccountId(owner)), owned);
            }
            core.check_invariants().map_err(TestCaseError::fail)?;
        }
    }
}
