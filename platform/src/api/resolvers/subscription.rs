//! Live feeds. Each starts with a snapshot and then sends updates that carry
//! the book's sequence numbers, so a client can tell when it missed one.
//! A feed that falls behind the market's bounded broadcast sends a fresh
//! snapshot (order books, quotes) or skips ahead (trades, orders): it never
//! holds the market up or makes it buffer without bound. Each item is
//! tagged with what it is (see `api::live::tag`), so that the hub can share
//! it, conflate it for a slow client and start a late joiner from it.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::{Context, Subscription};
use futures_util::stream::{self, Stream, StreamExt};
use marketlab_actors::account::OrderRecord;
use marketlab_actors::book::BookEvent;
use marketlab_actors::book::BookUpdate;
use marketlab_actors::book::actor::Depth;
use marketlab_actors::market::BookHandle;
use marketlab_actors::types::{Symbol, TradeId};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::market::{company_row, depth};
use super::trading::{account_actor, parse_symbol};
use crate::api::error::{ApiError, ApiResult};
use crate::api::guard::{RoleGuard, state, viewer};
use crate::api::live::tag::{Tag, Tagger};
use crate::api::scalars::{DateTime, Dec, Long};
use crate::api::state::ApiState;
use crate::api::types::enums::OrderStatus;
use crate::api::types::{NewsEvent, Order, OrderBook, Quote, Trade};
use crate::market_data::board::MarketBoard;
use crate::persistence::entities::enums as db;
use crate::persistence::repo::trades;
use marketlab_actors::account::actor::Inspect;

/// The most symbols one quotes subscription may follow.
const MAX_QUOTE_SYMBOLS: usize = 100;

/// Tag each item of `stream` as `tag_of` says, for the execution's
/// [`Tagger`] (there is none outside the hub, and then nothing is tagged).
pub fn tagged<T>(
    ctx: &Context<'_>,
    stream: impl Stream<Item = T>,
    tag_of: impl Fn(&T) -> Tag,
) -> impl Stream<Item = T> {
    let tagger = ctx.data_opt::<Arc<Tagger>>().cloned();
    stream.inspect(move |item| {
        if let Some(tagger) = &tagger {
            tagger.set(tag_of(item));
        }
    })
}

async fn book_of(state: &ApiState, symbol: Symbol) -> ApiResult<BookHandle> {
    company_row(state, symbol).await?;
    state
        .market
        .book(symbol)
        .ok_or_else(|| ApiError::NotFound(format!("{symbol} has no book")))
}

/// The next update of `symbol`; `Err(())` when updates were missed.
async fn next_update(
    rx: &mut Receiver<Arc<BookUpdate>>,
    symbol: Symbol,
) -> Option<Result<Arc<BookUpdate>, ()>> {
    loop {
        match rx.recv().await {
            Ok(update) if update.symbol == symbol => return Some(Ok(update)),
            Ok(_) => {}
            Err(RecvError::Lagged(_)) => return Some(Err(())),
            Err(RecvError::Closed) => return None,
        }
    }
}

fn trades_of(update: &BookUpdate, tick: marketlab_actors::types::TickSize) -> Vec<Trade> {
    update
        .events
        .iter()
        .filter_map(|event| match event {
            BookEvent::Trade(t) => Some(Trade {
                id: async_graphql::ID(TradeId::new(update.book, t.seq).0.to_string()),
                symbol: update.symbol.to_string(),
                price: Dec::from(tick.to_money(t.price)),
                quantity: Long::from(t.quantity.0),
                aggressor_side: db::Side::from(t.aggressor).into(),
                executed_at: DateTime(update.at),
                sequence: Long::from(t.seq),
            }),
            _ => None,
        })
        .collect()
}

/// A private copy of one book's levels, restored from the book and kept up
/// by its updates.
struct Ladder {
    symbol: Symbol,
    book: BookHandle,
    board: MarketBoard,
    levels: usize,
}

impl Ladder {
    /// Restore the levels from the book itself.
    async fn resync(&mut self) -> Option<()> {
        let l2 = self.book.addr.send(Depth(usize::MAX)).await.ok()?;
        self.board = MarketBoard::default();
        self.board
            .add_symbol(self.symbol, self.book.listing.tick, None);
        self.board.restore(self.symbol, &l2);
        Some(())
    }

    /// Take in one update; true when the levels moved (or had to be
    /// restored after a gap).
    async fn apply(&mut self, update: &BookUpdate) -> Option<bool> {
        let gap = self.board.apply(update).is_none_or(|a| a.gap);
        if gap {
            self.resync().await?;
            return Some(true);
        }
        Some(
            update
                .events
                .iter()
                .any(|e| matches!(e, BookEvent::LevelChanged { .. })),
        )
    }

    /// Wait for the levels to move: false when the book's updates ended.
    async fn changed(&mut self, rx: &mut Receiver<Arc<BookUpdate>>) -> Option<()> {
        loop {
            let moved = match next_update(rx, self.symbol).await? {
                Ok(update) => self.apply(&update).await?,
                Err(()) => self.resync().await.map(|()| true)?,
            };
            if moved {
                return Some(());
            }
        }
    }

    /// Take in every update already waiting.
    async fn catch_up(&mut self, rx: &mut Receiver<Arc<BookUpdate>>) -> Option<()> {
        loop {
            match rx.try_recv() {
                Ok(update) if update.symbol == self.symbol => {
                    self.apply(&update).await?;
                }
                Ok(_) => {}
                Err(TryRecvError::Lagged(_)) => self.resync().await?,
                Err(TryRecvError::Empty) => return Some(()),
                Err(TryRecvError::Closed) => return None,
            }
        }
    }

    fn view(&self) -> Option<OrderBook> {
        let depth = self.board.depth(self.symbol, self.levels)?;
        Some(OrderBook::new(self.symbol.as_str(), &depth))
    }
}

#[derive(Default)]
pub struct MarketSubscription;

#[Subscription]
impl MarketSubscription {
    /// The symbol's trades as they print (the latest one first, if any).
    async fn trades(
        &self,
        ctx: &Context<'_>,
        symbol: String,
    ) -> Result<impl Stream<Item = Trade>, ApiError> {
        let state = state(ctx).clone();
        let symbol = parse_symbol(&symbol)?;
        let book = book_of(&state, symbol).await?;
        let rx = book.subscribe();
        let latest: Vec<Trade> = trades::recent(&state.db, symbol.as_str(), 1)
            .await?
            .into_iter()
            .map(Trade::from)
            .collect();
        let tick = book.listing.tick;
        let live = stream::unfold(rx, move |mut rx| async move {
            loop {
                // Missed trades are gone; the sequence numbers show the gap.
                if let Ok(update) = next_update(&mut rx, symbol).await? {
                    let trades = trades_of(&update, tick);
                    if !trades.is_empty() {
                        return Some((stream::iter(trades), rx));
                    }
                }
            }
        })
        .flatten();
        Ok(tagged(ctx, stream::iter(latest).chain(live), |_| {
            Tag::TRADE
        }))
    }

    /// The symbol's book to `depth` levels: a snapshot, then the book after
    /// each change of its levels, at most `--book-updates-per-second` times
    /// a second (the changes in between are in the next one; its
    /// `sequence` is the book's latest).
    async fn order_book(
        &self,
        ctx: &Context<'_>,
        symbol: String,
        #[graphql(default = 10)] depth: Option<i32>,
    ) -> Result<impl Stream<Item = OrderBook>, ApiError> {
        let state = state(ctx).clone();
        let symbol = parse_symbol(&symbol)?;
        let levels = self::depth(depth)?;
        let book = book_of(&state, symbol).await?;
        let interval = Duration::from_secs(1) / state.transport.book_updates_per_second.max(1);
        // Subscribe before the snapshot: nothing falls between the two.
        let rx = book.subscribe();
        let mut ladder = Ladder {
            symbol,
            book,
            board: MarketBoard::default(),
            levels,
        };
        let first = match ladder.resync().await {
            Some(()) => ladder.view(),
            None => None,
        }
        .ok_or_else(|| ApiError::internal(format!("{symbol}'s book did not answer")))?;
        let sent = Instant::now();
        let live = stream::unfold(
            (rx, ladder, sent),
            move |(mut rx, mut ladder, sent)| async move {
                ladder.changed(&mut rx).await?;
                // Hold to the rate; what arrives meanwhile goes into this one.
                tokio::time::sleep_until((sent + interval).into()).await;
                ladder.catch_up(&mut rx).await?;
                let view = ladder.view()?;
                Some((view, (rx, ladder, Instant::now())))
            },
        );
        Ok(tagged(
            ctx,
            stream::once(async move { first }).chain(live),
            |_| Tag::BOOK,
        ))
    }

    /// Quotes of the symbols: each one's current quote, then a new quote
    /// whenever one trades or its best bid or ask changes.
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        symbols: Vec<String>,
    ) -> Result<impl Stream<Item = Quote>, ApiError> {
        let state = state(ctx).clone();
        if symbols.is_empty() || symbols.len() > MAX_QUOTE_SYMBOLS {
            return Err(ApiError::bad_input(format!(
                "follow 1 to {MAX_QUOTE_SYMBOLS} symbols"
            )));
        }
        let mut wanted = HashSet::new();
        for text in &symbols {
            let symbol = parse_symbol(text)?;
            company_row(&state, symbol).await?;
            wanted.insert(symbol);
        }
        let rx = state.quotes.subscribe();
        let first: Vec<Quote> = {
            let board = state.board.read().map_err(ApiError::internal)?;
            let mut ordered: Vec<Symbol> = wanted.iter().copied().collect();
            ordered.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            ordered
                .into_iter()
                .map(|s| match board.quote(s) {
                    Some(view) => Quote::new(s.as_str(), &view),
                    None => Quote::empty(s.as_str()),
                })
                .collect()
        };
        let live = stream::unfold((rx, state, wanted), |(mut rx, state, wanted)| async move {
            loop {
                match rx.recv().await {
                    Ok(symbol) if wanted.contains(&symbol) => {
                        let quote = state
                            .board
                            .read()
                            .ok()
                            .and_then(|b| b.quote(symbol))
                            .map(|view| Quote::new(symbol.as_str(), &view));
                        if let Some(quote) = quote {
                            return Some((quote, (rx, state, wanted)));
                        }
                    }
                    Ok(_) => {}
                    // Every quote is the latest anyway: skip what was missed.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        let tag_of = |quote: &Quote| {
            Symbol::new(&quote.symbol)
                .map(Tag::quote)
                .unwrap_or_default()
        };
        Ok(tagged(ctx, stream::iter(first).chain(live), tag_of))
    }

    /// The caller's own orders: the open ones first, then each order as it
    /// changes.
    #[graphql(guard = "RoleGuard::SIGNED_IN")]
    async fn my_orders(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = Order>, ApiError> {
        let state = state(ctx).clone();
        let viewer = viewer(ctx)?;
        let account = viewer.account;
        let rx = state.market.order_updates();
        let open: Vec<OrderRecord> = account_actor(&state, account)?
            .send(Inspect(Box::new(|core| {
                let mut open: Vec<OrderRecord> = core.open_orders().cloned().collect();
                open.sort_by_key(|o| o.id);
                open
            })))
            .await
            .map_err(ApiError::internal)?;
        let to_order = |state: &ApiState, record: &OrderRecord| {
            state
                .market
                .book(record.symbol)
                .map(|book| Order::from_record(record, book.listing.tick))
        };
        let first: Vec<Order> = open.iter().filter_map(|r| to_order(&state, r)).collect();
        let live = stream::unfold((rx, state), move |(mut rx, state)| async move {
            loop {
                match rx.recv().await {
                    Ok(record) if record.account.0 as i64 == account => {
                        if let Some(order) = to_order(&state, &record) {
                            return Some((order, (rx, state)));
                        }
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        });
        let tag_of = |order: &Order| {
            let open = matches!(
                order.status,
                OrderStatus::PendingTrigger | OrderStatus::Open | OrderStatus::PartiallyFilled
            );
            Tag::order(order.id.parse().unwrap_or_default(), open)
        };
        Ok(tagged(ctx, stream::iter(first).chain(live), tag_of))
    }

    /// News as it is published.
    async fn news(&self, ctx: &Context<'_>) -> impl Stream<Item = NewsEvent> {
        let rx = state(ctx).news.subscribe();
        stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(news) => return Some((news, rx)),
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                }
            }
        })
    }
}
