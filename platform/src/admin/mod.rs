//! What only an ADMIN may do: the command-line bootstrap of the first admin,
//! and the session actor that carries out a signed-in admin's commands.

mod session;

pub use session::{AdminCommand, AdminOutcome, AdminSession, AdminSessions, set_halted};

use anyhow::Context as _;
use marketlab_actors::types::{AccountId, Timestamp};
use rand::TryRng;
use sea_orm::DatabaseConnection;

use crate::accounts::{self, NewAccount};
use crate::auth::{DisplayName, Password, Username, hash_password};
use crate::persistence::entities::enums::Role;
use crate::persistence::repo::ids;

/// `marketlab admin create`: stores an ADMIN account. Run it before the
/// server starts (the server loads accounts when it starts).
pub async fn create_admin(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
) -> anyhow::Result<i64> {
    let username = Username::parse(username).map_err(anyhow::Error::msg)?;
    let password = Password::parse(password).map_err(anyhow::Error::msg)?;
    let mut salt = [0u8; 16];
    rand::rngs::SysRng
        .try_fill_bytes(&mut salt)
        .context("the operating system gave no randomness for a salt")?;
    let hash = hash_password(password.as_str(), &salt).map_err(anyhow::Error::msg)?;
    let id = ids::max_ids(db).await?.account.unwrap_or(0) + 1;
    let display = DisplayName::parse(username.as_str()).map_err(anyhow::Error::msg)?;
    let now = Timestamp::from_datetime(chrono::Utc::now());
    let row = accounts::new_row(
        AccountId(id as u64),
        NewAccount {
            username: username.as_str().to_owned(),
            display_name: display.as_str().to_owned(),
            role: Role::Admin,
            password_hash: Some(hash),
            company_symbol: None,
        },
        now,
    );
    accounts::insert(db, &row).await?;
    Ok(id)
}
