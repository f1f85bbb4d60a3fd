//! Replay an order file through one book and count what happened:
//!
//!     cargo run --release -p marketlab-benches --bin replay -- FILE.csv
//!
//! Prints `orders=N trades=N resting=N resting_bids=N resting_asks=N`, then
//! the rate of the book alone (reading and parsing the file excluded).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use benches::cli;
use benches::csv::parse_orders;
use benches::replay::Replay;

fn main() -> ExitCode {
    cli::run(run)
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        bail!("usage: replay FILE.csv");
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let rows = parse_orders(&text).with_context(|| format!("parsing {path}"))?;

    let mut replay = Replay::new(rows.len());
    let start = Instant::now();
    for row in &rows {
        replay.feed(row)?;
    }
    let elapsed = start.elapsed();

    println!("{}", replay.summary());
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        rows.len() as f64 / secs
    } else {
        0.0
    };
    println!(
        "rate={rate:.0} orders/s ({} orders in {:.3} ms; reading and parsing excluded)",
        rows.len(),
        secs * 1e3
    );
    Ok(())
}
