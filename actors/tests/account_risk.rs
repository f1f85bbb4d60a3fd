//! A player under random risk limits trades against a counterparty through a
//! real order book: places, cancels and amends (reductions and
//! cancel-and-replaces). The test plays the account actor: it hands the
//! book's events to both accounts and sends replacements on when their cancel
//! lands. After every step both ledgers keep their invariants and cash and
//! shares are conserved (no fees), every order the player got accepted fits
//! the limits as this test computes them itself, and a refused request
//! changed nothing.

use marketlab_actors::account::{
    AccountCore, OrderRequest, Placement, ReplacementOutcome, RiskLimits,
};
use marketlab_actors::book::{
    BookConfig, BookEvent, Listing, NewOrder, OrderBook, OrderKind, PriceBand, TimeInForce,
};
use marketlab_actors::ledger::{self, FeeSchedule, LedgerLimits};
use marketlab_actors::types::{
    AccountId, BookId, Money, OrderId, Price, Quantity, Rate, Side, Symbol, TickSize, Timestamp,
};
use proptest::prelude::*;

const AT: Timestamp = Timestamp(1_767_225_600_000_000_000);
const PLAYER: AccountId = AccountId(1);
const DEALER: AccountId = AccountId(2);
const ISSUED: u64 = 10_000;
const START_CASH: i64 = 1_000_000;

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

fn no_fees() -> FeeSchedule {
    FeeSchedule::new(Rate::ZERO, Money::ZERO, Rate::ZERO).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Place {
        dealer: bool,
        side: Side,
        quantity: u64,
        cents: i64,
    },
    Cancel {
        pick: usize,
    },
    Amend {
        pick: usize,
        quantity: u64,
        cents: Option<i64>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let side = prop_oneof![Just(Side::Buy), Just(Side::Sell)];
    prop_oneof![
        4 => (any::<bool>(), side, 1u64..400, 9_000i64..11_000).prop_map(
            |(dealer, side, quantity, cents)| Op::Place { dealer, side, quantity, cents }
        ),
        1 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        2 => (any::<usize>(), 1u64..400, proptest::option::of(9_000i64..11_000))
            .prop_map(|(pick, quantity, cents)| Op::Amend { pick, quantity, cents }),
    ]
}

fn limits() -> impl Strategy<Value = RiskLimits> {
    (
        proptest::option::of(1_000i64..3_000_000),
        proptest::option::of(1u32..=1_000_000),
        proptest::option::of(1u32..6),
    )
        .prop_map(|(value, ppm, open)| RiskLimits {
            max_order_value: value.map(Money),
            max_position: ppm.map(|ppm| Rate::from_ppm(ppm).unwrap()),
            max_open_orders: open,
        })
}

struct Market {
    book: OrderBook,
    player: AccountCore,
    dealer: AccountCore,
    next_id: u64,
}

impl Market {
    fn new(limits: RiskLimits) -> Market {
        let mut player = AccountCore::new(
            ledger::Account::new(PLAYER, LedgerLimits::default()),
            no_fees(),
        );
        player.deposit(Money(START_CASH), None, AT).unwrap();
        player
            .allot(acme(), Quantity(ISSUED / 2), Money(10_000), AT)
            .unwrap();
        player.set_limits(limits);
        let mut dealer = AccountCore::new(
            ledger::Account::new(DEALER, LedgerLimits::default()),
            no_fees(),
        );
        dealer.deposit(Money(START_CASH * 10), None, AT).unwrap();
        dealer
            .allot(acme(), Quantity(ISSUED / 2), Money(10_000), AT)
            .unwrap();
        Market {
            book: OrderBook::new(listing().config),
            player,
            dealer,
            next_id: 1,
        }
    }

    fn id(&mut self) -> OrderId {
        self.next_id += 1;
        OrderId(self.next_id)
    }

    /// Hand a command's events to both accounts, then send on any
    /// replacement whose cancel landed.
    fn deliver(&mut self, events: Vec<BookEvent>) {
        for (core, account) in [(&mut self.player, PLAYER), (&mut self.dealer, DEALER)] {
            let mine: Vec<BookEvent> = events
                .iter()
                .filter(|e| e.accounts().contains(&Some(account)))
                .copied()
                .collect();
            core.apply(AT, &mine).expect("settlement never fails");
        }
        for replacement in self.player.take_replacements() {
            if let Ok(ReplacementOutcome::Placed(order)) = replacement.outcome {
                self.submit(order);
            }
        }
    }

    fn submit(&mut self, order: NewOrder) {
        let mut events = Vec::new();
        self.book.submit(order, &mut events);
        self.deliver(events);
    }

    fn check(&self) -> Result<(), TestCaseError> {
        for core in [&self.player, &self.dealer] {
            prop_assert_eq!(core.ledger().check_invariants(), Ok(()));
        }
        let cash = self.player.ledger().cash() + self.dealer.ledger().cash();
        prop_assert_eq!(cash, Money(START_CASH * 11), "cash is conserved");
        let shares: u64 = [&self.player, &self.dealer]
            .iter()
            .filter_map(|c| c.ledger().holding(acme()))
            .map(|h| h.quantity.0)
            .sum();
        prop_assert_eq!(shares, ISSUED, "shares are conserved");
        Ok(())
    }
}

/// What this test says the limits allow for `request` at `price` per share,
/// with `replacing` no longer counted, written apart from the account's own
/// check.
fn fits(
    core: &AccountCore,
    limits: &RiskLimits,
    request: &OrderRequest,
    price: Money,
    replacing: Option<OrderId>,
) -> bool {
    let others: Vec<_> = core
        .open_orders()
        .filter(|o| Some(o.id) != replacing)
        .collect();
    if limits
        .max_open_orders
        .is_some_and(|max| others.len() >= max as usize)
    {
        return false;
    }
    let value = i128::from(price.0) * i128::from(request.quantity.0);
    if limits
        .max_order_value
        .is_some_and(|max| value > i128::from(max.0))
    {
        return false;
    }
    if let (Some(share), Side::Buy) = (limits.max_position, request.side) {
        let held = core.ledger().holding(acme()).map_or(0, |h| h.quantity.0);
        let pending: u64 = others
            .iter()
            .filter(|o| o.side == Side::Buy)
            .map(|o| (o.quantity - o.filled).0)
            .sum();
        let position = i128::from(price.0) * i128::from(held + pending + request.quantity.0);
        let equity = i128::from(core.equity(|_| None).0);
        if position * 1_000_000 > i128::from(share.ppm()) * equity {
            return false;
        }
    }
    true
}

fn limit(side: Side, quantity: u64, cents: i64) -> OrderRequest {
    OrderRequest {
        symbol: acme(),
        side,
        kind: OrderKind::Limit {
            price: Price(cents),
        },
        tif: TimeInForce::Gtc,
        quantity: Quantity(quantity),
        client_order_id: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_accepted_order_breaks_a_limit(
        limits in limits(),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut market = Market::new(limits);
        for op in ops {
            match op {
                Op::Place { dealer: true, side, quantity, cents } => {
                    let id = market.id();
                    if let Ok(Placement::New(order)) =
                        market.dealer.place(id, limit(side, quantity, cents), &listing(), AT)
                    {
                        market.submit(order);
                    }
                }
                Op::Place { dealer: false, side, quantity, cents } => {
                    let id = market.id();
                    let request = limit(side, quantity, cents);
                    let allowed = fits(&market.player, &limits, &request, Money(cents), None);
                    let before = market.player.ledger().clone();
                    match market.player.place(id, request, &listing(), AT) {
                        Ok(Placement::New(order)) => {
                            prop_assert!(allowed, "accepted beyond the limits: {order:?}");
                            market.submit(order);
                        }
                        Ok(Placement::Existing(_)) => prop_assert!(false, "no client ids here"),
                        Err(_) => prop_assert_eq!(market.player.ledger(), &before),
                    }
                }
                Op::Cancel { pick } => {
                    let open: Vec<OrderId> = market.player.open_orders().map(|o| o.id).collect();
                    if open.is_empty() {
                        continue;
                    }
                    let mut events = Vec::new();
                    if market.book.cancel(open[pick % open.len()], &mut events).is_ok() {
                        market.deliver(events);
                    }
                }
                Op::Amend { pick, quantity, cents } => {
                    let mut open: Vec<_> = market.player.open_orders().cloned().collect();
                    open.sort_by_key(|o| o.id);
                    if open.is_empty() {
                        continue;
                    }
                    let old = open[pick % open.len()].clone();
                    let kind = cents.map_or(old.kind, |c| OrderKind::Limit { price: Price(c) });
                    let total = Quantity(quantity);
                    let mut events = Vec::new();
                    if kind == old.kind && total < old.quantity {
                        if total > old.filled {
                            market.book.reduce(old.id, old.quantity - total, &mut events).unwrap();
                            market.deliver(events);
                            let reduced = market.player.order(old.id).unwrap();
                            prop_assert_eq!(reduced.quantity, total);
                        }
                        continue;
                    }
                    let replacement = market.id();
                    let request = OrderRequest {
                        kind,
                        quantity: total,
                        ..limit(old.side, 0, 0)
                    };
                    let rest = OrderRequest {
                        quantity: Quantity(total.0.saturating_sub(old.filled.0)),
                        ..request.clone()
                    };
                    let price = Money(kind.limit_price().unwrap().0);
                    let allowed = total > old.filled
                        && fits(&market.player, &limits, &rest, price, Some(old.id));
                    let before = market.player.ledger().clone();
                    match market.player.begin_replace(old.id, replacement, request, &listing(), AT, |_| None) {
                        Ok(_) => {
                            prop_assert!(allowed, "amended beyond the limits: {rest:?}");
                            market.check()?;
                            market.book.cancel(old.id, &mut events).unwrap();
                            market.deliver(events);
                            let placed = market.player.order(replacement).unwrap();
                            prop_assert_eq!(placed.quantity, rest.quantity);
                            prop_assert_eq!(placed.kind, kind);
                        }
                        Err(_) => prop_assert_eq!(market.player.ledger(), &before),
                    }
                }
            }
            market.check()?;
        }
    }
}
