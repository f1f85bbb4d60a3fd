use clap::Parser;
use marketlab::cli::Cli;

/// mimalloc rather than the system allocator: the market's changes are
/// made on the books' and accounts' threads and freed on the persister's,
/// where glibc's malloc spent a fifth of the persisted-trades bench (see
/// the README's figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    Cli::parse().run().await
}
