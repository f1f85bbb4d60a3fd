//! Per-command latency of the mixed stream, as an HDR histogram:
//!
//!     cargo run --release -p marketlab-benches --bin latency -- [COMMANDS] [SEED]
//!
//! Three passes over the same stream, each on a freshly warmed book: one to
//! warm caches and branch predictors, one timed as a whole for throughput,
//! one timing each command with `Instant` for the histogram. Timing each
//! command adds the cost of two clock reads to every sample, so the
//! histogram runs slightly high; the program measures that cost and prints it.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use benches::apply;
use benches::cli;
use benches::streams::mixed::{MixedConfig, MixedStream};
use hdrhistogram::Histogram;
use marketlab_actors::book::BookEvent;

const USAGE: &str = "usage: latency [COMMANDS] [SEED]";

fn main() -> ExitCode {
    cli::run(run)
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (commands, seed) = match args.as_slice() {
        [] => ("1000000", "1"),
        [n] => (n.as_str(), "1"),
        [n, seed] => (n.as_str(), seed.as_str()),
        _ => bail!("{USAGE}"),
    };
    let commands: usize = commands
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .with_context(|| format!("COMMANDS must be at least 1, found {commands:?}; {USAGE}"))?;
    let seed: u64 = seed
        .parse()
        .with_context(|| format!("SEED must be a u64, found {seed:?}; {USAGE}"))?;

    let stream = MixedStream::generate(MixedConfig::new(commands, seed));
    let s = &stream.stats;
    let ops = s.operations().max(1) as f64;
    let share = |n: u64| 100.0 * n as f64 / ops;
    println!(
        "mixed stream: {} commands ({} operations: {:.1}% GTC, {:.1}% IOC, {:.1}% cancel, \
         {:.1}% reduce, {:.1}% replace), {} trades, ~{:.0} resting orders on ~{:.0} levels",
        stream.commands.len(),
        s.operations(),
        share(s.gtc),
        share(s.ioc),
        share(s.cancel),
        share(s.reduce),
        share(s.replace),
        s.trades,
        s.mean_resting,
        s.mean_levels,
    );

    run_whole(&stream); // warm-up pass, not reported
    let whole = run_whole(&stream);
    let histogram = run_each(&stream)?;
    let overhead = timer_overhead()?;

    let rate = stream.commands.len() as f64 / whole.as_secs_f64();
    println!(
        "throughput: {:.2} M commands/s ({:.1} ns/command; one pass timed as a whole)",
        rate / 1e6,
        whole.as_nanos() as f64 / stream.commands.len().max(1) as f64
    );
    println!(
        "latency per command (ns): p50={} p90={} p99={} p99.9={} p99.99={} max={} mean={:.1}",
        histogram.value_at_quantile(0.50),
        histogram.value_at_quantile(0.90),
        histogram.value_at_quantile(0.99),
        histogram.value_at_quantile(0.999),
        histogram.value_at_quantile(0.9999),
        histogram.max(),
        histogram.mean(),
    );
    println!(
        "note: each sample includes the timer's own cost, measured here at p50={} ns \
         p99={} ns (two Instant::now() calls, typically 20-40 ns); the max includes \
         whatever the OS did meanwhile (preemption, page faults)",
        overhead.value_at_quantile(0.50),
        overhead.value_at_quantile(0.99),
    );
    Ok(())
}

/// One pass over the stream, timed as a whole.
fn run_whole(stream: &MixedStream) -> Duration {
    let mut book = stream.book();
    let mut out: Vec<BookEvent> = Vec::with_capacity(256);
    let start = Instant::now();
    for command in &stream.commands {
        out.clear();
        let _ = black_box(apply(&mut book, command, &mut out));
    }
    let elapsed = start.elapsed();
    black_box(&book);
    elapsed
}

/// One pass over the stream, timing every command.
fn run_each(stream: &MixedStream) -> anyhow::Result<Histogram<u64>> {
    // 1 ns to 10 s at 3 significant digits; longer samples saturate.
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 10_000_000_000, 3)?;
    let mut book = stream.book();
    let mut out: Vec<BookEvent> = Vec::with_capacity(256);
    for command in &stream.commands {
        out.clear();
        let start = Instant::now();
        let _ = black_box(apply(&mut book, command, &mut out));
        let elapsed = start.elapsed();
        histogram.saturating_record(elapsed.as_nanos().try_into().unwrap_or(u64::MAX));
    }
    black_box(&book);
    Ok(histogram)
}

/// The cost of timing nothing, the same way `run_each` times a command.
fn timer_overhead() -> anyhow::Result<Histogram<u64>> {
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 10_000_000_000, 3)?;
    for _ in 0..1_000_000 {
        let start = Instant::now();
        let elapsed = black_box(start).elapsed();
        histogram.saturating_record(elapsed.as_nanos().try_into().unwrap_or(u64::MAX));
    }
    Ok(histogram)
}
