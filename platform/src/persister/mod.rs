//! The persister: one actor that writes the market's changes down in
//! batches, one transaction each (group commit). A batch is flushed when it
//! holds `max_batch` changes or `max_delay` after its first change, and
//! while one batch is being written the next one fills up (to `max_batch`
//! at most: what is beyond waits for the batch after). Each change becomes
//! rows as it arrives, so that this work overlaps the write before it
//! instead of delaying the batch's own. Whoever asked to
//! hear back (a person's request) hears once its batch has committed. A
//! failed write is retried until it succeeds; nothing is dropped, and the
//! health flag says the database is failing meanwhile.
//!
//! What is handed over and not yet written is the journal's [`Backlog`];
//! over `max_backlog` the books hold back new commands until it drains.

mod rows;
mod write;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix::prelude::*;
use marketlab_actors::book::Listing;
use marketlab_actors::journal::{Backlog, Journal, Record};
use marketlab_actors::types::Symbol;
use sea_orm::DatabaseConnection;
use tokio::sync::oneshot;

pub use rows::Rows;
pub use write::write_rows;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersisterConfig {
    pub max_batch: usize,
    pub max_delay: Duration,
    /// Changes pending before the books hold back.
    pub max_backlog: usize,
    /// How long to wait before writing a failed batch again.
    pub retry_delay: Duration,
}

impl Default for PersisterConfig {
    fn default() -> Self {
        PersisterConfig {
            max_batch: 16_384,
            max_delay: Duration::from_millis(2),
            max_backlog: 65_536,
            retry_delay: Duration::from_millis(200),
        }
    }
}

/// What the health endpoint and the metrics read.
#[derive(Debug, Default)]
pub struct PersisterHealth {
    failing: AtomicBool,
    batches: AtomicU64,
    changes: AtomicU64,
    last_batch: AtomicU64,
    last_lag_micros: AtomicU64,
}

impl PersisterHealth {
    /// The last write failed and is being retried.
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    pub fn batches_written(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    pub fn changes_written(&self) -> u64 {
        self.changes.load(Ordering::Relaxed)
    }

    /// How many changes the last committed batch held.
    pub fn last_batch_size(&self) -> u64 {
        self.last_batch.load(Ordering::Relaxed)
    }

    /// How long the oldest change of the last committed batch waited, from
    /// reaching the persister to its commit: how far the database is behind.
    pub fn last_batch_lag(&self) -> Duration {
        Duration::from_micros(self.last_lag_micros.load(Ordering::Relaxed))
    }

    /// A batch of `changes` committed; its oldest change had waited `lag`.
    pub(crate) fn committed(&self, changes: u64, lag: Duration) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.changes.fetch_add(changes, Ordering::Relaxed);
        self.last_batch.store(changes, Ordering::Relaxed);
        let micros = u64::try_from(lag.as_micros()).unwrap_or(u64::MAX);
        self.last_lag_micros.store(micros, Ordering::Relaxed);
    }
}

pub struct Persister {
    db: DatabaseConnection,
    config: PersisterConfig,
    listings: HashMap<Symbol, Listing>,
    /// The batches to write, oldest first; only the last one still fills.
    pending: VecDeque<PendingBatch>,
    /// Who hears back once how many of the pending changes are written.
    waiting: Vec<(usize, oneshot::Sender<()>)>,
    writing: bool,
    timer: Option<SpawnHandle>,
    health: Arc<PersisterHealth>,
    backlog: Arc<Backlog>,
}

impl Persister {
    /// `listings` are the books already open (after recovery); books opened
    /// later announce themselves through the journal.
    pub fn new(
        db: DatabaseConnection,
        config: PersisterConfig,
        listings: impl IntoIterator<Item = Listing>,
    ) -> Persister {
        Persister {
            db,
            config,
            listings: listings.into_iter().map(|l| (l.symbol, l)).collect(),
            pending: VecDeque::new(),
            waiting: Vec::new(),
            writing: false,
            timer: None,
            health: Arc::default(),
            backlog: Arc::new(Backlog::new(config.max_backlog)),
        }
    }

    pub fn health(&self) -> Arc<PersisterHealth> {
        Arc::clone(&self.health)
    }

    /// Starts the persister on `arbiter` and returns the journal that
    /// hands it changes.
    pub fn start_on(self, arbiter: &ArbiterHandle) -> (Addr<Persister>, Journal) {
        let backlog = Arc::clone(&self.backlog);
        let addr = Persister::start_in_arbiter(arbiter, move |_| self);
        let journal = Journal::new(addr.clone().recipient(), backlog);
        (addr, journal)
    }

    fn oldest_is_full(&self) -> bool {
        let max_batch = self.config.max_batch;
        self.pending
            .front()
            .is_some_and(|batch| batch.changes >= max_batch)
    }

    /// How many changes are pending, in every batch.
    fn pending_changes(&self) -> usize {
        self.pending.iter().map(|batch| batch.changes).sum()
    }

    /// Write the oldest pending batch, unless a write is under way (then
    /// it goes next, as soon as that one commits).
    fn flush(&mut self, ctx: &mut Context<Self>) {
        if let Some(timer) = self.timer.take() {
            ctx.cancel_future(timer);
        }
        if self.writing || (self.pending.is_empty() && self.waiting.is_empty()) {
            return;
        }
        // Nothing pending but someone waiting (a drain): an empty batch
        // tells them once every write before it has committed.
        let PendingBatch {
            rows,
            changes: count,
            since,
        } = self.pending.pop_front().unwrap_or_else(PendingBatch::empty);
        let (acks, later) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition::<Vec<_>, _>(|(upto, _)| *upto <= count);
        self.waiting = later
            .into_iter()
            .map(|(upto, ack)| (upto - count, ack))
            .collect();
        self.writing = true;
        let db = self.db.clone();
        let health = Arc::clone(&self.health);
        let backlog = Arc::clone(&self.backlog);
        let retry = self.config.retry_delay;
        let written = async move {
            while let Err(error) = write_rows(&db, &rows).await {
                health.failing.store(true, Ordering::Relaxed);
                tracing::error!("writing a batch of {count} changes failed, retrying: {error}");
                actix::clock::sleep(retry).await;
            }
            health.failing.store(false, Ordering::Relaxed);
            health.committed(count as u64, since.elapsed());
            backlog.written(count);
        };
        ctx.spawn(written.into_actor(self).map(|(), act, ctx| {
            for (_, ack) in acks {
                // A requester that went away does not need the news.
                let _ = ack.send(());
            }
            act.writing = false;
            act.flush(ctx);
        }));
    }
}

/// Changes on their way to one transaction, already turned into rows.
struct PendingBatch {
    rows: Rows,
    changes: usize,
    /// When its first change arrived.
    since: Instant,
}

/// The last of `pending`, or a new one when it holds `max_batch` changes.
fn batch_with_room(pending: &mut VecDeque<PendingBatch>, max_batch: usize) -> &mut PendingBatch {
    if pending
        .back()
        .is_none_or(|batch| batch.changes >= max_batch)
    {
        pending.push_back(PendingBatch::empty());
    }
    pending.back_mut().expect("a batch with room")
}

impl PendingBatch {
    fn empty() -> PendingBatch {
        PendingBatch {
            rows: Rows::default(),
            changes: 0,
            since: Instant::now(),
        }
    }
}

/// Books and accounts reach the persister with `do_send`, which does not
/// wait for mailbox room: changes are never refused, and the group commit,
/// not the mailbox, is where they wait.
impl Actor for Persister {
    type Context = Context<Self>;
}

impl Handler<Record> for Persister {
    type Result = ();

    fn handle(&mut self, record: Record, ctx: &mut Context<Self>) {
        let batch = batch_with_room(&mut self.pending, self.config.max_batch);
        batch.rows.add(&record.change, &mut self.listings);
        batch.changes += 1;
        let upto = self.pending_changes();
        self.waiting.extend(record.committed.map(|ack| (upto, ack)));
        if self.oldest_is_full() {
            self.flush(ctx);
        } else if self.timer.is_none() && !self.writing {
            let delay = self.config.max_delay;
            self.timer = Some(ctx.run_later(delay, |act, ctx| {
                act.timer = None;
                act.flush(ctx);
            }));
        }
    }
}

/// Answers once everything handed over before it is written down (for a
/// clean shutdown, and for tests).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain;

impl Handler<Drain> for Persister {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: Drain, ctx: &mut Context<Self>) -> Self::Result {
        let (done, written) = oneshot::channel();
        self.waiting.push((self.pending_changes(), done));
        self.flush(ctx);
        Box::pin(async move {
            let _ = written.await;
        })
    }
}
