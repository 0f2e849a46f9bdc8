//! The import inbox at scale: a batch of generated customers and documents dropped into the
//! inbox bucket, imported by the release `inbox-import` binary through a Runtime API as Lambda
//! runs it: the declared memory and timeout (as the invocation's deadline), and each
//! `<n>.continue` marker the function leaves delivered as the bucket notification would.

use devstack::runtime_api::{Outcome, RuntimeApi};
use devstack::DevError;
use futures_util::{stream, StreamExt};
use portal::routes::triggered::INBOX_IMPORT;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// Distinct PDFs in a generated batch; the rows name them in turn (a real batch has one per
/// invoice, which changes the upload before the batch, not the import).
const FILES: usize = 1_000;

/// Documents per customer in a generated batch.
const DOCUMENTS_PER_CUSTOMER: usize = 100;

#[derive(Debug, serde::Serialize)]
pub struct InboxRun {
    pub customers: usize,
    pub documents: usize,
    /// From the READY event to the last invocation's answer.
    pub seconds: f64,
    pub rows_per_second: f64,
    pub invocations: usize,
    /// The longest invocation, against the function's timeout.
    pub longest_invocation_s: f64,
    pub timeout_s: u16,
    pub peak_rss_mb: f64,
    pub memory_mb: u16,
    /// `result.json`'s status and counts.
    pub status: String,
    pub created: u64,
}

impl InboxRun {
    /// Every row imported, every invocation inside the timeout, memory inside the declared size.
    pub fn met(&self) -> bool {
        self.status == "imported"
            && self.created == (self.customers + self.documents) as u64
            && self.longest_invocation_s <= f64::from(self.timeout_s)
            && self.peak_rss_mb <= f64::from(self.memory_mb)
    }
}

pub struct Inbox<'a> {
    pub binary: &'a Path,
    /// The function's environment (the template's, with the local names).
    pub env: &'a HashMap<String, String>,
    pub s3: &'a aws_sdk_s3::Client,
    pub bucket: &'a str,
    /// Ends with `/`.
    pub prefix: &'a str,
}

impl Inbox<'_> {
    /// Uploads a batch `name` of `documents` invoices for `documents / 100` new customers, then
    /// runs the function from its READY marker until the batch has its result.
    pub async fn run(&self, name: &str, documents: usize) -> Result<InboxRun, DevError> {
        let customers = documents.div_ceil(DOCUMENTS_PER_CUSTOMER).max(1);
        let folder = format!("{}{name}/", self.prefix);
        println!("  uploading batch {name}: {customers} customers, {documents} documents …");
        let mut manifest = String::from("customer_id,number,name\n");
        for c in 0..customers {
            manifest.push_str(&format!("{name}-{c},{c},Firma {c}\n"));
        }
        self.put(&format!("{folder}customers.csv"), manifest.into_bytes())
            .await?;
        let mut manifest = String::from(
            "customer_id;kind;number;issued;due;net;tax;gross;currency;status;pdf;xml;order;commission\n",
        );
        for i in 0..documents {
            let month = i % 12 + 1;
            let day = i % 28 + 1;
            let customer = i / DOCUMENTS_PER_CUSTOMER;
            let file = i % FILES;
            manifest.push_str(&format!(
                "{name}-{customer};invoice;B-{i:07};2025-{month:02}-{day:02};;100.00;19.00;119.00;EUR;paid;pdf/{file}.pdf;;PO-{i};\n"
            ));
        }
        self.put(&format!("{folder}documents.csv"), manifest.into_bytes())
            .await?;
        let uploads: Vec<Result<(), DevError>> = stream::iter(0..FILES.min(documents))
            .map(|file| {
                let body = format!("%PDF-1.4\n% bench invoice {file}\n%%EOF\n").into_bytes();
                self.put_owned(format!("{folder}pdf/{file}.pdf"), body)
            })
            .buffer_unordered(16)
            .collect()
            .await;
        uploads.into_iter().collect::<Result<Vec<()>, DevError>>()?;
        self.put(&format!("{folder}READY"), Vec::new()).await?;

        let mut runtime = RuntimeApi::start().await;
        let mut child = tokio::process::Command::new(self.binary)
            .env_clear()
            .envs(crate::coldstart::lambda_environment(
                INBOX_IMPORT.function,
                INBOX_IMPORT.memory_mb,
            ))
            .envs(self.env)
            .env("AWS_LAMBDA_RUNTIME_API", &runtime.address)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(DevError::io(format!("starting {}", self.binary.display())))?;
        let pid = child.id().unwrap_or(0);
        let timeout = Duration::from_secs(u64::from(INBOX_IMPORT.timeout_s));
        let started = Instant::now();
        let mut delivered = HashSet::new();
        let mut pending = vec![format!("{folder}READY")];
        let (mut invocations, mut longest) = (0usize, Duration::ZERO);
        let mut peak_kb = 0u64;
        while let Some(key) = pending.pop() {
            delivered.insert(key.clone());
            invocations += 1;
            let event =
                devstack::watch::s3_event(self.bucket, &key, 0, "\"bench\"", invocations as u64);
            let at = Instant::now();
            // A function that exits (an init error before it reached the Runtime API) would
            // otherwise leave the invocation waiting out its whole timeout.
            let request_id = format!("inbox-{invocations}");
            let outcome = tokio::select! {
                outcome = runtime.invoke_within(&request_id, &event, timeout) => outcome,
                status = child.wait() => {
                    return Err(DevError::msg(format!(
                        "inbox-import exited ({}) on {key}; run it with its stderr to see why",
                        status.map_or_else(|e| e.to_string(), |s| s.to_string())
                    )))
                }
            };
            longest = longest.max(at.elapsed());
            peak_kb = peak_kb.max(crate::load::peak_rss_kb(pid).unwrap_or(0));
            match outcome {
                Some(Outcome::Response(_)) => {}
                Some(other) => {
                    return Err(DevError::msg(format!(
                        "inbox-import failed on {key}: {other:?}"
                    )))
                }
                None => {
                    return Err(DevError::msg(format!(
                        "inbox-import did not finish {key} within its timeout of {} s",
                        INBOX_IMPORT.timeout_s
                    )))
                }
            }
            println!(
                "  invocation {invocations} ({key}) took {:.0} s",
                at.elapsed().as_secs_f64()
            );
            for key in self.keys(&folder).await? {
                if key.ends_with(".continue") && !delivered.contains(&key) {
                    pending.push(key);
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let _ = child.kill().await;
        let result: serde_json::Value = self
            .get(&format!("{folder}result.json"))
            .await?
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| DevError::msg(format!("batch {name} has no result.json")))?;
        let created = ["customers", "documents"]
            .iter()
            .map(|m| result["manifests"][m]["created"].as_u64().unwrap_or(0))
            .sum();
        Ok(InboxRun {
            customers,
            documents,
            seconds,
            rows_per_second: (customers + documents) as f64 / seconds,
            invocations,
            longest_invocation_s: longest.as_secs_f64(),
            timeout_s: INBOX_IMPORT.timeout_s,
            peak_rss_mb: peak_kb as f64 / 1024.0,
            memory_mb: INBOX_IMPORT.memory_mb,
            status: result["status"].as_str().unwrap_or("?").to_string(),
            created,
        })
    }

    async fn put(&self, key: &str, body: Vec<u8>) -> Result<(), DevError> {
        self.put_owned(key.to_string(), body).await
    }

    async fn put_owned(&self, key: String, body: Vec<u8>) -> Result<(), DevError> {
        self.s3
            .put_object()
            .bucket(self.bucket)
            .key(&key)
            .body(body.into())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| DevError::msg(format!("uploading {key}: {e}")))
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DevError> {
        match self
            .s3
            .get_object()
            .bucket(self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => Ok(Some(
                output
                    .body
                    .collect()
                    .await
                    .map_err(|e| DevError::msg(format!("reading {key}: {e}")))?
                    .to_vec(),
            )),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => Ok(None),
            Err(e) => Err(DevError::msg(format!("reading {key}: {e}"))),
        }
    }

    async fn keys(&self, folder: &str) -> Result<Vec<String>, DevError> {
        let mut keys = Vec::new();
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(self.bucket)
            .prefix(folder)
            .delimiter("/")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| DevError::msg(format!("listing {folder}: {e}")))?;
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_string)),
            );
        }
        Ok(keys)
    }
}
