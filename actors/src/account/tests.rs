//! The account core on its own: book events in, settlements and changes out.

use super::*;
use crate::book::Listing;
use crate::book::{BookConfig, BookEvent, OrderKind, PriceBand, TimeInForce, Trade};
use crate::ledger::{self, FeeSchedule, LedgerLimits};
use crate::types::{
    AccountId, BookId, Money, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp,
};

const AT: Timestamp = Timestamp(1_767_225_600_000_000_000);

fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
}

fn listing() -> Listing {
    Listing {
        book: BookId(1),
        symbol: acme(),
        tick: TickSize::CENT,
        config: BookConfig {
            band: Some(PriceBand {
                reference: Price(10_000),
                percent_bps: 3000,
            }),
            ..BookConfig::default()
        },
    }
}

fn core(id: u64) -> AccountCore {
    AccountCore::new(
        ledger::Account::new(AccountId(id), LedgerLimits::default()),
        FeeSchedule::default(),
    )
}

fn buy(qty: u64, cents: i64) -> OrderRequest {
    OrderRequest {
        symbol: acme(),
        side: Side::Buy,
        kind: OrderKind::Limit {
            price: Price(cents),
        },
        tif: TimeInForce::Gtc,
        quantity: Quantity(qty),
        client_order_id: None,
    }
}

fn trade(
    seq: u64,
    taker: u64,
    maker: u64,
    maker_account: u64,
    qty: u64,
    cents: i64,
    left: u64,
) -> BookEvent {
    BookEvent::Trade(Trade {
        seq,
        price: Price(cents),
        quantity: Quantity(qty),
        aggressor: Side::Buy,
        taker: OrderId(taker),
        taker_account: AccountId(1),
        maker: OrderId(maker),
        maker_account: AccountId(maker_account),
        taker_remaining: Quantity(left),
        maker_remaining: Quantity(0),
    })
}

#[test]
fn changes_follow_a_deposit_an_order_and_its_fill() {
    let mut account = core(1);
    assert_eq!(account.take_changes(), None, "nothing happened yet");
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    let deposit = account.take_changes().unwrap();
    assert_eq!(deposit.cash, Money(1_000_000));
    assert_eq!(deposit.history.entries.len(), 1);
    assert!(deposit.orders.is_empty() && deposit.positions.is_empty());
    assert_eq!(
        account.take_changes(),
        None,
        "each change is handed over once"
    );

    let Placement::New(order) = account
        .place(OrderId(7), buy(10, 10_100), &listing(), AT)
        .unwrap()
    else {
        panic!("a new order")
    };
    let placed = account.take_changes().unwrap();
    assert_eq!(placed.reserved_cash, Money(101_015));
    assert_eq!(placed.orders.len(), 1);
    assert_eq!(
        placed.orders[0].reservation.map(|r| r.cash),
        Some(Money(101_015))
    );

    let events = [
        BookEvent::Accepted {
            seq: 1,
            id: order.id,
            account: AccountId(1),
        },
        trade(2, 7, 3, 2, 4, 10_000, 6),
        BookEvent::Rested {
            seq: 3,
            id: order.id,
            account: AccountId(1),
            side: Side::Buy,
            price: Price(10_100),
            quantity: Quantity(6),
        },
    ];
    assert_eq!(account.apply(AT, &events).unwrap(), vec![OrderId(7)]);
    let filled = account.take_changes().unwrap();
    let order = &filled.orders[0].record;
    assert_eq!(
        (order.status, order.filled, order.priority_seq),
        (OrderStatus::PartiallyFilled, Quantity(4), Some(3))
    );
    // 4 x 100.00 = 400.00 and its commission 0.06.
    assert_eq!(filled.cash, Money(1_000_000 - 40_006));
    assert_eq!(filled.history.entries.len(), 2, "BUY and FEE");
    assert_eq!(filled.positions.len(), 1);
    assert_eq!(filled.history.lots.len(), 1, "one lot opened");
    assert_eq!(
        filled.positions[0].holding.map(|h| h.quantity),
        Some(Quantity(4))
    );
    assert_eq!(filled.fills.len(), 1);
    assert_eq!(
        (filled.fills[0].0, filled.fills[0].1.fee),
        (OrderId(7), Money(6))
    );
    account.ledger().check_invariants().unwrap();
}

#[test]
fn an_ended_order_hands_over_no_reservation() {
    let mut account = core(1);
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    account
        .place(OrderId(7), buy(10, 10_100), &listing(), AT)
        .unwrap();
    let cancelled = [
        BookEvent::Accepted {
            seq: 1,
            id: OrderId(7),
            account: AccountId(1),
        },
        BookEvent::Cancelled {
            seq: 2,
            id: OrderId(7),
            account: AccountId(1),
            remaining: Quantity(10),
            reason: crate::book::CancelReason::Requested,
        },
    ];
    account.apply(AT, &cancelled).unwrap();
    let changes = account.take_changes().unwrap();
    assert_eq!(changes.reserved_cash, Money::ZERO);
    assert_eq!(changes.orders[0].record.status, OrderStatus::Cancelled);
    assert_eq!(changes.orders[0].reservation, None);
}

#[test]
fn a_refused_order_changes_nothing() {
    let mut account = core(1);
    account.deposit(Money::from_major(100), None, AT).unwrap();
    account.take_changes();
    assert!(
        account
            .place(OrderId(1), buy(10, 10_100), &listing(), AT)
            .is_err()
    );
    assert!(
        account
            .place(OrderId(2), buy(1, 99_999), &listing(), AT)
            .is_err()
    );
    assert_eq!(account.take_changes(), None);
    assert_eq!(account.ledger().reserved_cash(), Money::ZERO);
}

#[test]
fn shares_are_conserved_only_when_all_are_held() {
    let mut issuer = core(1);
    issuer
        .allot(acme(), Quantity(1_000), Money(10_000), AT)
        .unwrap();
    let other = core(2);
    assert_eq!(
        check_shares_conserved([&issuer, &other], acme(), Quantity(1_000)),
        Ok(())
    );
    assert!(
        check_shares_conserved([&issuer, &other], acme(), Quantity(1_001))
            .unwrap_err()
            .contains("hold 1000 shares of 1001")
    );
}
