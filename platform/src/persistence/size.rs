//! The database's size on disk, for `/metrics`.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};

/// Bytes the database takes (SQLite: its pages; Postgres: the whole
/// database, indexes and TOAST included).
pub async fn database_bytes(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "SELECT pg_database_size(current_database()) AS bytes",
        _ => "SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()",
    };
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the database's size".into()))?;
    let bytes: i64 = row.try_get("", "bytes")?;
    Ok(u64::try_from(bytes).unwrap_or(0))
}
