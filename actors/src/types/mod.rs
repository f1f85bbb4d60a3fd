//! The vocabulary every core shares: integer newtypes for prices, quantities
//! and money, identifiers, symbols, time and rates. Conversion from and to
//! `Decimal` happens here, at the edge, and nowhere else.

mod ids;
mod money;
mod price;
mod quantity;
mod rate;
mod side;
mod symbol;
mod time;

pub use ids::{AccountId, BookId, OrderId, TradeId};
pub use money::{Money, MoneyError};
pub use price::{Price, PriceError, TickSize};
pub use quantity::Quantity;
pub use rate::{Rate, RateError};
pub use side::Side;
pub use symbol::{Symbol, SymbolError};
pub use time::Timestamp;
