//! The local stack, for `make run` and the tests: the AWS stand-in (moto) as a child process,
//! tables / buckets / sender identity created from `infra/template.yaml`, deterministic demo
//! data, and the dev gateway that serves the Zola site and dispatches `/api/*` through the one
//! route table (demo data comes from `portal-admin demo`). Nothing here is deployed.

pub mod gateway;
pub mod infra;
pub mod local;
pub mod mailbox;
pub mod moto;
pub mod runtime_api;
pub mod template;
pub mod uploads;
pub mod watch;

/// Errors of the local stack; they end `make run` with a message that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    #[error("{0}")]
    Message(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl DevError {
    pub fn msg(text: impl Into<String>) -> Self {
        DevError::Message(text.into())
    }

    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> DevError {
        let context = context.into();
        move |source| DevError::Io { context, source }
    }
}

/// The workspace root (two levels above this crate), where `infra/` and `site/` live.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}
