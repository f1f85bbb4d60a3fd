//! Where the market's changes go to be written down. The persister (in the
//! platform) receives [`Record`]s; the market only hands them over. Books
//! hand over each update before telling the accounts about it, so a trade
//! always reaches the persister before either side's settlement.

use std::sync::Arc;

use actix::prelude::*;
use tokio::sync::oneshot;

use crate::account::AccountChanges;
use crate::book::actor::BookUpdate;
use crate::market::Listing;

#[derive(Debug, Clone)]
pub enum Change {
    /// A book opened; what its prices mean in money.
    Listed(Listing),
    Book(Arc<BookUpdate>),
    Account(Box<AccountChanges>),
}

/// One change to write down; `committed` (when given) hears back once the
/// change is durable.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Record {
    pub change: Change,
    pub committed: Option<oneshot::Sender<()>>,
}

pub type Journal = Recipient<Record>;
