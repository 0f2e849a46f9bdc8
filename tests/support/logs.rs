//! Captures every log line of the test process, so a test can prove secrets never reach a log.

use std::io::Write;
use std::sync::{Mutex, Once};

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the functions' own JSON subscriber (`portal::telemetry::JsonLines`, the format the
/// functions write on Lambda) once, writing into memory.
pub fn capture() {
    INSTALL.call_once(|| {
        let subscriber = portal::telemetry::JsonLines::new(
            tracing::level_filters::LevelFilter::INFO,
            |line: &[u8]| {
                let _ = Capture.write_all(line);
            },
        );
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

pub fn captured() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}
