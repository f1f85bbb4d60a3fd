use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[derive(serde::Serialize, serde::Deserialize)]
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
    /// One match between an incoming and a resting order, unique across the
    /// market: the book's number in the high bits, the trade's sequence
    /// number in that book in the low 40 (a trillion changes per book).
    TradeId
);

/// A book's number in the market, given at listing and never reused.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct BookId(pub u32);

impl TradeId {
    const SEQ_BITS: u32 = 40;

    pub fn new(book: BookId, seq: u64) -> TradeId {
        debug_assert!(seq < 1 << Self::SEQ_BITS);
        TradeId((u64::from(book.0) << Self::SEQ_BITS) | seq)
    }

    pub fn book(self) -> BookId {
        BookId((self.0 >> Self::SEQ_BITS) as u32)
    }

    pub fn seq(self) -> u64 {
        self.0 & ((1 << Self::SEQ_BITS) - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trade_ids_carry_book_and_sequence() {
        let id = TradeId::new(BookId(7), 123_456);
        assert_eq!((id.book(), id.seq()), (BookId(7), 123_456));
        assert_ne!(TradeId::new(BookId(1), 5), TradeId::new(BookId(2), 5));
    }
}
