//! The text enums stored in the database, each with the short uppercase
//! spelling the API uses, and conversions from and to the domain's enums
//! where the two match one to one.

use marketlab_actors::account::OrderStatus as DomainOrderStatus;
use marketlab_actors::book::{OrderKind, TimeInForce as DomainTimeInForce};
use marketlab_actors::ledger::LedgerKind as DomainLedgerKind;
use marketlab_actors::types::Side as DomainSide;
use sea_orm::entity::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "INSTRUCTOR")]
    Instructor,
    #[sea_orm(string_value = "INDIVIDUAL")]
    Individual,
    #[sea_orm(string_value = "CORPORATE")]
    Corporate,
    #[sea_orm(string_value = "BOT")]
    Bot,
}

/// Where a competition is: before its start, between its start and its
/// end, or over with its standings frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum CompetitionStatus {
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    #[sea_orm(string_value = "RUNNING")]
    Running,
    #[sea_orm(string_value = "FINISHED")]
    Finished,
}

/// What fires a price alert: a trade at or above (or at or below) a price,
/// or a change of at least a percentage from the session's reference price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum AlertKind {
    #[sea_orm(string_value = "PRICE_ABOVE")]
    PriceAbove,
    #[sea_orm(string_value = "PRICE_BELOW")]
    PriceBelow,
    #[sea_orm(string_value = "CHANGE_UP")]
    ChangeUp,
    #[sea_orm(string_value = "CHANGE_DOWN")]
    ChangeDown,
}

/// An alert waits until a trade fires it or its owner cancels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum AlertStatus {
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "FIRED")]
    Fired,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// Where a dividend is: declared, its holders of record taken (and the
/// issuer's cash set aside), paid, or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum DividendStatus {
    #[sea_orm(string_value = "DECLARED")]
    Declared,
    #[sea_orm(string_value = "RECORDED")]
    Recorded,
    #[sea_orm(string_value = "PAID")]
    Paid,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Side {
    #[sea_orm(string_value = "BUY")]
    Buy,
    #[sea_orm(string_value = "SELL")]
    Sell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum OrderType {
    #[sea_orm(string_value = "MARKET")]
    Market,
    #[sea_orm(string_value = "LIMIT")]
    Limit,
    #[sea_orm(string_value = "STOP")]
    Stop,
    #[sea_orm(string_value = "STOP_LIMIT")]
    StopLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum TimeInForce {
    #[sea_orm(string_value = "GTC")]
    Gtc,
    #[sea_orm(string_value = "DAY")]
    Day,
    #[sea_orm(string_value = "IOC")]
    Ioc,
    #[sea_orm(string_value = "FOK")]
    Fok,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum OrderStatus {
    #[sea_orm(string_value = "PENDING_TRIGGER")]
    PendingTrigger,
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "PARTIALLY_FILLED")]
    PartiallyFilled,
    #[sea_orm(string_value = "FILLED")]
    Filled,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
    #[sea_orm(string_value = "EXPIRED")]
    Expired,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
}

impl OrderStatus {
    /// The statuses of an order still live in its book: resting, or a stop
    /// waiting for its trigger.
    pub const LIVE: [OrderStatus; 3] = [
        OrderStatus::PendingTrigger,
        OrderStatus::Open,
        OrderStatus::PartiallyFilled,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum LedgerKind {
    #[sea_orm(string_value = "DEPOSIT")]
    Deposit,
    #[sea_orm(string_value = "WITHDRAWAL")]
    Withdrawal,
    #[sea_orm(string_value = "BUY")]
    Buy,
    #[sea_orm(string_value = "SELL")]
    Sell,
    #[sea_orm(string_value = "FEE")]
    Fee,
    #[sea_orm(string_value = "TAX")]
    Tax,
    #[sea_orm(string_value = "DIVIDEND")]
    Dividend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum BotStatus {
    #[sea_orm(string_value = "RUNNING")]
    Running,
    #[sea_orm(string_value = "STOPPED")]
    Stopped,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum RunStatus {
    #[sea_orm(string_value = "RUNNING")]
    Running,
    #[sea_orm(string_value = "PAUSED")]
    Paused,
    /// Ran its whole duration.
    #[sea_orm(string_value = "FINISHED")]
    Finished,
    /// Stopped by an admin or an instructor, or cut short by a restart.
    #[sea_orm(string_value = "STOPPED")]
    Stopped,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

impl From<DomainSide> for Side {
    fn from(side: DomainSide) -> Side {
        match side {
            DomainSide::Buy => Side::Buy,
            DomainSide::Sell => Side::Sell,
        }
    }
}

impl From<Side> for DomainSide {
    fn from(side: Side) -> DomainSide {
        match side {
            Side::Buy => DomainSide::Buy,
            Side::Sell => DomainSide::Sell,
        }
    }
}

impl From<OrderKind> for OrderType {
    fn from(kind: OrderKind) -> OrderType {
        match kind {
            OrderKind::Market => OrderType::Market,
            OrderKind::Limit { .. } => OrderType::Limit,
            OrderKind::Stop { .. } => OrderType::Stop,
            OrderKind::StopLimit { .. } => OrderType::StopLimit,
        }
    }
}

impl From<DomainTimeInForce> for TimeInForce {
    fn from(tif: DomainTimeInForce) -> TimeInForce {
        match tif {
            DomainTimeInForce::Gtc => TimeInForce::Gtc,
            DomainTimeInForce::Day => TimeInForce::Day,
            DomainTimeInForce::Ioc => TimeInForce::Ioc,
            DomainTimeInForce::Fok => TimeInForce::Fok,
        }
    }
}

impl From<TimeInForce> for DomainTimeInForce {
    fn from(tif: TimeInForce) -> DomainTimeInForce {
        match tif {
            TimeInForce::Gtc => DomainTimeInForce::Gtc,
            TimeInForce::Day => DomainTimeInForce::Day,
            TimeInForce::Ioc => DomainTimeInForce::Ioc,
            TimeInForce::Fok => DomainTimeInForce::Fok,
        }
    }
}

impl From<DomainOrderStatus> for OrderStatus {
    fn from(status: DomainOrderStatus) -> OrderStatus {
        match status {
            DomainOrderStatus::PendingTrigger => OrderStatus::PendingTrigger,
            DomainOrderStatus::Open => OrderStatus::Open,
            DomainOrderStatus::PartiallyFilled => OrderStatus::PartiallyFilled,
            DomainOrderStatus::Filled => OrderStatus::Filled,
            DomainOrderStatus::Cancelled => OrderStatus::Cancelled,
            DomainOrderStatus::Expired => OrderStatus::Expired,
            DomainOrderStatus::Rejected => OrderStatus::Rejected,
        }
    }
}

impl From<OrderStatus> for DomainOrderStatus {
    fn from(status: OrderStatus) -> DomainOrderStatus {
        match status {
            OrderStatus::PendingTrigger => DomainOrderStatus::PendingTrigger,
            OrderStatus::Open => DomainOrderStatus::Open,
            OrderStatus::PartiallyFilled => DomainOrderStatus::PartiallyFilled,
            OrderStatus::Filled => DomainOrderStatus::Filled,
            OrderStatus::Cancelled => DomainOrderStatus::Cancelled,
            OrderStatus::Expired => DomainOrderStatus::Expired,
            OrderStatus::Rejected => DomainOrderStatus::Rejected,
        }
    }
}

impl From<DomainLedgerKind> for LedgerKind {
    fn from(kind: DomainLedgerKind) -> LedgerKind {
        match kind {
            DomainLedgerKind::Deposit => LedgerKind::Deposit,
            DomainLedgerKind::Withdrawal => LedgerKind::Withdrawal,
            DomainLedgerKind::Buy => LedgerKind::Buy,
            DomainLedgerKind::Sell => LedgerKind::Sell,
            DomainLedgerKind::Fee => LedgerKind::Fee,
            DomainLedgerKind::Tax => LedgerKind::Tax,
            DomainLedgerKind::Dividend => LedgerKind::Dividend,
        }
    }
}

impl From<LedgerKind> for DomainLedgerKind {
    fn from(kind: LedgerKind) -> DomainLedgerKind {
        match kind {
            LedgerKind::Deposit => DomainLedgerKind::Deposit,
            LedgerKind::Withdrawal => DomainLedgerKind::Withdrawal,
            LedgerKind::Buy => DomainLedgerKind::Buy,
            LedgerKind::Sell => DomainLedgerKind::Sell,
            LedgerKind::Fee => DomainLedgerKind::Fee,
            LedgerKind::Tax => DomainLedgerKind::Tax,
            LedgerKind::Dividend => DomainLedgerKind::Dividend,
        }
    }
}
