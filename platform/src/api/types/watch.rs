//! Watchlists and price alerts as the API shows them.

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use marketlab_actors::types::{Money, Symbol};
use rust_decimal::Decimal;

use super::enums::{AlertKind, AlertStatus};
use super::market::Quote;
use crate::api::guard::state;
use crate::api::scalars::{DateTime, Dec};
use crate::persistence::entities::{alert, enums};
use crate::persistence::repo::watchlists;

/// A named list of symbols, in the order its owner gave them.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct Watchlist {
    pub id: ID,
    pub name: String,
    pub symbols: Vec<String>,
    pub created_at: DateTime,
}

impl From<watchlists::Watchlist> for Watchlist {
    fn from(list: watchlists::Watchlist) -> Watchlist {
        Watchlist {
            id: ID(list.row.id.to_string()),
            name: list.row.name,
            symbols: list.symbols,
            created_at: list.row.created_at.into(),
        }
    }
}

#[ComplexObject]
impl Watchlist {
    /// Each symbol's quote now, in the list's order (follow them live with
    /// the `quotes` subscription).
    async fn quotes(&self, ctx: &Context<'_>) -> Vec<Quote> {
        let board = state(ctx).board.read().ok();
        self.symbols
            .iter()
            .map(|text| {
                let view = board
                    .as_ref()
                    .zip(Symbol::new(text).ok())
                    .and_then(|(board, symbol)| board.quote(symbol));
                match view {
                    Some(view) => Quote::new(text, &view),
                    None => Quote::empty(text),
                }
            })
            .collect()
    }
}

/// A price alert. It fires once, on the first trade that reaches it.
#[derive(Debug, Clone, SimpleObject)]
pub struct Alert {
    pub id: ID,
    pub symbol: String,
    pub kind: AlertKind,
    /// A price for PRICE_ABOVE and PRICE_BELOW; a percentage for
    /// CHANGE_UP and CHANGE_DOWN.
    pub level: Dec,
    /// The trade price that fires it: the level itself, or for a change
    /// the reference price moved by the percentage, rounded away from it
    /// to the cent.
    pub trigger_price: Dec,
    pub status: AlertStatus,
    pub created_at: DateTime,
    /// When a trade fired it, and that trade's price.
    pub fired_at: Option<DateTime>,
    pub fired_price: Option<Dec>,
    pub cancelled_at: Option<DateTime>,
}

impl From<alert::Model> for Alert {
    fn from(row: alert::Model) -> Alert {
        let level = match row.change_bps {
            Some(bps) => Dec(Decimal::new(bps, 2).normalize()),
            None => Money(row.level).into(),
        };
        let ended = row.ended_at.map(DateTime::from);
        Alert {
            id: ID(row.id.to_string()),
            symbol: row.symbol,
            kind: row.kind.into(),
            level,
            trigger_price: Money(row.level).into(),
            status: row.status.into(),
            created_at: row.created_at.into(),
            fired_at: ended.filter(|_| row.status == enums::AlertStatus::Fired),
            fired_price: row.fired_price.map(|p| Money(p).into()),
            cancelled_at: ended.filter(|_| row.status == enums::AlertStatus::Cancelled),
        }
    }
}
