//! Who is calling: argon2 password hashes, short-lived HS256 access tokens,
//! and long-lived rotating refresh tokens (stored only as their SHA-256).
//! Time comes from the injected clock and randomness from an injected
//! generator, so tests can drive both.

mod credentials;
mod passwords;
mod secret;
mod tokens;

pub use credentials::{DisplayName, Password, Username};
pub use passwords::{hash_password, verify_password};
pub use secret::load_or_create_secret;
pub use tokens::{AccessClaims, AuthError, TokenSettings, Tokens, refresh_token_hash};
