//! The token signing secret: given in the configuration, or made on the
//! first run and kept in the database. Never logged.

use sea_orm::{ConnectionTrait, DbErr};

use crate::persistence::repo::server_settings;

const SETTING: &str = "jwt_secret";

/// `configured` wins; otherwise the stored secret, made from `fresh` the
/// first time.
pub async fn load_or_create_secret(
    db: &impl ConnectionTrait,
    configured: Option<&str>,
    fresh: [u8; 32],
) -> Result<Vec<u8>, DbErr> {
    if let Some(secret) = configured.filter(|s| !s.is_empty()) {
        return Ok(secret.as_bytes().to_vec());
    }
    let stored = server_settings::get_or_insert(db, SETTING, &hex::encode(fresh)).await?;
    Ok(stored.into_bytes())
}
