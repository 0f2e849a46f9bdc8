//! `portal-admin import`: one manifest from a folder on the operator's machine, with the same
//! code the inbox function runs on a batch in S3 (`portal_import`): every row checked first,
//! nothing imported with an invalid row (unless `--skip-invalid`), files before metadata,
//! unchanged rows left alone.

use crate::Stores;
use portal_import::files::FileSource;
pub use portal_import::{count, ImportError, Outcome, Summary};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

impl From<Kind> for portal_import::Kind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Companies => portal_import::Kind::Companies,
            Kind::Logins => portal_import::Kind::Logins,
            Kind::Documents => portal_import::Kind::Documents,
            Kind::Contracts => portal_import::Kind::Contracts,
        }
    }
}

pub struct Options {
    /// Folder the `pdf` / `xml` columns are relative to (documents only; default: the
    /// manifest's folder).
    pub files: Option<PathBuf>,
    pub skip_invalid: bool,
}

pub async fn run(
    stores: &Stores,
    kind: Kind,
    path: &Path,
    options: &Options,
) -> Result<Summary, ImportError> {
    let files = options
        .files
        .clone()
        .or_else(|| path.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    portal_import::run(
        &stores.targets(),
        kind.into(),
        path,
        &FileSource::Folder(files),
        &portal_import::Options {
            skip_invalid: options.skip_invalid,
            ..portal_import::Options::default()
        },
        &Bar::default(),
    )
    .await
}

/// Writes one document with its files given as bytes (demo data, tests).
pub async fn write_document(
    stores: &Stores,
    company: &portal::domain::ids::CompanyId,
    document: &portal::store::documents::Document,
    files: Vec<(&str, Vec<u8>)>,
) -> Result<Outcome, portal::store::StoreError> {
    portal_import::write_document(&stores.targets(), company, document, files).await
}

/// Progress on a terminal as a bar, elsewhere (CI, pipes) as a line every 1,000 rows.
#[derive(Default)]
struct Bar {
    bar: Mutex<Option<indicatif::ProgressBar>>,
    done: Mutex<u64>,
}

impl portal_import::Progress for Bar {
    fn start(&self, label: &str, _total: u64) {
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{msg} {pos} rows ({per_sec})")
                    .expect("valid template"),
            );
            bar.set_message(label.to_string());
            if let Ok(mut slot) = self.bar.lock() {
                *slot = Some(bar);
            }
        } else {
            eprintln!("{label}: writing …");
        }
    }

    fn step(&self, rows: u64) {
        if let Ok(bar) = self.bar.lock() {
            if let Some(bar) = bar.as_ref() {
                bar.inc(rows);
                return;
            }
        }
        if let Ok(mut done) = self.done.lock() {
            let before = *done / 1000;
            *done += rows;
            if *done / 1000 > before {
                eprintln!("  {} rows", *done);
            }
        }
    }

    fn finish(&self) {
        if let Ok(bar) = self.bar.lock() {
            if let Some(bar) = bar.as_ref() {
                bar.finish_and_clear();
            }
        }
    }
}
