//! Order book core throughput: `cargo bench -p marketlab-benches --bench book`.
//!
//! Targets (one core): insert-only >= 6 M orders/s (Liquibook, C++, does
//! ~5 M/s on this stream), mixed >= 3 M commands/s, sweep <= 50 ns per fill.
//! The deep stream has no criterion target: its target (>= 7.5 M orders/s)
//! is `replay`'s on 6 M orders, and 1 M here keeps a run short while its
//! queues still grow ~36 k orders deep.
//! Criterion reports the sweep's time per sweep of 1,000 fills, so its time
//! in microseconds reads directly as nanoseconds per fill.
//!
//! Every measured book is fresh (built by an untimed setup), and dropping it
//! happens outside the timing too: criterion drops routine outputs after the
//! clock stops.

use std::hint::black_box;
use std::time::Duration;

use benches::streams::mixed::{MixedConfig, MixedStream};
use benches::streams::sweep::Sweep;
use benches::streams::{deep, insert_only};
use benches::{Command, apply};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use marketlab_actors::book::{BookConfig, BookEvent, OrderBook};

const SEED: u64 = 1;
const INSERT_BATCH: usize = 100_000;
const MIXED_BATCH: usize = 200_000;
const SWEEP_FILLS: u64 = 1_000;
const DEEP_BATCH: usize = 1_000_000;

/// The measured loop: what a book actor would do per command, minus the
/// publishing of the events.
fn run(book: &mut OrderBook, commands: &[Command], out: &mut Vec<BookEvent>) {
    for command in commands {
        out.clear();
        let _ = black_box(apply(book, command, out));
    }
}

/// One group timing `commands` fed into a fresh book per iteration; a
/// large batch gets fewer, longer samples than criterion's default.
fn fresh_book(
    c: &mut Criterion,
    group: &str,
    name: &str,
    commands: &[Command],
    (samples, seconds): (usize, u64),
) {
    let mut out = Vec::with_capacity(64);
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Elements(commands.len() as u64));
    group
        .sample_size(samples)
        .measurement_time(Duration::from_secs(seconds));
    group.bench_function(name, |b| {
        b.iter_batched(
            || OrderBook::with_capacity(BookConfig::default(), commands.len()),
            |mut book| {
                run(&mut book, commands, &mut out);
                book
            },
            // One book (several MB at this capacity) alive at a time.
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn insert_only(c: &mut Criterion) {
    // A batch takes ~20 ms.
    let commands = insert_only::commands(INSERT_BATCH, SEED);
    fresh_book(
        c,
        "insert_only",
        "100k_orders_fresh_book",
        &commands,
        (30, 10),
    );
}

fn deep(c: &mut Criterion) {
    // A batch takes ~150 ms: criterion's fewest samples.
    let commands = deep::commands(DEEP_BATCH, SEED);
    fresh_book(c, "deep", "1m_orders_fresh_book", &commands, (10, 15));
}

fn mixed(c: &mut Criterion) {
    let stream = MixedStream::generate(MixedConfig::new(MIXED_BATCH, SEED));
    let mut out = Vec::with_capacity(256);
    let mut group = c.benchmark_group("mixed");
    group.throughput(Throughput::Elements(stream.commands.len() as u64));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("200k_commands_1k_resting", |b| {
        b.iter_batched(
            || stream.book(),
            |mut book| {
                run(&mut book, &stream.commands, &mut out);
                book
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn sweep(c: &mut Criterion) {
    let mut group = c.benchmark_group("sweep");
    group.throughput(Throughput::Elements(SWEEP_FILLS));
    for per_level in [1, 4] {
        let sweep = Sweep::new(SWEEP_FILLS, per_level);
        let mut out = sweep.events_buffer();
        let name = format!("1000_fills_{per_level}_per_level");
        group.bench_function(name, |b| {
            b.iter_batched(
                || sweep.book(),
                |mut book| {
                    out.clear();
                    let _ = black_box(apply(&mut book, &sweep.sweep, &mut out));
                    book
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(book, insert_only, mixed, sweep, deep);
criterion_main!(book);
