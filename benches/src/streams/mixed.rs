//! The mixed stream: the operation mix exchange engines publish for their
//! order book benchmarks (9% new GTC limit, 3% IOC, 6% cancel, 82% reduce or
//! replace) on a book kept at about 1,000 resting orders over ~750 levels.
//!
//! The generator runs a real book while it generates and learns from its
//! events which orders are live, so every cancel and reduce names a live
//! order and every command is valid. Replaying the warm-up and then the
//! commands on a fresh book reproduces the same states exactly.
//!
//! A replace is a cancel plus a new order at another price (the core has no
//! replace), so it is two commands: about 141 commands per 100 operations.
//! Throughput is counted in commands, i.e. calls into the book.

use marketlab_actors::book::{BookConfig, BookEvent, OrderBook, TimeInForce};
use marketlab_actors::types::{OrderId, Side};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::live::{Live, LiveOrders};
use super::{limit, rng};
use crate::command::{Command, apply};

/// Passive orders rest within `depth` ticks of this price: bids below it,
/// asks above it, so they never cross.
pub const ANCHOR: i64 = 10_000;

#[derive(Debug, Clone, Copy)]
pub struct MixedConfig {
    /// Commands after the warm-up.
    pub commands: usize,
    pub seed: u64,
    /// The warm-up rests this many orders; then new GTC orders turn
    /// aggressive whenever at least this many rest, which holds the book
    /// around this size.
    pub target_resting: usize,
    /// How far from the anchor passive orders rest, in ticks; 900 spreads
    /// 1,000 orders over ~750 occupied levels.
    pub depth: i64,
    /// Order quantities are uniform in 1..=max_quantity.
    pub max_quantity: u64,
}

impl MixedConfig {
    pub fn new(commands: usize, seed: u64) -> MixedConfig {
        MixedConfig {
            commands,
            seed,
            target_resting: 1_000,
            depth: 900,
            max_quantity: 1_000,
        }
    }
}

/// What the generated stream contains: operations by kind, and the book's
/// shape sampled along the way.
#[derive(Debug, Clone, Default)]
pub struct MixStats {
    pub gtc: u64,
    pub ioc: u64,
    pub cancel: u64,
    pub reduce: u64,
    pub replace: u64,
    pub trades: u64,
    pub mean_resting: f64,
    pub mean_levels: f64,
}

impl MixStats {
    pub fn operations(&self) -> u64 {
        self.gtc + self.ioc + self.cancel + self.reduce + self.replace
    }
}

pub struct MixedStream {
    /// Builds the starting book: `target_resting` passive orders.
    pub warmup: Vec<Command>,
    /// The stream to measure, valid on a book that has seen the warm-up.
    pub commands: Vec<Command>,
    pub stats: MixStats,
}

impl MixedStream {
    pub fn generate(config: MixedConfig) -> MixedStream {
        Generator::new(config).run()
    }

    /// A fresh book that has seen the warm-up, ready for `commands`.
    pub fn book(&self) -> OrderBook {
        let mut book = new_book(&self.warmup);
        let mut out = Vec::with_capacity(64);
        for c in &self.warmup {
            out.clear();
            // Passive orders with fresh ids: nothing can fail.
            let _ = apply(&mut book, c, &mut out);
        }
        book
    }
}

fn new_book(warmup: &[Command]) -> OrderBook {
    // Room for twice the steady state, so the measured part never grows it.
    OrderBook::with_capacity(BookConfig::default(), 2 * warmup.len().max(1024))
}

/// How often (in operations) the generator samples the book's shape.
const SAMPLE_EVERY: u64 = 64;

struct Generator {
    config: MixedConfig,
    rng: ChaCha8Rng,
    book: OrderBook,
    live: LiveOrders,
    out: Vec<BookEvent>,
    next_id: u64,
    commands: Vec<Command>,
    stats: MixStats,
    samples: u64,
}

impl Generator {
    fn new(config: MixedConfig) -> Generator {
        Generator {
            config,
            rng: rng(config.seed),
            book: OrderBook::with_capacity(BookConfig::default(), 2 * config.target_resting),
            live: LiveOrders::default(),
            out: Vec::with_capacity(64),
            next_id: 1,
            commands: Vec::with_capacity(config.commands + 1),
            stats: MixStats::default(),
            samples: 0,
        }
    }

    fn run(mut self) -> MixedStream {
        for i in 0..self.config.target_resting {
            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
            let order = self.passive(side);
            self.emit(order);
        }
        let warmup = std::mem::take(&mut self.commands);
        while self.commands.len() < self.config.commands {
            self.operation();
            if self.stats.operations().is_multiple_of(SAMPLE_EVERY) {
                self.sample();
            }
        }
        // A replace may overshoot by its second command; cutting it off
        // leaves a plain cancel, still valid.
        self.commands.truncate(self.config.commands);
        if self.samples > 0 {
            self.stats.mean_resting /= self.samples as f64;
            self.stats.mean_levels /= self.samples as f64;
        }
        MixedStream {
            warmup,
            commands: self.commands,
            stats: self.stats,
        }
    }

    fn operation(&mut self) {
        match self.rng.random_range(0..100u32) {
            0..9 => self.gtc(),
            9..12 => self.ioc(),
            12..18 => match self.live.pick(&mut self.rng) {
                Some(order) => {
                    self.stats.cancel += 1;
                    self.emit(Command::Cancel(order.id));
                }
                None => self.gtc(),
            },
            18..59 => match self.live.pick(&mut self.rng) {
                Some(order) if order.remaining.0 >= 2 => {
                    self.stats.reduce += 1;
                    let by = self.rng.random_range(1..order.remaining.0);
                    self.emit(Command::Reduce {
                        id: order.id,
                        by: marketlab_actors::types::Quantity(by),
                    });
                }
                // Reducing by all that is left would be a cancel in
                // disguise; replace it instead.
                Some(order) => self.replace(order),
                None => self.gtc(),
            },
            _ => match self.live.pick(&mut self.rng) {
                Some(order) => self.replace(order),
                None => self.gtc(),
            },
        }
    }

    /// A new GTC limit: passive while the book is below its target size,
    /// otherwise priced at the opposite touch for at most what rests there,
    /// so it trades and never rests beyond the anchor's side.
    fn gtc(&mut self) {
        self.stats.gtc += 1;
        let side = self.side();
        let touch = match side {
            Side::Buy => self.book.l1().ask,
            Side::Sell => self.book.l1().bid,
        };
        let order = match touch {
            Some(level) if self.live.len() >= self.config.target_resting => {
                let quantity = self.rng.random_range(1..=level.quantity.0);
                let id = self.id();
                Command::Submit(limit(id, side, level.price.0, quantity, TimeInForce::Gtc))
            }
            _ => self.passive(side),
        };
        self.emit(order);
    }

    /// An IOC limit up to two ticks through the opposite touch.
    fn ioc(&mut self) {
        self.stats.ioc += 1;
        let side = self.side();
        let slip = self.rng.random_range(0..=2);
        let price = match side {
            Side::Buy => self.book.best_ask().map_or(ANCHOR, |p| p.0 + slip),
            Side::Sell => self.book.best_bid().map_or(ANCHOR, |p| p.0 - slip),
        };
        let quantity = self.quantity();
        let id = self.id();
        self.emit(Command::Submit(limit(
            id,
            side,
            price,
            quantity,
            TimeInForce::Ioc,
        )));
    }

    /// Cancel and re-enter at another passive price with a new size (a
    /// replace that only moved the price would let sizes decay under the
    /// reductions until every order holds one share).
    fn replace(&mut self, order: Live) {
        self.stats.replace += 1;
        self.emit(Command::Cancel(order.id));
        let new = self.passive(order.side);
        self.emit(new);
    }

    fn passive(&mut self, side: Side) -> Command {
        let away = 1 + self.rng.random_range(0..self.config.depth);
        let price = match side {
            Side::Buy => ANCHOR - away,
            Side::Sell => ANCHOR + away,
        };
        let quantity = self.quantity();
        let id = self.id();
        Command::Submit(limit(id, side, price, quantity, TimeInForce::Gtc))
    }

    fn side(&mut self) -> Side {
        if self.rng.random_bool(0.5) {
            Side::Buy
        } else {
            Side::Sell
        }
    }

    fn quantity(&mut self) -> u64 {
        self.rng.random_range(1..=self.config.max_quantity)
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn emit(&mut self, command: Command) {
        self.out.clear();
        let result = apply(&mut self.book, &command, &mut self.out);
        // A failure here is a bug in the generator, never in the input.
        assert!(
            result.is_ok(),
            "generated an invalid {command:?}: {result:?}"
        );
        assert!(
            !self
                .out
                .iter()
                .any(|e| matches!(e, BookEvent::Rejected { .. })),
            "generated a rejected {command:?}: {:?}",
            self.out
        );
        let submitted: Option<OrderId> = match command {
            Command::Submit(order) => Some(order.id),
            Command::Cancel(_) | Command::Reduce { .. } => None,
        };
        let trades = self.out.iter().filter(|e| matches!(e, BookEvent::Trade(_)));
        self.stats.trades += trades.count() as u64;
        self.live.observe(&self.book, &self.out, submitted);
        self.commands.push(command);
    }

    fn sample(&mut self) {
        let depth = self.book.l2(usize::MAX);
        self.stats.mean_resting += self.live.len() as f64;
        self.stats.mean_levels += (depth.bids.len() + depth.asks.len()) as f64;
        self.samples += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_deterministic() {
        let a = MixedStream::generate(MixedConfig::new(5_000, 3));
        let b = MixedStream::generate(MixedConfig::new(5_000, 3));
        assert_eq!(a.warmup, b.warmup);
        assert_eq!(a.commands, b.commands);
        let c = MixedStream::generate(MixedConfig::new(5_000, 4));
        assert_ne!(a.commands, c.commands);
    }

    #[test]
    fn replays_without_errors_and_keeps_its_shape() {
        let stream = MixedStream::generate(MixedConfig::new(100_000, 1));
        assert_eq!(stream.commands.len(), 100_000);
        let mut book = stream.book();
        let mut out = Vec::new();
        for (i, c) in stream.commands.iter().enumerate() {
            out.clear();
            apply(&mut book, c, &mut out).unwrap_or_else(|e| panic!("command {i}: {e}"));
            assert!(!out.iter().any(|e| matches!(e, BookEvent::Rejected { .. })));
            if i % 10_000 == 0 {
                book.check_invariants().unwrap();
            }
        }
        book.check_invariants().unwrap();

        let s = &stream.stats;
        let ops = s.operations() as f64;
        let share = |n: u64| 100.0 * n as f64 / ops;
        // The published mix, give or take sampling noise and the reduces of
        // one-share orders that become replaces.
        assert!((8.0..10.0).contains(&share(s.gtc)), "{s:?}");
        assert!((2.5..3.5).contains(&share(s.ioc)), "{s:?}");
        assert!((5.0..7.0).contains(&share(s.cancel)), "{s:?}");
        assert!((80.0..84.0).contains(&share(s.reduce + s.replace)), "{s:?}");
        assert!((900.0..1_100.0).contains(&s.mean_resting), "{s:?}");
        assert!((650.0..850.0).contains(&s.mean_levels), "{s:?}");
        assert!(s.trades > 0, "{s:?}");
    }
}
