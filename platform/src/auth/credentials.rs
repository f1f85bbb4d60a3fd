//! What a person types to register: parsed once into types that can only
//! hold acceptable values.

/// 3 to 32 characters of `a-z`, `0-9`, `_`, `.`, `-`, starting with a letter
/// or digit. Compared as typed (lowercase only, so no case confusion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

/// 8 to 128 characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// 1 to 64 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl Username {
    pub fn parse(text: &str) -> Result<Username, String> {
        let ok_chars = text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
        let ok_start = text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !(3..=32).contains(&text.len()) || !ok_chars || !ok_start {
            return Err(format!(
                "a username is 3 to 32 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit (got {} characters)",
                text.chars().count()
            ));
        }
        Ok(Username(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Password {
    pub fn parse(text: &str) -> Result<Password, String> {
        let length = text.chars().count();
        if !(8..=128).contains(&length) {
            return Err(format!("a password is 8 to 128 characters (got {length})"));
        }
        Ok(Password(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

impl DisplayName {
    pub fn parse(text: &str) -> Result<DisplayName, String> {
        let trimmed = text.trim();
        let length = trimmed.chars().count();
        if !(1..=64).contains(&length) || trimmed.chars().any(char::is_control) {
            return Err(format!(
                "a display name is 1 to 64 printable characters (got {length})"
            ));
        }
        Ok(DisplayName(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for good in ["ann", "bob_1", "a.b-c", "0day", &"x".repeat(32)] {
            assert!(Username::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "Ann",
            "_ann",
            "ann smith",
            "ann@x",
            &"x".repeat(33),
            "änn",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_and_display_names() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        assert!(Password::parse(&"p".repeat(129)).is_err());
        assert_eq!(DisplayName::parse("  Ann  ").unwrap().as_str(), "Ann");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\nb").is_err());
        assert!(DisplayName::parse(&"d".repeat(65)).is_err());
        assert!(!format!("{:?}", Password::parse("secret-password").unwrap()).contains("secret"));
    }
}
