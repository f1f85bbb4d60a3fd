//! Time is injected: live actors get a [`WallClock`], scenarios and tests a
//! [`ManualClock`] they move by hand. No other code reads the system time.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::types::Timestamp;

pub trait Clock: Debug + Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The system's real-time clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct WallClock;

impl Clock for WallClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_datetime(chrono::Utc::now())
    }
}

/// A clock that moves only when told to.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(at: Timestamp) -> ManualClock {
        ManualClock(AtomicI64::new(at.0))
    }

    pub fn advance_millis(&self, millis: i64) {
        self.0
            .fetch_add(millis * Timestamp::NANOS_PER_MILLI, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}
