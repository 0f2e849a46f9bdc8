//! `make bench`: measurements that back the portal's claims, written to docs/benchmarks.md and
//! docs/benchmarks.json. Goals are checked here (met / not met), never in `make test`. The
//! machine is noisy: everything is repeated, medians with min–max are reported, and cold
//! starts are compared with a baseline measured in the same run.
//!
//! Needs the release builds of `make package` (the Makefile's `bench` target runs it) and wrk.

use devstack::{workspace_root, DevError};
use portal::routes::{Resource, ROUTES};
use portal_bench::cost::{self, Invocation, Scenario};
use portal_bench::{coldstart, list, load, scenario, site, verdict, Section};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Cold starts per function (the issue asks for at least 20). At 20, which functions landed just
/// above 1.25 × changed from one run of the same code to the next on this machine; 40 narrows
/// each median for a few minutes more (`BENCH_COLD_STARTS` overrides).
const COLD_STARTS: usize = 40;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The deployable zips of `make package`, unpacked: the cold starts run exactly what Lambda
/// would run. Returns the folder with `<function>/bootstrap`.
fn unpack_packages(root: &Path) -> Result<PathBuf, DevError> {
    let functions = ROUTES.iter().map(|r| r.function).chain(
        portal::routes::triggered::TRIGGERED
            .iter()
            .map(|t| t.function),
    );
    for function in functions {
        unpack(root, function)?;
    }
    Ok(root.join("target/bench-functions"))
}

/// `function`'s zip of `make package` unpacked to `target/bench-functions/<function>/bootstrap`.
fn unpack(root: &Path, function: &str) -> Result<PathBuf, DevError> {
    let zip = root
        .join("target/lambda-x86_64")
        .join(function)
        .join("bootstrap.zip");
    if !zip.is_file() {
        return Err(DevError::msg(format!(
            "{} is missing: run `make package`",
            zip.display()
        )));
    }
    let dir = root.join("target/bench-functions").join(function);
    std::fs::create_dir_all(&dir).map_err(DevError::io(dir.display().to_string()))?;
    let status = std::process::Command::new("python3")
        .args(["-c", "import os,sys,zipfile; zipfile.ZipFile(sys.argv[1]).extract('bootstrap', sys.argv[2]); os.chmod(os.path.join(sys.argv[2], 'bootstrap'), 0o755)"])
        .arg(&zip)
        .arg(&dir)
        .status()
        .map_err(DevError::io("python3 (unzip)"))?;
    if !status.success() {
        return Err(DevError::msg(format!("could not unpack {}", zip.display())));
    }
    Ok(dir.join("bootstrap"))
}

/// The benchmark's own release tools (`cargo lambda build --lambda-dir target/lambda-tools`).
fn tool(root: &Path, name: &str) -> Result<PathBuf, DevError> {
    let path = root
        .join("target/lambda-tools")
        .join(name)
        .join("bootstrap");
    if path.is_file() {
        Ok(path)
    } else {
        Err(DevError::msg(format!(
            "{} is missing: run `make bench` (it builds its tools)",
            path.display()
        )))
    }
}

/// `runs` cold starts of `subject`, each right after one of `baseline`; prints and returns both
/// with the ratio of their init medians.
async fn paired_ratio(
    baseline: &coldstart::Subject<'_>,
    subject: &coldstart::Subject<'_>,
    label: &str,
    env: &std::collections::HashMap<String, String>,
    runs: usize,
) -> Result<(coldstart::ColdStart, coldstart::ColdStart, f64), DevError> {
    print!("  {label:<26}");
    let (base, r) = coldstart::paired(baseline, subject, env, runs).await?;
    let ratio = r.init.median / base.init.median;
    println!(
        " init {:>5.2} ms, baseline {:>5.2} ms: {ratio:.2} ×",
        r.init.median, base.init.median
    );
    Ok((base, r, ratio))
}

fn event(root: &Path, function: &str) -> Result<serde_json::Value, DevError> {
    let path = root.join(format!("tests/events/{function}.json"));
    let text = std::fs::read_to_string(&path).map_err(DevError::io(path.display().to_string()))?;
    serde_json::from_str(&text).map_err(|e| DevError::msg(format!("{}: {e}", path.display())))
}

fn package_section(root: &Path) -> Result<Section, DevError> {
    let arch = std::env::var("ARCH").unwrap_or_else(|_| "x86_64".into());
    let path = root.join(format!("target/lambda-{arch}/sizes.json"));
    let text = std::fs::read_to_string(&path)
        .map_err(|_| DevError::msg(format!("{} is missing: run `make package`", path.display())))?;
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| DevError::msg(e.to_string()))?;
    let mb = |v: &serde_json::Value| v.as_f64().unwrap_or(0.0) / (1024.0 * 1024.0);
    let mut sizes: Vec<f64> = rows.iter().map(|r| mb(&r["zip_bytes"])).collect();
    sizes.sort_by(f64::total_cmp);
    let median = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0);
    let largest = sizes.last().copied().unwrap_or(0.0);
    let met = median <= 4.0 && largest <= 6.0;
    let mut md = format!("Goal: median zip ≤ 4 MB and none above 6 MB ({arch}, measured here; Lambda's limits are 50 MB zipped and 250 MB unpacked).\n\n| function | zip MB | unpacked MB |\n|---|---:|---:|\n");
    for r in &rows {
        md.push_str(&format!(
            "| {} | {:.2} | {:.2} |\n",
            r["function"].as_str().unwrap_or("?"),
            mb(&r["zip_bytes"]),
            mb(&r["unpacked_bytes"])
        ));
    }
    md.push_str(&format!(
        "\n{} Median {median:.2} MB, largest {largest:.2} MB zipped.\n",
        verdict(met)
    ));
    Ok(Section {
        title: "Package size",
        markdown: md,
        json: serde_json::json!({ "architecture": arch, "median_mb": median, "largest_mb": largest, "functions": rows }),
        goal_met: Some(met),
    })
}

async fn coldstart_section(
    root: &Path,
    env: &std::collections::HashMap<String, String>,
) -> Result<Section, DevError> {
    let dir = unpack_packages(root)?;
    let runs = env_number("BENCH_COLD_STARTS", COLD_STARTS as u64) as usize;
    println!("▸ Cold starts: {runs} per function, each right after one of the baseline …");
    let hello = tool(root, "bench-hello")?;
    let hello_event = event(root, "auth-session")?;
    let baseline = coldstart::Subject {
        binary: &hello,
        function: "bench-hello",
        memory_mb: 128,
        event: &hello_event,
    };
    let mut results = Vec::new();
    for route in ROUTES {
        let binary = dir.join(route.function).join("bootstrap");
        if !binary.is_file() {
            return Err(DevError::msg(format!(
                "{} is missing: run `make package`",
                binary.display()
            )));
        }
        let function_event = event(root, route.function)?;
        let subject = coldstart::Subject {
            binary: &binary,
            function: route.function,
            memory_mb: route.memory_mb,
            event: &function_event,
        };
        results.push(paired_ratio(&baseline, &subject, route.function, env, runs).await?);
    }
    // For the reader, not for the goal: the same hello world on the single-threaded runtime the
    // functions use, so the table shows what that choice saves by itself.
    let single = tool(root, "bench-hello-current-thread")?;
    let single_subject = coldstart::Subject {
        binary: &single,
        function: "bench-hello-current-thread",
        memory_mb: 128,
        event: &hello_event,
    };
    let (single_base, single_run, single_ratio) = paired_ratio(
        &baseline,
        &single_subject,
        "(hello, single-threaded)",
        env,
        runs,
    )
    .await?;
    let slow: Vec<&str> = results
        .iter()
        .filter(|(_, _, ratio)| *ratio > 1.25)
        .map(|(_, r, _)| r.function.as_str())
        .collect();
    let met = slow.is_empty();
    let ratios: Vec<f64> = results.iter().map(|(_, _, ratio)| *ratio).collect();
    let largest = ratios.iter().copied().fold(0.0, f64::max);
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let mut md = format!(
        "Goal: every function's median init ≤ 1.25 × the baseline's, a minimal `lambda_http` function built with the same profile. Init = exec → first `GET /runtime/invocation/next` on a loopback Runtime API, with the environment Lambda sets. Each function gets {runs} cold starts, each right after one of the baseline, and is compared with the baseline's median of those same {runs} (this machine drifts; a baseline measured once, before all functions, drifted with it). The first invocation answers the function's event in `tests/events/` against moto; warm = the three invocations after it. Public reference on arm64 Lambda: Rust hello world ≈ 14 ms init, Node.js 24 ≈ 117 ms, Python 3.13 ≈ 81 ms.\n\n| function | init ms median (min–max) | baseline init ms, same turns | ratio | first invocation ms | warm ms |\n|---|---|---|---:|---|---|\n"
    );
    for (base, r, ratio) in &results {
        md.push_str(&format!(
            "| {} | {} | {} | {ratio:.2} | {} | {} |\n",
            r.function,
            r.init.cell(),
            base.init.cell(),
            r.first_invocation.cell(),
            r.warm.cell()
        ));
    }
    md.push_str(&format!(
        "\n{} Ratio median {median:.2}, largest {largest:.2}. {}\n",
        verdict(met),
        if met {
            "No function needs more than 1.25 × the baseline's init.".to_string()
        } else {
            format!("Slower than 1.25 × baseline: {}.", slow.join(", "))
        }
    ));
    md.push_str(&format!(
        "\nFor reference, not counted for the goal: the same hello world on a single-threaded Tokio runtime, the one the functions run on (`portal::lambda::run`: an execution environment gets one event at a time, so worker threads would only cost init), inits in {} ms against the baseline's {} in the same turns: {single_ratio:.2} ×. The baseline keeps `#[tokio::main]`, as a minimal `lambda_http` function is usually written; measured against the single-threaded hello world instead, the largest ratio would be about {:.2} ×.\n",
        single_run.init.cell(),
        single_base.init.cell(),
        largest / single_ratio
    ));
    // Issue #19, item 4: the IBAN key is read from Secrets Manager at init, not taken from the
    // environment. What that read costs, as the function itself logs it.
    for (_, r, _) in &results {
        if let Some(read) = &r.secret_read {
            md.push_str(&format!(
                "\nReading its key from Secrets Manager at init (`{}`, instead of taking it from the environment) took {} ms of its {} ms init ({} cold starts; the function logs the read as `secret read at init`). Here the call goes over plain HTTP to moto on loopback; on AWS it also pays the TLS handshake with Secrets Manager, which this bench does not yet measure.\n",
                r.function,
                read.cell(),
                r.init.cell(),
                read.runs
            ));
        }
    }
    md.push_str("\nWhat a function does at init beyond the baseline: it validates its configuration, builds the DynamoDB client (the SDK parses its endpoint partition table there) and links more code. Levers in use: a single-threaded runtime (no worker thread per vCPU); region and credentials straight from Lambda's variables (`portal::app::lambda_sdk_config`: no aws-config loader, no provider chains, no STS client linked); the AWS roots compiled in; no throwaway TLS connector at client construction; S3, SES and EventBridge clients built on first use by the functions that need them; a small JSON log subscriber; no second SHA-2/HMAC or regex parser (the portal uses the sha2/hmac versions the SDK signs with, and phonenumber's regex-cache is patched onto the regex-syntax that `regex` links anyway, see `vendor/regex-cache/VENDORED.md`); phonenumber's `regex` with only the Unicode tables its patterns need (`vendor/phonenumber/VENDORED.md`); release profile with fat LTO, `codegen-units = 1`, `panic = \"abort\"`, `opt-level = \"z\"`, strip, and the SDK's `debug`/`trace` events compiled out.\n");
    let json = serde_json::json!({
        "goal_met": met,
        "goal_ratio": 1.25,
        "ratio_median": median,
        "ratio_largest": largest,
        "single_threaded_hello": {
            "init": single_run.init, "baseline_init": single_base.init, "ratio": single_ratio,
        },
        "functions": results.iter().map(|(base, r, ratio)| serde_json::json!({
            "function": r.function, "init": r.init, "baseline_init": base.init, "ratio": ratio,
            "first_invocation": r.first_invocation, "warm": r.warm,
            "secret_read_at_init": r.secret_read,
        })).collect::<Vec<_>>(),
    });
    Ok(Section {
        title: "Cold start",
        markdown: md,
        json,
        goal_met: Some(met),
    })
}

fn calls_section() -> Section {
    let mut md = String::from("Each route's AWS calls on its successful path. These are budgets: `aws_calls` in the route table (`functions/portal/src/routes/table.rs`), held exactly by the test `aws_calls` in `make test` through an SDK interceptor, so a change that adds a round trip fails. An authenticated request costs 2 calls (the session, the caller's memberships) before its own work, and each declared rate limit one more. The resources are the function's IAM grants, generated into the template and checked against the calls.\n\n| route | function | AWS calls | may touch |\n|---|---|---:|---|\n");
    let mut rows = Vec::new();
    for r in ROUTES {
        let resources: Vec<String> = r
            .permissions()
            .iter()
            .map(|g| match g.resource {
                Resource::AuthTable => "AuthTable".to_string(),
                Resource::PortalTable => "PortalTable".to_string(),
                Resource::PortalIndex(i) => format!("PortalTable index {i}"),
                Resource::DocumentFiles => "documents bucket".to_string(),
                Resource::UploadFiles => "documents bucket, uploads/".to_string(),
                Resource::CheckedFiles => "documents bucket, checked/".to_string(),
                Resource::DocumentsBucket => "documents bucket (list, for 404s)".to_string(),
                Resource::MailIdentity => "SES".to_string(),
                Resource::EventBus => "EventBridge bus".to_string(),
                Resource::Secret(id) => format!("secret {id} (read at init)"),
                Resource::InboxFiles => "inbox bucket, inbox/".to_string(),
                Resource::InboxBucket => "inbox bucket (list)".to_string(),
                Resource::InboxMail => "inbox bucket, mail/".to_string(),
                Resource::AnswerFiles => "documents bucket, answers/".to_string(),
            })
            .collect();
        md.push_str(&format!(
            "| `{} {}` | {} | {} | {} |\n",
            r.method,
            r.path,
            r.function,
            r.aws_calls,
            resources.join(", ")
        ));
        rows.push(serde_json::json!({ "function": r.function, "method": r.method, "path": r.path, "aws_calls": r.aws_calls, "resources": resources }));
    }
    Section {
        title: "AWS calls per request",
        markdown: md,
        json: serde_json::json!({ "routes": rows }),
        goal_met: None,
    }
}

async fn run() -> Result<(), DevError> {
    let root = workspace_root();
    std::fs::create_dir_all(root.join("target")).map_err(DevError::io("target"))?;
    // `BENCH_ONLY=inbox`: the inbox section alone, printed and not written, for work on the
    // import (`target/bench-functions/inbox-import/bootstrap` may be any build then).
    if std::env::var("BENCH_ONLY").as_deref() == Ok("inbox") {
        if unpack(&root, portal::routes::triggered::INBOX_IMPORT.function).is_err() {
            println!(
                "  (no package: using target/bench-functions/inbox-import/bootstrap as it is)"
            );
        }
        let section = inbox_section(&root).await;
        println!("\n{}", section.markdown);
        return Ok(());
    }
    let mut sections = Vec::new();
    sections.push(package_section(&root)?);

    println!("▸ Starting the local stack (moto, tables, demo data, gateway) …");
    let stack = scenario::Stack::start("bench-").await?;
    // As on Lambda, plus the one difference: AWS is the local stand-in.
    let mut function_env = stack.env.clone();
    function_env.insert("AWS_ENDPOINT_URL".into(), stack.moto.url.clone());
    let cold = coldstart_section(&root, &function_env).await?;
    sections.push(cold);
    sections.push(calls_section());

    println!("▸ Import throughput with the release portal-admin …");
    let admin = tool(&root, "portal-admin")?;
    let import_env = [
        (
            "PORTAL_TABLE",
            stack.resources.tables["PortalTable"].as_str(),
        ),
        (
            "DOCUMENTS_BUCKET",
            stack.resources.buckets["DocumentsBucket"].as_str(),
        ),
        ("AWS_ENDPOINT_URL", stack.moto.url.as_str()),
        ("AWS_REGION", devstack::local::REGION),
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
        ("S3_FORCE_PATH_STYLE", "true"),
    ];
    let imported = load::import(
        &admin,
        &import_env,
        "10002",
        env_number("BENCH_IMPORT_DOCUMENTS", 500) as usize,
    )?;
    sections.push(Section {
        title: "Import throughput",
        markdown: format!(
            "`portal-admin import documents` (release build) of {} generated invoices with a PDF each, against moto on this machine: every row validated first, then each PDF uploaded (or skipped when its MD5 matches) and the metadata written in batches. The issue asks for 10,000; moto (one Python process holding everything in memory) grew past 11 GB within minutes already at 2,000 here, so the default is 500 (`BENCH_IMPORT_DOCUMENTS=10000 make bench` on a machine with the memory). The rate is moto's: on AWS the uploads and batch writes run against S3 and DynamoDB.\n\n| documents | seconds | documents/s | peak memory MB |\n|---:|---:|---:|---:|\n| {} | {:.1} | {:.0} | {:.1} |\n",
            imported.documents, imported.documents, imported.seconds, imported.per_second, imported.peak_rss_mb
        ),
        json: serde_json::to_value(&imported).unwrap_or_default(),
        goal_met: None,
    });

    println!("▸ Scale: 20 vs 20,000 documents …");
    // Its own moto: 20,000 items make moto's process grow by gigabytes, which would slow
    // everything measured after it.
    let scale_moto = devstack::moto::MotoServer::start(
        &devstack::moto::default_binary(),
        None,
        &root.join("target/bench-scale-moto.log"),
    )?;
    let scale_sdk = devstack::local::sdk_config(&scale_moto.url);
    let template = devstack::template::Template::load(&root.join("infra/template.yaml"))?;
    let scale = devstack::local::ensure_resources(&scale_sdk, &template, "scale-").await?;
    let store = portal::store::documents::DocumentStore::new(
        aws_sdk_dynamodb::Client::new(&scale_sdk),
        &scale.tables["PortalTable"],
    );
    sections.push(list::section(&store).await?);
    scale_moto.stop();

    let seconds = env_number("BENCH_LOAD_SECONDS", 30);
    println!("▸ Throughput: wrk for {seconds} s per endpoint …");
    let cookie = stack.session_cookie("anna.schmidt@example.com").await?;
    let mut loads = Vec::new();
    for (label, path) in [
        (
            "GET /api/auth/session (authenticated read)",
            "/api/auth/session",
        ),
        ("GET /api/documents (first page)", "/api/documents"),
        ("GET /portal/ (static page)", "/portal/"),
    ] {
        loads.push(load::wrk(
            label,
            &format!("{}{path}", stack.base_url),
            &cookie,
            seconds,
            8,
        )?);
    }
    let errors: u64 = loads.iter().map(|l| l.errors).sum();
    let mut md = format!("wrk from a second process on loopback, 2 threads, 8 connections, {seconds} s per endpoint, against the dev gateway (the handlers in one release process, as on Lambda but without its per-request isolation) and moto. Goal: 0 errors.\n\n| endpoint | requests/s | p50 ms | p99 ms | requests | errors |\n|---|---:|---:|---:|---:|---:|\n");
    for l in &loads {
        md.push_str(&format!(
            "| {} | {:.0} | {:.2} | {:.2} | {} | {} |\n",
            l.endpoint, l.requests_per_second, l.p50_ms, l.p99_ms, l.requests, l.errors
        ));
    }
    md.push_str(&format!("\n{}\n", verdict(errors == 0)));
    sections.push(Section {
        title: "Throughput",
        markdown: md,
        json: serde_json::json!({ "goal_met": errors == 0, "results": loads }),
        goal_met: Some(errors == 0),
    });

    println!("▸ Site: build times, page weight, third-party requests …");
    let zola = site::zola(&root);
    let real = site::build_time(&zola, &root.join("site"), 5)?;
    let big_site = site::with_generated_articles(&root.join("site"), 1000)?;
    let big = site::build_time(&zola, &big_site, 3)?;
    let _ = std::fs::remove_dir_all(&big_site);
    let weights = site::page_weights(&root.join("site/public"))?;
    let third = site::third_party_references(&root.join("site/public"), "http://127.0.0.1")?;
    let heaviest = weights.iter().map(|w| w.total()).max().unwrap_or(0);
    let site_met = heaviest <= 30 * 1024 && third.is_empty();
    let mut md = format!(
        "Goal: every page ≤ 30 KB (HTML + CSS + JS, gzip -9, each file once, media excluded) and 0 third-party requests.\n\n| build | ms median (min–max) |\n|---|---|\n| the site ({} pages) | {} |\n| the site + 1,000 generated articles | {} |\n\n| page | HTML | CSS | JS | total KB |\n|---|---:|---:|---:|---:|\n",
        weights.len(), real.cell(), big.cell()
    );
    for w in &weights {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} |\n",
            w.page,
            w.html,
            w.css,
            w.js,
            w.total() as f64 / 1024.0
        ));
    }
    md.push_str(&format!(
        "\nThird-party references (scripts, styles, images, media, frames, preloads): {}.\n\n{} Heaviest page {:.1} KB.\n",
        third.len(), verdict(site_met), heaviest as f64 / 1024.0
    ));
    sections.push(Section {
        title: "Site",
        markdown: md,
        json: serde_json::json!({
            "goal_met": site_met,
            "build_ms": real, "build_with_1000_articles_ms": big,
            "pages": weights.iter().map(|w| serde_json::json!({"page": w.page, "html": w.html, "css": w.css, "js": w.js})).collect::<Vec<_>>(),
            "third_party_references": third,
        }),
        goal_met: Some(site_met),
    });

    println!("▸ Cost: the login scenario, measured …");
    // Per function: runs, read units, write units, S3 GETs, mails, milliseconds in all.
    let mut per_function: BTreeMap<&'static str, (u32, f64, f64, u32, u32, f64)> = BTreeMap::new();
    let steps = scenario::login_scenario(&stack, "anna.schmidt@example.com").await?;
    let mut download_bytes = 0;
    for step in &steps {
        let e = per_function.entry(step.function).or_default();
        e.0 += 1;
        e.5 += step.took.as_secs_f64() * 1000.0;
        for call in &step.calls {
            let op = call.action.split(':').nth(1).unwrap_or("");
            // Items of one request that share it are a transaction: DynamoDB bills each of its
            // reads and writes twice.
            let factor = if step
                .calls
                .iter()
                .filter(|c| c.request == call.request)
                .count()
                > 1
            {
                2.0
            } else {
                1.0
            };
            match op {
                "GetItem" => e.1 += 1.0,
                "Query" => e.1 += 2.0,
                "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" => e.2 += factor,
                "ConditionCheckItem" => e.1 += factor,
                "GetObject" => e.3 += 1,
                "SendEmail" => e.4 += 1,
                _ => {}
            }
        }
        download_bytes += step.bytes;
    }
    let portal_pages = [
        "/anmelden/",
        "/anmelden/bestaetigen/",
        "/portal/",
        "/portal/dokumente/",
        "/portal/unternehmen/",
    ];
    let page_bytes: u64 = weights
        .iter()
        .filter(|w| portal_pages.contains(&w.page.as_str()))
        .map(|w| w.total() as u64)
        .sum();
    let scenario = Scenario {
        invocations: per_function
            .iter()
            .map(|(function, (count, rru, wru, gets, mails, ms))| {
                let route = portal::routes::by_function(function).expect("known function");
                Invocation {
                    function: function.to_string(),
                    count: *count,
                    billed_ms: (ms / *count as f64).ceil().max(1.0),
                    memory_mb: route.memory_mb,
                    read_units: rru / *count as f64,
                    write_units: wru / *count as f64,
                    s3_gets: gets / count,
                    mails: mails / count,
                }
            })
            .collect(),
        page_requests: 5 * 4,
        page_bytes,
        download_bytes,
        log_bytes: steps.len() as u64 * 400,
    };
    let mut md = format!("One customer login as measured here: sign in by link (request, confirm, redeem), three portal pages, the document list and statistics, two PDF downloads, reading and updating the billing data: {} API requests. Each function's billed duration is the mean time of its requests in this scenario (the release handlers in the benchmark's process, measured at the client, against moto, which answers far slower than DynamoDB, so this errs high), rounded up to whole ms, at the function's memory on arm64. DynamoDB: 1 read unit per GetItem, 2 per Query (pages of up to 26 small items), 1 write unit per write. Pages: 5 views of 4 requests with the page weights above. Logs: one 400-byte line per request. Prices: {}.\n\n| function | runs | billed ms | memory MB | read units | write units | S3 GETs | mails |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
        steps.len(), cost::PRICES_AS_OF);
    for inv in &scenario.invocations {
        md.push_str(&format!(
            "| {} | {} | {:.0} | {} | {:.1} | {:.1} | {} | {} |\n",
            inv.function,
            inv.count,
            inv.billed_ms,
            inv.memory_mb,
            inv.read_units,
            inv.write_units,
            inv.s3_gets,
            inv.mails
        ));
    }
    md.push_str("\n| logins a month | Lambda | HTTP API | DynamoDB | S3 | SES | CloudFront | Logs | **total USD** |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let mut costs = Vec::new();
    for n in [1_000u64, 10_000, 100_000] {
        let c = cost::price(&scenario, n);
        md.push_str(&format!(
            "| {n} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | **{:.2}** |\n",
            c.lambda,
            c.api,
            c.dynamodb,
            c.s3,
            c.ses,
            c.cloudfront,
            c.logs,
            c.total()
        ));
        costs.push(serde_json::json!({ "logins": n, "cost": c, "total": c.total() }));
    }
    md.push_str("\nNot included: storage (DynamoDB ≈ USD 0.25 per GB-month, PITR ≈ 0.20, S3 ≈ 0.023), the two Secrets Manager secrets (USD 0.80 a month), alarms (USD 0.10 each), WAF (optional). The free tiers (Lambda 1 M requests and 400,000 GB-s, CloudFront 10 M requests and 1 TB, DynamoDB 25 GB) would cover the smaller figures entirely.\n");
    sections.push(Section { title: "Cost", markdown: md, json: serde_json::json!({ "prices": cost::PRICES_AS_OF, "scenario": scenario, "months": costs }), goal_met: None });

    drop(stack);
    sections.push(inbox_section(&root).await);
    write_report(&root, &sections)
}

/// The import inbox with a 10,000- and a 100,000-document batch (`BENCH_INBOX_DOCUMENTS`
/// changes the larger), on its own moto: 100,000 documents make moto's process grow, which
/// would slow every section measured after it. An error is reported as the section's result,
/// not as the bench's end.
async fn inbox_section(root: &Path) -> Section {
    println!(
        "▸ Import inbox: the release inbox-import function with 10,000 and 100,000 documents …"
    );
    let large = env_number("BENCH_INBOX_DOCUMENTS", 100_000) as usize;
    let runs = match inbox_runs(root, &[10_000.min(large), large]).await {
        Ok(runs) => runs,
        Err(err) => {
            return Section {
                title: "Import inbox",
                markdown: format!("The run failed: {err}\n\n{}\n", verdict(false)),
                json: serde_json::json!({ "goal_met": false, "error": err.to_string() }),
                goal_met: Some(false),
            }
        }
    };
    let met = runs.iter().all(portal_bench::inbox::InboxRun::met);
    let mut md = format!("A batch dropped into the inbox bucket (a customers manifest with one new customer per 100 documents, a documents manifest naming 1,000 distinct PDFs in turn, then `READY`), imported by the release `inbox-import` binary through a Runtime API as Lambda runs it: {} MB declared, its {} s timeout as each invocation's deadline, and every `<n>.continue` marker the function leaves delivered as the bucket's notification would. Against moto on this machine, so the rate is moto's: on AWS the same calls go to S3 and DynamoDB. Goal: every row imported, no invocation over the timeout, peak memory (the process's high-water mark) within the declared size and not growing with the batch.\n\n| documents | customers | seconds | rows/s | invocations | longest invocation s | peak memory MB | status |\n|---:|---:|---:|---:|---:|---:|---:|---|\n",
        portal::routes::triggered::INBOX_IMPORT.memory_mb,
        portal::routes::triggered::INBOX_IMPORT.timeout_s);
    for r in &runs {
        md.push_str(&format!(
            "| {} | {} | {:.0} | {:.0} | {} | {:.0} | {:.1} | {} ({} created) |\n",
            r.documents,
            r.customers,
            r.seconds,
            r.rows_per_second,
            r.invocations,
            r.longest_invocation_s,
            r.peak_rss_mb,
            r.status,
            r.created
        ));
    }
    md.push_str(&format!("\n{}\n", verdict(met)));
    Section {
        title: "Import inbox",
        markdown: md,
        json: serde_json::json!({ "goal_met": met, "runs": runs }),
        goal_met: Some(met),
    }
}

async fn inbox_runs(
    root: &Path,
    sizes: &[usize],
) -> Result<Vec<portal_bench::inbox::InboxRun>, DevError> {
    let moto = devstack::moto::MotoServer::start(
        &devstack::moto::default_binary(),
        None,
        &root.join("target/bench-inbox-moto.log"),
    )?;
    let sdk = devstack::local::sdk_config(&moto.url);
    let template = devstack::template::Template::load(&root.join("infra/template.yaml"))?;
    let resources = devstack::local::ensure_resources(&sdk, &template, "inbox-").await?;
    let inbox_uri = resources.inbox_uri();
    let mut env = resources.function_env(
        &template,
        &[
            ("PORTAL_BASE_URL", "https://portal.example.com"),
            ("S3_FORCE_PATH_STYLE", "true"),
            ("INBOX_URI", &inbox_uri),
            ("OPS_EMAIL", "ops@example.com"),
            ("SUPPORT_EMAIL", "support@example.com"),
        ],
    );
    env.insert("AWS_ENDPOINT_URL".into(), moto.url.clone());
    let s3 = portal::store::documents::s3_client(&sdk, true);
    let binary = root.join("target/bench-functions/inbox-import/bootstrap");
    let (bucket, prefix) = portal_import::inbox::parse_s3_uri(&inbox_uri)
        .ok_or_else(|| DevError::msg(format!("not an inbox URI: {inbox_uri}")))?;
    let inbox = portal_bench::inbox::Inbox {
        binary: &binary,
        env: &env,
        s3: &s3,
        bucket: &bucket,
        prefix: &prefix,
    };
    let mut runs = Vec::new();
    for (i, documents) in sizes.iter().enumerate() {
        runs.push(inbox.run(&format!("bench{i}"), *documents).await?);
    }
    moto.stop();
    Ok(runs)
}

fn write_report(root: &Path, sections: &[Section]) -> Result<(), DevError> {
    let date = portal::domain::documents::date_of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    );
    let machine = format!(
        "{} cores, {}, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        std::env::consts::ARCH,
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_default()
    );
    let mut md = format!("# Benchmarks\n\nWritten by `make bench`; do not edit by hand. Measured on {date}, {machine}, against moto (the local AWS stand-in). Medians with min–max; goals are checked by this report, never by timed tests.\n\n| section | goal |\n|---|---|\n");
    for s in sections {
        let goal = match s.goal_met {
            Some(true) => "met",
            Some(false) => "**NOT met**",
            None => "(figures only)",
        };
        md.push_str(&format!(
            "| [{}](#{}) | {goal} |\n",
            s.title,
            anchor(s.title)
        ));
    }
    for s in sections {
        md.push_str(&format!("\n## {}\n\n{}", s.title, s.markdown));
    }
    // `make soak` writes its own section; a new report keeps it.
    let earlier = std::fs::read_to_string(root.join("docs/benchmarks.md")).unwrap_or_default();
    if let Some(soak) = portal_bench::soak::section_of(&earlier) {
        md = portal_bench::soak::replace_section(&md, &soak);
    }
    std::fs::write(root.join("docs/benchmarks.md"), &md)
        .map_err(DevError::io("docs/benchmarks.md"))?;
    let json = serde_json::json!({
        "date": date.to_string(),
        "machine": machine,
        "sections": sections.iter().map(|s| serde_json::json!({ "title": s.title, "goal_met": s.goal_met, "data": s.json })).collect::<Vec<_>>(),
    });
    std::fs::write(
        root.join("docs/benchmarks.json"),
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(DevError::io("docs/benchmarks.json"))?;
    println!("\n{md}");
    println!("▸ Written to docs/benchmarks.md and docs/benchmarks.json");
    Ok(())
}

/// GitHub's heading anchors: lowercase, spaces to dashes, punctuation dropped.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' => Some(c),
            _ => None,
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    if let Err(err) = run().await {
        eprintln!("make bench: {err}");
        std::process::exit(1);
    }
    println!("▸ make bench took {:.0} s", started.elapsed().as_secs_f64());
}
