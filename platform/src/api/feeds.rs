//! The board's feeds: one task per book reads its updates, keeps the shared
//! [`MarketBoard`] (quotes for the API) current, counts trades, and
//! announces when the symbol's quote changed. The tasks run on an arbiter of
//! their own, away from the HTTP workers.

use std::sync::Arc;

use marketlab_actors::book::L1;
use marketlab_actors::book::actor::{Depth, TopOfBook};
use marketlab_actors::market::BookHandle;
use marketlab_actors::types::{Money, Symbol};
use tokio::sync::broadcast::error::RecvError;

use super::state::ApiState;
use crate::persistence::repo::companies;

/// Follow every listed company's book.
pub async fn follow_all(state: Arc<ApiState>) {
    match companies::all(&state.db).await {
        Ok(rows) => {
            for row in rows.into_iter().filter(|row| row.listed) {
                if let Ok(symbol) = Symbol::new(&row.symbol) {
                    follow(&state, symbol, Money(row.ipo_price));
                }
            }
        }
        Err(e) => tracing::error!("the market board could not read the companies: {e}"),
    }
}

/// Put `symbol` on the board and keep it current from now on.
pub fn follow(state: &Arc<ApiState>, symbol: Symbol, reference: Money) {
    let Some(book) = state.market.book(symbol) else {
        return;
    };
    if let Ok(mut board) = state.board.write() {
        board.add_symbol(symbol, book.listing.tick, Some(reference));
    }
    state.feeds.spawn(run(Arc::clone(state), book));
}

async fn run(state: Arc<ApiState>, book: BookHandle) {
    let symbol = book.listing.symbol;
    // Subscribed before the snapshot: nothing falls between the two.
    let mut updates = book.subscribe();
    resync(&state, &book).await;
    loop {
        match updates.recv().await {
            Ok(update) => {
                let applied = match state.board.write() {
                    Ok(mut board) => board.apply(&update),
                    Err(_) => return,
                };
                let Some(applied) = applied else {
                    return;
                };
                state.metrics.add_trades(applied.trades.len() as u64);
                state.alerts.on_trades(&state.db, symbol, &applied.trades);
                if applied.gap {
                    resync(&state, &book).await;
                }
                if applied.quote_changed() || applied.gap {
                    // Nobody listening is fine.
                    let _ = state.quotes.send(symbol);
                }
            }
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!("the board fell {missed} updates of {symbol} behind; resyncing");
                resync(&state, &book).await;
                let _ = state.quotes.send(symbol);
            }
            Err(RecvError::Closed) => return,
        }
    }
}

async fn resync(state: &ApiState, book: &BookHandle) {
    let symbol = book.listing.symbol;
    if let Ok(L1 {
        last: Some(last), ..
    }) = book.addr.send(TopOfBook).await
        && let Ok(mut board) = state.board.write()
    {
        board.carry_last_price(symbol, last);
    }
    match book.addr.send(Depth(usize::MAX)).await {
        Ok(l2) => {
            if let Ok(mut board) = state.board.write() {
                board.restore(symbol, &l2);
            }
        }
        Err(e) => tracing::error!("{symbol}'s book did not answer a depth snapshot: {e}"),
    }
}
