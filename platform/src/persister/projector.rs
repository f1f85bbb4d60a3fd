//! The projector: applies committed journal batches to the tables behind
//! the market, on a thread of its own. It takes batches from memory while
//! it keeps up (the writer hands each one over after its commit); past
//! `max_in_memory` changes it lets them go and reads them back from the
//! journal table when it gets there, so lag costs disk, not memory.
//!
//! Several batches go into one transaction (up to `max_changes`), which
//! also moves the watermark: each batch is applied exactly once.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use actix::prelude::*;
use marketlab_actors::book::Listing;
use marketlab_actors::clock::Clock;
use marketlab_actors::types::Symbol;
use sea_orm::DatabaseConnection;

use super::projection::{self, JournalBatch, ProjectionError};
use super::retention;
use super::{PersisterHealth, Progress};
use crate::persistence::repo;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectorConfig {
    /// Changes held in memory for the projector at most.
    pub max_in_memory: usize,
    /// Changes applied in one transaction at most.
    pub max_changes: usize,
    /// Journal batches older than this (and already applied) are deleted.
    pub retention: Duration,
    /// How often the journal is compacted.
    pub compact_every: Duration,
    /// How long a committed batch is left before it is applied: zero but
    /// in drills and tests of a lagging projection.
    pub delay: Duration,
    /// Whole days bots' detail rows are kept before they are folded into
    /// daily summaries (see [`super::retention`]); 0 keeps them forever.
    pub bot_detail_days: u32,
}

impl Default for ProjectorConfig {
    fn default() -> Self {
        ProjectorConfig {
            max_in_memory: 262_144,
            max_changes: 16_384,
            retention: Duration::from_secs(7 * 24 * 3600),
            compact_every: Duration::from_secs(60),
            delay: Duration::ZERO,
            bot_detail_days: 30,
        }
    }
}

/// A batch the writer committed, with its changes.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Committed(pub JournalBatch);

pub struct Projector {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    config: ProjectorConfig,
    retry_delay: Duration,
    listings: HashMap<Symbol, Listing>,
    /// Committed batches in memory, oldest first (not necessarily every
    /// one: those that found no room are read from the table).
    queue: VecDeque<JournalBatch>,
    queued_changes: usize,
    applying: bool,
    /// When the journal was last compacted (ns, the clock's).
    compacted_at: i64,
    /// The day (its first ns) bots' rows were last folded on; a fold runs
    /// at most once a day, and never two at once.
    folded_on: Option<i64>,
    folding: bool,
    progress: Arc<Progress>,
    health: Arc<PersisterHealth>,
}

impl Projector {
    pub fn new(
        db: DatabaseConnection,
        clock: Arc<dyn Clock>,
        config: ProjectorConfig,
        retry_delay: Duration,
        progress: Arc<Progress>,
        health: Arc<PersisterHealth>,
    ) -> Projector {
        Projector {
            compacted_at: clock.now().0,
            folded_on: None,
            folding: false,
            db,
            clock,
            config,
            retry_delay,
            listings: HashMap::new(),
            queue: VecDeque::new(),
            queued_changes: 0,
            applying: false,
            progress,
            health,
        }
    }

    /// Apply what is committed and not yet applied, one transaction at a
    /// time.
    fn step(&mut self, ctx: &mut Context<Self>) {
        if self.applying {
            return;
        }
        let projected = self.progress.projected();
        while self.queue.front().is_some_and(|b| b.seq <= projected) {
            let stale = self.queue.pop_front().expect("a front");
            self.queued_changes -= stale.changes.len();
        }
        let committed = self.progress.committed();
        if projected >= committed {
            return;
        }
        self.applying = true;
        if self.progress.is_held() {
            let progress = Arc::clone(&self.progress);
            ctx.spawn(
                async move { progress.released().await }
                    .into_actor(self)
                    .map(|(), act, ctx| {
                        act.applying = false;
                        act.step(ctx);
                    }),
            );
            return;
        }
        if let Some(wait) = self.not_yet(self.queue.front()) {
            ctx.run_later(wait, |act, ctx| {
                act.applying = false;
                act.step(ctx);
            });
            return;
        }
        let in_memory = match self.queue.front() {
            Some(front) if front.seq == projected + 1 => {
                let mut batches = Vec::new();
                let mut changes = 0;
                while let Some(next) = self.queue.front() {
                    let contiguous = batches
                        .last()
                        .is_none_or(|b: &JournalBatch| b.seq + 1 == next.seq);
                    if !contiguous || (changes > 0 && changes >= self.config.max_changes) {
                        break;
                    }
                    let batch = self.queue.pop_front().expect("a front");
                    changes += batch.changes.len();
                    batches.push(batch);
                }
                self.queued_changes -= changes;
                Some(batches)
            }
            _ => None,
        };
        // Batches missing from memory end where memory takes over.
        let upto = self.queue.front().map_or(committed, |b| b.seq - 1);
        let db = self.db.clone();
        let mut listings = std::mem::take(&mut self.listings);
        let max_changes = self.config.max_changes;
        let (retry, health) = (self.retry_delay, Arc::clone(&self.health));
        let clock = Arc::clone(&self.clock);
        let work = async move {
            let mut attempts = 0;
            let batches = match in_memory {
                Some(batches) => batches,
                None => loop {
                    match projection::read_after(&db, projected, upto, max_changes).await {
                        Ok(batches) => break batches,
                        Err(error) => failed(&health, &error, retry, &mut attempts).await,
                    }
                },
            };
            let written_at = batches.last().map_or(0, |b| b.written_at);
            let changes: usize = batches.iter().map(|b| b.changes.len()).sum();
            let seq = loop {
                match projection::apply(&db, &batches, &mut listings, clock.now().0).await {
                    Ok(seq) => break seq,
                    Err(error) => {
                        failed(
                            &health,
                            &ProjectionError::Database(error),
                            retry,
                            &mut attempts,
                        )
                        .await;
                    }
                }
            };
            health.failing.store(false, Ordering::Relaxed);
            (listings, seq, changes, written_at)
        };
        ctx.spawn(
            work.into_actor(self)
                .map(|(listings, seq, changes, written_at), act, ctx| {
                    act.listings = listings;
                    let waited = act.clock.now().0.saturating_sub(written_at);
                    let waited = Duration::from_nanos(u64::try_from(waited).unwrap_or(0));
                    act.progress.projected_to(seq, changes, waited);
                    act.applying = false;
                    act.compact(ctx);
                    act.step(ctx);
                }),
        );
    }

    /// How much longer `batch` must wait under the configured delay.
    fn not_yet(&self, batch: Option<&JournalBatch>) -> Option<Duration> {
        let delay = i64::try_from(self.config.delay.as_nanos()).unwrap_or(i64::MAX);
        let batch = batch.filter(|_| delay > 0)?;
        let due = batch.written_at.saturating_add(delay);
        let wait = due.saturating_sub(self.clock.now().0);
        (wait > 0).then(|| Duration::from_nanos(wait.unsigned_abs()))
    }

    /// Deletes applied journal batches past their retention, now and then.
    fn compact(&mut self, ctx: &mut Context<Self>) {
        let now = self.clock.now().0;
        let every = i64::try_from(self.config.compact_every.as_nanos()).unwrap_or(i64::MAX);
        if now.saturating_sub(self.compacted_at) < every {
            return;
        }
        self.compacted_at = now;
        let retention = i64::try_from(self.config.retention.as_nanos()).unwrap_or(i64::MAX);
        let (db, upto) = (self.db.clone(), self.progress.projected());
        ctx.spawn(
            async move {
                match repo::journal::compact(&db, upto, now.saturating_sub(retention)).await {
                    Ok(0) => {}
                    Ok(gone) => tracing::info!("compacted {gone} journal batches"),
                    Err(error) => tracing::warn!("compacting the journal failed: {error}"),
                }
            }
            .into_actor(self),
        );
        self.fold_bots(ctx);
    }

    /// Folds bots' old detail rows into daily summaries, once a day.
    fn fold_bots(&mut self, ctx: &mut Context<Self>) {
        let keep_days = self.config.bot_detail_days;
        let now = self.clock.now().0;
        let today = retention::day_start(now);
        if keep_days == 0 || self.folding || self.folded_on == Some(today) {
            return;
        }
        self.folding = true;
        let db = self.db.clone();
        ctx.spawn(
            async move { retention::fold_bots(&db, now, keep_days).await }
                .into_actor(self)
                .map(move |result, act, _| {
                    act.folding = false;
                    match result {
                        Ok(folded) => {
                            act.folded_on = Some(today);
                            if folded.summaries > 0 || folded.deleted.total() > 0 {
                                tracing::info!(
                                    "folded bots' rows before {} into {} daily summaries: \
                                     deleted {:?}",
                                    folded.horizon,
                                    folded.summaries,
                                    folded.deleted
                                );
                            }
                        }
                        Err(error) => tracing::warn!("folding bots' old rows failed: {error}"),
                    }
                }),
        );
    }
}

/// A failed read or write is retried after a pause. A first failure is a
/// warning (a pooled connection can die under it, as when the HTTP worker
/// that opened it stops); a second in a row is an error and flags the
/// database as failing.
async fn failed(
    health: &PersisterHealth,
    error: &ProjectionError,
    retry: Duration,
    attempts: &mut u32,
) {
    *attempts += 1;
    if *attempts == 1 {
        tracing::warn!("projecting the journal failed, retrying: {error}");
    } else {
        health.failing.store(true, Ordering::Relaxed);
        tracing::error!("projecting the journal failed {attempts} times, retrying: {error}");
    }
    actix::clock::sleep(retry).await;
}

impl Actor for Projector {
    type Context = Context<Self>;

    /// The listings the tables know, before any batch is applied.
    fn started(&mut self, ctx: &mut Context<Self>) {
        let db = self.db.clone();
        let (retry, health) = (self.retry_delay, Arc::clone(&self.health));
        ctx.wait(
            async move {
                let mut attempts = 0;
                loop {
                    match projection::known_listings(&db).await {
                        Ok(listings) => break listings,
                        Err(error) => failed(&health, &error, retry, &mut attempts).await,
                    }
                }
            }
            .into_actor(self)
            .map(|listings, act, ctx| {
                act.listings = listings;
                act.step(ctx);
            }),
        );
    }
}

impl Handler<Committed> for Projector {
    type Result = ();

    fn handle(&mut self, Committed(batch): Committed, ctx: &mut Context<Self>) {
        let changes = batch.changes.len();
        if self.queued_changes + changes <= self.config.max_in_memory || self.queue.is_empty() {
            self.queued_changes += changes;
            self.queue.push_back(batch);
        }
        self.step(ctx);
    }
}
