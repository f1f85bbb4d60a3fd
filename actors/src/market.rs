//! The market registry: starts one [`BookActor`] per listed company, spread
//! over a few arbiters (threads, about one per core), finds them by symbol,
//! and hands out market-wide order ids.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use actix::prelude::*;
use tokio::sync::broadcast;

use crate::account::actor::{AccountActor, Allot, Inspect};
use crate::account::{AccountCore, OrderRecord};
use crate::book::actor::{AccountEvents, BookActor, BookOutlets, TopOfBook};
use crate::book::{BookConfig, BookUpdate, Listing, OrderBook};
use crate::clock::Clock;
use crate::journal::{Change, Journal};
use crate::ledger::LedgerError;
use crate::types::{AccountId, BookId, Money, OrderId, Price, Quantity, Symbol, TickSize};

/// How the registry runs its books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketConfig {
    /// Threads the books are spread over.
    pub arbiters: usize,
    /// Messages a book queues before senders wait (backpressure).
    pub mailbox_capacity: usize,
    /// Updates an observer may fall behind before it misses some.
    pub broadcast_capacity: usize,
}

impl Default for MarketConfig {
    fn default() -> Self {
        MarketConfig {
            arbiters: std::thread::available_parallelism().map_or(2, usize::from),
            mailbox_capacity: 1024,
            broadcast_capacity: 4096,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    #[error("{0} already has a book")]
    AlreadyListed(Symbol),
    #[error("account {0} is already open")]
    AccountOpen(AccountId),
    #[error("issuer account {0} is not open")]
    UnknownIssuer(AccountId),
    #[error("a listing must issue at least one share at a positive price")]
    EmptyIssue,
    #[error("the IPO price {price} is not on the tick size {tick}")]
    OffTick { price: Money, tick: Money },
    #[error("allotting the issued shares failed: {0}")]
    Allotment(LedgerError),
    #[error("the issuer's account actor is not running")]
    IssuerUnavailable,
}

/// A company coming to market: its book and its initial public offering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipo {
    pub symbol: Symbol,
    pub tick: TickSize,
    /// The price band in basis points around the IPO price (3000 = +-30%),
    /// or none.
    pub band_bps: Option<u32>,
    /// The corporate account that receives every issued share.
    pub issuer: AccountId,
    pub shares: Quantity,
    /// Per share, on the tick; also the band's first reference price.
    pub price: Money,
}

/// A running book: its listing, its address and its stream of updates.
#[derive(Clone)]
pub struct BookHandle {
    pub listing: Listing,
    pub addr: Addr<BookActor>,
    updates: broadcast::Sender<Arc<BookUpdate>>,
    last_price: Arc<AtomicI64>,
}

/// The running account actors, by id.
#[derive(Default)]
pub struct AccountDirectory {
    accounts: RwLock<HashMap<AccountId, Addr<AccountActor>>>,
}

impl AccountDirectory {
    pub fn get(&self, account: AccountId) -> Option<Addr<AccountActor>> {
        self.accounts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&account)
            .cloned()
    }

    /// Every running account, in no particular order.
    pub fn all(&self) -> Vec<(AccountId, Addr<AccountActor>)> {
        self.accounts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(id, addr)| (*id, addr.clone()))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Hand events to an account's actor. The mailbox is not bounded here on
    /// purpose: settlement must never be dropped, and its volume is bounded
    /// by the order intake, which is.
    pub fn deliver(&self, account: AccountId, events: AccountEvents) {
        if let Some(addr) = self.get(account) {
            addr.do_send(events);
        }
    }
}

impl BookHandle {
    /// Every update from now on; a receiver that falls more than the
    /// broadcast capacity behind gets `Lagged` and should resnapshot.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BookUpdate>> {
        self.updates.subscribe()
    }

    /// The last trade's price, without asking the book (so a moment old).
    pub fn last_price(&self) -> Option<Money> {
        match self.last_price.load(Ordering::Relaxed) {
            0 => None,
            ticks => Some(self.listing.tick.to_money(Price(ticks))),
        }
    }
}

/// Cheap to clone; every clone is the same market.
#[derive(Clone)]
pub struct Market {
    inner: Arc<Inner>,
}

struct Inner {
    config: MarketConfig,
    clock: Arc<dyn Clock>,
    arbiters: Vec<Arbiter>,
    next_arbiter: AtomicUsize,
    next_order_id: AtomicU64,
    next_book_id: AtomicU32,
    books: RwLock<HashMap<Symbol, BookHandle>>,
    accounts: Arc<AccountDirectory>,
    journal: Option<Journal>,
    order_updates: broadcast::Sender<Arc<OrderRecord>>,
    /// Listings run one at a time, so two cannot both allot for one symbol.
    listing: tokio::sync::Mutex<()>,
}

impl Market {
    /// Must be called inside an actix `System`.
    pub fn new(config: MarketConfig, clock: Arc<dyn Clock>) -> Market {
        Market::with_journal(config, clock, None)
    }

    /// A market whose books and accounts hand every change to `journal`.
    pub fn with_journal(
        config: MarketConfig,
        clock: Arc<dyn Clock>,
        journal: Option<Journal>,
    ) -> Market {
        let arbiters = (0..config.arbiters.max(1))
            .map(|_| Arbiter::new())
            .collect();
        Market {
            inner: Arc::new(Inner {
                config,
                clock,
                arbiters,
                next_arbiter: AtomicUsize::new(0),
                next_order_id: AtomicU64::new(1),
                next_book_id: AtomicU32::new(1),
                books: RwLock::new(HashMap::new()),
                accounts: Arc::new(AccountDirectory::default()),
                journal,
                order_updates: broadcast::channel(config.broadcast_capacity).0,
                listing: tokio::sync::Mutex::new(()),
            }),
        }
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The accounts books deliver their events to.
    pub fn accounts(&self) -> &Arc<AccountDirectory> {
        &self.inner.accounts
    }

    pub fn journal(&self) -> Option<&Journal> {
        self.inner.journal.as_ref()
    }

    /// Start the actor of an account (on the next arbiter in turn) and make
    /// it reachable for the books. A `durable` account (a person's) is
    /// answered only once its changes are written down; a bot's is not.
    pub fn open_account(
        &self,
        core: AccountCore,
        durable: bool,
    ) -> Result<Addr<AccountActor>, MarketError> {
        let id = core.id();
        let mut accounts = self
            .inner
            .accounts
            .accounts
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if accounts.contains_key(&id) {
            return Err(MarketError::AccountOpen(id));
        }
        let market = self.clone();
        let updates = self.inner.order_updates.clone();
        let addr = AccountActor::start_in_arbiter(&self.next_arbiter(), move |_| {
            AccountActor::new(core, market, updates, durable)
        });
        accounts.insert(id, addr.clone());
        Ok(addr)
    }

    pub fn account(&self, id: AccountId) -> Option<Addr<AccountActor>> {
        self.inner.accounts.get(id)
    }

    /// Every change of every order, as the owning account sees it.
    pub fn order_updates(&self) -> broadcast::Receiver<Arc<OrderRecord>> {
        self.inner.order_updates.subscribe()
    }

    fn next_arbiter(&self) -> ArbiterHandle {
        let turn = self.inner.next_arbiter.fetch_add(1, Ordering::Relaxed);
        self.inner.arbiters[turn % self.inner.arbiters.len()].handle()
    }

    /// List a company: open its book and credit all its shares to the issuer
    /// as one lot at the IPO price. Everything is checked before anything
    /// starts.
    pub async fn list_company(&self, ipo: Ipo) -> Result<BookHandle, MarketError> {
        if ipo.shares.is_zero() || ipo.price.0 <= 0 {
            return Err(MarketError::EmptyIssue);
        }
        let tick = ipo.tick.money();
        if ipo.price.0 % tick.0 != 0 {
            return Err(MarketError::OffTick {
                price: ipo.price,
                tick,
            });
        }
        let config = BookConfig::listed_at(ipo.tick, ipo.price, ipo.band_bps);
        let _one_at_a_time = self.inner.listing.lock().await;
        if self.book(ipo.symbol).is_some() {
            return Err(MarketError::AlreadyListed(ipo.symbol));
        }
        let issuer = self
            .account(ipo.issuer)
            .ok_or(MarketError::UnknownIssuer(ipo.issuer))?;
        issuer
            .send(Allot {
                symbol: ipo.symbol,
                quantity: ipo.shares,
                price: ipo.price,
            })
            .await
            .map_err(|_| MarketError::IssuerUnavailable)?
            .map_err(MarketError::Allotment)?;
        self.open_book(ipo.symbol, ipo.tick, config)
    }

    /// Start the book of a newly listed company on the next arbiter in turn.
    pub fn open_book(
        &self,
        symbol: Symbol,
        tick: TickSize,
        config: BookConfig,
    ) -> Result<BookHandle, MarketError> {
        let listing = Listing {
            book: BookId(self.inner.next_book_id.fetch_add(1, Ordering::Relaxed)),
            symbol,
            tick,
            config,
        };
        self.start_book(listing, OrderBook::new(config))
    }

    /// Start a book rebuilt after a restart, under its old number.
    pub fn restore_book(
        &self,
        listing: Listing,
        book: OrderBook,
    ) -> Result<BookHandle, MarketError> {
        self.inner
            .next_book_id
            .fetch_max(listing.book.0 + 1, Ordering::Relaxed);
        self.start_book(listing, book)
    }

    /// Order ids go on from `next` (after a restart).
    pub fn resume_order_ids(&self, next: OrderId) {
        self.inner
            .next_order_id
            .fetch_max(next.0, Ordering::Relaxed);
    }

    fn start_book(&self, listing: Listing, book: OrderBook) -> Result<BookHandle, MarketError> {
        let symbol = listing.symbol;
        let mut books = self.inner.books.write().unwrap_or_else(|e| e.into_inner());
        if books.contains_key(&symbol) {
            return Err(MarketError::AlreadyListed(symbol));
        }
        let arbiter = self.next_arbiter();
        let (updates, _) = broadcast::channel(self.inner.config.broadcast_capacity);
        let clock = Arc::clone(&self.inner.clock);
        let last_price = Arc::new(AtomicI64::new(book.last_price().map_or(0, |p| p.0)));
        let outlets = BookOutlets {
            journal: self.inner.journal.clone(),
            accounts: Arc::clone(&self.inner.accounts),
            updates: updates.clone(),
            last_price: Arc::clone(&last_price),
        };
        let capacity = self.inner.config.mailbox_capacity;
        let addr = BookActor::start_in_arbiter(&arbiter, move |_| {
            BookActor::new((listing.book, symbol), book, clock, outlets, capacity)
        });
        if let Some(journal) = &self.inner.journal {
            journal.record(Change::Listed(listing), None);
        }
        let handle = BookHandle {
            listing,
            addr,
            updates,
            last_price,
        };
        books.insert(symbol, handle.clone());
        Ok(handle)
    }

    pub fn book(&self, symbol: Symbol) -> Option<BookHandle> {
        self.inner
            .books
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&symbol)
            .cloned()
    }

    /// Listed symbols, sorted.
    pub fn symbols(&self) -> Vec<Symbol> {
        let mut symbols: Vec<Symbol> = self
            .inner
            .books
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .copied()
            .collect();
        symbols.sort();
        symbols
    }

    /// A fresh market-wide order id.
    pub fn next_order_id(&self) -> OrderId {
        OrderId(self.inner.next_order_id.fetch_add(1, Ordering::Relaxed))
    }

    /// Returns once every command handed to the accounts and books before
    /// the call has been carried out and its changes handed to the journal.
    /// Mailboxes are first in, first out, so a message sent to each actor
    /// returns after what was queued before it: accounts first (placements
    /// on their way reach the books), then books (their events reach the
    /// accounts), then accounts again (they settle). For a clean stop, once
    /// nothing new comes in (the HTTP server and the bots have stopped).
    pub async fn settle(&self) {
        self.accounts_caught_up().await;
        let books: Vec<Addr<BookActor>> = {
            let books = self.inner.books.read().unwrap_or_else(|e| e.into_inner());
            books.values().map(|book| book.addr.clone()).collect()
        };
        // A book that stopped has nothing left to hand over.
        futures_util::future::join_all(books.iter().map(|book| book.send(TopOfBook))).await;
        self.accounts_caught_up().await;
    }

    async fn accounts_caught_up(&self) {
        let accounts: Vec<Addr<AccountActor>> = {
            let directory = &self.inner.accounts.accounts;
            let accounts = directory.read().unwrap_or_else(|e| e.into_inner());
            accounts.values().cloned().collect()
        };
        futures_util::future::join_all(
            accounts
                .iter()
                .map(|account| account.send(Inspect(Box::new(|_: &AccountCore| ())))),
        )
        .await;
    }

    /// Stop the arbiters' threads (and with them every book).
    pub fn shutdown(&self) {
        for arbiter in &self.inner.arbiters {
            arbiter.stop();
        }
    }
}
