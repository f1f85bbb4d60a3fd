//! `cargo run -p marketlab-migrations -- up|down|status|fresh [-u DATABASE_URL]`
//! (the URL also comes from `DATABASE_URL`).

#[tokio::main]
async fn main() {
    sea_orm_migration::cli::run_cli(migrations::Migrator).await;
}
