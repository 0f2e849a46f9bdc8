//! Cold starts of the release binaries, as Lambda runs them: a Runtime API on loopback, the
//! binary spawned with the environment it gets on AWS, the time from exec to its first
//! `GET /runtime/invocation/next` (init), the first invocation's latency, and a few warm
//! invocations.

use super::Stats;
use devstack::runtime_api::{Outcome, RuntimeApi};
use devstack::DevError;
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

pub struct ColdStart {
    pub function: String,
    pub init: Stats,
    pub first_invocation: Stats,
    pub warm: Stats,
    /// How long reading secrets at init took (`secret read at init` in the function's log),
    /// for the functions that read one.
    pub secret_read: Option<Stats>,
}

/// What Lambda sets for a `provided.al2023` function (besides the function's own variables).
pub fn lambda_environment(function: &str, memory_mb: u16) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_FUNCTION_NAME", function.to_string()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb.to_string()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_string()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_string()),
        ("AWS_LAMBDA_LOG_FORMAT", "JSON".to_string()),
        (
            "AWS_EXECUTION_ENV",
            "AWS_Lambda_provided.al2023".to_string(),
        ),
        ("AWS_REGION", devstack::local::REGION.to_string()),
        ("AWS_DEFAULT_REGION", devstack::local::REGION.to_string()),
        ("AWS_ACCESS_KEY_ID", "local".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "local".to_string()),
        ("AWS_SESSION_TOKEN", "local".to_string()),
        ("LAMBDA_TASK_ROOT", "/var/task".to_string()),
        ("_HANDLER", "bootstrap".to_string()),
        ("TZ", ":UTC".to_string()),
        ("LANG", "en_US.UTF-8".to_string()),
        ("PATH", "/usr/local/bin:/usr/bin:/bin".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// What is cold-started: a release binary, its name and memory, and the event it answers.
pub struct Subject<'a> {
    pub binary: &'a Path,
    pub function: &'a str,
    pub memory_mb: u16,
    pub event: &'a serde_json::Value,
}

#[derive(Default)]
struct Samples {
    init: Vec<Duration>,
    first: Vec<Duration>,
    warm: Vec<Duration>,
    secret_read: Vec<Duration>,
}

impl Samples {
    fn result(&self, function: &str) -> ColdStart {
        ColdStart {
            function: function.to_string(),
            init: Stats::of(&self.init),
            first_invocation: Stats::of(&self.first),
            warm: Stats::of(&self.warm),
            secret_read: (!self.secret_read.is_empty()).then(|| Stats::of(&self.secret_read)),
        }
    }
}

/// `runs` cold starts of `subject`, each right after one of `baseline`, so that both see the
/// same state of a noisy machine (a baseline measured once before 40 functions drifts with it).
/// Returns (baseline, subject).
pub async fn paired(
    baseline: &Subject<'_>,
    subject: &Subject<'_>,
    env: &HashMap<String, String>,
    runs: usize,
) -> Result<(ColdStart, ColdStart), DevError> {
    let (mut base, mut own) = (Samples::default(), Samples::default());
    for run in 0..runs {
        once(baseline, env, run, &mut base).await?;
        once(subject, env, run, &mut own).await?;
    }
    Ok((base.result(baseline.function), own.result(subject.function)))
}

/// One cold start of `subject`: its init, then its first invocation and three warm ones.
async fn once(
    subject: &Subject<'_>,
    env: &HashMap<String, String>,
    run: usize,
    into: &mut Samples,
) -> Result<(), DevError> {
    let Subject {
        binary,
        function,
        memory_mb,
        event,
    } = subject;
    let mut runtime = RuntimeApi::start().await;
    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .env_clear()
        .envs(lambda_environment(function, *memory_mb))
        .envs(env)
        .env("AWS_LAMBDA_RUNTIME_API", &runtime.address)
        // The log is read after the run (a few lines: the pipe's buffer holds them).
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(DevError::io(format!("starting {}", binary.display())))?;
    let polled = loop {
        if let Some(at) = runtime.take_first_poll() {
            break at;
        }
        if started.elapsed() > Duration::from_secs(20) {
            return Err(DevError::msg(format!(
                "{function} did not ask for an invocation within 20 s"
            )));
        }
        tokio::time::sleep(Duration::from_micros(100)).await;
    };
    into.init.push(polled - started);
    for i in 0..4 {
        let at = Instant::now();
        let outcome = runtime.invoke(&format!("bench-{run}-{i}"), event).await;
        let took = at.elapsed();
        if !matches!(outcome, Outcome::Response(_)) {
            return Err(DevError::msg(format!(
                "{function} did not answer the event: {outcome:?}"
            )));
        }
        if i == 0 {
            into.first.push(took);
        } else {
            into.warm.push(took);
        }
    }
    let _ = child.kill().await;
    if let Some(mut out) = child.stdout.take() {
        use tokio::io::AsyncReadExt;
        let mut log = String::new();
        let _ = out.read_to_string(&mut log).await;
        into.secret_read.extend(secret_reads(&log));
    }
    Ok(())
}

/// The `read_us` of each `secret read at init` line of a function's JSON log.
fn secret_reads(log: &str) -> impl Iterator<Item = Duration> + '_ {
    log.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|entry| entry.to_string().contains("secret read at init"))
        .filter_map(|entry| {
            let fields = entry.get("fields").unwrap_or(&entry);
            fields.get("read_us").and_then(|v| v.as_u64())
        })
        .map(Duration::from_micros)
}
