//! Scenarios: seeded markets run headless on a virtual clock, fast and
//! reproducibly. Pure: no actix, no I/O, no system clock; the command line
//! reads the files, compiles the scripts and writes the outputs.
//!
//! - [`file`]: the TOML file as written, with errors that name the key path
//!   and line; [`spec`]: the same checked whole ([`Scenario`]).
//! - [`kernel`]: the discrete-event loop ([`Kernel`]). One thread, one
//!   [`queue`] ordered by (time, sequence). It drives the same cores the live
//!   market runs: an [`OrderBook`](crate::book::OrderBook) per company, an
//!   [`AccountCore`](crate::account::AccountCore) per account (each
//!   company's issuer, which holds the shares no bot starts with, then each
//!   bot), a [`BotCore`](crate::bots::BotCore) per bot. A bot's orders go
//!   through its account's reservation and then its book, and the book's
//!   events are applied to every account involved before anything else
//!   happens, as the book actor routes them.
//! - [`live`]: the same file run inside the server on the wall clock:
//!   what falls due when ([`live::LivePlan`]); the server carries it out.
//! - [`fundamental`]: each company's value process; [`rng`]: the labelled
//!   random streams; [`stats`]: the summary's statistics; [`record`]: the
//!   rows a run reports as it goes.
//!
//! # Time
//!
//! Events at one instant run in the order they were scheduled. A bot's
//! call sees the market as it is at that instant; its actions reach the
//! market at once, or after its group's `latency` (a later event). Its next
//! `on_tick`: the time `ctx.wake_in(ms)` asked for in any call, else the
//! group's wake-up process after a tick (`fixed`: every interval, first at
//! a random offset within one; `random`: exponential intervals of the
//! given mean); `once` wakes the bot one time, at a uniformly random instant
//! of the run, and ignores `wake_in`. Fills and trades reach `on_fill` and
//! `on_trade` as events at the same instant, after the command that made
//! them has settled.
//!
//! # Determinism
//!
//! Every draw comes from a stream of [`rng::stream`] named by the seed and a
//! label and numbered by the bot's id or the company's index (bots' own
//! `ctx.rand` streams: [`crate::bots::bot_rng`]); nothing is iterated in
//! hash order. The same file and seed give the same events, in the same
//! order, on one platform.

pub mod file;
pub mod fundamental;
pub mod kernel;
pub mod live;
pub mod queue;
pub mod record;
pub mod rng;
pub mod spec;
pub mod stats;

pub use file::{FileError, ScenarioFile, parse};
pub use kernel::{Kernel, KernelError, Progress, Summary};
pub use record::Recorder;
pub use spec::Scenario;
