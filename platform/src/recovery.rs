//! Bringing the market back after a restart (or a crash) from the database:
//! books with their open orders in their original priority, accounts with
//! their cash, reservations, lots and gains, and the id counters going on.
//!
//! The books' trades are the truth about matching: a trade whose settlement
//! on one side never reached the database (a crash between the two writes)
//! is settled now, through the same core as a live fill, and written down
//! before anything starts. Then the invariants are checked across accounts;
//! recovery refuses to start a market that does not add up.

use std::collections::HashMap;
use std::sync::Arc;

use marketlab_actors::account::{AccountCore, FillRecord, OrderRecord, check_shares_conserved};
use marketlab_actors::book::Listing;
use marketlab_actors::book::{
    BookConfig, BookEvent, BookState, CancelReason, OrderBook, OrderKind, PendingStop,
    RestingOrder, Trade,
};
use marketlab_actors::clock::Clock;
use marketlab_actors::journal::{Change, Journal};
use marketlab_actors::ledger::{
    Account, Charges, FeeSchedule, LedgerEntry, LedgerLimits, Lot, Reservation, Restored,
};
use marketlab_actors::market::{Market, MarketConfig};
use marketlab_actors::types::{
    AccountId, BookId, Money, OrderId, Price, Quantity, Rate, Symbol, TickSize, Timestamp, TradeId,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Statement};

use crate::persistence::entities::enums::{OrderStatus, OrderType, Role};
use crate::persistence::entities::{company, fill, ledger_entry, lot, order, trade};
use crate::persistence::repo;
use crate::persister::journal_and_apply;

#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error("reading the database: {0}")]
    Database(#[from] DbErr),
    #[error("the database does not describe a valid market: {0}")]
    Inconsistent(String),
}

fn bad(what: impl Into<String>) -> RecoveryError {
    RecoveryError::Inconsistent(what.into())
}

/// What a recovered market starts from.
pub struct Recovered {
    pub market: Market,
    pub listings: Vec<Listing>,
    /// Trade settlements recovery had to make up for (0 after a clean stop).
    pub repaired_fills: usize,
}

/// Rebuild the market in `db`. Must run inside the actix system.
pub async fn recover(
    db: &DatabaseConnection,
    config: MarketConfig,
    clock: Arc<dyn Clock>,
    journal: Option<Journal>,
    fees: FeeSchedule,
) -> Result<Recovered, RecoveryError> {
    let companies = repo::companies::all(db).await?;
    let listings: HashMap<Symbol, (Listing, company::Model)> = companies
        .into_iter()
        .filter(|c| c.listed)
        .map(|c| Ok((symbol(&c.symbol)?, (listing(&c)?, c))))
        .collect::<Result<_, RecoveryError>>()?;
    let mut cores = load_accounts(db, &listings, fees).await?;
    let written = Writes {
        db,
        journal: journal.as_ref(),
        at: clock.now(),
    };
    let repaired_fills = repair(&written, &listings, &mut cores).await?;
    cancel_unplaced(&written, &mut cores).await?;
    check_conservation(&cores, &listings)?;

    let market = Market::with_journal(config, clock, journal);
    let ids = repo::ids::max_ids(db).await?;
    market.resume_order_ids(OrderId(ids.order.map_or(1, |id| id as u64 + 1)));
    for (symbol, (listing, company)) in &listings {
        let state = book_state(db, *symbol, listing, company, &cores).await?;
        let book = OrderBook::restore(listing.config, state).map_err(bad)?;
        market
            .restore_book(*listing, book)
            .map_err(|e| bad(e.to_string()))?;
    }
    let roles: HashMap<i64, Role> = repo::accounts::all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.role))
        .collect();
    for (id, core) in cores {
        // People are answered once their changes are durable; bots are not.
        let durable = roles.get(&(id.0 as i64)) != Some(&Role::Bot);
        market
            .open_account(core, durable)
            .map_err(|e| bad(e.to_string()))?;
    }
    Ok(Recovered {
        market,
        listings: listings.values().map(|(l, _)| *l).collect(),
        repaired_fills,
    })
}

fn symbol(text: &str) -> Result<Symbol, RecoveryError> {
    Symbol::new(text).map_err(|e| bad(e.to_string()))
}

pub(crate) fn listing(company: &company::Model) -> Result<Listing, RecoveryError> {
    let tick = TickSize::new(Money(company.tick_size)).map_err(|e| bad(e.to_string()))?;
    let band_bps = company
        .band_bps
        .map(|bps| u32::try_from(bps).map_err(|_| bad("band out of range")))
        .transpose()?;
    Ok(Listing {
        book: BookId(u32::try_from(company.book_id).map_err(|_| bad("book id out of range"))?),
        symbol: symbol(&company.symbol)?,
        tick,
        config: BookConfig::listed_at(tick, Money(company.ipo_price), band_bps),
    })
}

fn ticks(tick: TickSize, cents: i64) -> Price {
    Price(cents / tick.money().0)
}

fn qty(value: i64) -> Quantity {
    Quantity(value.max(0) as u64)
}

/// Every account with its ledger and open orders.
async fn load_accounts(
    db: &DatabaseConnection,
    listings: &HashMap<Symbol, (Listing, company::Model)>,
    fees: FeeSchedule,
) -> Result<HashMap<AccountId, AccountCore>, RecoveryError> {
    let live = repo::orders::all_live(db).await?;
    let mut fills: HashMap<i64, Vec<fill::Model>> = HashMap::new();
    for f in repo::fills::for_live_orders(db).await? {
        fills.entry(f.order_id).or_default().push(f);
    }
    let mut open: HashMap<i64, Vec<(OrderRecord, Listing, Reservation)>> = HashMap::new();
    for row in live {
        let (listing, _) = listings
            .get(&symbol(&row.symbol)?)
            .ok_or_else(|| bad(format!("order {} on an unlisted symbol", row.id)))?;
        let order_fills = fills.remove(&row.id).unwrap_or_default();
        let record = order_record(&row, listing, &order_fills)?;
        let reservation = reservation(&row, record.symbol)?;
        open.entry(row.account_id)
            .or_default()
            .push((record, *listing, reservation));
    }
    let mut lots: HashMap<i64, Vec<lot::Model>> = HashMap::new();
    for l in repo::lots::all(db).await? {
        lots.entry(l.account_id).or_default().push(l);
    }
    let keys: Vec<ledger_entry::Model> = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::IdempotencyKey.is_not_null())
        .all(db)
        .await?;
    let mut keys_by_account: HashMap<i64, Vec<(String, LedgerEntry)>> = HashMap::new();
    for entry in keys {
        let key = entry.idempotency_key.clone().unwrap_or_default();
        keys_by_account
            .entry(entry.account_id)
            .or_default()
            .push((key, ledger_entry(&entry)?));
    }

    let mut cores = HashMap::new();
    for account in repo::accounts::all(db).await? {
        let id = AccountId(account.id as u64);
        let mut account_lots = lots.remove(&account.id).unwrap_or_default();
        account_lots.sort_by_key(|l| (l.symbol.clone(), l.seq));
        let orders = open.remove(&account.id).unwrap_or_default();
        let next_entry = repo::ledger::recent(db, account.id, 1)
            .await?
            .first()
            .map_or(1, |e| e.seq as u64 + 1);
        let state = Restored {
            cash: Money(account.cash),
            next_entry,
            realized_total: Money(account.realized_gains),
            lots: account_lots
                .iter()
                .map(|l| {
                    Ok((
                        symbol(&l.symbol)?,
                        Lot {
                            id: l.seq as u64,
                            bought: qty(l.original_quantity),
                            quantity: qty(l.remaining_quantity),
                            price: Money(l.price),
                            acquired_at: Timestamp(l.acquired_at),
                            fee: Money(l.buy_fee),
                        },
                    ))
                })
                .collect::<Result<_, RecoveryError>>()?,
            // One past the highest lot id is all a restart needs: the ids
            // of lots sold out before are gone from the database too.
            next_lot: 1,
            reservations: orders.iter().map(|(_, _, r)| *r).collect(),
            keys: keys_by_account.remove(&account.id).unwrap_or_default(),
        };
        let ledger = Account::restore(id, LedgerLimits::default(), state)
            .map_err(|e| bad(format!("account {id}: {e}")))?;
        let core = AccountCore::restore(ledger, fees, orders.into_iter().map(|(o, l, _)| (o, l)));
        cores.insert(id, core);
    }
    for (account, limits) in repo::risk_limits::all(db).await? {
        if let Some(core) = cores.get_mut(&AccountId(account as u64)) {
            core.set_limits(limits);
        }
    }
    let competitions: HashMap<i64, _> = repo::competitions::all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    for entry in repo::competitions::all_entries(db).await? {
        let core = cores.get_mut(&AccountId(entry.account_id as u64));
        if let (Some(core), Some(row)) = (core, competitions.get(&entry.competition_id)) {
            core.set_mandate(crate::competitions::mandate(row));
            core.set_fees(crate::competitions::fees(row, fees));
        }
    }
    Ok(cores)
}

fn ledger_entry(row: &ledger_entry::Model) -> Result<LedgerEntry, RecoveryError> {
    Ok(LedgerEntry {
        id: row.seq as u64,
        kind: row.kind.into(),
        amount: Money(row.amount),
        cash_before: Money(row.cash_before),
        cash_after: Money(row.cash_after),
        symbol: row.symbol.as_deref().map(symbol).transpose()?,
        order: row.order_id.map(|o| OrderId(o as u64)),
        trade: row.trade_id.map(|t| TradeId(t as u64)),
        at: Timestamp(row.at),
    })
}

fn order_record(
    row: &order::Model,
    listing: &Listing,
    fills: &[fill::Model],
) -> Result<OrderRecord, RecoveryError> {
    let price = |cents: Option<i64>| {
        cents
            .map(|c| ticks(listing.tick, c))
            .ok_or_else(|| bad(format!("order {} lacks a price", row.id)))
    };
    let kind = match row.order_type {
        OrderType::Market => OrderKind::Market,
        OrderType::Limit => OrderKind::Limit {
            price: price(row.limit_price)?,
        },
        OrderType::Stop => OrderKind::Stop {
            trigger: price(row.stop_price)?,
        },
        OrderType::StopLimit => OrderKind::StopLimit {
            trigger: price(row.stop_price)?,
            price: price(row.limit_price)?,
        },
    };
    let mut fills: Vec<FillRecord> = fills
        .iter()
        .map(|f| FillRecord {
            trade: TradeId(f.trade_id as u64),
            price: ticks(listing.tick, f.price),
            quantity: qty(f.quantity),
            fee: Money(f.commission),
            tax: Money(f.tax),
            at: Timestamp(f.executed_at),
        })
        .collect();
    fills.sort_by_key(|f| f.trade);
    Ok(OrderRecord {
        id: OrderId(row.id as u64),
        account: AccountId(row.account_id as u64),
        symbol: listing.symbol,
        side: row.side.into(),
        kind,
        tif: row.time_in_force.into(),
        quantity: qty(row.quantity),
        filled: qty(row.filled_quantity),
        filled_value: Money(row.filled_value),
        status: row.status.into(),
        end_reason: None,
        fills,
        client_order_id: row.client_order_id.clone(),
        priority_seq: row.priority_seq.map(|p| p as u64),
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
    })
}

fn reservation(row: &order::Model, symbol: Symbol) -> Result<Reservation, RecoveryError> {
    let rate = |ppm: i64| {
        u32::try_from(ppm)
            .ok()
            .and_then(|p| Rate::from_ppm(p).ok())
            .ok_or_else(|| bad(format!("order {}: bad rate {ppm}", row.id)))
    };
    let fees = FeeSchedule::new(
        rate(row.commission_ppm)?,
        Money(row.min_commission),
        rate(row.sell_tax_ppm)?,
    )
    .map_err(|e| bad(e.to_string()))?;
    Ok(Reservation {
        order: OrderId(row.id as u64),
        symbol,
        side: row.side.into(),
        quantity: qty(row.quantity),
        filled: qty(row.filled_quantity),
        limit: Money(row.reserve_limit),
        fees,
        cash: Money(row.reserved_cash),
        shares: qty(row.reserved_shares),
        charged: Charges {
            notional: Money(row.filled_value),
            commission: Money(row.commission_charged),
            tax: Money(row.tax_charged),
        },
    })
}

/// Settle, from the trades table, every side of a trade whose fill was never
/// written down, and write the result down. Returns how many sides.
async fn repair(
    written: &Writes<'_>,
    listings: &HashMap<Symbol, (Listing, company::Model)>,
    cores: &mut HashMap<AccountId, AccountCore>,
) -> Result<usize, RecoveryError> {
    let db = written.db;
    // Every fill is one side of a stored trade (a book's update is written
    // no later than either side's settlement) and the fills' key admits
    // each side once: with twice as many fills as trades, every trade is
    // settled on both sides, and the scan of every trade below is skipped.
    // Only trades from the bots' fold horizon on count: before it, a bot's
    // side may have been folded away (see `persister::retention`).
    let since = repo::bot_summaries::folded_before(db)
        .await?
        .unwrap_or(i64::MIN);
    let trades = repo::trades::count_since(db, since).await?;
    if repo::fills::count_since(db, since).await? == 2 * trades {
        return Ok(0);
    }
    let sql = format!(
        "SELECT * FROM trades t WHERE t.executed_at >= {since} AND (\
         NOT EXISTS (SELECT 1 FROM fills f WHERE f.trade_id = t.id AND f.order_id = t.taker_order_id) \
         OR NOT EXISTS (SELECT 1 FROM fills f WHERE f.trade_id = t.id AND f.order_id = t.maker_order_id)) \
         ORDER BY t.symbol, t.book_seq"
    );
    let unsettled = trade::Entity::find()
        .from_raw_sql(Statement::from_string(db.get_database_backend(), sql))
        .all(db)
        .await?;
    let mut repaired = 0;
    for row in &unsettled {
        let (listing, _) = listings
            .get(&symbol(&row.symbol)?)
            .ok_or_else(|| bad(format!("trade {} on an unlisted symbol", row.id)))?;
        let settled: Vec<i64> =
            repo::fills::for_orders(db, &[row.taker_order_id, row.maker_order_id])
                .await?
                .into_iter()
                .filter(|f| f.trade_id == row.id)
                .map(|f| f.order_id)
                .collect();
        let event = Trade {
            seq: row.book_seq as u64,
            price: ticks(listing.tick, row.price),
            quantity: qty(row.quantity),
            aggressor: row.aggressor_side.into(),
            taker: OrderId(row.taker_order_id as u64),
            taker_account: AccountId(row.taker_account_id as u64),
            maker: OrderId(row.maker_order_id as u64),
            maker_account: AccountId(row.maker_account_id as u64),
            // Not read by settlement: each side's own order says what is left.
            taker_remaining: Quantity::ZERO,
            maker_remaining: Quantity::ZERO,
        };
        for (order, account) in [
            (row.taker_order_id, event.taker_account),
            (row.maker_order_id, event.maker_account),
        ] {
            if settled.contains(&order) {
                continue;
            }
            let core = cores
                .get_mut(&account)
                .ok_or_else(|| bad(format!("trade {} names unknown account {account}", row.id)))?;
            core.settle_missed(OrderId(order as u64), &event, Timestamp(row.executed_at))
                .map_err(|e| bad(format!("trade {}: {e}", row.id)))?;
            repaired += 1;
        }
    }
    if repaired > 0 {
        written.changes_of(cores).await?;
        tracing::warn!("recovery settled {repaired} trade sides that had not been written down");
    }
    Ok(repaired)
}

/// Orders whose reservation was written down but whose place in the book
/// was not (the server stopped between the two) never reached a book that
/// survived: nobody was told they were taken, so they are cancelled and
/// their reservations released.
async fn cancel_unplaced(
    written: &Writes<'_>,
    cores: &mut HashMap<AccountId, AccountCore>,
) -> Result<usize, RecoveryError> {
    let at = written.at;
    let mut cancelled = 0;
    for core in cores.values_mut() {
        let unplaced: Vec<BookEvent> = core
            .open_orders()
            .filter(|o| o.priority_seq.is_none())
            .map(|o| BookEvent::Cancelled {
                seq: 0,
                id: o.id,
                account: o.account,
                remaining: o.remaining(),
                reason: CancelReason::Administrative,
            })
            .collect();
        if unplaced.is_empty() {
            continue;
        }
        cancelled += unplaced.len();
        core.apply(at, &unplaced)
            .map_err(|e| bad(format!("cancelling unplaced orders: {e}")))?;
    }
    if cancelled > 0 {
        written.changes_of(cores).await?;
        tracing::warn!("recovery cancelled {cancelled} orders that never reached their book");
    }
    Ok(cancelled)
}

/// Where recovery's own changes go: to the journal like every change
/// (through the running writer when there is one, else appended and
/// applied here), so the journal stays the whole story of the market.
struct Writes<'a> {
    db: &'a DatabaseConnection,
    journal: Option<&'a Journal>,
    at: Timestamp,
}

impl Writes<'_> {
    /// Write down what the cores changed; returns once it is durable.
    async fn changes_of(
        &self,
        cores: &mut HashMap<AccountId, AccountCore>,
    ) -> Result<(), RecoveryError> {
        let changes: Vec<Change> = cores
            .values_mut()
            .filter_map(AccountCore::take_changes)
            .map(|changes| Change::Account(Box::new(changes)))
            .collect();
        let Some(journal) = self.journal else {
            journal_and_apply(self.db, &changes, self.at.0)
                .await
                .map_err(|e| bad(format!("writing recovery's changes: {e}")))?;
            return Ok(());
        };
        let mut committed = Vec::with_capacity(changes.len());
        for change in changes {
            let (ack, done) = tokio::sync::oneshot::channel();
            journal.record(change, Some(ack));
            committed.push(done);
        }
        for done in committed {
            done.await
                .map_err(|_| bad("the journal writer stopped before recovery's changes"))?;
        }
        Ok(())
    }
}

/// Every listed company's shares are all held by someone, no more, no less.
fn check_conservation(
    cores: &HashMap<AccountId, AccountCore>,
    listings: &HashMap<Symbol, (Listing, company::Model)>,
) -> Result<(), RecoveryError> {
    for (symbol, (_, company)) in listings {
        check_shares_conserved(cores.values(), *symbol, qty(company.shares_outstanding))
            .map_err(bad)?;
    }
    Ok(())
}

/// A book's state from its open orders (after repair), its last trade and
/// its last written sequence number.
async fn book_state(
    db: &DatabaseConnection,
    symbol: Symbol,
    listing: &Listing,
    company: &company::Model,
    cores: &HashMap<AccountId, AccountCore>,
) -> Result<BookState, RecoveryError> {
    let last = repo::trades::recent(db, &company.symbol, 1).await?;
    let mut state = BookState {
        sequence: company.last_seq.max(0) as u64,
        last_price: last.first().map(|t| ticks(listing.tick, t.price)),
        halted: company.halted,
        resting: Vec::new(),
        stops: Vec::new(),
    };
    if let Some(t) = last.first() {
        state.sequence = state.sequence.max(t.book_seq as u64);
    }
    for order in cores
        .values()
        .flat_map(|c| c.open_orders())
        .filter(|o| o.symbol == symbol)
    {
        let Some(priority) = order.priority_seq else {
            return Err(bad(format!(
                "open order {} has no place in its book",
                order.id
            )));
        };
        state.sequence = state.sequence.max(priority);
        let status: OrderStatus = order.status.into();
        if status == OrderStatus::PendingTrigger {
            let trigger = order
                .kind
                .trigger_price()
                .ok_or_else(|| bad(format!("stop {} without a trigger", order.id)))?;
            state.stops.push(PendingStop {
                id: order.id,
                account: order.account,
                side: order.side,
                trigger,
                limit: order.kind.limit_price(),
                tif: order.tif,
                remaining: order.remaining(),
                accepted_seq: priority,
            });
        } else {
            let price = order
                .kind
                .limit_price()
                .ok_or_else(|| bad(format!("resting order {} without a price", order.id)))?;
            state.resting.push(RestingOrder {
                id: order.id,
                account: order.account,
                side: order.side,
                price,
                remaining: order.remaining(),
                tif: order.tif,
                priority_seq: priority,
            });
        }
    }
    Ok(state)
}
