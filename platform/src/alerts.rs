//! Price alerts, live. The waiting alerts sit in the pure core
//! ([`marketlab_actors::alerts`]); the board's feed hands it every trade as
//! it prints, so an alert is checked against trades, never by polling, and
//! the books never see it. A fired alert is written down as FIRED (the
//! trade's price and time) and then announced to its owner's `myAlerts`
//! subscriptions.
//!
//! An alert fires at most once while the server runs. Should the server
//! stop between a firing and its write, the alert is still waiting after
//! the restart and fires again on the next trade that reaches it.

use std::sync::{Arc, Mutex};

use marketlab_actors::alerts::{Alert, AlertId, Alerts, Fired, Trigger};
use marketlab_actors::types::{AccountId, Money, Symbol};
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::broadcast;

use crate::market_data::board::TradePrint;
use crate::persistence::entities::alert::Model;
use crate::persistence::entities::enums::{AlertKind, AlertStatus};
use crate::persistence::repo::alerts;

/// The most alerts one account may have waiting.
pub const MAX_WAITING_PER_ACCOUNT: usize = 100;
/// How many fired alerts a slow subscriber may fall behind before it
/// misses some (it can read them in `alertHistory`).
const FIRED_BUFFER: usize = 1024;

/// The market's waiting alerts and the announcements of fired ones.
pub struct AlertDesk {
    waiting: Mutex<Alerts>,
    fired: broadcast::Sender<Model>,
}

impl AlertDesk {
    /// The desk with every alert the database has waiting.
    pub async fn load(db: &DatabaseConnection) -> Result<AlertDesk, DbErr> {
        let mut waiting = Alerts::default();
        for row in alerts::active(db).await? {
            let alert = core_alert(&row)
                .map_err(|what| DbErr::Custom(format!("alert {}: {what}", row.id)))?;
            waiting.insert(alert);
        }
        Ok(AlertDesk {
            waiting: Mutex::new(waiting),
            fired: broadcast::channel(FIRED_BUFFER).0,
        })
    }

    /// Starts waiting on a stored ACTIVE alert.
    pub fn watch(&self, row: &Model) -> Result<(), String> {
        let alert = core_alert(row)?;
        self.core().insert(alert);
        Ok(())
    }

    /// Stops waiting on `id`; false when it was not waiting (it fired, or
    /// was cancelled, a moment ago).
    pub fn unwatch(&self, id: i64) -> bool {
        self.core().remove(AlertId(id as u64)).is_some()
    }

    /// Cancels every waiting alert of a delisted symbol: a symbol listed
    /// again later starts without them.
    pub async fn cancel_symbol(
        &self,
        db: &DatabaseConnection,
        symbol: Symbol,
        at: i64,
    ) -> Result<(), DbErr> {
        self.core().remove_symbol(symbol);
        alerts::cancel_symbol(db, symbol.as_str(), at).await
    }

    pub fn waiting_of(&self, account: i64) -> usize {
        self.core().waiting_of(AccountId(account as u64))
    }

    /// Fired alerts as they are written down, of every account.
    pub fn subscribe(&self) -> broadcast::Receiver<Model> {
        self.fired.subscribe()
    }

    /// Checks `symbol`'s new trades, in order, and writes down and
    /// announces the alerts they fire, away from the caller.
    pub fn on_trades(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        symbol: Symbol,
        trades: &[TradePrint],
    ) {
        let fired: Vec<(Fired, i64)> = {
            let mut waiting = self.core();
            if waiting.is_empty() {
                return;
            }
            trades
                .iter()
                .flat_map(|trade| {
                    waiting
                        .on_trade(symbol, trade.price)
                        .into_iter()
                        .map(|fired| (fired, trade.at.0))
                })
                .collect()
        };
        if fired.is_empty() {
            return;
        }
        let (desk, db) = (Arc::clone(self), db.clone());
        tokio::spawn(async move {
            for (fired, at) in fired {
                let id = fired.alert.id.0 as i64;
                match alerts::end(&db, id, AlertStatus::Fired, at, Some(fired.price.0)).await {
                    Ok(Some(row)) => {
                        // Nobody listening is fine.
                        let _ = desk.fired.send(row);
                    }
                    Ok(None) => {}
                    Err(e) => tracing::error!("writing down fired alert {id}: {e}"),
                }
            }
        });
    }

    fn core(&self) -> std::sync::MutexGuard<'_, Alerts> {
        // The core is left consistent between calls, so a panic elsewhere
        // while the lock was held cannot have broken it.
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The trigger a stored alert waits for: its level, on its side.
pub fn trigger(kind: AlertKind, level: Money) -> Trigger {
    match kind {
        AlertKind::PriceAbove | AlertKind::ChangeUp => Trigger::AtOrAbove(level),
        AlertKind::PriceBelow | AlertKind::ChangeDown => Trigger::AtOrBelow(level),
    }
}

fn core_alert(row: &Model) -> Result<Alert, String> {
    Ok(Alert {
        id: AlertId(row.id as u64),
        owner: AccountId(row.account_id as u64),
        symbol: Symbol::new(&row.symbol).map_err(|e| e.to_string())?,
        trigger: trigger(row.kind, Money(row.level)),
    })
}
