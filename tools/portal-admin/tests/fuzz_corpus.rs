//! Replays the `import_manifest` fuzz corpus and its crash inputs through the entry point the fuzz
//! target calls; the portal's own targets are replayed by `functions/portal/tests/fuzz_corpus.rs`.

use portal::fuzzing::{replay, Entry, ENTRIES as PORTAL_ENTRIES};
use std::path::Path;

const ENTRIES: &[(&str, Entry)] = &[("import_manifest", portal_admin::fuzzing::import_manifest)];

#[test]
fn every_import_manifest_corpus_and_regression_input_is_read_without_panicking() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let elsewhere: Vec<&str> = PORTAL_ENTRIES.iter().map(|(name, _)| *name).collect();
    match replay(&fuzz, ENTRIES, &elsewhere) {
        Ok(count) => assert!(count > 0, "no inputs under {}", fuzz.display()),
        Err(problems) => panic!("\n{problems}"),
    }
}
