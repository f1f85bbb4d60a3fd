use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An order, unique across the whole market (assigned before the order reaches a book).
    OrderId
);
id_type!(
    /// An account: a person, a company's issuer account or a bot.
    AccountId
);
id_type!(
    /// One match between an incoming and a resting order, unique across the market.
    TradeId
);
