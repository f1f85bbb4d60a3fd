//! The order book must not touch the heap per order once it is warmed up
//! (DESIGN.md: "No allocation per order in the steady state"). A counting
//! global allocator proves it; it is installed for this test binary only.
//!
//! Stops are in the stream, but few at a time: waiting stops live in sorted
//! `Vec`s that only stay within their warmed-up capacity (and the cascade
//! queue within its 64) while the number of waiting stops stays bounded.
//! `expire_day_orders` and `cancel_all` are left out: they run once a
//! session, not once an order, and collect the doomed ids into a new `Vec`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use marketlab_actors::book::{
    BookConfig, BookEvent, NewOrder, OrderBook, OrderKind, StpPolicy, TimeInForce,
};
use marketlab_actors::types::{AccountId, OrderId, Price, Quantity, Side};

struct Counting;

thread_local! {
    // Per thread, so that whatever the test harness's other threads allocate
    // meanwhile does not count.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the allocator also runs while thread locals are torn down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the
// `GlobalAlloc` contract; counting touches no heap memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's guarantees for `layout` are passed on as they are.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: `ptr` came from this allocator, which is `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, which is `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// xorshift64*: a deterministic stream without a dependency, so both batches
/// have the same shape and every run the same orders.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Orders that may still rest. Bounded, and the oldest is cancelled to make
/// room, so the book (and its id index) never outgrows its capacity.
const WINDOW: usize = 512;
/// The same for stop orders, kept well below the cascade queue's capacity.
const STOP_WINDOW: usize = 32;
const MID: i64 = 10_000;

#[derive(Default)]
struct Tally {
    trades: u64,
    cancelled: u64,
    reduced: u64,
    rested: u64,
    triggered: u64,
    max_events: usize,
}

struct Stream {
    rng: Rng,
    next_id: u64,
    window: Vec<Option<OrderId>>,
    at: usize,
    stops: Vec<Option<OrderId>>,
    stop_at: usize,
}

impl Stream {
    fn new(seed: u64) -> Stream {
        Stream {
            rng: Rng(seed),
            next_id: 1,
            window: vec![None; WINDOW],
            at: 0,
            stops: vec![None; STOP_WINDOW],
            stop_at: 0,
        }
    }

    fn order(&mut self, kind: OrderKind, side: Side, tif: TimeInForce, max_qty: u64) -> NewOrder {
        let id = OrderId(self.next_id);
        self.next_id += 1;
        NewOrder {
            id,
            account: AccountId(self.rng.below(8)),
            side,
            kind,
            tif,
            quantity: Quantity(1 + self.rng.below(max_qty)),
        }
    }

    /// One command of the realistic mix: mostly passive limit orders near
    /// the touch, some that cross, cancels and reductions of resting
    /// orders, IOC, FOK, market and stop orders.
    fn step(&mut self, book: &mut OrderBook, out: &mut Vec<BookEvent>, tally: &mut Tally) {
        out.clear();
        let side = if self.rng.below(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let toward = |away: i64| match side {
            Side::Buy => Price(MID - away),
            Side::Sell => Price(MID + away),
        };
        match self.rng.below(100) {
            0..=44 => {
                // Mostly passive, some up to 5 ticks past the middle.
                let price = toward(self.rng.below(40) as i64 - 5);
                let tif = if self.rng.below(4) == 0 {
                    TimeInForce::Day
                } else {
                    TimeInForce::Gtc
                };
                let order = self.order(OrderKind::Limit { price }, side, tif, 100);
                if let Some(old) = self.window[self.at].replace(order.id) {
                    // Filled orders are gone already: UnknownOrder is fine.
                    let _ = book.cancel(old, out);
                }
                self.at = (self.at + 1) % WINDOW;
                book.submit(order, out);
                if book.resting_order(order.id).is_some() {
                    tally.rested += 1;
                }
            }
            45..=59 => {
                if let Some(id) = self.window[self.rng.below(WINDOW as u64) as usize] {
                    let _ = book.cancel(id, out);
                }
            }
            60..=69 => {
                if let Some(id) = self.window[self.rng.below(WINDOW as u64) as usize] {
                    let _ = book.reduce(id, Quantity(1 + self.rng.below(20)), out);
                }
            }
            70..=79 => {
                let price = toward(-(self.rng.below(10) as i64));
                let order = self.order(OrderKind::Limit { price }, side, TimeInForce::Ioc, 200);
                book.submit(order, out);
            }
            80..=84 => {
                let price = toward(-(self.rng.below(10) as i64));
                let order = self.order(OrderKind::Limit { price }, side, TimeInForce::Fok, 200);
                book.submit(order, out);
            }
            85..=92 => {
                // A few ticks beyond the last print on the stop's own side,
                // so that most of them fire sooner or later.
                let last = book.last_price().unwrap_or(Price(MID)).0;
                let away = 1 + self.rng.below(8) as i64;
                let trigger = match side {
                    Side::Buy => Price(last + away),
                    Side::Sell => Price(last - away),
                };
                let kind = if self.rng.below(2) == 0 {
                    OrderKind::Stop { trigger }
                } else {
                    OrderKind::StopLimit {
                        trigger,
                        price: trigger,
                    }
                };
                let order = self.order(kind, side, TimeInForce::Gtc, 50);
                if let Some(old) = self.stops[self.stop_at].replace(order.id) {
                    let _ = book.cancel(old, out);
                }
                self.stop_at = (self.stop_at + 1) % STOP_WINDOW;
                book.submit(order, out);
            }
            _ => {
                let order = self.order(OrderKind::Market, side, TimeInForce::Gtc, 100);
                book.submit(order, out);
            }
        }
        tally.max_events = tally.max_events.max(out.len());
        for event in out.iter() {
            match event {
                BookEvent::Trade(_) => tally.trades += 1,
                BookEvent::Cancelled { .. } => tally.cancelled += 1,
                BookEvent::Reduced { .. } => tally.reduced += 1,
                BookEvent::Triggered { .. } => tally.triggered += 1,
                BookEvent::Rejected { reason, .. } => panic!("stream made a bad order: {reason}"),
                _ => {}
            }
        }
    }
}

#[test]
fn the_counter_sees_allocations() {
    // Without this the main test would also pass with a dead counter.
    let before = allocations();
    let boxed = std::hint::black_box(Box::new(7u64));
    assert!(allocations() > before);
    drop(boxed);
}

#[test]
fn no_allocation_per_order_in_the_steady_state() {
    const BATCH: usize = 100_000;
    let config = BookConfig {
        max_order_quantity: Quantity(1_000),
        band: None,
        stp: StpPolicy::CancelResting,
    };
    let mut book = OrderBook::with_capacity(config, 4096);
    // Room for the largest sweep: a market order of at most 100 shares makes
    // at most one trade and one level event per share.
    let mut out = Vec::with_capacity(1024);
    let mut stream = Stream::new(0x5EED_B00C);

    let mut warm_up = Tally::default();
    for _ in 0..BATCH {
        stream.step(&mut book, &mut out, &mut warm_up);
    }

    let before = allocations();
    let mut steady = Tally::default();
    for _ in 0..BATCH {
        stream.step(&mut book, &mut out, &mut steady);
    }
    let allocated = allocations() - before;

    book.check_invariants().unwrap();
    // The batch must have exercised what it claims to.
    assert!(steady.trades > 20_000, "{} trades", steady.trades);
    assert!(steady.cancelled > 10_000, "{} cancels", steady.cancelled);
    assert!(steady.reduced > 1_000, "{} reductions", steady.reduced);
    assert!(steady.rested > 10_000, "{} rested", steady.rested);
    assert!(steady.triggered > 2_000, "{} stops fired", steady.triggered);
    assert!(book.live_orders() <= WINDOW + STOP_WINDOW);
    assert!(steady.max_events <= out.capacity());
    assert_eq!(
        allocated, 0,
        "{allocated} heap allocations in {BATCH} commands after warm-up"
    );
}
