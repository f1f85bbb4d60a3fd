//! Per-account request limits: a token bucket per key that holds up to
//! `burst` tokens and refills `per_second` of them a second; a request takes
//! one or is refused. Tokens are counted in integer micro-tokens, and one
//! microsecond refills exactly `per_second` of those, so nothing is lost to
//! rounding however often a key checks. The caller passes the time in.
//!
//! A bucket that has refilled to full is the same as no bucket, so full
//! buckets are dropped now and then: memory follows the keys active within
//! one refill of the burst, not every key ever seen.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use marketlab_actors::types::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            per_second: 100,
            burst: 300,
        }
    }
}

/// Micro-tokens in one token.
const TOKEN: u64 = 1_000_000;
const NANOS_PER_MICRO: i64 = 1_000;
/// The fewest checks between two sweeps for full buckets. After a sweep the
/// next waits for as many checks as there were buckets left, so sweeping
/// costs O(1) a check and the map holds at most twice the active keys plus
/// this many.
const SWEEP_AFTER: usize = 1024;

#[derive(Debug)]
pub struct RateLimiter {
    settings: RateLimitSettings,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    buckets: HashMap<i64, Bucket>,
    checks_until_sweep: usize,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    micro_tokens: u64,
    /// The time up to which refill has been counted in; it moves in whole
    /// microseconds, so the rest of one carries over to the next check.
    counted_to: Timestamp,
}

impl RateLimiter {
    pub fn new(settings: RateLimitSettings) -> RateLimiter {
        RateLimiter {
            settings,
            state: Mutex::default(),
        }
    }

    pub fn settings(&self) -> RateLimitSettings {
        self.settings
    }

    /// Whether `key` may make a request at `now`; if so, it takes a token.
    pub fn check(&self, key: i64, now: Timestamp) -> bool {
        let capacity = u64::from(self.settings.burst) * TOKEN;
        let rate = u64::from(self.settings.per_second);
        // Buckets are consistent after every statement, so one left by a
        // panicking thread is still sound.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.checks_until_sweep == 0 {
            state.buckets.retain(|_, bucket| {
                bucket.refill(now, rate, capacity);
                bucket.micro_tokens < capacity
            });
            state.checks_until_sweep = SWEEP_AFTER.max(state.buckets.len());
        }
        state.checks_until_sweep -= 1;
        let bucket = state.buckets.entry(key).or_insert(Bucket {
            micro_tokens: capacity,
            counted_to: now,
        });
        bucket.refill(now, rate, capacity);
        if bucket.micro_tokens >= TOKEN {
            bucket.micro_tokens -= TOKEN;
            true
        } else {
            false
        }
    }
}

impl Bucket {
    fn refill(&mut self, now: Timestamp, rate: u64, capacity: u64) {
        // A clock that went back refills nothing.
        let micros = now.0.saturating_sub(self.counted_to.0).max(0) / NANOS_PER_MICRO;
        let added = u64::try_from(micros).unwrap_or(0).saturating_mul(rate);
        self.micro_tokens = self.micro_tokens.saturating_add(added);
        if self.micro_tokens >= capacity {
            // A full bucket gains nothing by waiting, so no time carries over.
            self.micro_tokens = capacity;
            self.counted_to = now;
        } else {
            self.counted_to = Timestamp(self.counted_to.0 + micros * NANOS_PER_MICRO);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_767_225_600 * Timestamp::NANOS_PER_SEC;

    fn at(nanos_after_t0: i64) -> Timestamp {
        Timestamp(T0 + nanos_after_t0)
    }

    fn limiter(per_second: u32, burst: u32) -> RateLimiter {
        RateLimiter::new(RateLimitSettings { per_second, burst })
    }

    fn tracked(limiter: &RateLimiter) -> usize {
        limiter.state.lock().unwrap().buckets.len()
    }

    #[test]
    fn a_burst_then_refused() {
        let limiter = RateLimiter::new(RateLimitSettings::default());
        for n in 0..300 {
            assert!(limiter.check(7, at(0)), "request {n}");
        }
        assert!(!limiter.check(7, at(0)));
        assert!(!limiter.check(7, at(1_000)));
    }

    #[test]
    fn refills_at_the_configured_rate() {
        let limiter = RateLimiter::new(RateLimitSettings::default());
        for _ in 0..300 {
            limiter.check(1, at(0));
        }
        // 100 a second: one token every 10 ms.
        assert!(!limiter.check(1, at(9_999_999)));
        assert!(limiter.check(1, at(10_000_000)));
        assert!(!limiter.check(1, at(10_000_000)));
        let allowed = (0..=100)
            .filter(|_| limiter.check(1, at(1_010_000_000)))
            .count();
        assert_eq!(allowed, 100);
    }

    #[test]
    fn no_time_is_lost_between_frequent_checks() {
        // 7 a second never divides a second evenly, and the checks come a
        // whole microsecond and 3 ns apart: 10 s must bring exactly 70.
        let limiter = limiter(7, 2);
        assert!(limiter.check(1, at(0)));
        assert!(limiter.check(1, at(0)));
        let mut allowed = 0;
        for k in 1..=9_999 {
            allowed += usize::from(limiter.check(1, at(k * 1_000_003)));
        }
        allowed += usize::from(limiter.check(1, at(10 * Timestamp::NANOS_PER_SEC)));
        assert_eq!(allowed, 70);
    }

    #[test]
    fn keys_are_independent() {
        let limiter = limiter(1, 2);
        assert!(limiter.check(1, at(0)));
        assert!(limiter.check(1, at(0)));
        assert!(!limiter.check(1, at(0)));
        assert!(limiter.check(2, at(0)));
        assert!(limiter.check(-1, at(0)));
        assert!(!limiter.check(1, at(0)));
    }

    #[test]
    fn a_clock_going_back_refills_nothing() {
        let limiter = limiter(1_000, 1);
        assert!(limiter.check(1, at(Timestamp::NANOS_PER_SEC)));
        assert!(!limiter.check(1, at(0)));
        assert!(!limiter.check(1, at(Timestamp::NANOS_PER_SEC)));
        assert!(limiter.check(1, at(Timestamp::NANOS_PER_SEC + 1_000_000)));
    }

    #[test]
    fn memory_stays_bounded_over_many_keys() {
        let limiter = RateLimiter::new(RateLimitSettings::default());
        // A new key every millisecond; each bucket is full again 10 ms
        // after its one request, so only a sweep's worth can pile up.
        let mut most = 0;
        for key in 0..100_000 {
            assert!(limiter.check(key, at(key * 1_000_000)));
            most = most.max(tracked(&limiter));
        }
        // A sweep's worth, and the ten that are still refilling.
        assert!(most <= SWEEP_AFTER + 10, "{most} buckets");
        // Keys active at once are all kept.
        for key in 0..5_000 {
            limiter.check(1_000_000 + key, at(200 * Timestamp::NANOS_PER_SEC));
        }
        assert!(tracked(&limiter) >= 5_000);
    }

    #[test]
    fn no_burst_allows_nothing() {
        let limiter = limiter(100, 0);
        assert!(!limiter.check(1, at(0)));
        assert!(!limiter.check(1, at(Timestamp::NANOS_PER_SEC)));
    }
}
