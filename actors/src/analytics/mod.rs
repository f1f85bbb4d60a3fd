//! Analytics for the classroom: technical indicators over candles
//! ([`indicators`]) and the performance of an account's equity curve
//! ([`performance`]). Pure functions of their inputs: no clock, no random
//! numbers, no I/O.
//!
//! Money comes in as whole cents; results are [`rust_decimal::Decimal`],
//! never floats, so the same inputs give the same digits on every machine
//! and the API can show them as decimal strings. Each result is rounded
//! once, on the way out (half to even), to the scale its module documents;
//! the arithmetic before that keeps Decimal's full 28 digits.

mod exact;
pub mod indicators;
pub mod performance;
