use super::events::RejectReason;
use super::order::OrderKind;
use crate::types::{BookId, Money, Price, Quantity, Symbol, TickSize};

/// What every order for a company is checked and priced against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Listing {
    pub book: BookId,
    pub symbol: Symbol,
    pub tick: TickSize,
    pub config: BookConfig,
}

/// What happens when an incoming order would trade with a resting order of
/// the same account.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum StpPolicy {
    /// Cancel the resting order and keep matching the incoming one.
    #[default]
    CancelResting,
    /// Cancel what is left of the incoming order; the resting one stays.
    CancelIncoming,
    /// Cancel both.
    CancelBoth,
}

/// Orders must be priced within `percent_bps` basis points of `reference`
/// (3000 = +-30%); market orders do not trade beyond the band either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PriceBand {
    pub reference: Price,
    pub percent_bps: u32,
}

impl PriceBand {
    /// The lowest and highest admissible prices, rounded toward the
    /// reference so the band is never wider than configured; never below
    /// one tick.
    pub fn limits(self) -> (Price, Price) {
        let reach =
            i64::try_from(i128::from(self.reference.0) * i128::from(self.percent_bps) / 10_000)
                .unwrap_or(i64::MAX);
        let low = self.reference.0.saturating_sub(reach).max(1);
        let high = self.reference.0.saturating_add(reach);
        (Price(low), Price(high))
    }
}

/// The checks an order must pass whatever the state of the book: a
/// quantity from 1 to `max`, positive prices, within the band's limits
/// (`band`, when there is one). The book adds its own (halted, duplicate
/// id); an account runs these before it reserves anything, so an order the
/// book would refuse never holds money.
pub fn check_order(
    kind: OrderKind,
    quantity: Quantity,
    max: Quantity,
    band: Option<(Price, Price)>,
) -> Result<(), RejectReason> {
    if quantity.is_zero() {
        return Err(RejectReason::ZeroQuantity);
    }
    if quantity > max {
        return Err(RejectReason::QuantityTooLarge { max });
    }
    for price in [kind.limit_price(), kind.trigger_price()]
        .into_iter()
        .flatten()
    {
        if price.0 <= 0 {
            return Err(RejectReason::PriceNotPositive);
        }
        if let Some((low, high)) = band
            && (price < low || price > high)
        {
            return Err(RejectReason::OutsideBand { price, low, high });
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BookConfig {
    pub max_order_quantity: Quantity,
    pub band: Option<PriceBand>,
    pub stp: StpPolicy,
}

/// The band a listing gets unless it asks for another: +-30% of the
/// reference price.
pub const DEFAULT_BAND_BPS: u32 = 3000;

impl BookConfig {
    /// A newly listed company's book: banded `band_bps` around its IPO
    /// price (the first reference price), or unbanded.
    pub fn listed_at(tick: TickSize, ipo_price: Money, band_bps: Option<u32>) -> BookConfig {
        BookConfig {
            band: band_bps.map(|percent_bps| PriceBand {
                reference: tick.floor(ipo_price),
                percent_bps,
            }),
            ..BookConfig::default()
        }
    }
}

impl Default for BookConfig {
    fn default() -> Self {
        BookConfig {
            max_order_quantity: Quantity(1_000_000_000),
            band: None,
            stp: StpPolicy::CancelResting,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_limits_round_toward_the_reference() {
        let band = PriceBand {
            reference: Price(1001),
            percent_bps: 3000,
        };
        assert_eq!(band.limits(), (Price(701), Price(1301)));
        let tiny = PriceBand {
            reference: Price(1),
            percent_bps: 10_000,
        };
        assert_eq!(tiny.limits(), (Price(1), Price(2)));
    }
}
