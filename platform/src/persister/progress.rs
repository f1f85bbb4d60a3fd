//! How far the journal and its projection have got, shared by the writer,
//! the projector, the reads that must see their caller's own changes (they
//! wait for the watermark to pass the caller's last batch, which the writer
//! knows: [`super::LastBatchOf`]), and the metrics.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Progress {
    /// The last batch committed to the journal.
    committed: AtomicI64,
    /// The last batch applied to the tables (the watermark).
    projected: AtomicI64,
    /// Changes committed to the journal and applied to the tables, since
    /// this process started: their difference is the projection's lag.
    committed_changes: AtomicU64,
    projected_changes: AtomicU64,
    /// How long the last applied batch waited after its journal commit.
    projection_delay_micros: AtomicU64,
    /// Wakes whoever waits on the watermark or the lag.
    projected_moved: Notify,
    /// Tests hold the projector back to see reads wait for it.
    held: AtomicBool,
    released: Notify,
}

impl Progress {
    /// Where a (re)started journal stands: batches up to `last` are
    /// committed, those up to `watermark` applied.
    pub(crate) fn start_at(&self, watermark: i64, last: i64) {
        self.committed.store(last, Ordering::Release);
        self.projected.store(watermark, Ordering::Release);
    }

    pub fn committed(&self) -> i64 {
        self.committed.load(Ordering::Acquire)
    }

    pub fn projected(&self) -> i64 {
        self.projected.load(Ordering::Acquire)
    }

    /// Changes committed to the journal and not yet in the tables.
    pub fn lag_changes(&self) -> u64 {
        let committed = self.committed_changes.load(Ordering::Acquire);
        committed.saturating_sub(self.projected_changes.load(Ordering::Acquire))
    }

    /// How long the last batch applied to the tables had waited for it.
    pub fn projection_delay(&self) -> Duration {
        Duration::from_micros(self.projection_delay_micros.load(Ordering::Relaxed))
    }

    /// Batch `seq` of `changes` is committed.
    pub(crate) fn journal_committed(&self, seq: i64, changes: usize) {
        self.committed_changes
            .fetch_add(changes as u64, Ordering::AcqRel);
        self.committed.fetch_max(seq, Ordering::AcqRel);
    }

    /// Batches up to `seq`, `changes` changes, are in the tables.
    pub(crate) fn projected_to(&self, seq: i64, changes: usize, delay: Duration) {
        self.projected_changes
            .fetch_add(changes as u64, Ordering::AcqRel);
        self.projected.fetch_max(seq, Ordering::AcqRel);
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        self.projection_delay_micros
            .store(micros, Ordering::Relaxed);
        self.projected_moved.notify_waiters();
    }

    /// Resolves once the tables hold batch `seq`.
    pub async fn projected_past(&self, seq: i64) {
        loop {
            let mut moved = std::pin::pin!(self.projected_moved.notified());
            // Registered before the check: a move in between still wakes.
            moved.as_mut().enable();
            if self.projected() >= seq {
                return;
            }
            moved.await;
        }
    }

    /// Resolves once the lag is at most `limit` changes.
    pub(crate) async fn lag_within(&self, limit: u64) {
        loop {
            let mut moved = std::pin::pin!(self.projected_moved.notified());
            moved.as_mut().enable();
            if self.lag_changes() <= limit {
                return;
            }
            moved.await;
        }
    }

    /// Stop (or let go) the projector after the batch it is applying: for
    /// tests of what reads do while the tables lag.
    pub fn hold_projection(&self, held: bool) {
        self.held.store(held, Ordering::Release);
        if !held {
            self.released.notify_waiters();
        }
    }

    pub(crate) fn is_held(&self) -> bool {
        self.held.load(Ordering::Acquire)
    }

    pub(crate) async fn released(&self) {
        loop {
            let mut released = std::pin::pin!(self.released.notified());
            released.as_mut().enable();
            if !self.is_held() {
                return;
            }
            released.await;
        }
    }
}
