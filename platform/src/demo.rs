//! `serve --demo`: a few companies in a few sectors, so a newcomer sees a
//! market at once.

use marketlab_actors::book::{BookConfig, PriceBand};
use marketlab_actors::market::Market;
use marketlab_actors::types::{Money, Symbol, TickSize};

/// (symbol, IPO price in cents)
const COMPANIES: [(&str, i64); 4] = [
    ("ACME", 10_000),
    ("BOLT", 2_550),
    ("CORE", 48_000),
    ("DYNA", 7_325),
];

/// Open one book per demo company, banded +-30% around its IPO price.
pub fn list_companies(market: &Market) -> anyhow::Result<()> {
    for (symbol, ipo_cents) in COMPANIES {
        let tick = TickSize::CENT;
        let config = BookConfig {
            band: Some(PriceBand {
                reference: tick.floor(Money(ipo_cents)),
                percent_bps: 3000,
            }),
            ..BookConfig::default()
        };
        market.open_book(Symbol::new(symbol)?, tick, config)?;
    }
    Ok(())
}
