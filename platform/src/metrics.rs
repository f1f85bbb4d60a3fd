//! What GET /metrics serves, in the Prometheus text exposition format.
//! Requests record into plain atomics without a lock; rendering reads them
//! one by one, so a scrape that runs beside requests may see one counter a
//! step ahead of another, which Prometheus tolerates.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use rust_decimal::Decimal;

use crate::persister::{PersisterHealth, Progress};

/// The error codes of the API contract (`extensions.code`).
pub const REJECT_CODES: [&str; 11] = [
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "BAD_USER_INPUT",
    "NOT_FOUND",
    "CONFLICT",
    "INSUFFICIENT_FUNDS",
    "INSUFFICIENT_SHARES",
    "MARKET_HALTED",
    "RATE_LIMITED",
    "SCRIPT_ERROR",
    "INTERNAL",
];

impl Live {
    fn render(&self, out: &mut Exposition) {
        let gauges = [
            (
                "marketlab_subscribers",
                "Subscriptions running over WebSocket.",
                self.subscribers.load(Ordering::Relaxed),
            ),
            (
                "marketlab_subscription_executions",
                "Distinct subscription executions running, each shared by its identical subscriptions.",
                self.executions.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, value) in gauges {
            out.family(name, "gauge", help);
            out.sample(name, "", value);
        }
        let counters = [
            (
                "marketlab_subscription_executions_started_total",
                "Subscription executions started.",
                &self.executions_started,
            ),
            (
                "marketlab_subscription_results_total",
                "Subscription results executed and serialized, once each for all their subscribers.",
                &self.results,
            ),
            (
                "marketlab_websocket_frames_sent_total",
                "Result and completion frames written to WebSocket connections.",
                &self.frames_sent,
            ),
            (
                "marketlab_websocket_frames_conflated_total",
                "Book and quote frames replaced, before they were sent, by a newer state.",
                &self.frames_conflated,
            ),
            (
                "marketlab_websocket_slow_consumer_disconnects_total",
                "Connections closed (4413) because a trade or order stream overflowed their outbox.",
                &self.slow_consumers,
            ),
        ];
        for (name, help, value) in counters {
            out.family(name, "counter", help);
            out.sample(name, "", value.load(Ordering::Relaxed));
        }
    }
}

/// Upper bounds of the request-duration buckets, in microseconds.
const REQUEST_BUCKETS_MICROS: [u64; 12] = [
    500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000,
    2_500_000,
];

#[derive(Debug, Default)]
pub struct Metrics {
    orders_placed: AtomicU64,
    trades: AtomicU64,
    rejects: [AtomicU64; REJECT_CODES.len()],
    /// Requests per bucket, not cumulative (so recording touches one slot);
    /// the last slot holds those above the largest bound.
    request_buckets: [AtomicU64; REQUEST_BUCKETS_MICROS.len() + 1],
    request_micros: AtomicU64,
    websockets: AtomicI64,
    live: Live,
}

/// The subscriptions' fan-out (see `api::live`).
#[derive(Debug, Default)]
struct Live {
    subscribers: AtomicI64,
    executions: AtomicI64,
    executions_started: AtomicU64,
    results: AtomicU64,
    frames_sent: AtomicU64,
    frames_conflated: AtomicU64,
    slow_consumers: AtomicU64,
}

impl Metrics {
    pub fn order_placed(&self) {
        self.orders_placed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add_trades(&self, n: u64) {
        self.trades.fetch_add(n, Ordering::Relaxed);
    }

    /// A request refused with `code`. A code outside the contract is a bug
    /// of ours, so it counts as INTERNAL.
    pub fn reject(&self, code: &str) {
        let index = REJECT_CODES
            .iter()
            .position(|c| *c == code)
            .unwrap_or(REJECT_CODES.len() - 1);
        self.rejects[index].fetch_add(1, Ordering::Relaxed);
    }

    pub fn observe_request(&self, duration: Duration) {
        let micros = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
        let bucket = REQUEST_BUCKETS_MICROS
            .iter()
            .position(|bound| micros <= *bound)
            .unwrap_or(REQUEST_BUCKETS_MICROS.len());
        self.request_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.request_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn ws_connected(&self) {
        self.websockets.fetch_add(1, Ordering::Relaxed);
    }

    pub fn ws_disconnected(&self) {
        self.websockets.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn subscriber_joined(&self) {
        self.live.subscribers.fetch_add(1, Ordering::Relaxed);
    }

    pub fn subscriber_left(&self) {
        self.live.subscribers.fetch_sub(1, Ordering::Relaxed);
    }

    /// A shared execution started (its first subscriber came).
    pub fn feed_started(&self) {
        self.live.executions.fetch_add(1, Ordering::Relaxed);
        self.live.executions_started.fetch_add(1, Ordering::Relaxed);
    }

    pub fn feed_stopped(&self) {
        self.live.executions.fetch_sub(1, Ordering::Relaxed);
    }

    /// A subscription's result executed and serialized (once, however many
    /// subscribers get it).
    pub fn result_made(&self) {
        self.live.results.fetch_add(1, Ordering::Relaxed);
    }

    pub fn frames_sent(&self, n: u64) {
        self.live.frames_sent.fetch_add(n, Ordering::Relaxed);
    }

    pub fn frame_conflated(&self) {
        self.live.frames_conflated.fetch_add(1, Ordering::Relaxed);
    }

    pub fn slow_consumer_disconnected(&self) {
        self.live.slow_consumers.fetch_add(1, Ordering::Relaxed);
    }

    /// `database_bytes`: the database's size on disk, when it could be read.
    pub fn render(
        &self,
        persister: &PersisterHealth,
        journal: &Progress,
        database_bytes: Option<u64>,
    ) -> String {
        let mut out = Exposition(String::with_capacity(4096));
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);

        out.family(
            "marketlab_orders_placed_total",
            "counter",
            "Orders accepted and sent to a book.",
        );
        out.sample(
            "marketlab_orders_placed_total",
            "",
            load(&self.orders_placed),
        );
        out.family(
            "marketlab_trades_total",
            "counter",
            "Trades printed by the books.",
        );
        out.sample("marketlab_trades_total", "", load(&self.trades));
        out.family(
            "marketlab_rejects_total",
            "counter",
            "Requests refused, by error code.",
        );
        for (code, count) in REJECT_CODES.iter().zip(&self.rejects) {
            out.sample(
                "marketlab_rejects_total",
                &format!("code=\"{code}\""),
                load(count),
            );
        }

        let name = "marketlab_request_duration_seconds";
        out.family(name, "histogram", "Time to answer an API request.");
        let mut cumulative = 0;
        for (bound, count) in REQUEST_BUCKETS_MICROS.iter().zip(&self.request_buckets) {
            cumulative += load(count);
            out.sample(
                &format!("{name}_bucket"),
                &format!("le=\"{}\"", seconds(*bound)),
                cumulative,
            );
        }
        // The count is the sum of the buckets just read, so +Inf and _count
        // always agree within one scrape.
        cumulative += load(&self.request_buckets[REQUEST_BUCKETS_MICROS.len()]);
        out.sample(&format!("{name}_bucket"), "le=\"+Inf\"", cumulative);
        out.sample(
            &format!("{name}_sum"),
            "",
            seconds(load(&self.request_micros)),
        );
        out.sample(&format!("{name}_count"), "", cumulative);

        out.family(
            "marketlab_websocket_connections",
            "gauge",
            "Open subscription connections.",
        );
        out.sample(
            "marketlab_websocket_connections",
            "",
            self.websockets.load(Ordering::Relaxed),
        );
        self.live.render(&mut out);

        out.family(
            "marketlab_persister_batches_total",
            "counter",
            "Batches the persister committed.",
        );
        out.sample(
            "marketlab_persister_batches_total",
            "",
            persister.batches_written(),
        );
        out.family(
            "marketlab_persister_changes_total",
            "counter",
            "Changes the persister committed.",
        );
        out.sample(
            "marketlab_persister_changes_total",
            "",
            persister.changes_written(),
        );
        out.family(
            "marketlab_persister_failing",
            "gauge",
            "1 while the last database write failed and is being retried.",
        );
        out.sample(
            "marketlab_persister_failing",
            "",
            u8::from(persister.is_failing()),
        );
        out.family(
            "marketlab_persister_last_batch_size",
            "gauge",
            "Changes in the last committed batch.",
        );
        out.sample(
            "marketlab_persister_last_batch_size",
            "",
            persister.last_batch_size(),
        );
        out.family(
            "marketlab_persister_lag_seconds",
            "gauge",
            "How long the oldest change of the last committed batch waited for its commit.",
        );
        let lag = u64::try_from(persister.last_batch_lag().as_micros()).unwrap_or(u64::MAX);
        out.sample("marketlab_persister_lag_seconds", "", seconds(lag));
        out.family(
            "marketlab_journal_append_seconds",
            "gauge",
            "How long the last journal append took, its commit included.",
        );
        let append = u64::try_from(persister.last_append().as_micros()).unwrap_or(u64::MAX);
        out.sample("marketlab_journal_append_seconds", "", seconds(append));
        out.family(
            "marketlab_journal_seq",
            "gauge",
            "The last journal batch committed.",
        );
        out.sample("marketlab_journal_seq", "", journal.committed());
        out.family(
            "marketlab_journal_watermark",
            "gauge",
            "The last journal batch applied to the tables.",
        );
        out.sample("marketlab_journal_watermark", "", journal.projected());
        out.family(
            "marketlab_projection_lag_changes",
            "gauge",
            "Changes committed to the journal and not yet applied to the tables.",
        );
        out.sample(
            "marketlab_projection_lag_changes",
            "",
            journal.lag_changes(),
        );
        out.family(
            "marketlab_projection_lag_seconds",
            "gauge",
            "How long the last batch applied to the tables had waited after its journal commit.",
        );
        let delay = u64::try_from(journal.projection_delay().as_micros()).unwrap_or(u64::MAX);
        out.sample("marketlab_projection_lag_seconds", "", seconds(delay));
        if let Some(bytes) = database_bytes {
            out.family(
                "marketlab_database_bytes",
                "gauge",
                "The database's size on disk.",
            );
            out.sample("marketlab_database_bytes", "", bytes);
        }
        out.0
    }
}

/// Microseconds as exact decimal seconds, without trailing zeros.
fn seconds(micros: u64) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(micros), 6).normalize()
}

struct Exposition(String);

// Writing to a String cannot fail, so the `fmt::Result`s are dropped.
impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &str, value: impl std::fmt::Display) {
        let _ = if labels.is_empty() {
            writeln!(self.0, "{name} {value}")
        } else {
            writeln!(self.0, "{name}{{{labels}}} {value}")
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Every sample line as `name{labels}` -> value, and every family with
    /// both a HELP and a TYPE line.
    fn parse(text: &str) -> (BTreeMap<String, String>, BTreeSet<String>) {
        let mut samples = BTreeMap::new();
        let mut helped = BTreeSet::new();
        let mut typed = BTreeSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# HELP ") {
                helped.insert(rest.split(' ').next().unwrap().to_owned());
            } else if let Some(rest) = line.strip_prefix("# TYPE ") {
                typed.insert(rest.split(' ').next().unwrap().to_owned());
            } else {
                let (key, value) = line.rsplit_once(' ').unwrap();
                assert!(
                    samples.insert(key.to_owned(), value.to_owned()).is_none(),
                    "{key} twice"
                );
            }
        }
        assert_eq!(helped, typed);
        (samples, typed)
    }

    #[test]
    fn renders_counters_gauges_and_persister_health() {
        let metrics = Metrics::default();
        metrics.order_placed();
        metrics.order_placed();
        metrics.add_trades(5);
        metrics.reject("RATE_LIMITED");
        metrics.reject("RATE_LIMITED");
        metrics.reject("NOT_A_CODE");
        metrics.ws_connected();
        metrics.ws_connected();
        metrics.ws_disconnected();
        metrics.subscriber_joined();
        metrics.subscriber_joined();
        metrics.subscriber_left();
        metrics.feed_started();
        metrics.result_made();
        metrics.frames_sent(3);
        metrics.frame_conflated();
        metrics.slow_consumer_disconnected();
        let persister = PersisterHealth::default();
        persister.committed(40, Duration::from_micros(1_500), Duration::from_micros(900));
        persister.committed(7, Duration::from_micros(250), Duration::from_micros(120));
        let journal = Progress::default();
        journal.journal_committed(1, 40);
        journal.journal_committed(2, 7);
        journal.projected_to(1, 40, Duration::from_millis(3));

        let (samples, families) = parse(&metrics.render(&persister, &journal, Some(8_192)));
        let value = |key: &str| samples.get(key).map(String::as_str);
        assert_eq!(value("marketlab_orders_placed_total"), Some("2"));
        assert_eq!(value("marketlab_trades_total"), Some("5"));
        assert_eq!(
            value("marketlab_rejects_total{code=\"RATE_LIMITED\"}"),
            Some("2")
        );
        assert_eq!(
            value("marketlab_rejects_total{code=\"INTERNAL\"}"),
            Some("1")
        );
        for code in REJECT_CODES {
            assert!(value(&format!("marketlab_rejects_total{{code=\"{code}\"}}")).is_some());
        }
        assert_eq!(value("marketlab_websocket_connections"), Some("1"));
        assert_eq!(value("marketlab_subscribers"), Some("1"));
        assert_eq!(value("marketlab_subscription_executions"), Some("1"));
        assert_eq!(
            value("marketlab_subscription_executions_started_total"),
            Some("1")
        );
        assert_eq!(value("marketlab_subscription_results_total"), Some("1"));
        assert_eq!(value("marketlab_websocket_frames_sent_total"), Some("3"));
        assert_eq!(
            value("marketlab_websocket_frames_conflated_total"),
            Some("1")
        );
        assert_eq!(
            value("marketlab_websocket_slow_consumer_disconnects_total"),
            Some("1")
        );
        assert_eq!(value("marketlab_persister_batches_total"), Some("2"));
        assert_eq!(value("marketlab_persister_changes_total"), Some("47"));
        assert_eq!(value("marketlab_persister_failing"), Some("0"));
        assert_eq!(value("marketlab_persister_last_batch_size"), Some("7"));
        assert_eq!(value("marketlab_persister_lag_seconds"), Some("0.00025"));
        assert_eq!(value("marketlab_journal_append_seconds"), Some("0.00012"));
        assert_eq!(value("marketlab_journal_seq"), Some("2"));
        assert_eq!(value("marketlab_journal_watermark"), Some("1"));
        assert_eq!(value("marketlab_projection_lag_changes"), Some("7"));
        assert_eq!(value("marketlab_projection_lag_seconds"), Some("0.003"));
        assert_eq!(value("marketlab_database_bytes"), Some("8192"));
        for key in samples.keys() {
            let name = key.split(['{', ' ']).next().unwrap();
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .filter(|base| families.contains(*base))
                .unwrap_or(name);
            assert!(families.contains(family), "{name} has no HELP/TYPE");
            assert!(family.starts_with("marketlab_"));
        }
    }

    #[test]
    fn request_histogram_is_cumulative_with_sum_and_count() {
        let metrics = Metrics::default();
        for micros in [
            100, 500, 501, 7_000, 7_000, 2_500_000, 2_500_001, 60_000_000,
        ] {
            metrics.observe_request(Duration::from_micros(micros));
        }
        let (samples, _) =
            parse(&metrics.render(&PersisterHealth::default(), &Progress::default(), None));
        let bucket = |le: &str| {
            samples[&format!("marketlab_request_duration_seconds_bucket{{le=\"{le}\"}}")]
                .parse::<u64>()
                .unwrap()
        };
        let bounds = [
            "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
            "1", "2.5", "+Inf",
        ];
        let counts: Vec<u64> = bounds.iter().map(|le| bucket(le)).collect();
        assert_eq!(counts, [2, 3, 3, 3, 5, 5, 5, 5, 5, 5, 5, 6, 8]);
        assert!(counts.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(samples["marketlab_request_duration_seconds_count"], "8");
        assert_eq!(
            samples["marketlab_request_duration_seconds_sum"],
            "65.015102"
        );
        let buckets = samples
            .keys()
            .filter(|k| k.starts_with("marketlab_request_duration_seconds_bucket"))
            .count();
        assert_eq!(buckets, bounds.len());
    }

    #[test]
    fn an_empty_registry_renders_zeros() {
        let (samples, _) = parse(&Metrics::default().render(
            &PersisterHealth::default(),
            &Progress::default(),
            None,
        ));
        assert_eq!(samples["marketlab_request_duration_seconds_sum"], "0");
        assert_eq!(
            samples["marketlab_request_duration_seconds_bucket{le=\"+Inf\"}"],
            "0"
        );
        assert_eq!(samples["marketlab_persister_lag_seconds"], "0");
        assert!(samples.values().all(|v| v == "0"));
    }
}
