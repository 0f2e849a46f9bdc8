//! Entry point of the `import_manifest` fuzz target (`fuzz/`) and of the corpus replay test
//! `tests/fuzz_corpus.rs`: an import manifest through the real reader and row validation of
//! `portal-admin import`.

use portal_admin::manifest::{
    read_rows, validate_company, validate_document, validate_login, Checker, CompanyRow,
    DocumentRow, LoginRow,
};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The first byte picks the manifest (`% 3`: customers, logins, documents) and its format
/// (`/ 3 % 2`: CSV, JSONL); the rest is the file. Document rows may name `invoice.pdf` and
/// `invoice.xml`, which exist in the files folder, or any other name.
pub fn import_manifest(data: &[u8]) {
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let extension = if selector / 3 % 2 == 0 {
        "csv"
    } else {
        "jsonl"
    };
    let files = files_folder();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let path = files.parent().expect("a work folder").join(format!(
        "manifest-{}.{extension}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, content).expect("the work folder is writable");
    match selector % 3 {
        0 => check::<CompanyRow, _>(&path, |row, c| validate_company(row, c).is_some()),
        1 => check::<LoginRow, _>(&path, |row, c| validate_login(row, c).is_some()),
        _ => check::<DocumentRow, _>(&path, |row, c| validate_document(row, c).is_some()),
    }
    let _ = std::fs::remove_file(&path);
}

/// Reads every row and validates the parsed ones: a row is either valid or named in an error,
/// never silently dropped.
fn check<R: DeserializeOwned + Send + 'static, V: Fn(&R, &mut Checker) -> bool>(
    path: &Path,
    validate: V,
) {
    let Ok(rows) = read_rows::<R>(path) else {
        return;
    };
    let file = path.display().to_string();
    for (line, row) in rows {
        let Ok(row) = row else { continue };
        let mut checker = Checker::new(&file, line);
        let valid = validate(&row, &mut checker);
        assert_eq!(
            valid,
            checker.errors.is_empty(),
            "line {line}: valid = {valid}, errors = {:?}",
            checker.errors
        );
    }
}

/// A folder of this process with a PDF and an XML file that document rows can name.
fn files_folder() -> &'static Path {
    static FILES: OnceLock<PathBuf> = OnceLock::new();
    FILES.get_or_init(|| {
        let work = std::env::temp_dir().join(format!("portal-admin-fuzz-{}", std::process::id()));
        let files = work.join("files");
        std::fs::create_dir_all(&files).expect("a temporary folder");
        std::fs::write(files.join("invoice.pdf"), b"%PDF-1.7\n%%EOF\n").expect("a PDF");
        std::fs::write(
            files.join("invoice.xml"),
            b"<?xml version=\"1.0\"?><Invoice/>",
        )
        .expect("an XML file");
        files
    })
}
