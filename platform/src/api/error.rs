//! The API's one error type. Every error reaches the client with
//! `extensions.code` set to one of the contract's codes and a message a
//! person can act on.

use marketlab_actors::account::{MandateBreach, OrderError};
use marketlab_actors::book::RejectReason;
use marketlab_actors::ledger::LedgerError;
use marketlab_actors::market::MarketError;
use sea_orm::DbErr;

use crate::listing::ListingError;

/// Not `Display` on purpose: async-graphql turns anything displayable into
/// an error without a code, and this type must only ever become one with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    Unauthenticated(String),
    Forbidden(String),
    BadInput(String),
    NotFound(String),
    Conflict(String),
    InsufficientFunds(String),
    InsufficientShares(String),
    MarketHalted(String),
    /// An order an account's risk limits refuse: `limit` names the limit
    /// (as the API spells it), `value` is its setting.
    RiskLimit {
        message: String,
        limit: &'static str,
        value: String,
    },
    RateLimited {
        per_second: u32,
        burst: u32,
    },
    ScriptError(String),
    /// Never shown in detail: the message is logged, the client gets a
    /// generic one.
    Internal(String),
}

impl ApiError {
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthenticated(m)
            | ApiError::Forbidden(m)
            | ApiError::BadInput(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::InsufficientFunds(m)
            | ApiError::InsufficientShares(m)
            | ApiError::MarketHalted(m)
            | ApiError::ScriptError(m) => m.clone(),
            ApiError::RiskLimit { message, .. } => message.clone(),
            ApiError::RateLimited { per_second, burst } => {
                format!("too many requests: at most {per_second} per second with bursts of {burst}")
            }
            ApiError::Internal(_) => "internal error".to_owned(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::BadInput(_) => "BAD_USER_INPUT",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::InsufficientFunds(_) => "INSUFFICIENT_FUNDS",
            ApiError::InsufficientShares(_) => "INSUFFICIENT_SHARES",
            ApiError::MarketHalted(_) => "MARKET_HALTED",
            ApiError::RiskLimit { .. } => "RISK_LIMIT",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::ScriptError(_) => "SCRIPT_ERROR",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    pub fn bad_input(message: impl Into<String>) -> ApiError {
        ApiError::BadInput(message.into())
    }

    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(error.to_string())
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> async_graphql::Error {
        if let ApiError::Internal(detail) = &error {
            tracing::error!("internal error answering a request: {detail}");
        }
        let code = error.code();
        async_graphql::ErrorExtensions::extend_with(
            async_graphql::Error::new(error.message()),
            |_, e| {
                e.set("code", code);
                if let ApiError::RiskLimit { limit, value, .. } = &error {
                    e.set("limit", *limit);
                    e.set("limitValue", value.as_str());
                }
            },
        )
    }
}

impl From<DbErr> for ApiError {
    fn from(error: DbErr) -> ApiError {
        ApiError::internal(format!("database: {error}"))
    }
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> ApiError {
        let message = error.to_string();
        match error {
            LedgerError::InsufficientFunds { .. } => ApiError::InsufficientFunds(message),
            LedgerError::InsufficientShares { .. } => ApiError::InsufficientShares(message),
            LedgerError::Conflict(_) | LedgerError::DuplicateOrder(_) => {
                ApiError::Conflict(message)
            }
            LedgerError::UnknownOrder(_) => ApiError::NotFound(message),
            LedgerError::NotPositive(_)
            | LedgerError::AboveLimit { .. }
            | LedgerError::ZeroQuantity
            | LedgerError::InvalidPrice(_)
            | LedgerError::Overflow => ApiError::BadInput(message),
            LedgerError::BeyondLimit { .. }
            | LedgerError::Overfill { .. }
            | LedgerError::InvalidConfig(_) => ApiError::Internal(message),
        }
    }
}

impl From<OrderError> for ApiError {
    fn from(error: OrderError) -> ApiError {
        let message = error.to_string();
        match error {
            OrderError::Ledger(e) => e.into(),
            OrderError::Invalid(RejectReason::Halted) => ApiError::MarketHalted(message),
            OrderError::Invalid(_)
            | OrderError::NoProtectionPrice
            | OrderError::ClientOrderIdTooLong(_) => ApiError::BadInput(message),
            OrderError::UnknownOrder(_) => ApiError::NotFound(message),
            OrderError::NotOpen(_) => ApiError::Conflict(message),
            OrderError::UnknownSymbol(_) => ApiError::NotFound(message),
            OrderError::BookUnavailable => ApiError::Internal(message),
            OrderError::Risk(breach) => ApiError::RiskLimit {
                message,
                limit: breach.limit_name(),
                value: breach.limit_value(),
            },
            OrderError::BeingAmended(_) => ApiError::Conflict(message),
            OrderError::Mandate(MandateBreach::OutsideWindow) => ApiError::MarketHalted(message),
            OrderError::Mandate(MandateBreach::SymbolNotAllowed(_)) => ApiError::Forbidden(message),
            OrderError::BelowFilled { .. } | OrderError::AmendChangesOrder => {
                ApiError::BadInput(message)
            }
        }
    }
}

impl From<ListingError> for ApiError {
    fn from(error: ListingError) -> ApiError {
        match error {
            ListingError::Market(e) => e.into(),
            ListingError::Database(e) => e.into(),
            ListingError::TooLarge(_) => ApiError::internal(error.to_string()),
        }
    }
}

impl From<MarketError> for ApiError {
    fn from(error: MarketError) -> ApiError {
        let message = error.to_string();
        match error {
            MarketError::AlreadyListed(_) | MarketError::AccountOpen(_) => {
                ApiError::Conflict(message)
            }
            MarketError::UnknownIssuer(_) => ApiError::NotFound(message),
            MarketError::EmptyIssue | MarketError::OffTick { .. } => ApiError::BadInput(message),
            MarketError::Allotment(e) => e.into(),
            MarketError::IssuerUnavailable => ApiError::Internal(message),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use marketlab_actors::types::{Money, OrderId, Quantity, Symbol};

    use super::*;

    fn code_of(error: impl Into<ApiError>) -> &'static str {
        error.into().code()
    }

    #[test]
    fn domain_errors_map_to_the_contract_codes() {
        let acme = Symbol::new("ACME").unwrap();
        assert_eq!(
            code_of(LedgerError::InsufficientFunds {
                needed: Money(2),
                available: Money(1)
            }),
            "INSUFFICIENT_FUNDS"
        );
        assert_eq!(
            code_of(OrderError::Ledger(LedgerError::InsufficientShares {
                symbol: acme,
                needed: Quantity(2),
                available: Quantity(1)
            })),
            "INSUFFICIENT_SHARES"
        );
        assert_eq!(
            code_of(OrderError::Invalid(RejectReason::Halted)),
            "MARKET_HALTED"
        );
        assert_eq!(
            code_of(OrderError::Invalid(RejectReason::ZeroQuantity)),
            "BAD_USER_INPUT"
        );
        assert_eq!(code_of(OrderError::UnknownOrder(OrderId(1))), "NOT_FOUND");
        assert_eq!(code_of(OrderError::NotOpen(OrderId(1))), "CONFLICT");
        assert_eq!(code_of(MarketError::AlreadyListed(acme)), "CONFLICT");
        assert_eq!(code_of(LedgerError::Overflow), "BAD_USER_INPUT");
        assert_eq!(code_of(DbErr::Custom("boom".into())), "INTERNAL");
    }

    #[test]
    fn the_code_reaches_the_graphql_error_and_internals_stay_inside() {
        let error: async_graphql::Error = ApiError::Internal("secret detail".into()).into();
        assert_eq!(error.message, "internal error");
        let server = error.into_server_error(Default::default());
        let code = server
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned();
        assert_eq!(code, Some(async_graphql::Value::from("INTERNAL")));
    }
}
