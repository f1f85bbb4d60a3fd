//! The ledger under random deposits, withdrawals, orders, fills and cancels
//! across several accounts and symbols. The test plays the exchange: it
//! reserves both sides, crosses a buyer and a seller at a price between
//! their limits, and releases orders when they fill or are cancelled.
//! Issuers start with every share of their company. After every step the
//! market-wide conservation laws and every account's invariants must hold,
//! and a refused operation must have changed nothing.

use marketlab_actors::ledger::{
    Account, CapitalGainsReport, FeeSchedule, Fill, LedgerLimits, OrderTicket, TaxConfig,
};
use marketlab_actors::types::{
    AccountId, Money, OrderId, Quantity, Rate, Side, Symbol, Timestamp, TradeId,
};
use proptest::prelude::*;

const SYMBOLS: [&str; 3] = ["AAA", "BBB", "CCC"];
const TRADERS: usize = 4;
/// 2025-06-01T00:00:00Z: steps of up to ten days cross a year or two.
const START_MS: i64 = 1_748_736_000_000;

#[derive(Debug, Clone)]
enum Op {
    Deposit {
        account: u8,
        amount: i64,
        key: Option<u8>,
    },
    /// `per_mille` of the available cash, so that most withdrawals succeed.
    Withdraw {
        account: u8,
        per_mille: u16,
        key: Option<u8>,
    },
    /// Priced at `per_mille` of the symbol's IPO price, so that bids and
    /// asks cross often.
    Order {
        account: u8,
        symbol: u8,
        side: Side,
        quantity: u64,
        per_mille: u16,
    },
    /// Cross an open buy with an open sell of the same symbol; the numbers
    /// pick the pair, the quantity and the price.
    Match {
        pair: u32,
        quantity: u16,
        price: u16,
    },
    Cancel {
        order: u16,
    },
}

#[derive(Debug, Clone, Copy)]
struct OpenOrder {
    id: OrderId,
    account: usize,
    symbol: usize,
    side: Side,
    remaining: u64,
    limit: i64,
}

/// What one account has put into and taken out of its positions, to check
/// that realized gains account for every cent.
#[derive(Debug, Default, Clone, Copy)]
struct Flows {
    /// Buy notional and commission, and the IPO value of allotted shares.
    acquired: i128,
    /// Sale notional net of commission and tax.
    proceeds: i128,
}

struct Market {
    fees: FeeSchedule,
    ipo_prices: Vec<i64>,
    accounts: Vec<Account>,
    flows: Vec<Flows>,
    outstanding: Vec<u64>,
    open: Vec<OpenOrder>,
    next_order: u64,
    next_trade: u64,
    now: Timestamp,
    deposited: i128,
    withdrawn: i128,
    commissions: i128,
    taxes: i128,
}

fn symbol(index: usize) -> Symbol {
    Symbol::new(SYMBOLS[index]).unwrap()
}

impl Market {
    /// Traders and issuers with their opening cash; each issuer holds every
    /// share of its listing.
    fn new(fees: FeeSchedule, listings: &[(u64, i64)], opening: &[i64]) -> Market {
        let limits = LedgerLimits::default();
        let mut accounts: Vec<Account> = (0..TRADERS + listings.len())
            .map(|i| Account::new(AccountId(i as u64), limits))
            .collect();
        let mut flows = vec![Flows::default(); accounts.len()];
        let now = Timestamp::from_millis(START_MS);
        for (index, (shares, ipo_price)) in listings.iter().enumerate() {
            let issuer = TRADERS + index;
            accounts[issuer]
                .allot(symbol(index), Quantity(*shares), Money(*ipo_price), now)
                .unwrap();
            flows[issuer].acquired += i128::from(*ipo_price) * i128::from(*shares);
        }
        let mut market = Market {
            fees,
            ipo_prices: listings.iter().map(|(_, price)| *price).collect(),
            accounts,
            flows,
            outstanding: listings.iter().map(|(shares, _)| *shares).collect(),
            open: Vec::new(),
            next_order: 1,
            next_trade: 1,
            now,
            deposited: 0,
            withdrawn: 0,
            commissions: 0,
            taxes: 0,
        };
        for (account, cash) in opening.iter().enumerate() {
            market.deposit(account as u8, *cash, None);
        }
        market
    }

    fn step(&mut self, op: &Op) {
        match *op {
            Op::Deposit {
                account,
                amount,
                key,
            } => self.deposit(account, amount, key),
            Op::Withdraw {
                account,
                per_mille,
                key,
            } => self.withdraw(account, per_mille, key),
            Op::Order {
                account,
                symbol,
                side,
                quantity,
                per_mille,
            } => self.order(account, symbol, side, quantity, per_mille),
            Op::Match {
                pair,
                quantity,
                price,
            } => self.cross(pair, quantity, price),
            Op::Cancel { order } => self.cancel(order),
        }
    }

    fn account(&self, pick: u8) -> usize {
        usize::from(pick) % self.accounts.len()
    }

    fn deposit(&mut self, pick: u8, amount: i64, key: Option<u8>) {
        let index = self.account(pick);
        let before = self.accounts[index].clone();
        let key = key.map(|k| format!("key-{k}"));
        match self.accounts[index].deposit(Money(amount), key, self.now) {
            Ok(entry) if self.accounts[index].entries().len() > before.entries().len() => {
                self.deposited += i128::from(entry.amount.0);
            }
            // A replayed key: the first entry again, nothing applied.
            Ok(_) => assert_eq!(self.accounts[index], before),
            Err(_) => assert_eq!(self.accounts[index], before),
        }
    }

    fn withdraw(&mut self, pick: u8, per_mille: u16, key: Option<u8>) {
        let index = self.account(pick);
        let before = self.accounts[index].clone();
        let amount = before.available_cash().0 / 1_000 * i64::from(per_mille);
        let key = key.map(|k| format!("key-{k}"));
        match self.accounts[index].withdraw(Money(amount), key, self.now) {
            Ok(entry) if self.accounts[index].entries().len() > before.entries().len() => {
                self.withdrawn -= i128::from(entry.amount.0);
            }
            Ok(_) => assert_eq!(self.accounts[index], before),
            Err(_) => assert_eq!(self.accounts[index], before),
        }
    }

    fn order(&mut self, pick: u8, symbol_pick: u8, side: Side, quantity: u64, per_mille: u16) {
        let account = self.account(pick);
        let symbol_index = usize::from(symbol_pick) % self.outstanding.len();
        let price = (self.ipo_prices[symbol_index] * i64::from(per_mille) / 1_000).max(1);
        let id = OrderId(self.next_order);
        self.next_order += 1;
        let ticket = OrderTicket {
            order: id,
            symbol: symbol(symbol_index),
            side,
            quantity: Quantity(quantity),
            price: Money(price),
        };
        let before = self.accounts[account].clone();
        match self.accounts[account].reserve(&ticket, &self.fees) {
            Ok(_) => self.open.push(OpenOrder {
                id,
                account,
                symbol: symbol_index,
                side,
                remaining: quantity,
                limit: price,
            }),
            Err(_) => assert_eq!(self.accounts[account], before),
        }
    }

    /// Picks one of the pairs of an open buy and an open sell of another
    /// account on the same symbol that cross, and trades between them.
    fn cross(&mut self, pair_pick: u32, quantity_pick: u16, price_pick: u16) {
        let crosses = |bid: &OpenOrder, ask: &OpenOrder| {
            bid.side == Side::Buy
                && ask.side == Side::Sell
                && bid.symbol == ask.symbol
                && bid.account != ask.account
                && ask.limit <= bid.limit
        };
        let open = &self.open;
        let pairs: Vec<(usize, usize)> = (0..open.len())
            .flat_map(|buy| (0..open.len()).map(move |sell| (buy, sell)))
            .filter(|&(buy, sell)| crosses(&open[buy], &open[sell]))
            .collect();
        if pairs.is_empty() {
            return;
        }
        let (buy, sell) = pairs[pair_pick as usize % pairs.len()];
        let (bid, ask) = (self.open[buy], self.open[sell]);
        let quantity = 1 + u64::from(quantity_pick) % bid.remaining.min(ask.remaining);
        let price = ask.limit + i64::from(price_pick) % (bid.limit - ask.limit + 1);
        let trade = TradeId(self.next_trade);
        self.next_trade += 1;
        self.now = self.now.plus_millis(1);
        for index in [buy, sell] {
            self.fill(index, trade, quantity, price);
        }
        // Release the filled ones, higher index first so the other stays put.
        for index in [buy.max(sell), buy.min(sell)] {
            if self.open[index].remaining == 0 {
                let order = self.open.remove(index);
                self.accounts[order.account].release(order.id).unwrap();
            }
        }
    }

    fn fill(&mut self, index: usize, trade: TradeId, quantity: u64, price: i64) {
        let order = &mut self.open[index];
        let fill = Fill {
            order: order.id,
            trade,
            price: Money(price),
            quantity: Quantity(quantity),
            at: self.now,
        };
        let settled = self.accounts[order.account].settle_fill(&fill).unwrap();
        order.remaining -= quantity;
        assert_eq!(settled.unfilled, Quantity(order.remaining));
        let charges = settled.charges;
        self.commissions += i128::from(charges.commission.0);
        self.taxes += i128::from(charges.tax.0);
        let flows = &mut self.flows[order.account];
        match order.side {
            Side::Buy => flows.acquired -= i128::from(settled.cash_delta.0),
            Side::Sell => flows.proceeds += i128::from(settled.cash_delta.0),
        }
    }

    fn cancel(&mut self, order_pick: u16) {
        if self.open.is_empty() {
            return;
        }
        let order = self.open.remove(usize::from(order_pick) % self.open.len());
        let released = self.accounts[order.account].release(order.id).unwrap();
        assert_eq!(released.side, order.side);
        let unsold = match order.side {
            Side::Buy => 0,
            Side::Sell => order.remaining,
        };
        assert_eq!(released.shares, Quantity(unsold));
    }

    fn check(&self) {
        for (index, outstanding) in self.outstanding.iter().enumerate() {
            let held: u64 = self
                .accounts
                .iter()
                .filter_map(|a| a.holding(symbol(index)))
                .map(|h| h.quantity.0)
                .sum();
            assert_eq!(
                held, *outstanding,
                "shares of {} are not conserved",
                SYMBOLS[index]
            );
        }
        let cash: i128 = self.accounts.iter().map(|a| i128::from(a.cash().0)).sum();
        assert_eq!(
            cash + self.commissions + self.taxes,
            self.deposited - self.withdrawn,
            "cash is not conserved"
        );
        for (account, flows) in self.accounts.iter().zip(&self.flows) {
            check_account(account, flows);
        }
        for order in &self.open {
            let reservation = self.accounts[order.account].reservation(order.id).unwrap();
            assert_eq!(reservation.unfilled(), Quantity(order.remaining));
        }
    }

    /// Every year's realized gains add up to the account's total.
    fn check_years(&self) {
        let last = self.now.year();
        for account in &self.accounts {
            let total: i64 = (Timestamp::from_millis(START_MS).year()..=last)
                .map(|year| {
                    CapitalGainsReport::for_year(year, account.realized(), &TaxConfig::default())
                        .unwrap()
                        .total_gain
                        .0
                })
                .sum();
            assert_eq!(total, account.realized_total().0);
        }
    }
}

fn check_account(account: &Account, flows: &Flows) {
    assert_eq!(
        account.check_invariants(),
        Ok(()),
        "account {}",
        account.id()
    );
    // What the persister would write down brings the account back exactly.
    let mut drained = account.clone();
    drained.drain_history();
    let restored = Account::restore(account.id(), LedgerLimits::default(), drained.to_restored());
    assert_eq!(
        restored.as_ref(),
        Ok(&drained),
        "account {} restored",
        account.id()
    );
    assert!(!account.cash().is_negative());
    assert!(!account.reserved_cash().is_negative());
    assert!(account.reserved_cash() <= account.cash());
    let mut cost_basis = 0i128;
    for holding in account.holdings() {
        assert!(holding.reserved <= holding.quantity);
        let lots: u64 = account.lots(holding.symbol).map(|lot| lot.quantity.0).sum();
        assert_eq!(lots, holding.quantity.0);
        cost_basis += i128::from(holding.cost_basis.0);
    }
    let rows: i64 = account.realized().iter().map(|row| row.gain.0).sum();
    assert_eq!(rows, account.realized_total().0);
    // FIFO with exact fee allotment loses no cent: what was realized is what
    // sales brought in, less the cost of what left the holdings.
    assert_eq!(
        i128::from(account.realized_total().0),
        flows.proceeds - (flows.acquired - cost_basis),
        "account {}: realized gains do not reconcile",
        account.id()
    );
}

fn rate() -> impl Strategy<Value = Rate> {
    // Mostly brokerage-like rates, sometimes absurd ones so that sales that
    // cannot pay their commission happen too.
    prop_oneof![
        4 => 0u32..=5_000,
        1 => 100_000u32..=700_000,
    ]
    .prop_map(|ppm| Rate::from_ppm(ppm).unwrap())
}

fn fees() -> impl Strategy<Value = FeeSchedule> {
    schedule(rate)
}

/// Up to 0.5% each: what brokerages and governments actually charge.
fn brokerage_fees() -> impl Strategy<Value = FeeSchedule> {
    schedule(|| (0u32..=5_000).prop_map(|ppm| Rate::from_ppm(ppm).unwrap()))
}

fn schedule<S: Strategy<Value = Rate>>(rate: impl Fn() -> S) -> impl Strategy<Value = FeeSchedule> {
    let minimum = prop_oneof![Just(0i64), 1i64..=1_000];
    (rate(), minimum, rate())
        .prop_map(|(commission, min, tax)| FeeSchedule::new(commission, Money(min), tax).unwrap())
}

fn key() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![Just(None), (0u8..6).prop_map(Some)]
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Buy), Just(Side::Sell)]
}

fn deposit() -> impl Strategy<Value = Op> {
    let amount = prop_oneof![
        8 => 1i64..=100_000_000,
        1 => Just(0i64),
        1 => Just(i64::MAX),
    ];
    (any::<u8>(), amount, key()).prop_map(|(account, amount, key)| Op::Deposit {
        account,
        amount,
        key,
    })
}

fn withdraw() -> impl Strategy<Value = Op> {
    (any::<u8>(), 0u16..=1_200, key()).prop_map(|(account, per_mille, key)| Op::Withdraw {
        account,
        per_mille,
        key,
    })
}

fn order() -> impl Strategy<Value = Op> {
    (any::<u8>(), any::<u8>(), side(), 1u64..=300, 800u16..=1_200).prop_map(
        |(account, symbol, side, quantity, per_mille)| Op::Order {
            account,
            symbol,
            side,
            quantity,
            per_mille,
        },
    )
}

fn cross() -> impl Strategy<Value = Op> {
    any::<(u32, u16, u16)>().prop_map(|(pair, quantity, price)| Op::Match {
        pair,
        quantity,
        price,
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => deposit(),
        1 => withdraw(),
        5 => order(),
        8 => cross(),
        1 => any::<u16>().prop_map(|order| Op::Cancel { order }),
    ]
}

fn listings() -> impl Strategy<Value = Vec<(u64, i64)>> {
    // Penny stocks make fees round every which way.
    let ipo_price = prop_oneof![3 => 100i64..=10_000, 1 => 1i64..=20];
    prop::collection::vec((1_000u64..=100_000, ipo_price), 2..=3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn the_ledger_conserves_cash_and_shares(
        fees in fees(),
        listings in listings(),
        opening in prop::collection::vec(0i64..=100_000_000, TRADERS + 3),
        steps in prop::collection::vec((op(), 0i64..=10 * 86_400_000), 1..300),
    ) {
        let mut market = Market::new(fees, &listings, &opening);
        market.check();
        for (op, pause) in &steps {
            market.now = market.now.plus_millis(*pause);
            market.step(op);
            market.check();
        }
        // Ending every order gives back every reservation.
        while !market.open.is_empty() {
            market.cancel(0);
        }
        market.check();
        for account in &market.accounts {
            prop_assert_eq!(account.reserved_cash(), Money::ZERO);
            prop_assert!(account.holdings().all(|h| h.reserved.is_zero()));
        }
        market.check_years();
    }

    #[test]
    fn splitting_an_order_does_not_change_what_it_pays(
        fees in brokerage_fees(),
        fills in prop::collection::vec((1u64..=50, 100i64..=20_000), 1..20),
    ) {
        // At these rates a fill worth a dollar or more always covers its
        // charges, so nothing is capped and nothing waived.
        let quantity: u64 = fills.iter().map(|(q, _)| q).sum();
        let limit = fills.iter().map(|(_, p)| *p).max().unwrap();
        let total = |fills: &[(u64, i64)], side: Side| {
            let mut account = Account::new(AccountId(1), LedgerLimits::default());
            account.deposit(Money(100_000_000_000), None, Timestamp(0)).unwrap();
            account.allot(symbol(0), Quantity(quantity), Money(100), Timestamp(0)).unwrap();
            let price = if side == Side::Buy { limit } else { 1 };
            let ticket = OrderTicket { order: OrderId(1), symbol: symbol(0), side, quantity: Quantity(quantity), price: Money(price) };
            account.reserve(&ticket, &fees).unwrap();
            for (index, (quantity, price)) in fills.iter().enumerate() {
                let fill = Fill { order: OrderId(1), trade: TradeId(index as u64), price: Money(*price), quantity: Quantity(*quantity), at: Timestamp(0) };
                account.settle_fill(&fill).unwrap();
            }
            let charged = account.reservation(OrderId(1)).unwrap().charged;
            prop_assert_eq!(account.release(OrderId(1)).unwrap().commission_waived, Money::ZERO);
            Ok(charged)
        };
        // The same trades as one fill of the same notional: 1 share at the
        // total notional.
        let notional: i64 = fills.iter().map(|(q, p)| *q as i64 * p).sum();
        for side in [Side::Buy, Side::Sell] {
            let split = total(&fills, side)?;
            prop_assert_eq!(split.notional, Money(notional));
            let once = {
                let mut account = Account::new(AccountId(1), LedgerLimits::default());
                account.deposit(Money(100_000_000_000), None, Timestamp(0)).unwrap();
                account.allot(symbol(0), Quantity(1), Money(100), Timestamp(0)).unwrap();
                let ticket = OrderTicket { order: OrderId(1), symbol: symbol(0), side, quantity: Quantity(1), price: Money(notional) };
                account.reserve(&ticket, &fees).unwrap();
                let fill = Fill { order: OrderId(1), trade: TradeId(0), price: Money(notional), quantity: Quantity(1), at: Timestamp(0) };
                account.settle_fill(&fill).unwrap().charges
            };
            prop_assert_eq!(split, once);
        }
    }
}
