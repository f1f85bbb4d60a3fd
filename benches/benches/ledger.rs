//! Ledger settlement throughput: `cargo bench -p marketlab-benches --bench ledger`.
//!
//! Target (one core): >= 2 M fills/s. Criterion reports fills per second.
//!
//! Each measured batch settles a fixed stream of fills against one fresh
//! account whose orders are already reserved (built by an untimed setup;
//! criterion drops the account after the clock stops). Every fill pays
//! commission, every sale pays tax, so each makes two or three journal
//! entries, and every sale consumes lots oldest first.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use marketlab_actors::ledger::{Account, FeeSchedule, Fill, LedgerLimits, OrderTicket};
use marketlab_actors::types::{
    AccountId, Money, OrderId, Quantity, Side, Symbol, Timestamp, TradeId,
};

const FILLS: u64 = 10_000;
const BUY: OrderId = OrderId(1);
const SELL: OrderId = OrderId(2);

/// An account with its orders reserved, and the fills to settle.
struct Batch {
    account: Account,
    fills: Vec<Fill>,
}

impl Batch {
    /// Shares issued in lots of `lot_size`, cash for the buys, and one buy
    /// and one sell order covering every fill.
    fn new(lots: u64, lot_size: u64, buy: u64, sell: u64, fills: Vec<Fill>) -> Batch {
        let symbol = acme();
        let mut account = Account::new(AccountId(1), LedgerLimits::default());
        account
            .deposit(Money::from_major(100_000_000), None, Timestamp(0))
            .unwrap();
        for _ in 0..lots {
            account
                .allot(symbol, Quantity(lot_size), Money(10_000), Timestamp(0))
                .unwrap();
        }
        let fees = FeeSchedule::default();
        for (order, side, quantity, price) in [
            (BUY, Side::Buy, buy, 11_000),
            (SELL, Side::Sell, sell, 9_000),
        ] {
            if quantity > 0 {
                let ticket = OrderTicket {
                    order,
                    symbol,
                    side,
                    quantity: Quantity(quantity),
                    price: Money(price),
                };
                account.reserve(&ticket, &fees).unwrap();
            }
        }
        Batch { account, fills }
    }

    /// What is measured: settling every fill in order.
    fn settle(mut self) -> Batch {
        for fill in &self.fills {
            let _ = black_box(self.account.settle_fill(black_box(fill)));
        }
        self
    }
}

fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
}

fn fill(order: OrderId, index: u64, quantity: u64, price: i64) -> Fill {
    Fill {
        order,
        trade: TradeId(index),
        price: Money(price),
        quantity: Quantity(quantity),
        at: Timestamp::from_millis(1_767_225_600_000 + index as i64),
    }
}

/// Buys of 10 and sales of 7 in turn, at prices that move a little: each
/// buy opens a lot, each sale consumes one or two of the issued lots of 10.
fn alternating() -> Batch {
    let pairs = FILLS / 2;
    let fills = (0..pairs)
        .flat_map(|i| {
            [
                fill(BUY, 2 * i, 10, 10_000 - (i % 5) as i64),
                fill(SELL, 2 * i + 1, 7, 10_100 + (i % 7) as i64),
            ]
        })
        .collect();
    Batch::new(pairs * 7 / 10 + 1, 10, pairs * 10, pairs * 7, fills)
}

/// Sales of 10 from lots of 3: every sale touches four lots.
fn across_lots() -> Batch {
    let fills = (0..FILLS).map(|i| fill(SELL, i, 10, 10_100)).collect();
    Batch::new(FILLS * 10 / 3 + 1, 3, 0, FILLS * 10, fills)
}

/// The streams must settle in full, or the figure would measure refusals.
fn check(batch: Batch) {
    let settled = batch.settle();
    for order in [BUY, SELL] {
        if let Some(reservation) = settled.account.reservation(order) {
            assert!(reservation.unfilled().is_zero(), "{order} did not fill");
        }
    }
    settled.account.check_invariants().unwrap();
}

fn settle_fill(c: &mut Criterion) {
    check(alternating());
    check(across_lots());
    let mut group = c.benchmark_group("settle_fill");
    group.throughput(Throughput::Elements(FILLS));
    group.bench_function("10k_alternating_buy_sell", |b| {
        b.iter_batched(alternating, Batch::settle, BatchSize::PerIteration)
    });
    group.bench_function("10k_sales_4_lots_each", |b| {
        b.iter_batched(across_lots, Batch::settle, BatchSize::PerIteration)
    });
    group.finish();
}

criterion_group!(ledger, settle_fill);
criterion_main!(ledger);
