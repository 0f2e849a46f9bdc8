//! Replays the committed fuzz corpus and every crash input ever found (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the fuzz targets' entry points on the stable toolchain,
//! so `make test` keeps them passing without nightly or cargo-fuzz. A fuzz target or corpus
//! folder that no entry point takes fails the test.

use portal::fuzzing::{replay, ENTRIES};
use std::path::Path;

/// Fuzz targets of other crates, replayed by their own tests (`tools/portal-admin/tests/`).
const ELSEWHERE: &[&str] = &["import_manifest"];

#[test]
fn every_corpus_and_regression_input_runs_through_its_fuzz_target_without_panicking() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    match replay(&fuzz, ENTRIES, ELSEWHERE) {
        Ok(count) => assert!(count > 0, "no inputs under {}", fuzz.display()),
        Err(problems) => panic!("\n{problems}"),
    }
}
