//! `portal-admin import`: customers, logins and documents from manifests plus a folder of files.
//!
//! All rows are validated first; with any invalid row nothing is imported (unless
//! `--skip-invalid`). A document's files are uploaded before its metadata is written, so the
//! portal never lists a document without its PDF. Unchanged rows are left alone (PDFs are
//! compared by MD5 against the object's ETag), so re-running an import changes nothing.

use crate::manifest::{self, Checker, CompanyRow, DocumentRow, LoginRow, RowError};
use crate::Stores;
use md5::{Digest, Md5};
use portal::domain::documents::object_key;
use portal::domain::ids::CompanyId;
use portal::store::StoreError;
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// The `customers` manifest (the name operators and the billing system use).
    #[value(name = "customers")]
    Companies,
    Logins,
    Documents,
    /// Contracts and subscriptions (the billing system's current state).
    Contracts,
}

pub struct Options {
    /// Folder the `pdf` / `xml` columns are relative to (documents only).
    pub files: Option<PathBuf>,
    pub skip_invalid: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    /// "New invoice" mails sent.
    pub notified: usize,
    pub errors: Vec<RowError>,
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

/// Progress on a terminal as a bar, elsewhere (CI, pipes) as a line every 10 %.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: usize,
}

impl Progress {
    fn new(total: usize, label: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})")
                    .expect("valid template"),
            );
            bar.set_message(label.to_string());
            bar
        });
        if bar.is_none() {
            eprintln!("{label}: {total} row(s)");
        }
        Progress {
            bar,
            total,
            done: 0,
        }
    }

    fn step(&mut self) {
        self.done += 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => {
                let tenth = (self.total / 10).max(1);
                if self.done.is_multiple_of(tenth) || self.done == self.total {
                    eprintln!("  {}/{}", self.done, self.total);
                }
            }
        }
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Valid rows with their line numbers, and the errors of the others.
type Validated<V> = (Vec<(u64, V)>, Vec<RowError>);

/// Validates rows; `key` finds duplicates within the manifest.
fn validate_all<R, V>(
    path: &Path,
    validate: impl Fn(&R, &mut Checker) -> Option<V>,
    key: impl Fn(&V) -> String,
) -> Result<Validated<V>, ImportError>
where
    R: serde::de::DeserializeOwned,
{
    let file = path.display().to_string();
    let rows = manifest::read_rows::<R>(path).map_err(ImportError::Read)?;
    let mut valid = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    for (line, row) in rows {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                errors.push(err);
                continue;
            }
        };
        let mut checker = Checker::new(&file, line);
        let value = validate(&row, &mut checker);
        errors.extend(checker.errors);
        if let Some(value) = value {
            match seen.insert(key(&value), line) {
                Some(first) => errors.push(RowError {
                    file: file.clone(),
                    line,
                    field: "row".into(),
                    message: format!("same entry as line {first}"),
                }),
                None => valid.push((line, value)),
            }
        }
    }
    Ok((valid, errors))
}

pub async fn run(
    stores: &Stores,
    kind: Kind,
    path: &Path,
    options: &Options,
) -> Result<Summary, ImportError> {
    match kind {
        Kind::Companies => import_companies(stores, path, options).await,
        Kind::Logins => import_logins(stores, path, options).await,
        Kind::Documents => import_documents(stores, path, options).await,
        Kind::Contracts => import_contracts(stores, path, options).await,
    }
}

fn start(errors: Vec<RowError>, options: &Options) -> Result<Summary, ImportError> {
    if !errors.is_empty() && !options.skip_invalid {
        return Err(ImportError::Invalid(errors));
    }
    Ok(Summary {
        skipped: errors.len(),
        errors,
        ..Summary::default()
    })
}

/// Writes one document: files first (skipped when the stored MD5 matches), then the metadata
/// (skipped when equal), so a document is never listed without its PDF.
pub async fn write_document(
    stores: &Stores,
    company: &CompanyId,
    document: &portal::store::documents::Document,
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
        if stores.files.etag(&key).await?.as_deref() != Some(md5_hex(&bytes).as_str()) {
            stores.files.put(&key, bytes, content_type).await?;
            changed = true;
        }
    }
    let existing = stores.documents.get(company, &document.id).await?;
    // A proof of payment the customer uploaded is the portal's, not the billing system's: a
    // re-import keeps it.
    let document = &portal::store::documents::Document {
        proof: existing.as_ref().and_then(|e| e.proof.clone()),
        ..document.clone()
    };
    Ok(match existing {
        Some(existing) if existing == *document && !changed => Outcome::Unchanged,
        existing => {
            stores.documents.put(company, document).await?;
            if existing.is_some() {
                Outcome::Updated
            } else {
                Outcome::Created
            }
        }
    })
}

pub fn count(summary: &mut Summary, outcome: Outcome) {
    match outcome {
        Outcome::Created => summary.created += 1,
        Outcome::Updated => summary.updated += 1,
        Outcome::Unchanged => summary.unchanged += 1,
    }
}

async fn import_companies(
    stores: &Stores,
    path: &Path,
    options: &Options,
) -> Result<Summary, ImportError> {
    let (rows, errors) =
        validate_all::<CompanyRow, _>(path, manifest::validate_company, |c| c.id.to_string())?;
    let mut summary = start(errors, options)?;
    let mut progress = Progress::new(rows.len(), "customers");
    for (_, company) in rows {
        let outcome = match stores.directory.get_company(&company.id).await? {
            Some(existing) if existing == company => Outcome::Unchanged,
            existing => {
                stores.directory.put_company(&company).await?;
                if existing.is_some() {
                    Outcome::Updated
                } else {
                    Outcome::Created
                }
            }
        };
        count(&mut summary, outcome);
        progress.step();
    }
    progress.finish();
    Ok(summary)
}

/// Rows naming a customer that does not exist become errors; returns their lines.
async fn check_companies<V>(
    stores: &Stores,
    path: &Path,
    rows: &[(u64, V)],
    company_of: impl Fn(&V) -> &CompanyId,
    errors: &mut Vec<RowError>,
) -> Result<HashSet<u64>, ImportError> {
    let mut known: HashMap<CompanyId, bool> = HashMap::new();
    let mut bad_lines = HashSet::new();
    for (line, row) in rows {
        let id = company_of(row);
        let exists = match known.get(id) {
            Some(exists) => *exists,
            None => {
                let exists = stores.directory.get_company(id).await?.is_some();
                known.insert(id.clone(), exists);
                exists
            }
        };
        if !exists {
            bad_lines.insert(*line);
            errors.push(RowError {
                file: path.display().to_string(),
                line: *line,
                field: "customer_id".into(),
                message: format!("customer {id} does not exist: import customers first"),
            });
        }
    }
    Ok(bad_lines)
}

async fn import_logins(
    stores: &Stores,
    path: &Path,
    options: &Options,
) -> Result<Summary, ImportError> {
    let (rows, mut errors) = validate_all::<LoginRow, _>(path, manifest::validate_login, |l| {
        format!("{}|{}", l.email.as_str(), l.company)
    })?;
    let bad_lines = check_companies(stores, path, &rows, |l| &l.company, &mut errors).await?;
    let mut summary = start(errors, options)?;
    let mut progress = Progress::new(rows.len(), "logins");
    for (line, login) in rows {
        if bad_lines.contains(&line) {
            continue;
        }
        let company = stores
            .directory
            .get_company(&login.company)
            .await?
            .expect("checked above");
        let existing = stores.directory.find_login(&login.email).await?;
        let unchanged = existing.as_ref().is_some_and(|l| {
            l.lang == Some(login.lang)
                && l.memberships.iter().any(|m| {
                    m.company_id == login.company
                        && m.role == login.role
                        && m.company_name == company.name
                })
        });
        let outcome = if unchanged {
            Outcome::Unchanged
        } else {
            stores
                .directory
                .put_login_profile(&login.email, login.lang)
                .await?;
            stores
                .directory
                .put_membership(&login.email, &company, login.role)
                .await?;
            let known = existing
                .is_some_and(|l| l.memberships.iter().any(|m| m.company_id == login.company));
            if known {
                Outcome::Updated
            } else {
                Outcome::Created
            }
        };
        count(&mut summary, outcome);
        progress.step();
    }
    progress.finish();
    Ok(summary)
}

async fn import_documents(
    stores: &Stores,
    path: &Path,
    options: &Options,
) -> Result<Summary, ImportError> {
    let files = options
        .files
        .clone()
        .or_else(|| path.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let (rows, mut errors) = validate_all::<DocumentRow, _>(
        path,
        |row, checker| manifest::validate_document(row, &files, checker),
        |d| format!("{}|{}", d.company, d.document.id.as_str()),
    )?;
    let bad_lines = check_companies(stores, path, &rows, |d| &d.company, &mut errors).await?;
    let mut summary = start(errors, options)?;
    let mut progress = Progress::new(rows.len(), "documents");
    let mut members = std::collections::HashMap::new();
    for (line, row) in rows {
        if bad_lines.contains(&line) {
            continue;
        }
        let mut files = vec![(
            "pdf",
            std::fs::read(&row.pdf)
                .map_err(|e| ImportError::Read(format!("{}: {e}", row.pdf.display())))?,
        )];
        if let Some(xml) = &row.xml {
            let bytes = std::fs::read(xml)
                .map_err(|e| ImportError::Read(format!("{}: {e}", xml.display())))?;
            files.push(("xml", bytes));
        }
        let outcome = write_document(stores, &row.company, &row.document, files).await?;
        if matches!(outcome, Outcome::Created)
            && row.document.kind == portal::domain::documents::DocumentKind::Invoice
        {
            if let Some(notifier) = &stores.notifier {
                summary.notified += notifier
                    .new_invoice(&stores.companies, &row.company, &row.document)
                    .await?;
            }
            if stores.notify_in_portal {
                notify_members(stores, &mut members, &row.company, &row.document).await?;
            }
        }
        count(&mut summary, outcome);
        progress.step();
    }
    progress.finish();
    Ok(summary)
}

/// The company's logins (and its name), read once per company and import.
type Members = std::collections::HashMap<
    portal::domain::ids::CompanyId,
    (String, Vec<portal::domain::email::EmailAddress>),
>;

/// An in-portal "new invoice" notification for each login of the company.
async fn notify_members(
    stores: &Stores,
    members: &mut Members,
    company: &portal::domain::ids::CompanyId,
    document: &portal::store::documents::Document,
) -> Result<(), ImportError> {
    if !members.contains_key(company) {
        let name = stores
            .directory
            .get_company(company)
            .await?
            .map(|c| c.name)
            .unwrap_or_default();
        let team = stores.directory.team(company).await?;
        members.insert(
            company.clone(),
            (
                name,
                team.members.into_iter().map(|(email, _)| email).collect(),
            ),
        );
    }
    let (name, logins) = &members[company];
    let now = crate::now();
    for login in logins {
        stores
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

async fn import_contracts(
    stores: &Stores,
    path: &Path,
    options: &Options,
) -> Result<Summary, ImportError> {
    let (rows, mut errors) = validate_all::<manifest::ContractRow, _>(
        path,
        manifest::validate_contract,
        |(company, contract)| format!("{company}|{}", contract.id),
    )?;
    let bad_lines = check_companies(stores, path, &rows, |(c, _)| c, &mut errors).await?;
    let mut summary = start(errors, options)?;
    let mut progress = Progress::new(rows.len(), "contracts");
    let now = crate::now();
    let mut known: HashMap<CompanyId, Vec<portal::domain::contract::Contract>> = HashMap::new();
    for (line, (company, contract)) in rows {
        if bad_lines.contains(&line) {
            continue;
        }
        if !known.contains_key(&company) {
            let (existing, _) = stores.contracts.all(&company).await?;
            known.insert(company.clone(), existing);
        }
        let existing = known[&company].iter().find(|c| c.id == contract.id);
        let outcome = match existing {
            Some(old) if *old == contract => Outcome::Unchanged,
            old => {
                let updated = old.is_some();
                stores.contracts.put(&company, &contract, now).await?;
                if updated {
                    Outcome::Updated
                } else {
                    Outcome::Created
                }
            }
        };
        count(&mut summary, outcome);
        progress.step();
    }
    progress.finish();
    Ok(summary)
}
