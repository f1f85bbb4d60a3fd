use std::fmt;

/// A ticker symbol, stored inline (no allocation, `Copy`): 1 to 12 characters
/// of `A-Z`, `0-9`, `.` and `-`, starting with a letter.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol {
    len: u8,
    bytes: [u8; Symbol::MAX_LEN],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SymbolError {
    #[error("symbol must be 1 to {} characters", Symbol::MAX_LEN)]
    Length,
    #[error("symbol {0:?} may hold only A-Z, 0-9, '.' and '-', and must start with a letter")]
    Characters(String),
}

impl Symbol {
    pub const MAX_LEN: usize = 12;

    pub fn new(text: &str) -> Result<Symbol, SymbolError> {
        let raw = text.as_bytes();
        if raw.is_empty() || raw.len() > Self::MAX_LEN {
            return Err(SymbolError::Length);
        }
        let valid = raw[0].is_ascii_uppercase()
            && raw
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-');
        if !valid {
            return Err(SymbolError::Characters(text.to_owned()));
        }
        let mut bytes = [0; Self::MAX_LEN];
        bytes[..raw.len()].copy_from_slice(raw);
        Ok(Symbol {
            len: raw.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII ever gets in through `new`.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Symbol({})", self.as_str())
    }
}

/// Written as its text, and read back through [`Symbol::new`]: a journal
/// never yields a symbol the market would refuse.
impl serde::Serialize for Symbol {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Symbol {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Symbol, D::Error> {
        let text = String::deserialize(deserializer)?;
        Symbol::new(&text).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Symbol {
    type Err = SymbolError;
    fn from_str(s: &str) -> Result<Symbol, SymbolError> {
        Symbol::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_tickers() {
        for ok in ["A", "ACME", "BRK.B", "KS-005930", "ABCDEFGHIJKL"] {
            assert_eq!(Symbol::new(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn rejects_bad_tickers() {
        assert_eq!(Symbol::new(""), Err(SymbolError::Length));
        assert_eq!(Symbol::new("ABCDEFGHIJKLM"), Err(SymbolError::Length));
        for bad in ["acme", "1ACME", "AC ME", "ÄCME", ".X"] {
            assert!(
                matches!(Symbol::new(bad), Err(SymbolError::Characters(_))),
                "{bad}"
            );
        }
    }
}
