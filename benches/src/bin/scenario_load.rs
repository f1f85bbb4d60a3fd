//! A scenario headless at full speed, for its figures: wall time, events
//! per second and peak memory (VmHWM). The rows are counted, not written,
//! so the figure is the kernel's; `marketlab scenario run` adds the CSV
//! writing on top.
//!
//! ```sh
//! cargo run --release -p marketlab-benches --bin scenario_load -- scenarios/abides_rmsc03.toml
//! cargo run --release -p marketlab-benches --bin scenario_load -- benches/scenarios/day_100k.toml
//! ```

/// The server's allocator (see the platform's main.rs), so that the market
/// runs here as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use marketlab_actors::scenario::Kernel;
use marketlab_actors::scenario::record::{
    BookRow, FundamentalRow, OrderRow, QuoteRow, Recorder, TradeRow,
};

#[derive(Debug, Parser)]
struct Args {
    file: PathBuf,
    #[arg(long)]
    seed: Option<u64>,
}

#[derive(Default)]
struct Count(u64);

impl Recorder for Count {
    fn trade(&mut self, _: &TradeRow<'_>) {
        self.0 += 1;
    }
    fn quote(&mut self, _: &QuoteRow) {
        self.0 += 1;
    }
    fn book(&mut self, _: &BookRow<'_>) {
        self.0 += 1;
    }
    fn order(&mut self, _: &OrderRow<'_>) {
        self.0 += 1;
    }
    fn fundamental(&mut self, _: &FundamentalRow) {
        self.0 += 1;
    }
}

/// Peak resident memory of this process, in MiB (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut loaded = marketlab::scenario::load(&args.file)
        .map_err(|problems| anyhow::anyhow!(problems.join("\n")))?;
    if let Some(seed) = args.seed {
        loaded.scenario.seed = seed;
    }
    let bots: u64 = loaded
        .scenario
        .groups
        .iter()
        .map(|g| u64::from(g.count))
        .sum();
    let setup = Instant::now();
    let mut kernel = Kernel::new(loaded.scenario.clone(), loaded.scripts.clone())?;
    let setup = setup.elapsed();
    let mut rows = Count::default();
    let started = Instant::now();
    while !kernel.run(100_000, &mut rows)? {}
    let wall = started.elapsed().as_secs_f64();
    kernel.check_conservation().map_err(anyhow::Error::msg)?;
    let progress = kernel.progress();
    let simulated = (progress.now.0 - progress.start.0) as f64 / 1e9;
    println!(
        "{}: {bots} bots, {:.0} s simulated; setup {:.2} s; run {:.2} s wall, {} events ({:.0} events/s), {} trades, {} rows; peak RSS {:.0} MiB",
        loaded.scenario.name,
        simulated,
        setup.as_secs_f64(),
        wall,
        progress.events,
        progress.events as f64 / wall,
        progress.trades,
        rows.0,
        peak_rss_mib().unwrap_or(f64::NAN),
    );
    Ok(())
}
