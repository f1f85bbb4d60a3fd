//! Throwaway databases: a SQLite file in a fresh temp folder, or a fresh
//! database on the Postgres server `MARKETLAB_TEST_DATABASE_URL` names. Both
//! are removed when the [`TestDb`] is dropped, also when the test failed.

use std::path::PathBuf;

use marketlab::persistence;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

pub const POSTGRES_URL_VAR: &str = "MARKETLAB_TEST_DATABASE_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(PathBuf),
    Database { server_url: String, name: String },
}

impl TestDb {
    /// A migrated database, or `None` (with a note) for Postgres when no
    /// server is configured.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        let test_db = TestDb::empty(backend).await?;
        persistence::migrate(&test_db.db)
            .await
            .expect("the migrations apply");
        Some(test_db)
    }

    /// A database without the schema.
    pub async fn empty(backend: Backend) -> Option<TestDb> {
        let name = format!("marketlab_test_{}", uuid::Uuid::new_v4().simple());
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let folder = std::env::temp_dir().join(&name);
                let url = format!("sqlite://{}/market.db", folder.display());
                (url, Cleanup::Folder(folder))
            }
            Backend::Postgres => {
                let Ok(server_url) = std::env::var(POSTGRES_URL_VAR) else {
                    eprintln!("note: {POSTGRES_URL_VAR} is unset; the Postgres half is skipped");
                    return None;
                };
                let server = Database::connect(&server_url)
                    .await
                    .expect("the test Postgres server answers");
                server
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("a test database can be created");
                server.close().await.expect("the server connection closes");
                let url = with_database(&server_url, &name);
                (url, Cleanup::Database { server_url, name })
            }
        };
        // From here on, dropping it removes the database again.
        let mut test_db = TestDb {
            db: DatabaseConnection::default(),
            url,
            cleanup,
        };
        test_db.db = persistence::open(&test_db.url)
            .await
            .expect("the test database opens");
        Some(test_db)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Folder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::Database { server_url, name } => {
                // Drop runs inside the test's runtime, which cannot block on a
                // future: drop the database from a thread with its own.
                let drop_sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                let server_url = server_url.clone();
                let dropped = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("a runtime for the cleanup")
                        .block_on(async {
                            let server = Database::connect(&server_url).await?;
                            server.execute_unprepared(&drop_sql).await?;
                            server.close().await
                        })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: test database {name} was not dropped: {dropped:?}");
                }
            }
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// Runs each named `async fn(&DatabaseConnection)` as two tests, `sqlite`
/// and `postgres`, in a module of the same name; under `#[tokio::test]`, or
/// the test attribute given first (`#[actix::test]` for tests that start
/// actors).
#[macro_export]
macro_rules! on_both_backends {
    (#[$runner:meta] $($test:ident),* $(,)?) => {$(
        mod $test {
            use $crate::support::db::{Backend, TestDb};

            #[$runner]
            async fn sqlite() {
                let test_db = TestDb::new(Backend::Sqlite).await.expect("SQLite is always there");
                super::$test(&test_db.db).await;
            }

            #[$runner]
            async fn postgres() {
                if let Some(test_db) = TestDb::new(Backend::Postgres).await {
                    super::$test(&test_db.db).await;
                }
            }
        }
    )*};
    ($($test:ident),* $(,)?) => {
        $crate::on_both_backends!(#[tokio::test] $($test),*);
    };
}
