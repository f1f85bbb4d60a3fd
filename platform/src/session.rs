//! The trading session's close in the live server: at each close, by the
//! market's clock, every book expires its DAY orders (GTC orders rest on).
//! The close is a time of day at a fixed offset from UTC, so a class keeps
//! its local close whatever zone the server runs in. A close that passed
//! while the server was down is not made up: the next one expires what a
//! restart recovered.

use std::time::Duration;

use futures_util::future::join_all;
use marketlab_actors::book::BookEvent;
use marketlab_actors::book::actor::CloseSession;
use marketlab_actors::market::Market;
use marketlab_actors::types::Timestamp;

const DAY_MS: i64 = 86_400_000;
/// How often the task looks at the clock (a manual clock in tests jumps).
const POLL: Duration = Duration::from_millis(250);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionHours {
    /// Milliseconds after local midnight.
    close_ms: i64,
    /// Local time minus UTC, in milliseconds.
    offset_ms: i64,
}

impl SessionHours {
    /// `close` as seconds after local midnight, `offset` as local time
    /// minus UTC in seconds.
    pub fn new(close_secs: u32, offset_secs: i32) -> SessionHours {
        SessionHours {
            close_ms: i64::from(close_secs) * 1_000,
            offset_ms: i64::from(offset_secs) * 1_000,
        }
    }

    /// The first close strictly after `at`.
    pub fn next_close(&self, at: Timestamp) -> Timestamp {
        let at_ms = at.0.div_euclid(Timestamp::NANOS_PER_MILLI);
        let local_day = (at_ms + self.offset_ms).div_euclid(DAY_MS) * DAY_MS;
        let mut close = local_day + self.close_ms - self.offset_ms;
        while close <= at_ms {
            close += DAY_MS;
        }
        Timestamp::from_millis(close)
    }
}

/// Close the session at every close from now on (runs until the server
/// stops).
pub async fn run(market: Market, hours: SessionHours) {
    let mut next = hours.next_close(market.clock().now());
    loop {
        tokio::time::sleep(POLL).await;
        let now = market.clock().now();
        if now >= next {
            close(&market).await;
            next = hours.next_close(now);
        }
    }
}

/// Every book expires its DAY orders; answers once each has.
pub async fn close(market: &Market) {
    let books: Vec<_> = market
        .symbols()
        .into_iter()
        .filter_map(|symbol| market.book(symbol))
        .collect();
    let closed = join_all(books.iter().map(|book| book.addr.send(CloseSession))).await;
    let expired = closed
        .iter()
        .flatten()
        .flat_map(|update| &update.events)
        .filter(|event| matches!(event, BookEvent::Expired { .. }))
        .count();
    tracing::info!("the session closed: {expired} DAY orders expired");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::from_datetime(text.parse().unwrap())
    }

    #[test]
    fn the_next_close_is_today_or_tomorrow_in_local_time() {
        // 15:30 in Seoul (UTC+9) is 06:30 UTC.
        let seoul = SessionHours::new(15 * 3600 + 30 * 60, 9 * 3600);
        assert_eq!(
            seoul.next_close(at("2026-03-02T01:00:00Z")),
            at("2026-03-02T06:30:00Z")
        );
        assert_eq!(
            seoul.next_close(at("2026-03-02T06:30:00Z")),
            at("2026-03-03T06:30:00Z")
        );
        // 23:00 UTC is already the next local day in Seoul.
        assert_eq!(
            seoul.next_close(at("2026-03-01T23:00:00Z")),
            at("2026-03-02T06:30:00Z")
        );
        // 16:00 in New York (UTC-5) is 21:00 UTC.
        let new_york = SessionHours::new(16 * 3600, -5 * 3600);
        assert_eq!(
            new_york.next_close(at("2026-03-02T22:00:00Z")),
            at("2026-03-03T21:00:00Z")
        );
    }
}
