//! Replays the committed fuzz corpus and every crash input ever found (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' entry points on the stable toolchain,
//! so `make test` keeps them passing without nightly or cargo-fuzz. A fuzz target or corpus
//! folder that no entry point takes fails the test.

use portal_fuzzing::api::{replay, Entry, ENTRIES};
use std::path::{Path, PathBuf};

/// The import manifest's target, whose entry point is in `portal_fuzzing::import`.
const IMPORT_ENTRIES: &[(&str, Entry)] =
    &[("import_manifest", portal_fuzzing::import::import_manifest)];

fn fuzz_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn every_corpus_and_regression_input_runs_through_its_fuzz_target_without_panicking() {
    let fuzz = fuzz_folder();
    let elsewhere: Vec<&str> = IMPORT_ENTRIES.iter().map(|(name, _)| *name).collect();
    match replay(&fuzz, ENTRIES, &elsewhere) {
        Ok(count) => assert!(count > 0, "no inputs under {}", fuzz.display()),
        Err(problems) => panic!("\n{problems}"),
    }
}

#[test]
fn every_import_manifest_corpus_and_regression_input_is_read_without_panicking() {
    let fuzz = fuzz_folder();
    let elsewhere: Vec<&str> = ENTRIES.iter().map(|(name, _)| *name).collect();
    match replay(&fuzz, IMPORT_ENTRIES, &elsewhere) {
        Ok(count) => assert!(count > 0, "no inputs under {}", fuzz.display()),
        Err(problems) => panic!("\n{problems}"),
    }
}
