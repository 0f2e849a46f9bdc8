//! The import inbox: the billing system (or a nightly export job) copies a batch folder into the
//! inbox bucket and then uploads the marker `READY`; the bucket's event notification starts the
//! inbox function, which imports the batch with the same code as `portal-admin import`.
//!
//! ```text
//! s3://<inbox bucket>/inbox/<batch>/customers.csv | .jsonl   (any of the four manifests)
//!                                   logins.csv, contracts.csv, documents.csv
//!                                   <the files documents.csv names>
//!                                   READY          ← uploaded last; starts the import
//!                                   result.json    ← written by the portal
//! ```
//!
//! - `READY` may be empty, or hold `{"skip_invalid": true}` to import the valid rows and report
//!   the others; otherwise any invalid row in any manifest fails the whole batch.
//! - The manifests are imported in the order customers, logins, contracts, documents, so a batch
//!   may bring new customers together with their logins and invoices.
//! - A batch runs once: the batch's item in the portal table is claimed before anything else, so
//!   a second `READY` upload or a second delivery of the event does nothing (a batch to import
//!   again is uploaded under a new name).
//! - A batch that does not finish within one invocation records where it is after every chunk of
//!   rows, writes the continuation marker `<n>.continue` into its folder and ends; that marker's
//!   event starts the next invocation, which continues there.
//! - The result: `result.json` in the batch folder, a mail to `OPS_EMAIL`, and for a failed
//!   batch a log line with `metric = "import_failed"` (a metric filter and an alarm in the
//!   template).

use crate::files::FileSource;
use crate::manifest::RowError;
use crate::notify::Notifier;
use crate::{Checkpoint, ImportError, Kind, Options, Quiet, Saved, Summary, Targets};
use portal::domain::email::EmailAddress;
use portal::store::batches::{BatchState, BatchStore, Claim, Phase};
use portal::store::mail::OutgoingMail;
use portal::{App, ConfigError};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The marker whose upload starts a batch.
pub const READY: &str = "READY";
/// The suffix of the markers that continue a long batch in a further invocation.
pub const CONTINUE_SUFFIX: &str = ".continue";
/// The summary the portal writes into the batch folder.
pub const RESULT: &str = "result.json";
/// The problems found while checking (one JSON object per line), kept for the invocations that
/// continue a batch.
const PROBLEMS: &str = ".problems.jsonl";
/// Time left for the invocation's end when it stops starting new chunks.
const MARGIN: Duration = Duration::from_secs(60);

/// The inbox function's own settings.
#[derive(Debug, Clone)]
pub struct InboxConfig {
    pub bucket: String,
    /// Ends with `/` (e.g. `inbox/`).
    pub prefix: String,
    /// Where batch summaries go.
    pub ops_email: EmailAddress,
}

impl InboxConfig {
    /// `INBOX_URI` (`s3://bucket/prefix/`) and `OPS_EMAIL`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or(ConfigError::Missing(name))
        };
        let (bucket, prefix) = parse_s3_uri(&get("INBOX_URI")?).ok_or(ConfigError::Invalid {
            name: "INBOX_URI",
            reason: "expected s3://<bucket>/<prefix>/".into(),
        })?;
        let ops_email =
            EmailAddress::parse(&get("OPS_EMAIL")?).map_err(|_| ConfigError::Invalid {
                name: "OPS_EMAIL",
                reason: "expected an email address".into(),
            })?;
        Ok(InboxConfig {
            bucket,
            prefix,
            ops_email,
        })
    }
}

/// `s3://bucket/prefix/` → (bucket, `prefix/`); the prefix may be empty.
pub fn parse_s3_uri(uri: &str) -> Option<(String, String)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let valid_bucket = (3..=63).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if !valid_bucket || (!prefix.is_empty() && !prefix.ends_with('/')) {
        return None;
    }
    Some((bucket.to_string(), prefix.to_string()))
}

/// What an object's upload means to the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    Ready { batch: String },
    Continue { batch: String, number: u64 },
}

/// The marker a key (as S3 names it in the event: URL-encoded, `+` for a space) is, if any.
pub fn marker(prefix: &str, encoded_key: &str) -> Option<Marker> {
    let spaced = encoded_key.replace('+', " ");
    let key = percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()?;
    let (batch, name) = key.strip_prefix(prefix)?.split_once('/')?;
    let valid_batch = !batch.is_empty()
        && batch.len() <= 100
        && !batch.starts_with('.')
        && batch
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid_batch {
        return None;
    }
    if name == READY {
        return Some(Marker::Ready {
            batch: batch.to_string(),
        });
    }
    let number = name.strip_suffix(CONTINUE_SUFFIX)?.parse().ok()?;
    Some(Marker::Continue {
        batch: batch.to_string(),
        number,
    })
}

pub struct Inbox<'a> {
    pub app: &'a App,
    pub s3: aws_sdk_s3::Client,
    pub config: InboxConfig,
    pub batches: BatchStore,
    pub notifier: Option<Notifier>,
    /// Where manifests are unpacked (Lambda: `/tmp`).
    pub work_dir: PathBuf,
}

/// The counts of a batch so far, per manifest name.
type Counts = BTreeMap<String, Summary>;

impl Inbox<'_> {
    fn targets(&self) -> Targets<'_> {
        Targets {
            directory: &self.app.directory,
            documents: &self.app.documents,
            files: &self.app.files,
            companies: &self.app.companies,
            contracts: &self.app.contracts,
            notifications: &self.app.notifications,
            notify_in_portal: true,
            notifier: self.notifier.as_ref(),
        }
    }

    fn folder(&self, batch: &str) -> String {
        format!("{}{batch}/", self.config.prefix)
    }

    /// Handles the objects of one event notification; each marker is processed on its own (an
    /// error in one batch does not stop the others).
    pub async fn handle(
        &self,
        event: &aws_lambda_events::event::s3::S3Event,
        deadline: Instant,
    ) -> Result<(), ImportError> {
        let mut failure = None;
        for record in &event.records {
            let (Some(bucket), Some(key)) = (&record.s3.bucket.name, &record.s3.object.key) else {
                continue;
            };
            if *bucket != self.config.bucket {
                tracing::warn!(bucket = %bucket, "event of another bucket ignored");
                continue;
            }
            let Some(marker) = marker(&self.config.prefix, key) else {
                tracing::info!(key = %key, "not a batch marker; ignored");
                continue;
            };
            if let Err(err) = self.process(&marker, deadline).await {
                tracing::error!(error = %err, ?marker, "import batch interrupted");
                failure = Some(err);
            }
        }
        // An error makes the invocation fail, so Lambda retries it; the batch's lease makes the
        // retry wait or take over where the batch stood.
        failure.map_or(Ok(()), Err)
    }

    pub async fn process(&self, marker: &Marker, deadline: Instant) -> Result<(), ImportError> {
        let now = crate::portal_now();
        let lease_until = now + deadline.saturating_duration_since(Instant::now()).as_secs() + 30;
        match marker {
            Marker::Ready { batch } => {
                let skip_invalid = match self.marker_options(batch).await {
                    Ok(skip) => skip,
                    Err(problem) => {
                        return match self.batches.start(batch, false, now, lease_until).await? {
                            Claim::Held(state) => {
                                self.fail(&state, &[problem], &Counts::new()).await
                            }
                            _ => Ok(()),
                        };
                    }
                };
                match self
                    .batches
                    .start(batch, skip_invalid, now, lease_until)
                    .await?
                {
                    Claim::Held(state) => self.run(state, deadline).await,
                    Claim::Busy => {
                        tracing::info!(batch = %batch, "batch is being imported already");
                        Ok(())
                    }
                    Claim::Finished(phase) => {
                        tracing::info!(batch = %batch, ?phase, "batch was imported before; upload it under a new name to import it again");
                        Ok(())
                    }
                }
            }
            Marker::Continue { batch, number } => {
                match self.batches.resume(batch, *number, lease_until).await? {
                    Some(state) => self.run(state, deadline).await,
                    None => {
                        tracing::info!(batch = %batch, number, "continuation handled already");
                        Ok(())
                    }
                }
            }
        }
    }

    /// `READY`'s content: empty, or `{"skip_invalid": true|false}`.
    async fn marker_options(&self, batch: &str) -> Result<bool, RowError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct MarkerOptions {
            #[serde(default)]
            skip_invalid: bool,
        }
        let problem = |message: String| RowError {
            file: READY.into(),
            line: 1,
            field: "row".into(),
            message,
        };
        let bytes = self
            .get(&format!("{}{READY}", self.folder(batch)))
            .await
            .map_err(|e| problem(e.to_string()))?
            .unwrap_or_default();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(false);
        }
        serde_json::from_slice::<MarkerOptions>(&bytes)
            .map(|o| o.skip_invalid)
            .map_err(|e| {
                problem(format!(
                    "expected nothing or {{\"skip_invalid\": true}}: {e}"
                ))
            })
    }

    async fn run(&self, state: BatchState, deadline: Instant) -> Result<(), ImportError> {
        let batch = state.batch.clone();
        let work = self.work_dir.join(format!("batch-{batch}"));
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work)
            .map_err(|e| ImportError::Read(format!("{}: {e}", work.display())))?;
        let result = self.run_in(&state, &work, deadline).await;
        let _ = std::fs::remove_dir_all(&work);
        result
    }

    async fn run_in(
        &self,
        state: &BatchState,
        work: &Path,
        deadline: Instant,
    ) -> Result<(), ImportError> {
        let batch = &state.batch;
        let files = FileSource::Inbox {
            client: self.s3.clone(),
            bucket: self.config.bucket.clone(),
            prefix: self.folder(batch),
        };
        let (manifests, mut problems) = self.manifests(batch).await?;
        let targets = self.targets();
        let mut counts: Counts = serde_json::from_str(&state.counts).unwrap_or_default();

        if state.phase == Phase::Checking {
            let mut batch_companies = HashSet::new();
            for (kind, name) in &manifests {
                let path = self.download(batch, name, work).await?;
                let validation =
                    crate::validate(&targets, *kind, &path, &files, &batch_companies).await?;
                batch_companies.extend(validation.companies);
                counts.insert(
                    kind.manifest_name().to_string(),
                    Summary {
                        skipped: validation.bad_lines.len(),
                        ..Summary::default()
                    },
                );
                problems.extend(validation.errors);
            }
            if manifests.is_empty() {
                problems.push(RowError {
                    file: READY.into(),
                    line: 1,
                    field: "batch".into(),
                    message: "no manifest: expected customers, logins, contracts or documents (.csv or .jsonl)".into(),
                });
            }
            if !problems.is_empty() && (!state.skip_invalid || manifests.is_empty()) {
                return self.fail(state, &problems, &Counts::new()).await;
            }
            self.put_problems(batch, &problems).await?;
            self.batches
                .save(batch, Phase::Writing, 0, 0, &to_json(&counts))
                .await?;
            return self
                .write_from(state, 0, 0, &manifests, counts, &files, work, deadline)
                .await;
        }
        self.write_from(
            state,
            state.manifest,
            state.line,
            &manifests,
            counts,
            &files,
            work,
            deadline,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_from(
        &self,
        state: &BatchState,
        from_manifest: u64,
        from_line: u64,
        manifests: &[(Kind, String)],
        mut counts: Counts,
        files: &FileSource,
        work: &Path,
        deadline: Instant,
    ) -> Result<(), ImportError> {
        let batch = &state.batch;
        let problems = self.problems(batch).await?;
        let targets = self.targets();
        for (index, kind) in Kind::ALL.iter().enumerate() {
            let index = index as u64;
            if index < from_manifest {
                continue;
            }
            let Some((_, name)) = manifests.iter().find(|(k, _)| k == kind) else {
                continue;
            };
            let path = self.download(batch, name, work).await?;
            let bad_lines: HashSet<u64> = problems
                .iter()
                .filter(|p| p.file == *name)
                .map(|p| p.line)
                .collect();
            let key = kind.manifest_name().to_string();
            let mut summary = counts.get(&key).cloned().unwrap_or_default();
            let options = Options {
                skip_invalid: state.skip_invalid,
                resume_after: if index == from_manifest { from_line } else { 0 },
                deadline: Some(deadline.checked_sub(MARGIN).unwrap_or(deadline)),
                parallel: 16,
            };
            let checkpoint = BatchCheckpoint {
                store: &self.batches,
                batch,
                manifest: index,
                key: &key,
                counts: &counts,
            };
            crate::write(
                &targets,
                *kind,
                &path,
                files,
                &bad_lines,
                &options,
                &Quiet,
                &checkpoint,
                &mut summary,
            )
            .await?;
            let stopped = summary.stopped_after;
            counts.insert(key, summary);
            if let Some(line) = stopped {
                // Out of time: the next invocation continues after `line`.
                self.batches
                    .save(batch, Phase::Writing, index, line, &to_json(&counts))
                    .await?;
                let current = self
                    .batches
                    .get(batch)
                    .await?
                    .map_or(state.continuation, |s| s.continuation);
                self.put(
                    &format!("{}{current}{CONTINUE_SUFFIX}", self.folder(batch)),
                    Vec::new(),
                    "text/plain",
                )
                .await?;
                tracing::info!(batch = %batch, manifest = %kind.manifest_name(), line, "import batch continues in a further invocation");
                return Ok(());
            }
            self.batches
                .save(batch, Phase::Writing, index + 1, 0, &to_json(&counts))
                .await?;
        }
        self.finish(state, &problems, &counts).await
    }

    /// The batch's manifests in import order, and the problems of its folder (two manifests of
    /// one kind).
    async fn manifests(
        &self,
        batch: &str,
    ) -> Result<(Vec<(Kind, String)>, Vec<RowError>), ImportError> {
        let folder = self.folder(batch);
        let mut names = Vec::new();
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(&self.config.bucket)
            .prefix(&folder)
            .delimiter("/")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                ImportError::Store(portal::store::StoreError::from_sdk("list batch", e))
            })?;
            for object in page.contents() {
                if let Some(name) = object.key().and_then(|k| k.strip_prefix(&folder)) {
                    names.push(name.to_string());
                }
            }
        }
        let mut manifests = Vec::new();
        let mut problems = Vec::new();
        for kind in Kind::ALL {
            let found: Vec<&String> = names
                .iter()
                .filter(|n| {
                    ["csv", "jsonl"]
                        .iter()
                        .any(|ext| **n == format!("{}.{ext}", kind.manifest_name()))
                })
                .collect();
            match found.as_slice() {
                [] => {}
                [one] => manifests.push((kind, (*one).clone())),
                _ => problems.push(RowError {
                    file: found[0].clone(),
                    line: 0,
                    field: "file".into(),
                    message: format!(
                        "{} comes as .csv and .jsonl: keep one",
                        kind.manifest_name()
                    ),
                }),
            }
        }
        Ok((manifests, problems))
    }

    async fn download(&self, batch: &str, name: &str, work: &Path) -> Result<PathBuf, ImportError> {
        let path = work.join(name);
        if path.is_file() {
            return Ok(path);
        }
        let output = self
            .s3
            .get_object()
            .bucket(&self.config.bucket)
            .key(format!("{}{name}", self.folder(batch)))
            .send()
            .await
            .map_err(|e| {
                ImportError::Store(portal::store::StoreError::from_sdk("get manifest", e))
            })?;
        let mut body = output.body.into_async_read();
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| ImportError::Read(format!("{}: {e}", path.display())))?;
        tokio::io::copy(&mut body, &mut file)
            .await
            .map_err(|e| ImportError::Read(format!("{name}: {e}")))?;
        Ok(path)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, ImportError> {
        match self
            .s3
            .get_object()
            .bucket(&self.config.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => Ok(Some(
                output
                    .body
                    .collect()
                    .await
                    .map_err(|e| ImportError::Read(format!("{key}: {e}")))?
                    .into_bytes()
                    .to_vec(),
            )),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_no_such_key()) => Ok(None),
            Err(err) => Err(ImportError::Store(portal::store::StoreError::from_sdk(
                "get object",
                err,
            ))),
        }
    }

    async fn put(&self, key: &str, body: Vec<u8>, content_type: &str) -> Result<(), ImportError> {
        self.s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(key)
            .content_type(content_type)
            .body(body.into())
            .send()
            .await
            .map_err(|e| {
                ImportError::Store(portal::store::StoreError::from_sdk("put object", e))
            })?;
        Ok(())
    }

    async fn put_problems(&self, batch: &str, problems: &[RowError]) -> Result<(), ImportError> {
        let mut lines = String::new();
        for p in problems {
            lines.push_str(
                &serde_json::json!({ "file": p.file, "line": p.line, "field": p.field, "message": p.message })
                    .to_string(),
            );
            lines.push('\n');
        }
        self.put(
            &format!("{}{PROBLEMS}", self.folder(batch)),
            lines.into_bytes(),
            "application/x-ndjson",
        )
        .await
    }

    async fn problems(&self, batch: &str) -> Result<Vec<RowError>, ImportError> {
        let bytes = self
            .get(&format!("{}{PROBLEMS}", self.folder(batch)))
            .await?
            .unwrap_or_default();
        Ok(String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .map(|p| RowError {
                file: p["file"].as_str().unwrap_or_default().to_string(),
                line: p["line"].as_u64().unwrap_or(0),
                field: p["field"].as_str().unwrap_or_default().to_string(),
                message: p["message"].as_str().unwrap_or_default().to_string(),
            })
            .collect())
    }

    async fn fail(
        &self,
        state: &BatchState,
        problems: &[RowError],
        counts: &Counts,
    ) -> Result<(), ImportError> {
        tracing::error!(
            metric = "import_failed",
            batch = %state.batch,
            problems = problems.len(),
            "import batch failed: nothing imported"
        );
        self.report(state, "failed", problems, counts).await?;
        self.batches
            .save(&state.batch, Phase::Failed, 0, 0, &to_json(counts))
            .await?;
        Ok(())
    }

    async fn finish(
        &self,
        state: &BatchState,
        problems: &[RowError],
        counts: &Counts,
    ) -> Result<(), ImportError> {
        tracing::info!(batch = %state.batch, problems = problems.len(), "import batch imported");
        self.report(state, "imported", problems, counts).await?;
        self.batches
            .save(&state.batch, Phase::Done, 0, 0, &to_json(counts))
            .await?;
        Ok(())
    }

    /// `result.json` in the batch folder and the summary mail to `OPS_EMAIL`.
    async fn report(
        &self,
        state: &BatchState,
        status: &str,
        problems: &[RowError],
        counts: &Counts,
    ) -> Result<(), ImportError> {
        let batch = &state.batch;
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let result = serde_json::json!({
            "batch": batch,
            "status": status,
            "skip_invalid": state.skip_invalid,
            "started_at": state.started_at,
            "finished_at": crate::portal_now(),
            "manifests": counts,
            "problems": listed,
        });
        let key = format!("{}{RESULT}", self.folder(batch));
        self.put(
            &key,
            serde_json::to_vec_pretty(&result).unwrap_or_default(),
            "application/json",
        )
        .await?;
        let mail = summary_mail(
            &self.config.ops_email,
            batch,
            status,
            counts,
            &listed,
            &format!("s3://{}/{key}", self.config.bucket),
        );
        if let Err(err) = self.app.mailer.send(mail).await {
            // The result is in result.json; a mail that fails must not make the batch run again.
            tracing::error!(error = %err, batch = %batch, "import summary mail failed");
        }
        Ok(())
    }
}

fn to_json(counts: &Counts) -> String {
    serde_json::to_string(counts).unwrap_or_else(|_| "{}".into())
}

/// At most this many problems are listed in the mail (all are in result.json).
const MAILED_PROBLEMS: usize = 50;

fn summary_mail(
    to: &EmailAddress,
    batch: &str,
    status: &str,
    counts: &Counts,
    problems: &[String],
    result: &str,
) -> OutgoingMail {
    let (de_status, en_status) = if status == "failed" {
        (
            "fehlgeschlagen, nichts importiert",
            "failed, nothing imported",
        )
    } else {
        ("importiert", "imported")
    };
    let mut lines = String::new();
    for (name, c) in counts {
        lines.push_str(&format!(
            "{name}: {} new / neu, {} updated / geändert, {} unchanged / unverändert, {} skipped / übersprungen, {} mails",
            c.created, c.updated, c.unchanged, c.skipped, c.notified
        ));
        if c.resolved > 0 {
            lines.push_str(&format!(
                ", {} change requests done / Änderungswünsche erledigt",
                c.resolved
            ));
        }
        lines.push('\n');
    }
    let mut listed: String = problems
        .iter()
        .take(MAILED_PROBLEMS)
        .map(|p| format!("  {p}\n"))
        .collect();
    if problems.len() > MAILED_PROBLEMS {
        listed.push_str(&format!(
            "  … {} more / weitere\n",
            problems.len() - MAILED_PROBLEMS
        ));
    }
    let text = format!(
        "Import {batch}: {de_status} / {en_status}\n\n{lines}\nProbleme / problems: {}\n{listed}\nAlles / everything: {result}\n",
        problems.len()
    );
    OutgoingMail::plain(
        to.clone(),
        format!("Import {batch}: {de_status} / {en_status}"),
        text,
    )
}

/// Records progress in the batch's item after each chunk.
struct BatchCheckpoint<'a> {
    store: &'a BatchStore,
    batch: &'a str,
    manifest: u64,
    key: &'a str,
    counts: &'a Counts,
}

impl Checkpoint for BatchCheckpoint<'_> {
    fn save<'a>(&'a self, line: u64, summary: &'a Summary) -> Saved<'a> {
        Box::pin(async move {
            let mut counts = self.counts.clone();
            counts.insert(self.key.to_string(), summary.clone());
            self.store
                .save(
                    self.batch,
                    Phase::Writing,
                    self.manifest,
                    line,
                    &to_json(&counts),
                )
                .await?;
            Ok(())
        })
    }
}

/// Builds the inbox from the function's environment and serves the bucket's events on a
/// single-threaded runtime (see `portal::lambda::run`).
pub fn run() -> Result<(), lambda_http::Error> {
    portal::lambda::block_on(serve())
}

async fn serve() -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{service_fn, LambdaEvent};
    portal::telemetry::init();
    let lookup = |name: &str| std::env::var(name).ok();
    let started = (|| -> Result<_, ConfigError> {
        let config = portal::Config::from_env()?;
        let inbox = InboxConfig::from_lookup(lookup)?;
        let sdk = portal::app::lambda_sdk_config(lookup)?;
        Ok((config, inbox, sdk))
    })();
    let (config, inbox_config, sdk) = match started {
        Ok(parts) => parts,
        Err(err) => {
            tracing::error!(function = "inbox-import", error = %err, "refusing to start");
            return Err(err.into());
        }
    };
    let notifier = Notifier::new(&sdk, &config.mail_from, &config.base_url);
    let s3 = portal::store::documents::s3_client(&sdk, config.s3_force_path_style);
    let batches = BatchStore::new(aws_sdk_dynamodb_client(&sdk), &config.portal_table);
    let app: &'static App = Box::leak(Box::new(App::new(config, &sdk, portal::Clock::system())));
    let inbox: &'static Inbox<'static> = Box::leak(Box::new(Inbox {
        app,
        s3,
        config: inbox_config,
        batches,
        notifier: Some(notifier),
        work_dir: std::env::temp_dir(),
    }));
    lambda_http::lambda_runtime::run(service_fn(
        move |event: LambdaEvent<aws_lambda_events::event::s3::S3Event>| async move {
            let remaining = event
                .context
                .deadline()
                .duration_since(std::time::SystemTime::now())
                .unwrap_or_default();
            inbox
                .handle(&event.payload, Instant::now() + remaining)
                .await
                .map_err(|e| lambda_http::Error::from(e.to_string()))
        },
    ))
    .await
}

fn aws_sdk_dynamodb_client(sdk: &aws_types::SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(sdk)
}

/// For tests and the dev stack: the inbox over an app's stores.
impl<'a> Inbox<'a> {
    pub fn new(
        app: &'a App,
        sdk: &aws_types::SdkConfig,
        config: InboxConfig,
        work_dir: PathBuf,
    ) -> Inbox<'a> {
        Inbox {
            app,
            s3: portal::store::documents::s3_client(sdk, app.config.s3_force_path_style),
            batches: BatchStore::new(aws_sdk_dynamodb::Client::new(sdk), &app.config.portal_table),
            notifier: Some(Notifier::new(
                sdk,
                &app.config.mail_from,
                &app.config.base_url,
            )),
            config,
            work_dir,
        }
    }
}
