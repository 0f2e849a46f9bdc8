#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| portal::fuzzing::token_and_code(data));
