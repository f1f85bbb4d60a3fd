//! Write an order stream as an order file for `replay`:
//!
//!     cargo run --release -p marketlab-benches --bin gen_orders -- 1000000 > /tmp/orders.csv
//!     cargo run --release -p marketlab-benches --bin gen_orders -- 6000000 --stream deep > /tmp/deep.csv
//!
//! Usage: gen_orders N [SEED] [--stream insert-only|deep] (seed 1 and the
//! insert-only stream by default; the same arguments always give the same
//! file). `deep` is the accumulating stream whose book grows queues some
//! N / 28 orders deep.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use benches::cli;
use benches::csv::write_orders;
use benches::streams::{deep, insert_only};

const USAGE: &str = "usage: gen_orders N [SEED] [--stream insert-only|deep]";

fn main() -> ExitCode {
    cli::run(run)
}

fn run() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let generate = match args.iter().position(|a| a == "--stream") {
        None => insert_only::orders,
        Some(at) => {
            let Some(name) = args.get(at + 1) else {
                bail!("--stream needs a name; {USAGE}");
            };
            let generate = match name.as_str() {
                "insert-only" => insert_only::orders,
                "deep" => deep::orders,
                other => bail!("unknown stream {other:?}; {USAGE}"),
            };
            args.drain(at..at + 2);
            generate
        }
    };
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
    let written = write_orders(&mut out, generate(n, seed)).and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the orders"),
    }
}
