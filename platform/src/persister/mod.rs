//! The persister: the journal writer, and the projector behind it.
//!
//! The market's changes reach one actor, the writer, which appends them in
//! batches (group commit) to the journal table: each batch encoded as one
//! row (actors' `journal::codec`), one transaction. A batch is appended when
//! it holds `max_batch` changes or `max_delay` after its first change; while
//! one is being appended the next fills up. Each change is encoded as it
//! arrives, overlapping the append before it. Whoever asked to hear back
//! (a person's request) hears once its batch is committed: answered means
//! durable. A failed append is retried until it succeeds; nothing is
//! dropped, and the health flag says the database is failing meanwhile.
//!
//! The [`Projector`] then applies committed batches to the normalized
//! tables, behind the market; its watermark moves in the same transaction.
//! Reads that must show their caller's own changes wait for it
//! ([`Progress::caught_up_with`]).
//!
//! What is handed over and not yet appended is the journal's [`Backlog`]:
//! over `max_backlog` the books hold back new commands until it drains.
//! Projection lag has its own, larger limit (`max_projection_lag`): past
//! it the writer appends nothing more, so the backlog fills and the books
//! hold back too.

mod progress;
mod projection;
mod projector;
pub mod retention;
mod rows;
mod write;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix::prelude::*;
use marketlab_actors::clock::{Clock, WallClock};
use marketlab_actors::journal::codec::{BatchEncoder, FORMAT};
use marketlab_actors::journal::{Backlog, Change, Journal, Record};
use sea_orm::DatabaseConnection;
use tokio::sync::oneshot;

use crate::persistence::begin_write;
use crate::persistence::entities::journal_batch;
use crate::persistence::repo;
pub use progress::Progress;
pub use projection::{
    CaughtUp, JournalBatch, ProjectionError, catch_up, journal_and_apply, known_listings,
};
pub use projector::{Projector, ProjectorConfig};
pub use rows::Rows;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersisterConfig {
    pub max_batch: usize,
    pub max_delay: Duration,
    /// Changes pending before the books hold back.
    pub max_backlog: usize,
    /// Changes committed to the journal and not yet in the tables before
    /// the writer stops appending.
    pub max_projection_lag: usize,
    /// Projection lag (changes) past which `/health` warns.
    pub projection_warning: usize,
    /// How long to wait before writing a failed batch again.
    pub retry_delay: Duration,
    pub projector: ProjectorConfig,
}

impl Default for PersisterConfig {
    fn default() -> Self {
        PersisterConfig {
            max_batch: 16_384,
            max_delay: Duration::from_millis(2),
            max_backlog: 65_536,
            max_projection_lag: 4_194_304,
            projection_warning: 1_048_576,
            retry_delay: Duration::from_millis(200),
            projector: ProjectorConfig::default(),
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
    last_append_micros: AtomicU64,
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

    /// How long the last append to the journal took, its commit included.
    pub fn last_append(&self) -> Duration {
        Duration::from_micros(self.last_append_micros.load(Ordering::Relaxed))
    }

    /// A batch of `changes` committed; its oldest change had waited `lag`,
    /// its append took `append`.
    pub(crate) fn committed(&self, changes: u64, lag: Duration, append: Duration) {
        let append = u64::try_from(append.as_micros()).unwrap_or(u64::MAX);
        self.last_append_micros.store(append, Ordering::Relaxed);
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.changes.fetch_add(changes, Ordering::Relaxed);
        self.last_batch.store(changes, Ordering::Relaxed);
        let micros = u64::try_from(lag.as_micros()).unwrap_or(u64::MAX);
        self.last_lag_micros.store(micros, Ordering::Relaxed);
    }
}

pub struct Persister {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    config: PersisterConfig,
    /// The batches to append, oldest first; only the last one still fills.
    pending: VecDeque<PendingBatch>,
    /// Who hears back once how many of the pending changes are committed.
    waiting: Vec<(usize, oneshot::Sender<()>)>,
    writing: bool,
    /// The sequence number of the next batch (known once started).
    next_seq: i64,
    /// The batch holding each account's last change (committed or not).
    last_batch_of: HashMap<u64, i64>,
    timer: Option<SpawnHandle>,
    health: Arc<PersisterHealth>,
    backlog: Arc<Backlog>,
    progress: Arc<Progress>,
    projector: Option<Addr<Projector>>,
    /// The projector's thread.
    projecting: Arbiter,
}

impl Persister {
    /// Books already listed are read from the tables by the projector;
    /// books opened later announce themselves through the journal.
    pub fn new(db: DatabaseConnection, config: PersisterConfig) -> Persister {
        Persister {
            db,
            clock: Arc::new(WallClock),
            config,
            pending: VecDeque::new(),
            waiting: Vec::new(),
            writing: false,
            next_seq: 1,
            last_batch_of: HashMap::new(),
            timer: None,
            health: Arc::default(),
            backlog: Arc::new(Backlog::new(config.max_backlog)),
            progress: Arc::default(),
            projector: None,
            projecting: Arbiter::new(),
        }
    }

    /// The clock that stamps journal batches and ages them for retention.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Persister {
        self.clock = clock;
        self
    }

    pub fn health(&self) -> Arc<PersisterHealth> {
        Arc::clone(&self.health)
    }

    /// How far the journal and the projection have got.
    pub fn progress(&self) -> Arc<Progress> {
        Arc::clone(&self.progress)
    }

    /// Starts the persister on `arbiter` (and its projector on a thread of
    /// its own) and returns the journal that hands it changes.
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
            .is_some_and(|batch| batch.encoder.len() >= max_batch)
    }

    /// How many changes are pending, in every batch.
    fn pending_changes(&self) -> usize {
        self.pending.iter().map(|batch| batch.encoder.len()).sum()
    }

    /// Append the oldest pending batch, unless an append is under way (then
    /// it goes next, as soon as that one commits) or the projection lags
    /// too far (then once it has caught up enough).
    fn flush(&mut self, ctx: &mut Context<Self>) {
        if let Some(timer) = self.timer.take() {
            ctx.cancel_future(timer);
        }
        if self.writing || (self.pending.is_empty() && self.waiting.is_empty()) {
            return;
        }
        let lag_limit = self.config.max_projection_lag as u64;
        if self.progress.lag_changes() > lag_limit {
            self.writing = true;
            let progress = Arc::clone(&self.progress);
            ctx.spawn(
                async move { progress.lag_within(lag_limit).await }
                    .into_actor(self)
                    .map(|(), act, ctx| {
                        act.writing = false;
                        act.flush(ctx);
                    }),
            );
            return;
        }
        // Nothing pending but someone waiting (a drain): an empty batch,
        // appended as nothing, tells them once every append before it has
        // committed.
        let PendingBatch {
            encoder,
            changes,
            since,
        } = self.pending.pop_front().unwrap_or_else(PendingBatch::empty);
        let count = encoder.len();
        let (acks, later) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition::<Vec<_>, _>(|(upto, _)| *upto <= count);
        self.waiting = later
            .into_iter()
            .map(|(upto, ack)| (upto - count, ack))
            .collect();
        self.writing = true;
        let seq = self.next_seq;
        if count > 0 {
            self.next_seq += 1;
        }
        let written_at = self.clock.now().0;
        let row = journal_batch::Model {
            seq,
            part: 0,
            written_at,
            format: FORMAT,
            changes: i32::try_from(count).expect("a batch holds far fewer than 2^31 changes"),
            payload: encoder.into_bytes(),
        };
        let db = self.db.clone();
        let health = Arc::clone(&self.health);
        let backlog = Arc::clone(&self.backlog);
        let progress = Arc::clone(&self.progress);
        let retry = self.config.retry_delay;
        let appended = async move {
            if count == 0 {
                return;
            }
            let started = Instant::now();
            while let Err(error) = append(&db, row.clone()).await {
                health.failing.store(true, Ordering::Relaxed);
                tracing::error!("appending a batch of {count} changes failed, retrying: {error}");
                actix::clock::sleep(retry).await;
            }
            health.failing.store(false, Ordering::Relaxed);
            health.committed(count as u64, since.elapsed(), started.elapsed());
            progress.journal_committed(seq, count);
            backlog.written(count);
        };
        ctx.spawn(appended.into_actor(self).map(move |(), act, ctx| {
            if count > 0
                && let Some(projector) = &act.projector
            {
                projector.do_send(projector::Committed(JournalBatch {
                    seq,
                    written_at,
                    changes,
                }));
            }
            for (_, ack) in acks {
                // A requester that went away does not need the news.
                let _ = ack.send(());
            }
            act.writing = false;
            act.flush(ctx);
        }));
    }
}

/// One batch as one journal row, in one transaction.
async fn append(db: &DatabaseConnection, row: journal_batch::Model) -> Result<(), sea_orm::DbErr> {
    let txn = begin_write(db).await?;
    repo::journal::append(&txn, row).await?;
    txn.commit().await
}

/// Changes on their way to one journal row, already encoded.
struct PendingBatch {
    encoder: BatchEncoder,
    /// The same changes, for the projector while it keeps up.
    changes: Vec<Change>,
    /// When its first change arrived.
    since: Instant,
}

/// Makes sure the last of `pending` has room: a new one when it holds
/// `max_batch` changes.
fn make_room(pending: &mut VecDeque<PendingBatch>, max_batch: usize) {
    if pending
        .back()
        .is_none_or(|batch| batch.encoder.len() >= max_batch)
    {
        pending.push_back(PendingBatch::empty());
    }
}

impl PendingBatch {
    fn empty() -> PendingBatch {
        PendingBatch {
            encoder: BatchEncoder::default(),
            changes: Vec::new(),
            since: Instant::now(),
        }
    }

    fn push(&mut self, change: Change) {
        self.encoder.push(&change);
        self.changes.push(change);
    }
}

/// Books and accounts reach the persister with `do_send`, which does not
/// wait for mailbox room: changes are never refused, and the group commit,
/// not the mailbox, is where they wait.
impl Actor for Persister {
    type Context = Context<Self>;

    /// Where the journal stands (a restart goes on from its last batch),
    /// then the projector, which applies whatever is not yet applied.
    fn started(&mut self, ctx: &mut Context<Self>) {
        let db = self.db.clone();
        let retry = self.config.retry_delay;
        let health = Arc::clone(&self.health);
        ctx.wait(
            async move {
                loop {
                    let stand = async {
                        let watermark = repo::journal::watermark(&db).await?;
                        let last = repo::journal::bounds(&db)
                            .await?
                            .map_or(0, |(_, last)| last);
                        Ok::<_, sea_orm::DbErr>((watermark, last.max(watermark)))
                    };
                    match stand.await {
                        Ok(stand) => break stand,
                        Err(error) => {
                            health.failing.store(true, Ordering::Relaxed);
                            tracing::error!("reading where the journal stands failed: {error}");
                            actix::clock::sleep(retry).await;
                        }
                    }
                }
            }
            .into_actor(self)
            .map(|(watermark, last), act, _| {
                act.health.failing.store(false, Ordering::Relaxed);
                act.progress.start_at(watermark, last);
                act.next_seq = last + 1;
                let projector = Projector::new(
                    act.db.clone(),
                    Arc::clone(&act.clock),
                    act.config.projector,
                    act.config.retry_delay,
                    Arc::clone(&act.progress),
                    Arc::clone(&act.health),
                );
                act.projector = Some(Projector::start_in_arbiter(
                    &act.projecting.handle(),
                    move |_| projector,
                ));
            }),
        );
    }
}

impl Handler<Record> for Persister {
    type Result = ();

    fn handle(&mut self, record: Record, ctx: &mut Context<Self>) {
        make_room(&mut self.pending, self.config.max_batch);
        if let Change::Account(changes) = &record.change {
            // Batches are appended in order, each taking the next number.
            let seq = self.next_seq + self.pending.len() as i64 - 1;
            self.last_batch_of.insert(changes.account.0, seq);
        }
        let batch = self.pending.back_mut().expect("a batch with room");
        batch.push(record.change);
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

/// The journal batch holding the last change handed over for an account
/// (`None`: none since the start). Once the watermark passes it, the
/// tables show everything the account did before this message was sent.
#[derive(Message)]
#[rtype(result = "Option<i64>")]
pub struct LastBatchOf(pub u64);

impl Handler<LastBatchOf> for Persister {
    type Result = Option<i64>;

    fn handle(&mut self, LastBatchOf(account): LastBatchOf, _: &mut Context<Self>) -> Option<i64> {
        self.last_batch_of.get(&account).copied()
    }
}

/// Answers once everything handed over before it is committed to the
/// journal and applied to the tables (for a clean shutdown, and for tests).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain;

impl Handler<Drain> for Persister {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: Drain, ctx: &mut Context<Self>) -> Self::Result {
        let (done, written) = oneshot::channel();
        self.waiting.push((self.pending_changes(), done));
        self.flush(ctx);
        let progress = Arc::clone(&self.progress);
        Box::pin(async move {
            let _ = written.await;
            progress.projected_past(progress.committed()).await;
        })
    }
}
