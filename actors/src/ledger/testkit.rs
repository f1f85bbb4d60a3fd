//! Shorthand for the ledger's unit tests.

use super::{
    Account, FeeSchedule, Fill, LedgerError, LedgerLimits, OrderTicket, Reservation, Settlement,
};
use crate::types::{AccountId, Money, OrderId, Quantity, Rate, Side, Symbol, Timestamp, TradeId};

/// 2026-01-01T00:00:00Z
pub const T0: Timestamp = Timestamp(1_767_225_600_000_000_000);

pub fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
}

pub fn funded(cash: Money) -> Account {
    let mut account = Account::new(AccountId(1), LedgerLimits::default());
    if cash > Money::ZERO {
        account.deposit(cash, None, T0).unwrap();
    }
    account
}

pub fn zero_fees() -> FeeSchedule {
    FeeSchedule::new(Rate::ZERO, Money::ZERO, Rate::ZERO).unwrap()
}

/// The default rates with a minimum commission per order.
pub fn with_minimum(min: Money) -> FeeSchedule {
    let defaults = FeeSchedule::default();
    FeeSchedule::new(defaults.commission(), min, defaults.sell_tax()).unwrap()
}

pub fn buy_ticket(quantity: u64, price: i64) -> OrderTicket {
    ticket(Side::Buy, quantity, price)
}

pub fn sell_ticket(quantity: u64, price: i64) -> OrderTicket {
    ticket(Side::Sell, quantity, price)
}

fn ticket(side: Side, quantity: u64, price: i64) -> OrderTicket {
    OrderTicket {
        order: OrderId(0),
        symbol: acme(),
        side,
        quantity: Quantity(quantity),
        price: Money(price),
    }
}

pub fn reserve_buy(
    account: &mut Account,
    fees: &FeeSchedule,
    order: u64,
    quantity: u64,
    price: i64,
) -> Result<Reservation, LedgerError> {
    let ticket = OrderTicket {
        order: OrderId(order),
        ..buy_ticket(quantity, price)
    };
    account.reserve(&ticket, fees)
}

pub fn reserve_sell(
    account: &mut Account,
    fees: &FeeSchedule,
    order: u64,
    quantity: u64,
    price: i64,
) -> Result<Reservation, LedgerError> {
    let ticket = OrderTicket {
        order: OrderId(order),
        ..sell_ticket(quantity, price)
    };
    account.reserve(&ticket, fees)
}

pub fn fill(order: u64, quantity: u64, price: i64, at: Timestamp) -> Fill {
    Fill {
        order: OrderId(order),
        trade: TradeId(order * 1_000 + quantity),
        price: Money(price),
        quantity: Quantity(quantity),
        at,
    }
}

/// A whole buy order at one price: reserved, filled in one go, released.
pub fn buy(
    account: &mut Account,
    fees: &FeeSchedule,
    order: u64,
    quantity: u64,
    price: i64,
    at: Timestamp,
) -> Settlement {
    reserve_buy(account, fees, order, quantity, price).unwrap();
    let settlement = account
        .settle_fill(&fill(order, quantity, price, at))
        .unwrap();
    account.release(OrderId(order)).unwrap();
    settlement
}

/// A whole sell order at one price: reserved, filled in one go, released.
pub fn sell(
    account: &mut Account,
    fees: &FeeSchedule,
    order: u64,
    quantity: u64,
    price: i64,
    at: Timestamp,
) -> Settlement {
    reserve_sell(account, fees, order, quantity, price).unwrap();
    let settlement = account
        .settle_fill(&fill(order, quantity, price, at))
        .unwrap();
    account.release(OrderId(order)).unwrap();
    settlement
}
