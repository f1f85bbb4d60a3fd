//! Cash dividends as the API shows them.

use async_graphql::{ID, InputObject, SimpleObject};
use marketlab_actors::types::Money;
use rust_decimal::Decimal;

use super::enums::DividendStatus;
use crate::api::scalars::{DateTime, Dec};
use crate::persistence::entities::dividend;
use marketlab_actors::ledger::dividends::PER_SHARE_DECIMALS;

/// A cash dividend a company declared.
#[derive(Debug, Clone, SimpleObject)]
pub struct Dividend {
    pub id: ID,
    pub symbol: String,
    /// Per share, up to six decimals; each holder's payment is rounded half
    /// to even to the cent, and the issuer pays exactly what holders get.
    pub amount_per_share: Dec,
    pub declared_at: DateTime,
    /// Holders at this time are paid (the issuer's own shares are not).
    pub record_time: DateTime,
    pub pay_time: DateTime,
    pub status: DividendStatus,
    /// What the issuer set aside for the holders of record, once recorded.
    pub total: Option<Dec>,
    /// Why it was cancelled.
    pub note: Option<String>,
}

impl From<dividend::Model> for Dividend {
    fn from(row: dividend::Model) -> Dividend {
        Dividend {
            id: ID(row.id.to_string()),
            symbol: row.symbol,
            amount_per_share: Dec(
                Decimal::new(row.per_share_micros, PER_SHARE_DECIMALS).normalize()
            ),
            declared_at: row.declared_at.into(),
            record_time: row.record_at.into(),
            pay_time: row.pay_at.into(),
            status: row.status.into(),
            total: row.total.map(|t| Money(t).into()),
            note: row.note,
        }
    }
}

#[derive(Debug, Clone, InputObject)]
pub struct DeclareDividendInput {
    pub symbol: String,
    /// Positive, at most six decimals.
    pub amount_per_share: Dec,
    /// Not in the past.
    pub record_time: DateTime,
    /// Not before the record time.
    pub pay_time: DateTime,
}
