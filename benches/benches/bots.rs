//! Bot decisions per second: `cargo bench -p marketlab-benches --bench bots`.
//!
//! Target (one core): >= 200,000 decisions/s. A decision is one `on_tick` of
//! the shipped market maker (`scripts/market_maker.rhai`): its param and
//! book reads (mid, last, fundamental, tick, position, cash, state), a
//! cancel and the orders it places, all through the sandboxed engine with
//! every limit on. Criterion reports decisions per second.
//!
//! - `market_maker/one_side`: it holds no shares, so it re-quotes only its
//!   bid: the issue's "book reads and one order".
//! - `market_maker/both_sides`: it holds shares, so it quotes both sides,
//!   as it does in a running market.
//!
//! The view is built once and shared (`Arc`), as a driver does for a tick;
//! the outcome (its actions) is dropped inside the timing.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use marketlab_actors::bots::{BotConfig, BotCore, BotScript, BotView, Holding, Level, SymbolView};
use marketlab_actors::types::{Money, Quantity, Symbol, TickSize, Timestamp};

const MARKET_MAKER: &str = include_str!("../../scripts/market_maker.rhai");

fn view(held: u64) -> Arc<BotView> {
    let acme = Symbol::new("ACME").unwrap();
    let mut listing = SymbolView::new(TickSize::CENT);
    listing.bids = (0..5)
        .map(|i| Level {
            price: Money(9_990 - i * 10),
            quantity: Quantity(100),
        })
        .collect();
    listing.asks = (0..5)
        .map(|i| Level {
            price: Money(10_010 + i * 10),
            quantity: Quantity(100),
        })
        .collect();
    listing.last = Some(Money(10_000));
    listing.fundamental = Some(Money(10_050));
    Arc::new(BotView {
        now: Timestamp::from_millis(1_767_258_000_000),
        symbols: [(acme, listing)].into(),
        cash: Money::from_major(1_000_000),
        available_cash: Money::from_major(1_000_000),
        positions: [(
            acme,
            Holding {
                quantity: Quantity(held),
                available: Quantity(held),
            },
        )]
        .into(),
        open_orders: Vec::new(),
    })
}

fn market_maker(c: &mut Criterion) {
    let script = BotScript::compile("market_maker.rhai", MARKET_MAKER).unwrap();
    let params = serde_json::from_str(r#"{"symbol": "ACME", "size": 100}"#).unwrap();
    let mut group = c.benchmark_group("market_maker");
    group.throughput(Throughput::Elements(1));
    for (name, held, orders) in [("one_side", 0, 1), ("both_sides", 1_000, 2)] {
        let view = view(held);
        let mut bot = BotCore::new(1, script.clone(), &params, 7, BotConfig::default());
        let start = bot.on_start(&view);
        assert_eq!(start.error, None);
        let tick = bot.on_tick(&view);
        assert_eq!(tick.error, None);
        assert_eq!(tick.actions.len(), 1 + orders, "{:?}", tick.actions);
        group.bench_function(name, |b| {
            b.iter(|| black_box(bot.on_tick(black_box(&view))))
        });
    }
    group.finish();
}

criterion_group!(benches, market_maker);
criterion_main!(benches);
