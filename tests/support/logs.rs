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

/// Installs the capturing JSON subscriber (the same format the functions use) once.
pub fn capture() {
    INSTALL.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "info,portal=debug,devstack=debug",
            ))
            .with_writer(|| Capture)
            .try_init();
    });
}

pub fn captured() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}
