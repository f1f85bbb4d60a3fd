//! Where and when an account may place orders. A competition's account
//! trades only within the competition's window and only the symbols it
//! allows; every other account has no mandate and may trade anything at any
//! time. Cancelling and reducing are always allowed.

use crate::types::{Symbol, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mandate {
    /// From the first instant to before the second.
    pub window: Option<(Timestamp, Timestamp)>,
    /// `None` allows every symbol.
    pub symbols: Option<Vec<Symbol>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MandateBreach {
    #[error("this account trades only while its competition runs")]
    OutsideWindow,
    #[error("this account's competition does not trade {0}")]
    SymbolNotAllowed(Symbol),
}

impl Mandate {
    pub fn check(&self, symbol: Symbol, at: Timestamp) -> Result<(), MandateBreach> {
        if let Some((start, end)) = self.window
            && !(start <= at && at < end)
        {
            return Err(MandateBreach::OutsideWindow);
        }
        if let Some(symbols) = &self.symbols
            && !symbols.contains(&symbol)
        {
            return Err(MandateBreach::SymbolNotAllowed(symbol));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_includes_its_start_and_excludes_its_end() {
        let acme = Symbol::new("ACME").unwrap();
        let mandate = Mandate {
            window: Some((Timestamp(10), Timestamp(20))),
            symbols: None,
        };
        assert_eq!(
            mandate.check(acme, Timestamp(9)),
            Err(MandateBreach::OutsideWindow)
        );
        assert_eq!(mandate.check(acme, Timestamp(10)), Ok(()));
        assert_eq!(mandate.check(acme, Timestamp(19)), Ok(()));
        assert_eq!(
            mandate.check(acme, Timestamp(20)),
            Err(MandateBreach::OutsideWindow)
        );
        assert_eq!(Mandate::default().check(acme, Timestamp(i64::MAX)), Ok(()));
    }

    #[test]
    fn only_listed_symbols_are_allowed() {
        let (acme, bolt) = (Symbol::new("ACME").unwrap(), Symbol::new("BOLT").unwrap());
        let mandate = Mandate {
            window: None,
            symbols: Some(vec![acme]),
        };
        assert_eq!(mandate.check(acme, Timestamp(0)), Ok(()));
        assert_eq!(
            mandate.check(bolt, Timestamp(0)),
            Err(MandateBreach::SymbolNotAllowed(bolt))
        );
    }
}
