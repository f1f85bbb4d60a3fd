//! The account core on its own: book events in, settlements and changes out.

use super::*;
use crate::book::Listing;
use crate::book::{
    BookConfig, BookEvent, CancelReason, NewOrder, OrderKind, PriceBand, TimeInForce, Trade,
};
use crate::ledger::{self, FeeSchedule, LedgerError, LedgerLimits};
use crate::types::{
    AccountId, BookId, Money, OrderId, Price, Quantity, Rate, Side, Symbol, TickSize, Timestamp,
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
fn an_account_keeping_no_finished_orders_hands_over_its_fills_and_forgets_the_rest() {
    let mut account = core(1).keeping_finished(0);
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    let order = placed(&mut account, 7, buy(4, 10_100));
    let events = [
        BookEvent::Accepted {
            seq: 1,
            id: order.id,
            account: AccountId(1),
        },
        trade(2, 7, 3, 2, 4, 10_000, 0),
    ];
    account.apply(AT, &events).unwrap();
    let mut fills = Vec::new();
    account.take_fills(&mut fills);
    // 4 x 100.00 and its commission 0.06, as `take_changes` would say.
    assert_eq!(fills.len(), 1);
    assert_eq!((fills[0].0, fills[0].1.fee), (OrderId(7), Money(6)));
    assert_eq!(account.ledger().cash(), Money(1_000_000 - 40_006));
    assert_eq!(account.take_changes(), None, "nothing left to hand over");
    // Filled, so finished, and not kept.
    assert_eq!(account.order(OrderId(7)), None);
    assert_eq!(account.open_orders().count(), 0);
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

fn placed(account: &mut AccountCore, id: u64, request: OrderRequest) -> NewOrder {
    match account.place(OrderId(id), request, &listing(), AT).unwrap() {
        Placement::New(order) => order,
        Placement::Existing(_) => panic!("a new order"),
    }
}

fn accepted(account: &mut AccountCore, id: u64, qty: u64, cents: i64) {
    account
        .apply(
            AT,
            &[
                BookEvent::Accepted {
                    seq: 1,
                    id: OrderId(id),
                    account: account.id(),
                },
                BookEvent::Rested {
                    seq: 2,
                    id: OrderId(id),
                    account: account.id(),
                    side: Side::Buy,
                    price: Price(cents),
                    quantity: Quantity(qty),
                },
            ],
        )
        .unwrap();
}

/// Another account sells into resting buy `maker` of account 1.
fn sold_into(maker: u64, qty: u64, cents: i64, maker_remaining: u64) -> BookEvent {
    BookEvent::Trade(Trade {
        seq: 3,
        price: Price(cents),
        quantity: Quantity(qty),
        aggressor: Side::Sell,
        taker: OrderId(99),
        taker_account: AccountId(2),
        maker: OrderId(maker),
        maker_account: AccountId(1),
        taker_remaining: Quantity(0),
        maker_remaining: Quantity(maker_remaining),
    })
}

fn cancelled(account: &mut AccountCore, id: u64, remaining: u64) {
    account
        .apply(
            AT,
            &[BookEvent::Cancelled {
                seq: 9,
                id: OrderId(id),
                account: account.id(),
                remaining: Quantity(remaining),
                reason: CancelReason::Requested,
            }],
        )
        .unwrap();
}

#[test]
fn a_breached_limit_refuses_the_order_and_reserves_nothing() {
    let mut account = core(1);
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    account.set_limits(RiskLimits {
        max_order_value: Some(Money::from_major(1_000)),
        max_open_orders: Some(1),
        ..RiskLimits::NONE
    });
    let _ = account.take_changes();
    let refused = account.place(OrderId(1), buy(11, 10_000), &listing(), AT);
    assert_eq!(
        refused,
        Err(OrderError::Risk(RiskBreach::OrderValue {
            limit: Money::from_major(1_000),
            value: Money::from_major(1_100),
        }))
    );
    assert_eq!(account.ledger().reserved_cash(), Money::ZERO);
    assert_eq!(account.take_changes(), None, "a refusal changes nothing");
    placed(&mut account, 1, buy(10, 10_000));
    assert!(matches!(
        account.place(OrderId(2), buy(1, 10_000), &listing(), AT),
        Err(OrderError::Risk(RiskBreach::OpenOrders {
            limit: 1,
            open: 1
        }))
    ));
}

#[test]
fn the_position_limit_values_holdings_at_their_marks() {
    let mut account = core(1);
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    account
        .allot(acme(), Quantity(10), Money::from_major(100), AT)
        .unwrap();
    account.set_limits(RiskLimits {
        max_position: Some(Rate::from_ppm(500_000).unwrap()),
        ..RiskLimits::NONE
    });
    // At cost, equity is 10,000 + 1,000: half is 5,500, and 10 held plus
    // 45 bought at 100.00 is exactly that.
    assert!(
        account
            .place(OrderId(1), buy(45, 10_000), &listing(), AT)
            .is_ok()
    );
    // Marked at 50.00, equity is 10,500: half is 5,250, and 55 held or
    // pending plus 1 more at 100.00 is 5,600.
    let refused = account.place_marked(OrderId(2), buy(1, 10_000), &listing(), AT, |_| {
        Some(Money::from_major(50))
    });
    assert!(matches!(
        refused,
        Err(OrderError::Risk(RiskBreach::Position { .. }))
    ));
}

#[test]
fn a_reduction_shrinks_the_reservation_when_the_book_reduces() {
    let mut account = core(1);
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    placed(&mut account, 1, buy(10, 10_000));
    accepted(&mut account, 1, 10, 10_000);
    let before = account.ledger().reserved_cash();
    account
        .apply(
            AT,
            &[BookEvent::Reduced {
                seq: 3,
                id: OrderId(1),
                account: AccountId(1),
                by: Quantity(6),
                remaining: Quantity(4),
            }],
        )
        .unwrap();
    let order = account.order(OrderId(1)).unwrap();
    assert_eq!(order.quantity, Quantity(4));
    // 4 x 100.00 plus 0.015% commission (0.06).
    assert_eq!(account.ledger().reserved_cash(), Money(40_006));
    assert!(account.ledger().reserved_cash() < before);
    assert_eq!(account.ledger().check_invariants(), Ok(()));
}

#[test]
fn a_replacement_is_placed_once_the_cancel_lands_from_what_was_held() {
    let mut account = core(1);
    // Enough for 10 at 100.00 (1,000.15) and 0.85 more.
    account.deposit(Money(100_100), None, AT).unwrap();
    placed(&mut account, 1, buy(10, 10_000));
    accepted(&mut account, 1, 10, 10_000);
    // Up to 12 at 100.00 needs 200.03 more than the account has.
    assert!(matches!(
        account.begin_replace(
            OrderId(1),
            OrderId(2),
            buy(12, 10_000),
            &listing(),
            AT,
            |_| { None }
        ),
        Err(OrderError::Ledger(LedgerError::InsufficientFunds { .. }))
    ));
    assert_eq!(account.ledger().reserved_cash(), Money(100_015));
    // Down to 90.00 fits: what the order holds covers 10 at 90.00 (900.14),
    // and 100.02 more in case the order fills at 100.00 before the cancel
    // lands, but for one cent, which is held.
    assert_eq!(
        account.begin_replace(
            OrderId(1),
            OrderId(2),
            buy(10, 9_000),
            &listing(),
            AT,
            |_| None
        ),
        Ok(None)
    );
    assert_eq!(
        account.amendable(OrderId(1)).map(|_| ()),
        Err(OrderError::BeingAmended(OrderId(1)))
    );
    // Four fill before the cancel lands: the replacement is for the rest.
    account
        .apply(AT, &[sold_into(1, 4, 10_000, 6)])
        .unwrap_or_else(|e| panic!("{e}"));
    cancelled(&mut account, 1, 6);
    let replacements = account.take_replacements();
    let [
        Replacement {
            amended,
            outcome: Ok(ReplacementOutcome::Placed(order)),
        },
    ] = replacements.as_slice()
    else {
        panic!("one replacement: {replacements:?}")
    };
    assert_eq!(*amended, OrderId(1));
    assert_eq!((order.id, order.quantity), (OrderId(2), Quantity(6)));
    assert_eq!(
        order.kind,
        OrderKind::Limit {
            price: Price(9_000)
        }
    );
    // 6 x 90.00 + 0.08 commission.
    assert_eq!(account.ledger().reserved_cash(), Money(54_008));
    assert_eq!(account.ledger().check_invariants(), Ok(()));
}

#[test]
fn an_amended_order_that_fills_first_is_not_replaced() {
    let mut account = core(1);
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    placed(&mut account, 1, buy(10, 10_000));
    accepted(&mut account, 1, 10, 10_000);
    account
        .begin_replace(
            OrderId(1),
            OrderId(2),
            buy(20, 10_000),
            &listing(),
            AT,
            |_| None,
        )
        .unwrap();
    assert!(account.ledger().reserved_cash() > Money(100_015));
    account
        .apply(AT, &[sold_into(1, 10, 10_000, 0)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        account.take_replacements(),
        vec![Replacement {
            amended: OrderId(1),
            outcome: Err(OrderError::NotOpen(OrderId(1)))
        }]
    );
    assert_eq!(
        account.ledger().reserved_cash(),
        Money::ZERO,
        "the hold is released"
    );
    assert_eq!(account.order(OrderId(2)), None);
    assert_eq!(account.ledger().check_invariants(), Ok(()));
}

#[test]
fn an_amendment_cannot_change_the_side_or_go_below_what_filled() {
    let mut account = core(1);
    account
        .deposit(Money::from_major(10_000), None, AT)
        .unwrap();
    placed(&mut account, 1, buy(10, 10_000));
    accepted(&mut account, 1, 10, 10_000);
    let mut sell = buy(10, 10_000);
    sell.side = Side::Sell;
    assert_eq!(
        account.begin_replace(OrderId(1), OrderId(2), sell, &listing(), AT, |_| None),
        Err(OrderError::AmendChangesOrder)
    );
    account
        .apply(AT, &[sold_into(1, 4, 10_000, 6)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        account.begin_replace(
            OrderId(1),
            OrderId(2),
            buy(4, 9_000),
            &listing(),
            AT,
            |_| None
        ),
        Err(OrderError::BelowFilled { .. })
    ));
    assert_eq!(account.ledger().reserved_cash(), Money(60_009));
}
