//! Turning the market's changes into rows: pure, so what a batch writes can
//! be checked without a database. Prices become cents with the listing's
//! tick size; quantities and ids become i64.

use std::collections::HashMap;

use marketlab_actors::account::{AccountChanges, OrderChange};
use marketlab_actors::book::Listing;
use marketlab_actors::book::{BookEvent, OrderKind};
use marketlab_actors::journal::Change;
use marketlab_actors::ledger::LotChange;
use marketlab_actors::types::{OrderId, Price, Symbol, TradeId};

use crate::persistence::entities::{fill, holding, ledger_entry, lot, order, trade};
use crate::persistence::repo::accounts::Balances;
use crate::persistence::repo::realized::NewRealizedGain;

/// Everything one batch writes.
#[derive(Debug, Default)]
pub struct Rows {
    pub trades: Vec<trade::Model>,
    /// The last sequence number per book.
    pub last_seqs: HashMap<String, i64>,
    pub orders: Vec<order::Model>,
    pub fills: Vec<fill::Model>,
    pub entries: Vec<ledger_entry::Model>,
    pub realized: Vec<NewRealizedGain>,
    pub holdings: Vec<holding::Model>,
    /// Each lot touched, by (account, symbol, seq), as it last was; `None`
    /// once it is sold out.
    pub lots: HashMap<(i64, String, i64), Option<lot::Model>>,
    pub balances: Vec<Balances>,
}

/// Ids, counts and sequence numbers are u64 in the domain and BIGINT in the
/// database; none comes near 2^63.
fn int(value: u64) -> i64 {
    i64::try_from(value).expect("a count beyond i64 never occurs")
}

impl Rows {
    /// Add one change. `listings` says what each book's ticks are worth;
    /// a `Listed` change adds to it.
    pub fn add(&mut self, change: &Change, listings: &mut HashMap<Symbol, Listing>) {
        match change {
            Change::Listed(listing) => {
                listings.insert(listing.symbol, *listing);
            }
            Change::Book(update) => {
                let Some(listing) = listings.get(&update.symbol) else {
                    tracing::error!(symbol = %update.symbol, "book update for an unknown listing");
                    return;
                };
                for event in &update.events {
                    if let BookEvent::Trade(t) = event {
                        self.trades.push(trade::Model {
                            id: int(TradeId::new(update.book, t.seq).0),
                            symbol: update.symbol.to_string(),
                            book_seq: int(t.seq),
                            price: listing.tick.to_money(t.price).0,
                            quantity: int(t.quantity.0),
                            aggressor_side: t.aggressor.into(),
                            taker_order_id: int(t.taker.0),
                            maker_order_id: int(t.maker.0),
                            taker_account_id: int(t.taker_account.0),
                            maker_account_id: int(t.maker_account.0),
                            executed_at: update.at.0,
                        });
                    }
                }
                if let Some(seq) = update.events.iter().filter_map(BookEvent::seq).max() {
                    let last = self.last_seqs.entry(update.symbol.to_string()).or_default();
                    *last = (*last).max(int(seq));
                }
            }
            Change::Account(changes) => self.add_account(changes, listings),
        }
    }

    fn add_account(&mut self, changes: &AccountChanges, listings: &HashMap<Symbol, Listing>) {
        let account = int(changes.account.0);
        self.balances.push(Balances {
            account_id: account,
            cash: changes.cash.0,
            reserved_cash: changes.reserved_cash.0,
            realized_gains: changes.realized_total.0,
        });
        let keys: HashMap<u64, &str> = changes
            .history
            .keys
            .iter()
            .map(|(key, id)| (*id, key.as_str()))
            .collect();
        for entry in &changes.history.entries {
            self.entries.push(ledger_entry::Model {
                account_id: account,
                seq: int(entry.id),
                kind: entry.kind.into(),
                amount: entry.amount.0,
                cash_before: entry.cash_before.0,
                cash_after: entry.cash_after.0,
                symbol: entry.symbol.map(|s| s.to_string()),
                order_id: entry.order.map(|o| int(o.0)),
                trade_id: entry.trade.map(|t| int(t.0)),
                idempotency_key: keys.get(&entry.id).map(|k| (*k).to_owned()),
                at: entry.at.0,
            });
        }
        for gain in &changes.history.realized {
            self.realized.push(NewRealizedGain {
                account_id: account,
                symbol: gain.symbol.to_string(),
                order_id: int(gain.order.0),
                trade_id: int(gain.trade.0),
                quantity: int(gain.quantity.0),
                buy_price: gain.buy_price.0,
                sell_price: gain.sell_price.0,
                buy_fee: gain.buy_fee.0,
                sell_costs: gain.sell_costs.0,
                gain: gain.gain.0,
                acquired_at: gain.acquired_at.0,
                sold_at: gain.sold_at.0,
            });
        }
        for position in &changes.positions {
            let symbol = position.symbol.to_string();
            let holding = position.holding.as_ref();
            self.holdings.push(holding::Model {
                account_id: account,
                symbol: symbol.clone(),
                quantity: holding.map_or(0, |h| int(h.quantity.0)),
                reserved: holding.map_or(0, |h| int(h.reserved.0)),
                cost_basis: holding.map_or(0, |h| h.cost_basis.0),
            });
        }
        for change in &changes.history.lots {
            let (symbol, id, lot) = match *change {
                LotChange::Opened { symbol, lot } | LotChange::Reduced { symbol, lot } => {
                    (symbol, lot.id, Some(lot))
                }
                LotChange::Closed { symbol, id } => (symbol, id, None),
            };
            let row = lot.map(|lot| lot::Model {
                account_id: account,
                seq: int(id),
                symbol: symbol.to_string(),
                original_quantity: int(lot.bought.0),
                remaining_quantity: int(lot.quantity.0),
                price: lot.price.0,
                buy_fee: lot.fee.0,
                acquired_at: lot.acquired_at.0,
            });
            self.lots
                .insert((account, symbol.to_string(), int(id)), row);
        }
        for change in &changes.orders {
            match listings.get(&change.record.symbol) {
                Some(listing) => self.orders.push(order_row(change, listing)),
                None => tracing::error!(order = %change.record.id, "order for an unknown listing"),
            }
        }
        for (order, fill) in &changes.fills {
            let listing = symbol_of(changes, *order).and_then(|s| listings.get(&s));
            let Some(listing) = listing else {
                tracing::error!(order = %order, "fill for an order of an unknown listing");
                continue;
            };
            self.fills.push(fill::Model {
                order_id: int(order.0),
                trade_id: int(fill.trade.0),
                account_id: account,
                price: listing.tick.to_money(fill.price).0,
                quantity: int(fill.quantity.0),
                commission: fill.fee.0,
                tax: fill.tax.0,
                executed_at: fill.at.0,
            });
        }
    }
}

/// The symbol of an order among the changes (every fill's order changed too).
fn symbol_of(changes: &AccountChanges, order: OrderId) -> Option<Symbol> {
    changes
        .orders
        .iter()
        .find(|c| c.record.id == order)
        .map(|c| c.record.symbol)
}

fn order_row(change: &OrderChange, listing: &Listing) -> order::Model {
    let record = &change.record;
    let cents = |price: Price| listing.tick.to_money(price).0;
    let reservation = change.reservation.as_ref();
    let charged = |pick: fn(&marketlab_actors::account::FillRecord) -> i64| -> i64 {
        record.fills.iter().map(pick).sum()
    };
    order::Model {
        id: int(record.id.0),
        account_id: int(record.account.0),
        symbol: record.symbol.to_string(),
        side: record.side.into(),
        order_type: record.kind.into(),
        time_in_force: record.tif.into(),
        quantity: int(record.quantity.0),
        filled_quantity: int(record.filled.0),
        filled_value: record.filled_value.0,
        limit_price: record.kind.limit_price().map(cents),
        stop_price: match record.kind {
            OrderKind::Stop { trigger } | OrderKind::StopLimit { trigger, .. } => {
                Some(cents(trigger))
            }
            OrderKind::Market | OrderKind::Limit { .. } => None,
        },
        status: record.status.into(),
        reason: record.end_reason.map(|r| r.to_string()),
        client_order_id: record.client_order_id.clone(),
        priority_seq: if record.status.is_final() {
            None
        } else {
            record.priority_seq.map(int)
        },
        reserve_limit: reservation.map_or(0, |r| r.limit.0),
        commission_ppm: reservation.map_or(0, |r| i64::from(r.fees.commission().ppm())),
        min_commission: reservation.map_or(0, |r| r.fees.min_commission().0),
        sell_tax_ppm: reservation.map_or(0, |r| i64::from(r.fees.sell_tax().ppm())),
        reserved_cash: reservation.map_or(0, |r| r.cash.0),
        reserved_shares: reservation.map_or(0, |r| int(r.shares.0)),
        commission_charged: reservation
            .map_or_else(|| charged(|f| f.fee.0), |r| r.charged.commission.0),
        tax_charged: reservation.map_or_else(|| charged(|f| f.tax.0), |r| r.charged.tax.0),
        created_at: record.created_at.0,
        updated_at: record.updated_at.0,
    }
}
