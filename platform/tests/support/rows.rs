//! Rows for the tests, with every field set to something plausible, and a
//! small listed market to hang orders and trades on.

use marketlab::persistence::entities::enums::{
    LedgerKind, OrderStatus, OrderType, Role, Side, TimeInForce,
};
use marketlab::persistence::entities::{account, company, ledger_entry, lot, order, trade};
use marketlab::persistence::repo::{accounts, companies, sectors};
use sea_orm::ConnectionTrait;

/// 2026-01-05T00:00:00Z, in nanoseconds.
pub const T0: i64 = 1_767_571_200_000_000_000;
pub const ISSUER: i64 = 1;
pub const ALICE: i64 = 2;
pub const BOB: i64 = 3;

pub fn account(id: i64, username: &str) -> account::Model {
    account::Model {
        id,
        username: username.to_owned(),
        display_name: format!("{username} display"),
        role: Role::Individual,
        account_number: format!("ML-{id:08}"),
        password_hash: Some(format!("$argon2id${username}")),
        company_symbol: None,
        cash: 1_000_000,
        reserved_cash: 0,
        realized_gains: 0,
        created_at: T0,
    }
}

pub fn company(symbol: &str, book_id: i32) -> company::Model {
    company::Model {
        symbol: symbol.to_owned(),
        name: format!("{symbol} Inc."),
        sector: "Tech".to_owned(),
        shares_outstanding: 1_000_000,
        tick_size: 1,
        ipo_price: 10_000,
        band_bps: Some(3_000),
        book_id,
        issuer_account_id: ISSUER,
        listed: true,
        halted: false,
        last_seq: 0,
        listed_at: T0,
    }
}

/// A sector "Tech", an issuer and two players, and companies ACME (book 1)
/// and BOLT (book 2).
pub async fn market(db: &impl ConnectionTrait) {
    sectors::ensure(db, "Tech").await.unwrap();
    let issuer = account::Model {
        role: Role::Corporate,
        password_hash: None,
        ..account(ISSUER, "issuer")
    };
    for row in [issuer, account(ALICE, "alice"), account(BOB, "bob")] {
        accounts::insert(db, &row).await.unwrap();
    }
    companies::insert(db, &company("ACME", 1)).await.unwrap();
    companies::insert(db, &company("BOLT", 2)).await.unwrap();
}

/// An open GTC limit buy of 10 ACME at 100.00.
pub fn order(id: i64, account_id: i64) -> order::Model {
    order::Model {
        id,
        account_id,
        symbol: "ACME".to_owned(),
        side: Side::Buy,
        order_type: OrderType::Limit,
        time_in_force: TimeInForce::Gtc,
        quantity: 10,
        filled_quantity: 0,
        filled_value: 0,
        limit_price: Some(10_000),
        stop_price: None,
        status: OrderStatus::Open,
        reason: None,
        client_order_id: None,
        priority_seq: Some(id),
        reserve_limit: 10_000,
        commission_ppm: 150,
        min_commission: 0,
        sell_tax_ppm: 1_800,
        reserved_cash: 100_015,
        reserved_shares: 0,
        commission_charged: 0,
        tax_charged: 0,
        created_at: T0 + id,
        updated_at: T0 + id,
    }
}

/// Trade number `seq` of ACME's book (book 1): ALICE's order 1 buys from
/// BOB's order 2.
pub fn trade(seq: i64) -> trade::Model {
    trade::Model {
        id: (1 << 40) | seq,
        symbol: "ACME".to_owned(),
        book_seq: seq,
        price: 10_000 + seq % 7,
        quantity: 1 + seq % 5,
        aggressor_side: Side::Buy,
        taker_order_id: 1,
        maker_order_id: 2,
        taker_account_id: ALICE,
        maker_account_id: BOB,
        executed_at: T0 + seq * 1_000,
    }
}

pub fn deposit(account_id: i64, seq: i64, amount: i64, cash_before: i64) -> ledger_entry::Model {
    ledger_entry::Model {
        account_id,
        seq,
        kind: LedgerKind::Deposit,
        amount,
        cash_before,
        cash_after: cash_before + amount,
        symbol: None,
        order_id: None,
        trade_id: None,
        idempotency_key: None,
        at: T0 + seq,
    }
}

pub fn lot(account_id: i64, seq: i64, symbol: &str, quantity: i64) -> lot::Model {
    lot::Model {
        account_id,
        seq,
        symbol: symbol.to_owned(),
        original_quantity: quantity,
        remaining_quantity: quantity,
        price: 10_000 + seq,
        buy_fee: 15,
        acquired_at: T0 + seq,
    }
}
