//! Opening the database a URL names, migrating it, and starting the write
//! transactions the persister commits batches in.

use std::path::{Path, PathBuf};
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous,
};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, IsolationLevel, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};

/// How long a SQLite connection waits for another one's write lock.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// WAL lets readers (API queries) run beside the one writer.
const SQLITE_MAX_CONNECTIONS: u32 = 4;
const POSTGRES_MAX_CONNECTIONS: u32 = 10;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// Prepared statements kept per connection: room for every size of every
/// batch statement (see `batch`), which the default of 100 is not.
const STATEMENT_CACHE: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot create the database folder {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Open(#[source] DbErr),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[source] DbErr),
}

/// Opens the database at `url` and applies every pending migration.
///
/// `postgres://user@host:port/name`, or `sqlite://path/to/file.db` (the file
/// and its folder are created when missing) or `sqlite::memory:`.
pub async fn connect(url: &str) -> Result<DatabaseConnection, ConnectError> {
    let db = open(url).await?;
    if url.starts_with("sqlite:") && !is_in_memory(url) {
        return_space_to_the_system(&db)
            .await
            .map_err(ConnectError::Open)?;
    }
    migrate(&db).await?;
    Ok(db)
}

/// Every connection asks for incremental auto-vacuum (so that what the
/// bots' fold deletes can be given back, see `persister::retention`), which
/// a new database takes as it is created. A file made before that keeps
/// "none" until it is rebuilt once, here, before anything else runs.
async fn return_space_to_the_system(db: &DatabaseConnection) -> Result<(), DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "PRAGMA auto_vacuum",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the auto_vacuum mode".into()))?;
    let mode: i32 = row.try_get_by_index(0)?;
    if mode != INCREMENTAL {
        tracing::info!("rebuilding the SQLite file once so that deleted rows return their space");
        db.execute_unprepared("VACUUM").await?;
    }
    Ok(())
}

/// `PRAGMA auto_vacuum`'s number for INCREMENTAL.
const INCREMENTAL: i32 = 2;

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), ConnectError> {
    Migrator::up(db, None).await.map_err(ConnectError::Migrate)
}

/// Opens the database at `url` as [`connect`] does, without migrating it.
pub async fn open(url: &str) -> Result<DatabaseConnection, ConnectError> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false).acquire_timeout(ACQUIRE_TIMEOUT);
    if url.starts_with("sqlite:") {
        if is_in_memory(url) {
            // An in-memory database lives as long as one connection to it:
            // keep exactly one, forever.
            options
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        } else {
            if let Some(folder) = sqlite_folder(url) {
                std::fs::create_dir_all(folder).map_err(|source| ConnectError::CreateFolder {
                    path: folder.to_owned(),
                    source,
                })?;
            }
            options
                .max_connections(SQLITE_MAX_CONNECTIONS)
                .min_connections(1);
        }
        options.map_sqlx_sqlite_opts(sqlite_options);
    } else {
        options
            .max_connections(POSTGRES_MAX_CONNECTIONS)
            .min_connections(1)
            .map_sqlx_postgres_opts(|pg| pg.statement_cache_capacity(STATEMENT_CACHE));
    }
    Database::connect(options).await.map_err(ConnectError::Open)
}

/// Starts a transaction for writing. On SQLite it takes the write lock at
/// once (`BEGIN IMMEDIATE`), so that it waits out the busy timeout for
/// another writer instead of failing when it first writes; Postgres starts
/// an ordinary transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// A write transaction that reads one snapshot throughout: on Postgres
/// `REPEATABLE READ` (commits made meanwhile stay unseen), on SQLite a
/// write transaction, which no other write overlaps anyway.
pub async fn begin_snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = match db.get_database_backend() {
        DatabaseBackend::Postgres => TransactionOptions {
            isolation_level: Some(IsolationLevel::RepeatableRead),
            ..TransactionOptions::default()
        },
        _ => TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        },
    };
    db.begin_with_options(options).await
}

fn sqlite_options(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .create_if_missing(true)
        .auto_vacuum(SqliteAutoVacuum::Incremental)
        .journal_mode(SqliteJournalMode::Wal)
        // A commit is on disk when it returns, as on Postgres: an answered
        // order survives a power cut, not only a killed process.
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        .foreign_keys(true)
        .statement_cache_capacity(STATEMENT_CACHE)
}

fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// The folder of the database file a `sqlite:` URL names, if it has one.
fn sqlite_folder(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or(rest);
    Path::new(file)
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_folder_of_a_sqlite_file() {
        assert_eq!(
            sqlite_folder("sqlite://data/market.db?mode=rwc"),
            Some(Path::new("data"))
        );
        assert_eq!(
            sqlite_folder("sqlite:///var/lib/ml/market.db"),
            Some(Path::new("/var/lib/ml"))
        );
        assert_eq!(sqlite_folder("sqlite:a/b/c.db"), Some(Path::new("a/b")));
        assert_eq!(sqlite_folder("sqlite://market.db"), None);
        assert_eq!(sqlite_folder("postgres://h/db"), None);
        assert!(is_in_memory("sqlite::memory:"));
        assert!(!is_in_memory("sqlite://data/market.db"));
    }
}
