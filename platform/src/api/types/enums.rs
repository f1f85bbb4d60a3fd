//! The contract's enums, each mapped one to one onto the stored enum of the
//! same name (which maps onto the domain's).

use async_graphql::Enum;

use crate::persistence::entities::enums as db;

macro_rules! mirror_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
        pub enum $name { $($variant),+ }

        impl From<db::$name> for $name {
            fn from(value: db::$name) -> $name {
                match value { $(db::$name::$variant => $name::$variant),+ }
            }
        }

        impl From<$name> for db::$name {
            fn from(value: $name) -> db::$name {
                match value { $($name::$variant => db::$name::$variant),+ }
            }
        }
    };
}

mirror_enum!(Role {
    Admin,
    Instructor,
    Individual,
    Corporate,
    Bot
});
mirror_enum!(Side { Buy, Sell });
mirror_enum!(OrderType {
    Market,
    Limit,
    Stop,
    StopLimit
});
mirror_enum!(TimeInForce { Gtc, Day, Ioc, Fok });
mirror_enum!(OrderStatus {
    PendingTrigger,
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
    Expired,
    Rejected,
});
mirror_enum!(LedgerKind {
    Deposit,
    Withdrawal,
    Buy,
    Sell,
    Fee,
    Tax,
    Dividend
});
mirror_enum!(BotStatus {
    Running,
    Stopped,
    Failed
});
mirror_enum!(RunStatus {
    Running,
    Paused,
    Finished,
    Stopped,
    Failed
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum CandleInterval {
    M1,
    M5,
    M15,
    H1,
    D1,
}

mirror_enum!(
    /// Where a dividend is: DECLARED, RECORDED (its holders of record taken
    /// and the issuer's cash set aside), PAID, or CANCELLED (the issuer could
    /// not pay all of it at the record time, or the company was delisted).
    DividendStatus {
        Declared,
        Recorded,
        Paid,
        Cancelled
    }
);

mirror_enum!(
    /// SCHEDULED before its start, RUNNING until its end, then FINISHED with
    /// its standings frozen.
    CompetitionStatus {
        Scheduled,
        Running,
        Finished
    }
);

mirror_enum!(
    /// PRICE_ABOVE and PRICE_BELOW fire on a trade at or beyond `level`;
    /// CHANGE_UP and CHANGE_DOWN on a trade at least `level` percent from
    /// the session's reference price.
    AlertKind {
        PriceAbove,
        PriceBelow,
        ChangeUp,
        ChangeDown
    }
);

mirror_enum!(
    /// ACTIVE until a trade fires it (FIRED) or its owner cancels it
    /// (CANCELLED).
    AlertStatus {
        Active,
        Fired,
        Cancelled
    }
);
