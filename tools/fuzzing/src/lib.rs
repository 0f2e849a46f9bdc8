//! Fuzzing support, kept out of the production crates: the entry points the cargo-fuzz targets
//! in `fuzz/` call (`api`: the portal's parsers and handlers; `import`: portal-admin's import
//! manifests), and `api::replay`, which `tests/fuzz_corpus.rs` uses to run the committed corpus
//! and every crash input on the stable toolchain in `make test`.

pub mod api;
pub mod import;
