//! The journal's binary format: every kind of change the market hands over
//! comes back from its bytes equal, and bytes of an unknown format or
//! damaged bytes are refused, never misread.

use std::sync::Arc;

use marketlab_actors::account::{AccountCore, OrderRequest, Placement};
use marketlab_actors::book::{
    BookConfig, BookEvent, BookUpdate, CancelReason, Listing, OrderKind, PriceBand, RejectReason,
    TimeInForce, Trade,
};
use marketlab_actors::journal::Change;
use marketlab_actors::journal::codec::{self, BatchEncoder, CodecError, FORMAT};
use marketlab_actors::ledger::{Account, FeeSchedule, LedgerLimits, LotChange};
use marketlab_actors::types::{
    AccountId, BookId, Money, OrderId, Price, Quantity, Side, Symbol, TickSize, Timestamp,
};

const AT: Timestamp = Timestamp(1_767_225_600_000_000_000);

fn acme() -> Symbol {
    Symbol::new("ACME").unwrap()
}

fn listing() -> Listing {
    Listing {
        book: BookId(3),
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
        Account::new(AccountId(id), LedgerLimits::default()),
        FeeSchedule::default(),
    )
}

fn limit(side: Side, cents: i64, qty: u64, key: Option<&str>) -> OrderRequest {
    OrderRequest {
        symbol: acme(),
        side,
        kind: OrderKind::Limit {
            price: Price(cents),
        },
        tif: TimeInForce::Day,
        quantity: Quantity(qty),
        client_order_id: key.map(str::to_owned),
    }
}

fn place(account: &mut AccountCore, id: u64, request: OrderRequest) -> OrderId {
    match account.place(OrderId(id), request, &listing(), AT).unwrap() {
        Placement::New(order) => order.id,
        Placement::Existing(_) => panic!("a new order"),
    }
}

fn trade(seq: u64, taker: (u64, u64), maker: (u64, u64), qty: u64, aggressor: Side) -> Trade {
    Trade {
        seq,
        price: Price(10_100),
        quantity: Quantity(qty),
        aggressor,
        taker: OrderId(taker.0),
        taker_account: AccountId(taker.1),
        maker: OrderId(maker.0),
        maker_account: AccountId(maker.1),
        taker_remaining: Quantity(0),
        maker_remaining: Quantity(0),
    }
}

/// A book update with every kind of book event.
fn every_book_event() -> BookUpdate {
    let (id, account) = (OrderId(11), AccountId(1));
    BookUpdate {
        book: BookId(3),
        symbol: acme(),
        at: AT,
        events: vec![
            BookEvent::Accepted {
                seq: 1,
                id,
                account,
            },
            BookEvent::Rejected {
                id: OrderId(12),
                account,
                reason: RejectReason::QuantityTooLarge { max: Quantity(9) },
            },
            BookEvent::Rejected {
                id: OrderId(13),
                account,
                reason: RejectReason::Halted,
            },
            BookEvent::Trade(trade(2, (11, 1), (21, 2), 5, Side::Buy)),
            BookEvent::Rested {
                seq: 3,
                id,
                account,
                side: Side::Buy,
                price: Price(10_100),
                quantity: Quantity(5),
            },
            BookEvent::Reduced {
                seq: 4,
                id,
                account,
                by: Quantity(2),
                remaining: Quantity(3),
            },
            BookEvent::Triggered {
                seq: 5,
                id: OrderId(14),
                account,
            },
            BookEvent::Cancelled {
                seq: 6,
                id,
                account,
                remaining: Quantity(3),
                reason: CancelReason::SelfTrade,
            },
            BookEvent::Expired {
                seq: 7,
                id: OrderId(14),
                account,
                remaining: Quantity(1),
            },
            BookEvent::LevelChanged {
                seq: 8,
                side: Side::Sell,
                price: Price(10_200),
                quantity: Quantity(0),
                orders: 0,
            },
        ],
    }
}

/// What real accounts hand over: a deposit with its key, a withdrawal, a
/// dividend, an allotment, orders placed, filled, cancelled, lots opened,
/// reduced and closed, realized gains.
fn account_changes() -> Vec<Change> {
    let mut out = Vec::new();
    let mut take = |core: &mut AccountCore| {
        let changes = core.take_changes().expect("something changed");
        out.push(Change::Account(Box::new(changes)));
    };
    let (mut buyer, mut seller) = (core(1), core(2));
    buyer
        .deposit(Money::from_major(10_000), Some("first".into()), AT)
        .unwrap();
    buyer.withdraw(Money::from_major(1), None, AT).unwrap();
    take(&mut buyer);
    seller
        .allot(acme(), Quantity(70), Money::from_major(100), AT)
        .unwrap();
    seller
        .dividend(Money(250), acme(), "div-1".into(), AT)
        .unwrap();
    take(&mut seller);

    let bid = place(&mut buyer, 11, limit(Side::Buy, 10_100, 70, Some("k-1")));
    take(&mut buyer);
    let first = place(&mut seller, 21, limit(Side::Sell, 10_100, 60, None));
    let accepted = |id, account| BookEvent::Accepted {
        seq: 1,
        id,
        account: AccountId(account),
    };
    let sold = [
        accepted(first, 2),
        BookEvent::Trade(Trade {
            taker_remaining: Quantity(0),
            maker_remaining: Quantity(10),
            ..trade(2, (21, 2), (11, 1), 60, Side::Sell)
        }),
    ];
    seller.apply(AT, &sold).unwrap();
    buyer.apply(AT, &sold[1..]).unwrap();
    take(&mut seller);
    take(&mut buyer);
    let rest = place(&mut seller, 22, limit(Side::Sell, 10_100, 10, None));
    let closed = [
        accepted(rest, 2),
        BookEvent::Trade(trade(3, (22, 2), (bid.0, 1), 10, Side::Sell)),
    ];
    seller.apply(AT, &closed).unwrap();
    buyer.apply(AT, &closed[1..]).unwrap();
    take(&mut seller);
    take(&mut buyer);
    let second = place(&mut buyer, 12, limit(Side::Buy, 9_900, 5, None));
    buyer
        .apply(
            AT,
            &[
                accepted(second, 1),
                BookEvent::Cancelled {
                    seq: 5,
                    id: second,
                    account: AccountId(1),
                    remaining: Quantity(5),
                    reason: CancelReason::Requested,
                },
            ],
        )
        .unwrap();
    take(&mut buyer);
    out
}

fn all_changes() -> Vec<Change> {
    let mut changes = vec![
        Change::Listed(listing()),
        Change::Book(Arc::new(every_book_event())),
    ];
    changes.extend(account_changes());
    changes
}

#[test]
fn every_kind_of_change_comes_back_equal() {
    let changes = all_changes();
    let lot_kinds: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Account(a) => Some(&a.history.lots),
            _ => None,
        })
        .flatten()
        .map(|lot| match lot {
            LotChange::Opened { .. } => "opened",
            LotChange::Reduced { .. } => "reduced",
            LotChange::Closed { .. } => "closed",
        })
        .collect();
    for kind in ["opened", "reduced", "closed"] {
        assert!(lot_kinds.contains(&kind), "no lot {kind} in {lot_kinds:?}");
    }
    let realized = changes
        .iter()
        .filter_map(|c| match c {
            Change::Account(a) => Some(a.history.realized.len()),
            _ => None,
        })
        .sum::<usize>();
    assert!(realized >= 2, "gains realized by both sales");

    let mut encoder = BatchEncoder::default();
    for change in &changes {
        encoder.push(change);
    }
    assert_eq!(encoder.len(), changes.len());
    let bytes = encoder.into_bytes();
    assert_eq!(bytes, codec::encode(&changes), "one encoding, however made");
    assert_eq!(codec::decode(FORMAT, &bytes).unwrap(), changes);
    // Each change alone, too: nothing leans on its neighbours.
    for change in &changes {
        let one = codec::encode(std::slice::from_ref(change));
        assert_eq!(codec::decode(FORMAT, &one).unwrap(), vec![change.clone()]);
    }
    assert!(codec::decode(FORMAT, &[]).unwrap().is_empty());
}

#[test]
fn an_unknown_format_is_refused_not_misread() {
    let bytes = codec::encode(&all_changes());
    for format in [0, FORMAT + 1, -1] {
        let error = codec::decode(format, &bytes).unwrap_err();
        assert!(
            matches!(error, CodecError::UnknownFormat(f) if f == format),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.contains(&format!("format {format}")) && text.contains(&format!("{FORMAT}")),
            "{text}"
        );
    }
}

#[test]
fn damaged_bytes_are_refused() {
    let bytes = codec::encode(&all_changes());
    let cut = &bytes[..bytes.len() - 3];
    assert!(matches!(
        codec::decode(FORMAT, cut),
        Err(CodecError::Damaged { .. })
    ));
    // A symbol the market would refuse never comes out of a journal.
    let listed = codec::encode(&[Change::Listed(listing())]);
    let at = listed
        .windows(4)
        .position(|w| w == b"ACME")
        .expect("the symbol's text");
    let mut lowered = listed.clone();
    lowered[at] = b'a';
    assert!(matches!(
        codec::decode(FORMAT, &lowered),
        Err(CodecError::Damaged { index: 0, .. })
    ));
}
