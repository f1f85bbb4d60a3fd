//! Price alerts against trades: `cargo bench -p marketlab-benches --bench alerts`.
//!
//! The board's feed hands every trade to the alert core, after the book has
//! published it; the book itself never sees an alert. What a trade costs the
//! feed is measured here with 0 and 100,000 alerts waiting (spread over 50
//! symbols and over levels on both sides, none reached by the trades), and
//! the cost of firing: a trade that reaches 100 waiting alerts at once.
//! Target: a trade that fires nothing costs the feed under a microsecond
//! with 100 k alerts waiting, so the book's ~100 ns per order is the same
//! with or without them (the feed runs on its own thread).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use marketlab_actors::alerts::{Alert, AlertId, Alerts, Trigger};
use marketlab_actors::types::{AccountId, Money, Symbol};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const WAITING: u64 = 100_000;
const SYMBOLS: usize = 50;
/// The trades' prices move within 95.00 to 105.00; alerts wait outside.
const LOW: i64 = 9_500;
const HIGH: i64 = 10_500;

fn symbols() -> Vec<Symbol> {
    (0..SYMBOLS)
        .map(|i| Symbol::new(&format!("S{i:03}")).unwrap())
        .collect()
}

/// `count` alerts that the bench's trades never reach.
fn waiting(count: u64, symbols: &[Symbol]) -> Alerts {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut alerts = Alerts::default();
    for id in 1..=count {
        let trigger = if rng.random_bool(0.5) {
            Trigger::AtOrAbove(Money(HIGH + 1 + rng.random_range(0..5_000)))
        } else {
            Trigger::AtOrBelow(Money(LOW - 1 - rng.random_range(0..5_000)))
        };
        alerts.insert(Alert {
            id: AlertId(id),
            owner: AccountId(id % 1_000),
            symbol: symbols[rng.random_range(0..symbols.len())],
            trigger,
        });
    }
    alerts
}

fn trades(symbols: &[Symbol]) -> Vec<(Symbol, Money)> {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    (0..10_000)
        .map(|_| {
            (
                symbols[rng.random_range(0..symbols.len())],
                Money(rng.random_range(LOW..=HIGH)),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let symbols = symbols();
    let trades = trades(&symbols);
    let mut group = c.benchmark_group("alerts");
    for count in [0, WAITING] {
        let mut alerts = waiting(count, &symbols);
        let mut next = 0;
        group.bench_function(format!("trade, {count} waiting"), |b| {
            b.iter(|| {
                let (symbol, price) = trades[next % trades.len()];
                next += 1;
                black_box(alerts.on_trade(symbol, price))
            })
        });
    }
    group.bench_function("trade firing 100 of 100000 waiting", |b| {
        b.iter_batched_ref(
            || {
                let mut alerts = waiting(WAITING - 100, &symbols);
                for id in 0..100 {
                    alerts.insert(Alert {
                        id: AlertId(WAITING + id),
                        owner: AccountId(id),
                        symbol: symbols[0],
                        trigger: Trigger::AtOrAbove(Money(10_000)),
                    });
                }
                alerts
            },
            |alerts| black_box(alerts.on_trade(symbols[0], Money(10_000))),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
