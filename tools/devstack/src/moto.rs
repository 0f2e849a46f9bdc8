//! The AWS stand-in: `moto_server` from the project venv as a child process that can never
//! outlive us. It runs under a tiny shell that kills it as soon as our end of its stdin pipe
//! closes, which happens however this process ends (Ctrl-C, panic, kill -9).

use crate::DevError;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct MotoServer {
    pub url: String,
    pub port: u16,
    child: Child,
}

/// Where `make` installs moto: `.venv/bin/moto_server`, unless `MOTO_SERVER` names another.
pub fn default_binary() -> PathBuf {
    std::env::var_os("MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join(".venv/bin/moto_server"))
}

/// Fails with a message naming the port (and the variable to change it) when it is taken.
pub fn ensure_port_free(port: u16, variable: &str) -> Result<(), DevError> {
    TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .map_err(|_| {
            DevError::msg(format!(
            "port {port} on 127.0.0.1 is already in use (is another `make run` still running?). \
             Stop that process or choose another port with {variable}=<port>."
        ))
        })
}

fn free_port() -> Result<u16, DevError> {
    let listener =
        TcpListener::bind(("127.0.0.1", 0)).map_err(DevError::io("finding a free port"))?;
    Ok(listener
        .local_addr()
        .map_err(DevError::io("finding a free port"))?
        .port())
}

impl MotoServer {
    /// Starts moto on `port` (a free one when `None`) and waits until it answers.
    pub fn start(binary: &Path, port: Option<u16>, log: &Path) -> Result<MotoServer, DevError> {
        if !binary.exists() {
            return Err(DevError::msg(format!(
                "{} not found: run `make setup` (or `make run`, which installs it)",
                binary.display()
            )));
        }
        let port = match port {
            Some(port) => {
                ensure_port_free(port, "MOTO_PORT")?;
                port
            }
            None => free_port()?,
        };
        let log_file = std::fs::File::create(log)
            .map_err(DevError::io(format!("creating {}", log.display())))?;
        let child = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" "$@" & pid=$!; read _ignored; kill "$pid" 2>/dev/null; wait "$pid""#)
            .arg(binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(log_file.try_clone().map_err(DevError::io("moto log"))?)
            .stderr(log_file)
            .spawn()
            .map_err(DevError::io("starting moto_server"))?;
        let mut server = MotoServer {
            url: format!("http://127.0.0.1:{port}"),
            port,
            child,
        };
        server.wait_ready(log)?;
        Ok(server)
    }

    fn wait_ready(&mut self, log: &Path) -> Result<(), DevError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(DevError::msg(format!(
                    "moto_server exited ({status}); see {}",
                    log.display()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(DevError::msg(format!(
            "moto_server did not answer within 60 s; see {}",
            log.display()
        )))
    }

    /// Stops the server now (it would stop anyway when this process ends).
    /// The moto process itself (the child of the `sh` that guards it), for memory readings.
    pub fn pid(&self) -> Option<u32> {
        let sh = self.child.id();
        std::fs::read_to_string(format!("/proc/{sh}/task/{sh}/children"))
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }

    pub fn stop(mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
