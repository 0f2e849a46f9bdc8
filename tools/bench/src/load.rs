//! Load from a second process (wrk on loopback) against the in-process dev gateway, and the
//! import throughput of the release `portal-admin` binary with its peak memory.

use devstack::DevError;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadResult {
    pub endpoint: String,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub errors: u64,
}

/// `12.5ms` / `1.20s` / `850.00us` → milliseconds.
fn wrk_ms(value: &str) -> Option<f64> {
    let value = value.trim();
    let (number, factor) = if let Some(v) = value.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = value.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = value.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (value, 1.0)
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// Parses `wrk --latency` output.
pub fn parse_wrk(endpoint: &str, out: &str) -> Option<LoadResult> {
    let field = |prefix: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|r| r.trim().to_string()))
    };
    let rps = field("Requests/sec:")?.parse().ok()?;
    let p50 = wrk_ms(&field("50%")?)?;
    let p99 = wrk_ms(&field("99%")?)?;
    let requests = out
        .lines()
        .find(|l| l.contains("requests in"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let non_2xx: u64 = field("Non-2xx or 3xx responses:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let socket: u64 = field("Socket errors:")
        .map(|v| {
            v.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Some(LoadResult {
        endpoint: endpoint.to_string(),
        requests_per_second: rps,
        p50_ms: p50,
        p99_ms: p99,
        requests,
        errors: non_2xx + socket,
    })
}

/// `wrk -t2 -c<connections> -d<seconds>s --latency` against `url` with `cookie`.
pub fn wrk(
    endpoint: &str,
    url: &str,
    cookie: &str,
    seconds: u64,
    connections: u32,
) -> Result<LoadResult, DevError> {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
        ])
        .args(["-H", &format!("cookie: {cookie}")])
        .args(["-H", "accept-language: de"])
        .arg(url)
        .output()
        .map_err(DevError::io("running wrk (make bench installs it)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_wrk(endpoint, &text)
        .ok_or_else(|| DevError::msg(format!("could not read wrk's report:\n{text}")))
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportResult {
    pub documents: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub peak_rss_mb: f64,
}

pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Imports `n` generated documents (one small PDF each, the same bytes) for `customer` with
/// the `portal-admin` binary and the stack's variables.
pub fn import(
    portal_admin: &Path,
    env: &[(&str, &str)],
    company: &str,
    n: usize,
) -> Result<ImportResult, DevError> {
    let dir = std::env::temp_dir().join(format!("bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(DevError::io("import folder"))?;
    std::fs::write(dir.join("bench.pdf"), b"%PDF-1.4\n% bench\n%%EOF\n")
        .map_err(DevError::io("bench.pdf"))?;
    let mut csv = String::from(
        "customer_id;kind;number;issued;due;net;tax;gross;currency;status;pdf;xml;order;commission\n",
    );
    for i in 0..n {
        let month = i % 12 + 1;
        let day = i % 28 + 1;
        csv.push_str(&format!(
            "{company};invoice;B-{i:06};2025-{month:02}-{day:02};;100.00;19.00;119.00;EUR;paid;bench.pdf;;PO-{i};\n"
        ));
    }
    let manifest = dir.join("documents.csv");
    std::fs::write(&manifest, csv).map_err(DevError::io("manifest"))?;
    let started = Instant::now();
    let mut child = Command::new(portal_admin)
        .args(["import", "documents"])
        .arg(&manifest)
        .arg("--no-notify")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(DevError::io(format!("starting {}", portal_admin.display())))?;
    let mut peak = 0;
    let status = loop {
        if let Some(kb) = peak_rss_kb(child.id()) {
            peak = peak.max(kb);
        }
        match child.try_wait().map_err(DevError::io("portal-admin"))? {
            Some(status) => break status,
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        return Err(DevError::msg(format!("portal-admin import failed: {err}")));
    }
    Ok(ImportResult {
        documents: n,
        seconds,
        per_second: n as f64 / seconds,
        peak_rss_mb: peak as f64 / 1024.0,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_wrk;

    #[test]
    fn wrk_reports_are_read() {
        let out = "Running 30s test @ http://127.0.0.1:1/api/auth/session
  2 threads and 8 connections
  Latency Distribution
     50%    2.10ms
     75%    3.00ms
     90%    4.00ms
     99%   12.50ms
  12345 requests in 30.01s, 5.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    411.35
Transfer/sec:    170.00KB
";
        let r = parse_wrk("x", out).unwrap();
        assert_eq!((r.requests, r.errors), (12345, 3));
        assert_eq!(
            (r.p50_ms, r.p99_ms, r.requests_per_second),
            (2.1, 12.5, 411.35)
        );
    }
}
