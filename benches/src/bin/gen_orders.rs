//! Write the insert-only stream as an order file for `replay`:
//!
//!     cargo run --release -p marketlab-benches --bin gen_orders -- 1000000 > /tmp/orders.csv
//!
//! Usage: gen_orders N [SEED] (seed 1 by default; the same seed always gives
//! the same file).

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use benches::cli;
use benches::csv::write_orders;
use benches::streams::insert_only;

const USAGE: &str = "usage: gen_orders N [SEED]";

fn main() -> ExitCode {
    cli::run(run)
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (n, seed) = match args.as_slice() {
        [n] => (n, "1"),
        [n, seed] => (n, seed.as_str()),
        _ => bail!("{USAGE}"),
    };
    let n: usize = n
        .parse()
        .with_context(|| format!("N must be a count, found {n:?}; {USAGE}"))?;
    let seed: u64 = seed
        .parse()
        .with_context(|| format!("SEED must be a u64, found {seed:?}; {USAGE}"))?;
    // Written through a fallible writer, not `println!`, which panics when
    // the reader goes away; a reader that stops early (`| head`) ends the
    // program quietly, any other write error with a message.
    let mut out = BufWriter::new(io::stdout().lock());
    let written = write_orders(&mut out, insert_only::orders(n, seed)).and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the orders"),
    }
}
