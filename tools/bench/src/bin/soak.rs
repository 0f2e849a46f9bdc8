//! `make soak`: the local stack under mixed traffic at a bounded rate (default 5 minutes);
//! 0 errors and stable memory are the goal. Writes the `## Soak` section of
//! docs/benchmarks.md and docs/benchmarks-soak.json.

use devstack::{workspace_root, DevError};
use portal_bench::scenario::Stack;
use portal_bench::soak::{self, Plan};
use std::sync::Arc;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run() -> Result<bool, DevError> {
    let root = workspace_root();
    let plan = Plan {
        seconds: env_number("SOAK_SECONDS", 300),
        logins_per_minute: env_number("SOAK_LOGINS_PER_MINUTE", 30),
        reads_per_second: env_number("SOAK_READS_PER_SECOND", 10),
    };
    println!("▸ Soak: the local stack (moto, demo data, gateway) …");
    let stack = Arc::new(Stack::start("soak-").await?);
    println!(
        "▸ Soak: {} s of mixed traffic ({} logins a minute, {} reads a second); a line a minute …",
        plan.seconds, plan.logins_per_minute, plan.reads_per_second
    );
    let result = soak::run(stack, "anna.schmidt@example.com", plan).await?;
    let date = portal::domain::documents::date_of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    )
    .to_string();
    let section = soak::markdown(&result, &date);
    let path = root.join("docs/benchmarks.md");
    let report = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".into());
    std::fs::write(&path, soak::replace_section(&report, &section))
        .map_err(DevError::io("docs/benchmarks.md"))?;
    std::fs::write(
        root.join("docs/benchmarks-soak.json"),
        serde_json::to_string_pretty(&serde_json::json!({ "date": date, "soak": result }))
            .unwrap_or_default(),
    )
    .map_err(DevError::io("docs/benchmarks-soak.json"))?;
    println!("\n{section}");
    println!("▸ Written to docs/benchmarks.md (## Soak) and docs/benchmarks-soak.json");
    Ok(result.errors == 0 && result.memory_stable)
}

/// The load side: `SOAK_ROLE=load`, started by the measuring side; prints its log as JSON.
async fn load() -> Result<(), DevError> {
    let var = |name: &str| {
        std::env::var(name).map_err(|_| DevError::msg(format!("{name} is missing (load process)")))
    };
    let plan = Plan {
        seconds: env_number("SOAK_SECONDS", 300),
        logins_per_minute: env_number("SOAK_LOGINS_PER_MINUTE", 30),
        reads_per_second: env_number("SOAK_READS_PER_SECOND", 10),
    };
    let log = soak::load(
        &var("SOAK_BASE_URL")?,
        &var("SOAK_MOTO_URL")?,
        &var("SOAK_EMAIL")?,
        &var("SOAK_COOKIE")?,
        &plan,
    )
    .await?;
    println!(
        "{}",
        serde_json::to_string(&log).map_err(|e| DevError::msg(e.to_string()))?
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    if std::env::var("SOAK_ROLE").is_ok_and(|role| role == "load") {
        if let Err(err) = load().await {
            eprintln!("make soak (load): {err}");
            std::process::exit(1);
        }
        return;
    }
    match run().await {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("make soak: goal not met (see docs/benchmarks.md, ## Soak)");
            std::process::exit(1);
        }
        Err(err) => {
            eprintln!("make soak: {err}");
            std::process::exit(1);
        }
    }
}
