//! Access tokens (JWT, HS256) and refresh tokens (random, opaque).

use std::sync::Mutex;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::rngs::ChaCha20Rng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSettings {
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

impl Default for TokenSettings {
    fn default() -> TokenSettings {
        TokenSettings {
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
        }
    }
}

/// What an access token says. `exp` and `iat` are seconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the access token is malformed or its signature is wrong")]
    Malformed,
    #[error("the access token expired; refresh it")]
    Expired,
}

/// Signs and checks tokens. The secret never leaves this struct (and its
/// `Debug` does not show it).
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    settings: TokenSettings,
    entropy: Mutex<ChaCha20Rng>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// `seed` feeds refresh tokens and salts: from the OS in the server.
    pub fn new(secret: &[u8], settings: TokenSettings, seed: [u8; 32]) -> Tokens {
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            settings,
            entropy: Mutex::new(ChaCha20Rng::from_seed(seed)),
        }
    }

    pub fn settings(&self) -> TokenSettings {
        self.settings
    }

    /// An access token for `account`, and when it expires (seconds).
    pub fn issue_access(&self, account: i64, now_secs: i64) -> (String, i64) {
        let exp = now_secs + self.settings.access_ttl_secs;
        let claims = AccessClaims {
            sub: account.to_string(),
            iat: now_secs,
            exp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail");
        (token, exp)
    }

    /// The account an access token speaks for, if it is genuine and not
    /// expired at `now_secs` (our clock, not the system's).
    pub fn verify_access(&self, token: &str, now_secs: i64) -> Result<i64, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation)
            .map_err(|_| AuthError::Malformed)?;
        if data.claims.exp <= now_secs {
            return Err(AuthError::Expired);
        }
        data.claims.sub.parse().map_err(|_| AuthError::Malformed)
    }

    /// A new refresh token and the hash under which it is stored.
    pub fn new_refresh_token(&self) -> (String, String) {
        let mut bytes = [0u8; 32];
        self.fill(&mut bytes);
        let token = hex::encode(bytes);
        let hash = refresh_token_hash(&token);
        (token, hash)
    }

    /// Random bytes for a password salt.
    pub fn salt(&self) -> [u8; 16] {
        let mut salt = [0u8; 16];
        self.fill(&mut salt);
        salt
    }

    fn fill(&self, bytes: &mut [u8]) {
        self.entropy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .fill_bytes(bytes);
    }
}

pub fn refresh_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(secret: &[u8]) -> Tokens {
        Tokens::new(secret, TokenSettings::default(), [1; 32])
    }

    #[test]
    fn an_access_token_round_trips_until_it_expires() {
        let tokens = tokens(b"secret");
        let (token, exp) = tokens.issue_access(42, 1_000);
        assert_eq!(exp, 1_000 + 15 * 60);
        assert_eq!(tokens.verify_access(&token, 1_000), Ok(42));
        assert_eq!(tokens.verify_access(&token, exp - 1), Ok(42));
        assert_eq!(tokens.verify_access(&token, exp), Err(AuthError::Expired));
    }

    #[test]
    fn a_forged_or_garbled_token_is_refused() {
        let (token, _) = tokens(b"other secret").issue_access(42, 1_000);
        let ours = tokens(b"secret");
        assert_eq!(ours.verify_access(&token, 1_000), Err(AuthError::Malformed));
        assert_eq!(
            ours.verify_access("abc.def.ghi", 1_000),
            Err(AuthError::Malformed)
        );
        assert_eq!(ours.verify_access("", 1_000), Err(AuthError::Malformed));
    }

    #[test]
    fn refresh_tokens_are_fresh_and_stored_hashed() {
        let tokens = tokens(b"secret");
        let (a, hash_a) = tokens.new_refresh_token();
        let (b, _) = tokens.new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_a, refresh_token_hash(&a));
        assert_ne!(hash_a, a);
    }
}
