#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| portal_fuzzing::api::billing_fields(data));
