//! `make soak`: the local stack under mixed traffic at a bounded rate for minutes, counting
//! errors and watching memory. The load comes from a second process (this binary again, with
//! `SOAK_ROLE=load`), so the memory measured is only the gateway's and the handlers'. Two loops
//! run side by side there: whole customer logins (sign in by link, pages, list, statistics, two
//! downloads, billing read and update) one after another at a fixed pace, and authenticated
//! reads (lists with filters, statistics, activity, session) at a fixed rate. Every few seconds
//! the portal process's and moto's resident memory are read.

use super::scenario::{login_scenario_at, Browser, Stack};
use devstack::DevError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the run is asked to do.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Plan {
    pub seconds: u64,
    /// Customer logins per minute (each ~15 API requests).
    pub logins_per_minute: u64,
    /// Authenticated reads per second besides the logins.
    pub reads_per_second: u64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Minute {
    pub minute: u64,
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Median resident memory of this process (gateway, handlers, load) in the minute.
    pub rss_mb: f64,
    pub moto_rss_mb: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SoakResult {
    pub plan: Plan,
    pub requests: u64,
    pub errors: u64,
    pub first_errors: Vec<String>,
    pub minutes: Vec<Minute>,
    /// Last minute's median memory against the second minute's (after warm-up).
    pub memory_growth_percent: f64,
    pub memory_stable: bool,
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct Log {
    /// (seconds since start, latency ms, ok)
    requests: Vec<(u64, f64, bool)>,
    /// (seconds since start, own RSS MB, moto RSS MB)
    #[serde(skip)]
    memory: Vec<(u64, f64, f64)>,
    first_errors: Vec<String>,
}

impl Log {
    fn request(&mut self, at: u64, took: Duration, ok: bool, what: impl FnOnce() -> String) {
        self.requests.push((at, took.as_secs_f64() * 1000.0, ok));
        if !ok && self.first_errors.len() < 10 {
            self.first_errors.push(what());
        }
    }
}

pub fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    percentile(&values, 0.5)
}

/// The load side (run in its own process): both loops against the portal at `base_url` for
/// `plan.seconds`, as the demo login `email` (reads with the session `cookie`).
pub async fn load(
    base_url: &str,
    moto_url: &str,
    email: &str,
    cookie: &str,
    plan: &Plan,
) -> Result<Log, DevError> {
    let log = Arc::new(Mutex::new(Log::default()));
    let start = Instant::now();
    let end = start + Duration::from_secs(plan.seconds);

    let logins = {
        let (log, email) = (log.clone(), email.to_string());
        let (base_url, moto_url) = (base_url.to_string(), moto_url.to_string());
        let pace = Duration::from_secs_f64(60.0 / plan.logins_per_minute.max(1) as f64);
        tokio::spawn(async move {
            let mut next = Instant::now();
            while Instant::now() < end {
                let at = start.elapsed().as_secs();
                match login_scenario_at(&base_url, &moto_url, None, &email).await {
                    Ok(steps) => {
                        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                        for step in steps {
                            let ok = step.status < 400;
                            log.request(at, step.took, ok, || {
                                format!("{} answered {}", step.function, step.status)
                            });
                        }
                    }
                    Err(err) => log.lock().unwrap_or_else(|e| e.into_inner()).request(
                        at,
                        Duration::ZERO,
                        false,
                        || format!("login scenario: {err}"),
                    ),
                }
                next += pace;
                tokio::time::sleep_until(next.into()).await;
            }
        })
    };

    let reads = {
        let (log, base_url, cookie) = (log.clone(), base_url.to_string(), cookie.to_string());
        let pace = Duration::from_secs_f64(1.0 / plan.reads_per_second.max(1) as f64);
        tokio::spawn(async move {
            let mut browser = Browser::new(&base_url);
            if let Some((name, value)) = cookie.split_once('=') {
                browser.cookies.insert(name.to_string(), value.to_string());
            }
            let paths = [
                "/api/documents",
                "/api/documents?kind=invoice&status=open",
                "/api/auth/session",
                "/api/documents/statistics",
                "/api/account/activity",
                "/api/documents?q=2",
            ];
            let mut next = Instant::now();
            let mut n = 0usize;
            while Instant::now() < end {
                let path = paths[n % paths.len()];
                n += 1;
                let at = start.elapsed().as_secs();
                let began = Instant::now();
                let result = browser.send("GET", path, None, None).await;
                let took = began.elapsed();
                let (ok, what) = match result {
                    Ok(reply) => (
                        reply.status < 400,
                        format!("GET {path} answered {}", reply.status),
                    ),
                    Err(err) => (false, format!("GET {path}: {err}")),
                };
                log.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .request(at, took, ok, || what);
                next += pace;
                tokio::time::sleep_until(next.into()).await;
            }
        })
    };
    logins
        .await
        .map_err(|e| DevError::msg(format!("login loop: {e}")))?;
    reads
        .await
        .map_err(|e| DevError::msg(format!("read loop: {e}")))?;
    let log = std::mem::take(&mut *log.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(log)
}

/// Runs `plan` against `stack` as the demo login `email`: the load from a child process, the
/// memory of this one (gateway and handlers) and of moto.
pub async fn run(stack: Arc<Stack>, email: &str, plan: Plan) -> Result<SoakResult, DevError> {
    let start = Instant::now();
    let end = start + Duration::from_secs(plan.seconds);
    let cookie = stack.session_cookie(email).await?;
    let exe = std::env::current_exe().map_err(DevError::io("the soak binary"))?;
    let child = tokio::process::Command::new(exe)
        .env("SOAK_ROLE", "load")
        .env("SOAK_BASE_URL", &stack.base_url)
        .env("SOAK_MOTO_URL", &stack.moto.url)
        .env("SOAK_EMAIL", email)
        .env("SOAK_COOKIE", &cookie)
        .env("SOAK_SECONDS", plan.seconds.to_string())
        .env("SOAK_LOGINS_PER_MINUTE", plan.logins_per_minute.to_string())
        .env("SOAK_READS_PER_SECOND", plan.reads_per_second.to_string())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(DevError::io("starting the load process"))?;
    let output = tokio::spawn(child.wait_with_output());
    let mut memory = Vec::new();
    let own = std::process::id();
    let moto = stack.moto.pid();
    let mut last_print = 0;
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_secs(5)).await;
        // The call log is for the cost model; here it would only grow.
        stack.calls.take();
        let at = start.elapsed().as_secs();
        let moto_mb = moto.map(rss_mb).unwrap_or(0.0);
        memory.push((at, rss_mb(own), moto_mb));
        if at / 60 != last_print {
            last_print = at / 60;
            println!(
                "  {at:>3} s: portal {:.0} MB, moto {moto_mb:.0} MB",
                rss_mb(own)
            );
        }
    }
    let output = output
        .await
        .map_err(|e| DevError::msg(format!("load process: {e}")))?
        .map_err(DevError::io("load process"))?;
    if !output.status.success() {
        return Err(DevError::msg(format!(
            "the load process failed ({})",
            output.status
        )));
    }
    let mut log: Log = serde_json::from_slice(&output.stdout)
        .map_err(|e| DevError::msg(format!("reading the load process's report: {e}")))?;
    log.memory = memory;
    let mut minutes = Vec::new();
    for minute in 0..plan.seconds.div_ceil(60) {
        let in_minute = |at: u64| at / 60 == minute;
        let mut latencies: Vec<f64> = log
            .requests
            .iter()
            .filter(|r| in_minute(r.0))
            .map(|r| r.1)
            .collect();
        latencies.sort_by(f64::total_cmp);
        minutes.push(Minute {
            minute: minute + 1,
            requests: latencies.len() as u64,
            errors: log
                .requests
                .iter()
                .filter(|r| in_minute(r.0) && !r.2)
                .count() as u64,
            p50_ms: percentile(&latencies, 0.5),
            p99_ms: percentile(&latencies, 0.99),
            rss_mb: median(
                log.memory
                    .iter()
                    .filter(|m| in_minute(m.0))
                    .map(|m| m.1)
                    .collect(),
            ),
            moto_rss_mb: median(
                log.memory
                    .iter()
                    .filter(|m| in_minute(m.0))
                    .map(|m| m.2)
                    .collect(),
            ),
        });
    }
    let warm = minutes
        .get(1)
        .or(minutes.first())
        .map(|m| m.rss_mb)
        .unwrap_or(0.0);
    let last = minutes.last().map(|m| m.rss_mb).unwrap_or(0.0);
    let growth = if warm > 0.0 {
        (last / warm - 1.0) * 100.0
    } else {
        0.0
    };
    Ok(SoakResult {
        requests: log.requests.len() as u64,
        errors: log.requests.iter().filter(|r| !r.2).count() as u64,
        first_errors: log.first_errors.clone(),
        minutes,
        memory_growth_percent: growth,
        memory_stable: growth <= MAX_GROWTH_PERCENT,
        plan,
    })
}

/// After the first minute the process's memory may grow by at most this much by the end.
pub const MAX_GROWTH_PERCENT: f64 = 10.0;

/// The report section (Markdown) for docs/benchmarks.md.
pub fn markdown(result: &SoakResult, date: &str) -> String {
    let met = result.errors == 0 && result.memory_stable;
    let mut md = format!(
        "Written by `make soak` ({date}; `make bench` keeps this section). The dev gateway with the release handlers and moto, under mixed traffic from a second process for {} s: {} customer logins a minute (sign in by link, pages, list, statistics, two PDF downloads, billing read and update: ~15 requests each) and {} authenticated reads a second (lists with filters, statistics, activity, session). Goal: 0 errors, and the process's memory after the first minute grows by at most {MAX_GROWTH_PERCENT:.0} % to the end. moto keeps every mail and item in memory, so its growth is the stand-in's, not the portal's; so is the rising latency (moto scans what it holds, and each login polls its whole mailbox).\n\n| minute | requests | errors | p50 ms | p99 ms | portal memory MB | moto MB |\n|---:|---:|---:|---:|---:|---:|---:|\n",
        result.plan.seconds, result.plan.logins_per_minute, result.plan.reads_per_second
    );
    for m in &result.minutes {
        md.push_str(&format!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.0} |\n",
            m.minute, m.requests, m.errors, m.p50_ms, m.p99_ms, m.rss_mb, m.moto_rss_mb
        ));
    }
    md.push_str(&format!(
        "\n{} {} requests, {} errors; memory {:+.1} % from minute 2 to the end.\n",
        super::verdict(met),
        result.requests,
        result.errors,
        result.memory_growth_percent
    ));
    if !result.first_errors.is_empty() {
        md.push_str("\nFirst errors:\n\n");
        for e in &result.first_errors {
            md.push_str(&format!("- {e}\n"));
        }
    }
    md
}

/// Puts `section` (a `## Soak` section) into the report, replacing an earlier one.
pub fn replace_section(report: &str, section: &str) -> String {
    let heading = "\n## Soak\n";
    let section = format!("{heading}\n{section}");
    match report.find(heading) {
        Some(start) => {
            let rest = &report[start + heading.len()..];
            let end = rest
                .find("\n## ")
                .map(|i| start + heading.len() + i)
                .unwrap_or(report.len());
            format!("{}{}{}", &report[..start], section, &report[end..])
        }
        None => format!(
            "{}{section}",
            report.trim_end_matches('\n').to_string() + "\n"
        ),
    }
}

/// The `## Soak` section of a report, if it has one (so `make bench` can keep it).
pub fn section_of(report: &str) -> Option<String> {
    let heading = "\n## Soak\n";
    let start = report.find(heading)? + heading.len();
    let rest = &report[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim_start_matches('\n').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soak_section_replaces_an_earlier_one_and_keeps_the_rest() {
        let report = "# B\n\n## Cost\n\nx\n\n## Soak\n\nold\n\n## Zeta\n\nz\n";
        let updated = replace_section(report, "new\n");
        assert_eq!(
            updated,
            "# B\n\n## Cost\n\nx\n\n## Soak\n\nnew\n\n## Zeta\n\nz\n"
        );
        assert_eq!(section_of(&updated).as_deref(), Some("new\n"));
        let appended = replace_section("# B\n\n## Cost\n\nx\n", "s\n");
        assert_eq!(appended, "# B\n\n## Cost\n\nx\n\n## Soak\n\ns\n");
        assert_eq!(section_of("# B\n"), None);
    }

    #[test]
    fn percentiles_of_sorted_latencies() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 51.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
