//! Imports from the billing system: customers, logins, contracts and documents from manifests
//! plus the files they name. `portal-admin import` runs it from a folder on the operator's
//! machine; the inbox function (`inbox`) runs it from a batch folder in S3. Same code, same
//! checks, same results.
//!
//! A manifest is read twice as a stream, so memory does not grow with its length: first every
//! row is checked (fields, duplicates, the customer it names, the files it names); with any
//! invalid row nothing is imported unless the caller asks to skip invalid rows. Then the rows are
//! written in chunks with bounded parallelism, a document's files before its metadata (the
//! portal never lists a document without its PDF). Unchanged rows are left alone, so importing
//! the same manifest again changes nothing. A caller with a deadline (a Lambda invocation) gets
//! the last line it finished and continues after it later.

pub mod files;
pub mod inbox;
pub mod manifest;
pub mod notify;

use crate::files::FileSource;
use crate::manifest::{Checker, CompanyRow, ContractRow, DocumentRow, LoginRow, RowError};
use futures_util::stream::{self, StreamExt};
use portal::domain::documents::object_key;
use portal::domain::ids::CompanyId;
use portal::store::company::CompanyStore;
use portal::store::contracts::ContractStore;
use portal::store::directory::Directory;
use portal::store::documents::{Document, DocumentStore, FileStore};
use portal::store::notifications::NotificationStore;
use portal::store::StoreError;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Instant;

/// What an import writes to, and who it tells about new invoices.
pub struct Targets<'a> {
    pub directory: &'a Directory,
    pub documents: &'a DocumentStore,
    pub files: &'a FileStore,
    pub companies: &'a CompanyStore,
    pub contracts: &'a ContractStore,
    pub notifications: &'a NotificationStore,
    /// In-portal "new invoice" notifications for the company's logins.
    pub notify_in_portal: bool,
    /// "New invoice" mails; `None`: none (not configured, demo data, or `--no-notify`).
    pub notifier: Option<&'a notify::Notifier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The `customers` manifest (the name operators and the billing system use).
    Companies,
    Logins,
    Documents,
    /// Contracts and subscriptions (the billing system's current state).
    Contracts,
}

impl Kind {
    /// In the order a batch imports them: a login, contract or document needs its customer.
    pub const ALL: [Kind; 4] = [
        Kind::Companies,
        Kind::Logins,
        Kind::Contracts,
        Kind::Documents,
    ];

    /// The manifest's name in a batch, without extension.
    pub fn manifest_name(self) -> &'static str {
        match self {
            Kind::Companies => "customers",
            Kind::Logins => "logins",
            Kind::Documents => "documents",
            Kind::Contracts => "contracts",
        }
    }
}

pub struct Options {
    /// Import the valid rows and report the others, instead of importing nothing.
    pub skip_invalid: bool,
    /// Rows up to this line were written by an earlier run (0: none).
    pub resume_after: u64,
    /// Stop after the chunk that ends past this instant (a Lambda invocation's end, less a
    /// margin); `Summary::stopped_after` then says where to continue.
    pub deadline: Option<Instant>,
    /// Rows written at the same time.
    pub parallel: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            skip_invalid: false,
            resume_after: 0,
            deadline: None,
            parallel: 8,
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    /// "New invoice" mails sent.
    pub notified: usize,
    /// Contract change requests the imported contracts show as carried out, now closed as
    /// done (the requester is told).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub resolved: usize,
    #[serde(skip)]
    pub errors: Vec<RowError>,
    /// Set when the deadline stopped the run: every row up to this line is written.
    #[serde(skip)]
    pub stopped_after: Option<u64>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What writing one row caused besides the row itself.
#[derive(Debug, Default, Clone, Copy)]
struct Effects {
    /// "New invoice" mails sent.
    notified: usize,
    /// Change requests closed.
    resolved: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Read(String),
    #[error("{} invalid row(s), nothing imported", .0.len())]
    Invalid(Vec<RowError>),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

pub fn count(summary: &mut Summary, outcome: Outcome) {
    match outcome {
        Outcome::Created => summary.created += 1,
        Outcome::Updated => summary.updated += 1,
        Outcome::Unchanged => summary.unchanged += 1,
    }
}

/// Progress of the write pass (a bar on a terminal; nothing in a function).
pub trait Progress: Sync {
    fn start(&self, _label: &str, _total: u64) {}
    fn step(&self, _rows: u64) {}
    fn finish(&self) {}
}

/// No progress shown.
pub struct Quiet;
impl Progress for Quiet {}

pub type Saved<'a> = Pin<Box<dyn Future<Output = Result<(), ImportError>> + Send + 'a>>;

/// Where a long import records how far it got, after each chunk (the inbox's batch state).
pub trait Checkpoint: Sync {
    fn save<'a>(&'a self, line: u64, summary: &'a Summary) -> Saved<'a>;
}

/// No checkpoints (an import that runs to its end).
pub struct NoCheckpoint;
impl Checkpoint for NoCheckpoint {
    fn save<'a>(&'a self, _line: u64, _summary: &'a Summary) -> Saved<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// Rows written between two checkpoints.
const CHUNK: usize = 200;

/// The first pass over a manifest: its problems and the lines to leave out.
#[derive(Debug, Default)]
pub struct Validation {
    pub rows: u64,
    pub errors: Vec<RowError>,
    pub bad_lines: HashSet<u64>,
    /// The customers a customers manifest defines (for the other manifests of its batch).
    pub companies: HashSet<CompanyId>,
}

/// Checks a manifest and imports it, as `portal-admin import` does.
pub async fn run(
    targets: &Targets<'_>,
    kind: Kind,
    path: &Path,
    files: &FileSource,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Summary, ImportError> {
    let validation = validate(targets, kind, path, files, &HashSet::new()).await?;
    if !validation.errors.is_empty() && !options.skip_invalid {
        return Err(ImportError::Invalid(validation.errors));
    }
    let mut summary = Summary {
        skipped: validation.errors.len(),
        errors: validation.errors.clone(),
        ..Summary::default()
    };
    write(
        targets,
        kind,
        path,
        files,
        &validation.bad_lines,
        options,
        progress,
        &NoCheckpoint,
        &mut summary,
    )
    .await?;
    Ok(summary)
}

fn key_hash(key: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// The first pass: every row checked, nothing written. `batch_companies` count as existing
/// (the customers manifest of the same batch, imported first).
pub async fn validate(
    targets: &Targets<'_>,
    kind: Kind,
    path: &Path,
    files: &FileSource,
    batch_companies: &HashSet<CompanyId>,
) -> Result<Validation, ImportError> {
    match kind {
        Kind::Companies => {
            let mut validation =
                validate_rows::<CompanyRow, _>(path, manifest::validate_company, |c| {
                    Some(c.id.to_string())
                })?;
            // Only the ids are kept for the batch's other manifests, not the rows.
            for (_, row) in manifest::rows::<CompanyRow>(path).map_err(ImportError::Read)? {
                if let Ok(row) = row {
                    if let Ok(id) = CompanyId::parse(&row.company_id) {
                        validation.companies.insert(id);
                    }
                }
            }
            Ok(validation)
        }
        Kind::Logins => {
            let mut validation =
                validate_rows::<LoginRow, _>(path, manifest::validate_login, |l| {
                    Some(format!("{}|{}", l.email.as_str(), l.company))
                })?;
            check_companies::<LoginRow, _>(
                targets,
                path,
                manifest::validate_login,
                |l| &l.company,
                batch_companies,
                &mut validation,
            )
            .await?;
            Ok(validation)
        }
        Kind::Contracts => {
            let mut validation = validate_rows::<ContractRow, _>(
                path,
                manifest::validate_contract,
                |(company, contract)| Some(format!("{company}|{}", contract.id)),
            )?;
            check_companies::<ContractRow, _>(
                targets,
                path,
                manifest::validate_contract,
                |(c, _)| c,
                batch_companies,
                &mut validation,
            )
            .await?;
            Ok(validation)
        }
        Kind::Documents => {
            let mut validation =
                validate_rows::<DocumentRow, _>(path, manifest::validate_document, |d| {
                    Some(format!("{}|{}", d.company, d.document.id.as_str()))
                })?;
            check_companies::<DocumentRow, _>(
                targets,
                path,
                manifest::validate_document,
                |d| &d.company,
                batch_companies,
                &mut validation,
            )
            .await?;
            check_files(path, files, &mut validation).await?;
            Ok(validation)
        }
    }
}

/// Row checks and duplicates. Duplicates are found by a 64-bit hash of each row's key, so the
/// pass holds 16 bytes per row, not the rows.
fn validate_rows<R, V>(
    path: &Path,
    validate: impl Fn(&R, &mut Checker) -> Option<V>,
    key: impl Fn(&V) -> Option<String>,
) -> Result<Validation, ImportError>
where
    R: serde::de::DeserializeOwned + Send + 'static,
{
    let file = file_name(path);
    let mut validation = Validation::default();
    let mut seen: HashMap<u64, u64> = HashMap::new();
    for (line, row) in manifest::rows::<R>(path).map_err(ImportError::Read)? {
        validation.rows += 1;
        let row = match row {
            Ok(row) => row,
            Err(mut err) => {
                err.file = file.clone();
                validation.bad_lines.insert(line);
                validation.errors.push(err);
                continue;
            }
        };
        let mut checker = Checker::new(&file, line);
        let value = validate(&row, &mut checker);
        if !checker.errors.is_empty() {
            validation.bad_lines.insert(line);
            validation.errors.extend(checker.errors);
        }
        if let Some(key) = value.as_ref().and_then(&key) {
            if let Some(first) = seen.insert(key_hash(&key), line) {
                validation.bad_lines.insert(line);
                validation.errors.push(RowError {
                    file: file.clone(),
                    line,
                    field: "row".into(),
                    message: format!("same entry as line {first}"),
                });
            }
        }
    }
    Ok(validation)
}

/// The manifest's name as problems name it: the file name, not where it was unpacked.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Rows naming a customer that neither exists nor comes with the batch become errors.
async fn check_companies<R, V>(
    targets: &Targets<'_>,
    path: &Path,
    validate: impl Fn(&R, &mut Checker) -> Option<V>,
    company_of: impl Fn(&V) -> &CompanyId,
    batch_companies: &HashSet<CompanyId>,
    validation: &mut Validation,
) -> Result<(), ImportError>
where
    R: serde::de::DeserializeOwned + Send + 'static,
{
    let file = file_name(path);
    let mut known: HashMap<CompanyId, bool> = HashMap::new();
    for (line, row) in manifest::rows::<R>(path).map_err(ImportError::Read)? {
        if validation.bad_lines.contains(&line) {
            continue;
        }
        let Ok(row) = row else { continue };
        let Some(value) = validate(&row, &mut Checker::new(&file, line)) else {
            continue;
        };
        let id = company_of(&value);
        let exists = match known.get(id) {
            Some(exists) => *exists,
            None => {
                let exists = batch_companies.contains(id)
                    || targets.directory.get_company(id).await?.is_some();
                known.insert(id.clone(), exists);
                exists
            }
        };
        if !exists {
            validation.bad_lines.insert(line);
            validation.errors.push(RowError {
                file: file.clone(),
                line,
                field: "customer_id".into(),
                message: format!("customer {id} does not exist: import customers first"),
            });
        }
    }
    Ok(())
}

/// Every file a documents manifest names exists, is small enough and starts like its type;
/// checked 16 at a time.
async fn check_files(
    path: &Path,
    files: &FileSource,
    validation: &mut Validation,
) -> Result<(), ImportError> {
    let file = file_name(path);
    let mut wanted = Vec::new();
    let mut rows = manifest::rows::<DocumentRow>(path).map_err(ImportError::Read)?;
    loop {
        wanted.clear();
        for (line, row) in rows.by_ref() {
            if validation.bad_lines.contains(&line) {
                continue;
            }
            let Ok(row) = row else { continue };
            if let Some(doc) = manifest::validate_document(&row, &mut Checker::new(&file, line)) {
                wanted.push((line, "pdf", doc.pdf, b"%PDF-".as_slice()));
                if let Some(xml) = doc.xml {
                    wanted.push((line, "xml", xml, b"<".as_slice()));
                }
            }
            if wanted.len() >= CHUNK {
                break;
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let results: Vec<_> = stream::iter(wanted.iter())
            .map(|(line, field, name, magic)| async move {
                (*line, *field, files.check(name, magic).await)
            })
            .buffer_unordered(16)
            .collect()
            .await;
        for (line, field, result) in results {
            if let Err(message) = result {
                validation.bad_lines.insert(line);
                validation.errors.push(RowError {
                    file: file.clone(),
                    line,
                    field: field.into(),
                    message,
                });
            }
        }
        validation.errors.sort_by_key(|e| e.line);
    }
}

/// The second pass: the valid rows after `options.resume_after` written in chunks of `CHUNK`,
/// `options.parallel` at a time, with a checkpoint after each chunk.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    targets: &Targets<'_>,
    kind: Kind,
    path: &Path,
    files: &FileSource,
    bad_lines: &HashSet<u64>,
    options: &Options,
    progress: &dyn Progress,
    checkpoint: &dyn Checkpoint,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let file = file_name(path);
    progress.start(kind.manifest_name(), 0);
    let members = Mutex::new(Members::new());
    let contracts = Mutex::new(HashMap::new());
    let result = match kind {
        Kind::Companies => {
            chunks::<CompanyRow, _, _, _>(
                path,
                &file,
                bad_lines,
                options,
                progress,
                checkpoint,
                summary,
                manifest::validate_company,
                |company| async move {
                    Ok((write_company(targets, &company).await?, Effects::default()))
                },
            )
            .await
        }
        Kind::Logins => chunks::<LoginRow, _, _, _>(
            path,
            &file,
            bad_lines,
            options,
            progress,
            checkpoint,
            summary,
            manifest::validate_login,
            |login| async move { Ok((write_login(targets, &login).await?, Effects::default())) },
        )
        .await,
        Kind::Contracts => {
            let known = &contracts;
            chunks::<ContractRow, _, _, _>(
                path,
                &file,
                bad_lines,
                options,
                progress,
                checkpoint,
                summary,
                manifest::validate_contract,
                |(company, contract)| async move {
                    write_contract(targets, known, &company, &contract).await
                },
            )
            .await
        }
        Kind::Documents => {
            let members = &members;
            chunks::<DocumentRow, _, _, _>(
                path,
                &file,
                bad_lines,
                options,
                progress,
                checkpoint,
                summary,
                manifest::validate_document,
                |row| async move { write_document_row(targets, files, members, &row).await },
            )
            .await
        }
    };
    progress.finish();
    result
}

#[allow(clippy::too_many_arguments)]
async fn chunks<R, V, W, Fut>(
    path: &Path,
    file: &str,
    bad_lines: &HashSet<u64>,
    options: &Options,
    progress: &dyn Progress,
    checkpoint: &dyn Checkpoint,
    summary: &mut Summary,
    validate: impl Fn(&R, &mut Checker) -> Option<V>,
    write: W,
) -> Result<(), ImportError>
where
    R: serde::de::DeserializeOwned + Send + 'static,
    W: Fn(V) -> Fut,
    Fut: Future<Output = Result<(Outcome, Effects), ImportError>>,
{
    let mut rows = manifest::rows::<R>(path).map_err(ImportError::Read)?;
    let mut chunk = Vec::with_capacity(CHUNK);
    loop {
        chunk.clear();
        let mut last_line = None;
        for (line, row) in rows.by_ref() {
            last_line = Some(line);
            if line <= options.resume_after || bad_lines.contains(&line) {
                continue;
            }
            let Ok(row) = row else { continue };
            if let Some(value) = validate(&row, &mut Checker::new(file, line)) {
                chunk.push(value);
            }
            if chunk.len() >= CHUNK {
                break;
            }
        }
        let Some(last_line) = last_line else {
            return Ok(());
        };
        let written = chunk.len() as u64;
        let outcomes: Vec<Result<(Outcome, Effects), ImportError>> =
            stream::iter(chunk.drain(..).map(&write))
                .buffer_unordered(options.parallel.max(1))
                .collect()
                .await;
        for outcome in outcomes {
            let (outcome, effects) = outcome?;
            count(summary, outcome);
            summary.notified += effects.notified;
            summary.resolved += effects.resolved;
        }
        progress.step(written);
        if last_line > options.resume_after {
            checkpoint.save(last_line, summary).await?;
        }
        if options
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            summary.stopped_after = Some(last_line);
            return Ok(());
        }
    }
}

async fn write_company(
    targets: &Targets<'_>,
    company: &portal::store::directory::Company,
) -> Result<Outcome, ImportError> {
    Ok(match targets.directory.get_company(&company.id).await? {
        Some(existing) if existing == *company => Outcome::Unchanged,
        existing => {
            targets.directory.put_company(company).await?;
            if existing.is_some() {
                Outcome::Updated
            } else {
                Outcome::Created
            }
        }
    })
}

async fn write_login(
    targets: &Targets<'_>,
    login: &manifest::ValidLogin,
) -> Result<Outcome, ImportError> {
    let Some(company) = targets.directory.get_company(&login.company).await? else {
        return Err(ImportError::Read(format!(
            "customer {} does not exist",
            login.company
        )));
    };
    let existing = targets.directory.find_login(&login.email).await?;
    let unchanged = existing.as_ref().is_some_and(|l| {
        l.lang == Some(login.lang)
            && l.memberships.iter().any(|m| {
                m.company_id == login.company
                    && m.role == login.role
                    && m.company_name == company.name
            })
    });
    if unchanged {
        return Ok(Outcome::Unchanged);
    }
    targets
        .directory
        .put_login_profile(&login.email, login.lang)
        .await?;
    targets
        .directory
        .put_membership(&login.email, &company, login.role)
        .await?;
    let known =
        existing.is_some_and(|l| l.memberships.iter().any(|m| m.company_id == login.company));
    Ok(if known {
        Outcome::Updated
    } else {
        Outcome::Created
    })
}

/// Per company: its contracts and its pending change requests, read once per import.
type KnownContracts = Mutex<
    HashMap<
        CompanyId,
        (
            Vec<portal::domain::contract::Contract>,
            Vec<portal::store::contracts::ContractRequest>,
        ),
    >,
>;

/// Writes the contract, then closes as done every pending change request of it that the
/// contract now shows carried out (`domain::contract::is_applied`), as support would by hand:
/// the requester gets the notification and the mail. A request the billing system carried out
/// differently stays pending for support.
async fn write_contract(
    targets: &Targets<'_>,
    known: &KnownContracts,
    company: &CompanyId,
    contract: &portal::domain::contract::Contract,
) -> Result<(Outcome, Effects), ImportError> {
    let cached = known
        .lock()
        .map_err(|_| ImportError::Read("contracts cache poisoned".into()))?
        .get(company)
        .cloned();
    let (existing, requests) = match cached {
        Some(existing) => existing,
        None => {
            let (existing, requests) = targets.contracts.all(company).await?;
            let pending: Vec<_> = requests
                .into_iter()
                .filter(|r| r.status == portal::store::contracts::RequestStatus::Pending)
                .collect();
            if let Ok(mut known) = known.lock() {
                known.insert(company.clone(), (existing.clone(), pending.clone()));
            }
            (existing, pending)
        }
    };
    let old = existing.iter().find(|c| c.id == contract.id);
    let outcome = match old {
        Some(old) if old == contract => Outcome::Unchanged,
        old => {
            let updated = old.is_some();
            targets
                .contracts
                .put(company, contract, portal_now())
                .await?;
            if updated {
                Outcome::Updated
            } else {
                Outcome::Created
            }
        }
    };
    // Also for an unchanged contract: a request made after the change arrived, or one an
    // earlier import could not close, is closed now.
    let mut resolved = 0;
    for request in requests.iter().filter(|r| {
        r.contract == contract.id && portal::domain::contract::is_applied(contract, r.kind, r.seats)
    }) {
        let resolve_targets = portal::contracts::ResolveTargets {
            contracts: targets.contracts,
            directory: targets.directory,
            notifications: targets.notifications,
            mail: targets.notifier.map(|n| (n.mailer(), n.base_url())),
        };
        let resolution = portal::contracts::Resolution {
            status: portal::store::contracts::RequestStatus::Done,
            reason: None,
            by: "import",
        };
        match portal::contracts::resolve_request(
            &resolve_targets,
            company,
            &request.id,
            &resolution,
            portal_now(),
        )
        .await
        {
            Ok(_) => resolved += 1,
            // Closed meanwhile (support, the billing system's event): nothing left to do.
            Err(portal::contracts::ResolveError::NotPending(..))
            | Err(portal::contracts::ResolveError::NoSuchRequest(..)) => {}
            Err(portal::contracts::ResolveError::Store(err)) => return Err(err.into()),
            Err(portal::contracts::ResolveError::StillPending) => {}
        }
    }
    if resolved > 0 {
        if let Ok(mut known) = known.lock() {
            if let Some((_, pending)) = known.get_mut(company) {
                pending.retain(|r| {
                    !(r.contract == contract.id
                        && portal::domain::contract::is_applied(contract, r.kind, r.seats))
                });
            }
        }
    }
    Ok((
        outcome,
        Effects {
            notified: 0,
            resolved,
        },
    ))
}

/// Seconds since 1970 (UTC): what imports stamp their writes with.
pub fn portal_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// One document row: its files, then its metadata, then (for a new invoice) the mails and
/// in-portal notifications. Returns the outcome and the mails sent.
async fn write_document_row(
    targets: &Targets<'_>,
    files: &FileSource,
    members: &Mutex<Members>,
    row: &manifest::ValidDocument,
) -> Result<(Outcome, Effects), ImportError> {
    let mut changed = false;
    for (extension, name, content_type) in [
        ("pdf", Some(&row.pdf), "application/pdf"),
        ("xml", row.xml.as_ref(), "application/xml"),
    ] {
        if let Some(name) = name {
            let key = object_key(&row.company, &row.document.id, extension);
            changed |= files
                .deliver(targets.files, name, &key, content_type)
                .await?;
        }
    }
    let outcome = write_metadata(targets, &row.company, &row.document, changed).await?;
    let mut notified = 0;
    if matches!(outcome, Outcome::Created)
        && row.document.kind == portal::domain::documents::DocumentKind::Invoice
    {
        if let Some(notifier) = targets.notifier {
            notified += notifier
                .new_invoice(targets.companies, &row.company, &row.document)
                .await?;
        }
        if targets.notify_in_portal {
            notify_members(targets, members, &row.company, &row.document).await?;
        }
    }
    Ok((
        outcome,
        Effects {
            notified,
            resolved: 0,
        },
    ))
}

/// Writes one document with its files given as bytes (demo data, tests): files first (skipped
/// when the stored MD5 matches), then the metadata, so a document is never listed without its
/// PDF.
pub async fn write_document(
    targets: &Targets<'_>,
    company: &CompanyId,
    document: &Document,
    files: Vec<(&str, Vec<u8>)>,
) -> Result<Outcome, StoreError> {
    let mut changed = false;
    for (extension, bytes) in files {
        let key = object_key(company, &document.id, extension);
        let content_type = if extension == "pdf" {
            "application/pdf"
        } else {
            "application/xml"
        };
        if targets.files.etag(&key).await?.as_deref() != Some(files::md5_hex(&bytes).as_str()) {
            targets.files.put(&key, bytes, content_type).await?;
            changed = true;
        }
    }
    write_metadata(targets, company, document, changed).await
}

async fn write_metadata(
    targets: &Targets<'_>,
    company: &CompanyId,
    document: &Document,
    files_changed: bool,
) -> Result<Outcome, StoreError> {
    let existing = targets.documents.get(company, &document.id).await?;
    // A proof of payment the customer uploaded is the portal's, not the billing system's: a
    // re-import keeps it.
    let document = &Document {
        proof: existing.as_ref().and_then(|e| e.proof.clone()),
        ..document.clone()
    };
    Ok(match existing {
        Some(existing) if existing == *document && !files_changed => Outcome::Unchanged,
        existing => {
            targets.documents.put(company, document).await?;
            if existing.is_some() {
                Outcome::Updated
            } else {
                Outcome::Created
            }
        }
    })
}

/// The company's logins (and its name), read once per company and import.
type Members = HashMap<CompanyId, (String, Vec<portal::domain::email::EmailAddress>)>;

/// An in-portal "new invoice" notification for each login of the company.
async fn notify_members(
    targets: &Targets<'_>,
    members: &Mutex<Members>,
    company: &CompanyId,
    document: &Document,
) -> Result<(), ImportError> {
    let cached = members.lock().ok().and_then(|m| m.get(company).cloned());
    let (name, logins) = match cached {
        Some(found) => found,
        None => {
            let name = targets
                .directory
                .get_company(company)
                .await?
                .map(|c| c.name)
                .unwrap_or_default();
            let team = targets.directory.team(company).await?;
            let found = (
                name,
                team.members
                    .into_iter()
                    .map(|(email, _)| email)
                    .collect::<Vec<_>>(),
            );
            if let Ok(mut members) = members.lock() {
                members.insert(company.clone(), found.clone());
            }
            found
        }
    };
    let now = portal_now();
    for login in &logins {
        targets
            .notifications
            .add(&portal::store::notifications::NewNotification {
                to: login.clone(),
                kind: portal::store::notifications::Kind::NewInvoice,
                at: now,
                company: Some((company.clone(), name.clone())),
                subject: document.id.as_str().to_string(),
                detail: document.number.as_str().to_string(),
            })
            .await?;
    }
    Ok(())
}
