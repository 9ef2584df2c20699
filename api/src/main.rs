use clap::Parser;

use api::cli::{self, Cli};
use api::config::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    api::telemetry::init(&settings.log);
    cli::run(cli, settings).await
}
