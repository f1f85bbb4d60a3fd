//! One account's state, its read-only views and IPO allotment. The other
//! operations live beside the rules they follow: `cash` (deposits and
//! withdrawals), `reservations` (orders), `settlement` (fills), `gains` and
//! `sector_weights` (reports), `invariants`.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::LedgerError;
use super::cash::LedgerLimits;
use super::entries::{Journal, LedgerEntry};
use super::gains::RealizedGain;
use super::holdings::{FittingLot, Holding, HoldingView};
use super::lots::{Lot, LotChange};
use super::reservations::Reservation;
use crate::types::{AccountId, Money, OrderId, Quantity, Symbol, Timestamp};

/// An account's cash, shares, open-order reservations and history.
///
/// Every operation either succeeds completely or fails and changes nothing;
/// [`Account::check_invariants`] states what always holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub(super) id: AccountId,
    pub(super) limits: LedgerLimits,
    pub(super) cash: Money,
    /// Cash set aside for open orders; part of `cash`.
    pub(super) reserved_cash: Money,
    /// Ordered by symbol, so that views are deterministic.
    pub(super) holdings: BTreeMap<Symbol, Holding>,
    pub(super) reservations: FxHashMap<OrderId, Reservation>,
    /// Realized gains not yet handed to the persister.
    pub(super) realized: Vec<RealizedGain>,
    pub(super) realized_total: Money,
    /// What the rows already handed over add up to.
    pub(super) realized_drained: Money,
    pub(super) journal: Journal,
    /// Idempotency keys of deposits and withdrawals, to the entry each made.
    pub(super) keys: FxHashMap<String, LedgerEntry>,
    /// The id the next lot takes.
    pub(super) next_lot: u64,
    /// What happened to lots since the history was last drained.
    pub(super) lot_changes: Vec<LotChange>,
    /// Keys not yet handed over with the history.
    pub(super) fresh_keys: Vec<(String, u64)>,
}

impl Account {
    pub fn new(id: AccountId, limits: LedgerLimits) -> Account {
        Account {
            id,
            limits,
            cash: Money::ZERO,
            reserved_cash: Money::ZERO,
            holdings: BTreeMap::new(),
            reservations: FxHashMap::default(),
            realized: Vec::new(),
            realized_total: Money::ZERO,
            realized_drained: Money::ZERO,
            journal: Journal::default(),
            keys: FxHashMap::default(),
            fresh_keys: Vec::new(),
            next_lot: 1,
            lot_changes: Vec::new(),
        }
    }

    pub fn id(&self) -> AccountId {
        self.id
    }

    pub fn cash(&self) -> Money {
        self.cash
    }

    pub fn reserved_cash(&self) -> Money {
        self.reserved_cash
    }

    /// Cash not set aside for open orders: what a new order or a withdrawal
    /// may use.
    pub fn available_cash(&self) -> Money {
        self.cash - self.reserved_cash
    }

    /// The symbols the account holds shares of, in symbol order.
    pub fn holdings(&self) -> impl Iterator<Item = HoldingView> + '_ {
        self.holdings
            .iter()
            .filter(|(_, holding)| !holding.quantity.is_zero())
            .map(|(symbol, holding)| holding.view(*symbol))
    }

    pub fn holding(&self, symbol: Symbol) -> Option<HoldingView> {
        self.holdings
            .get(&symbol)
            .filter(|holding| !holding.quantity.is_zero())
            .map(|holding| holding.view(symbol))
    }

    /// The open lots of `symbol`, oldest first.
    pub fn lots(&self, symbol: Symbol) -> impl Iterator<Item = &Lot> + '_ {
        self.holdings
            .get(&symbol)
            .into_iter()
            .flat_map(|holding| holding.lots.iter())
    }

    /// Every realized gain, in the order realized.
    pub fn realized(&self) -> &[RealizedGain] {
        &self.realized
    }

    pub fn realized_total(&self) -> Money {
        self.realized_total
    }

    /// Every movement of cash, oldest first.
    pub fn entries(&self) -> &[LedgerEntry] {
        self.journal.entries()
    }

    /// The open reservation of `order`, if it has one here.
    pub fn reservation(&self, order: OrderId) -> Option<&Reservation> {
        self.reservations.get(&order)
    }

    /// Books shares issued to this account at listing: one lot at the IPO
    /// price, no cash moves.
    pub fn allot(
        &mut self,
        symbol: Symbol,
        quantity: Quantity,
        price: Money,
        at: Timestamp,
    ) -> Result<Lot, LedgerError> {
        if quantity.is_zero() {
            return Err(LedgerError::ZeroQuantity);
        }
        if price <= Money::ZERO {
            return Err(LedgerError::InvalidPrice(price));
        }
        let lot = Lot {
            id: self.next_lot,
            bought: quantity,
            quantity,
            price,
            acquired_at: at,
            fee: Money::ZERO,
        };
        let fitting = FittingLot::check(self.holdings.get(&symbol), lot)?;
        self.holdings.entry(symbol).or_default().open(fitting);
        self.next_lot += 1;
        self.lot_changes.push(LotChange::Opened { symbol, lot });
        Ok(lot)
    }
}
