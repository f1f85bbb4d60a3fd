//! An account's money and shares (being written).
