//! `portal-admin files get`: support saves a customer's upload (proof of payment, attachment)
//! or a document from the bucket, by the key the mail to support names.

use crate::Stores;
use std::path::{Path, PathBuf};

/// Saves the object `key` to `out` (default: the key's last part) and returns where.
pub async fn get(stores: &Stores, key: &str, out: Option<&Path>) -> Result<PathBuf, String> {
    let valid = (key.starts_with("uploads/") || key.starts_with("documents/"))
        && !key
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if !valid {
        return Err(format!(
            "{key:?} is no file key: it starts with uploads/ or documents/ (see the mail to support)"
        ));
    }
    let bytes = stores
        .files
        .get(key)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("there is no file {key} (erased, or a typo?)"))?;
    let path = match out {
        Some(path) => path.to_path_buf(),
        None => PathBuf::from(key.rsplit('/').next().unwrap_or("file")),
    };
    std::fs::write(&path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}
