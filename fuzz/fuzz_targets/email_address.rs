#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| portal_fuzzing::api::email_address(data));
