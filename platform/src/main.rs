use clap::Parser;
use marketlab::cli::Cli;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    Cli::parse().run().await
}
