//! Functions started by an event instead of an HTTP request, declared once like the routes:
//! trigger, memory, timeout, IAM grants and own environment. The template's function, its
//! bucket notification and its policy are generated from here (`make template`); the handler
//! lives in the crate that owns the work (the import inbox: `portal_import::inbox`).

use super::{Grant, Resource};

/// What starts the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// An object created in the import inbox under `prefix` whose key ends with one of
    /// `suffixes` (S3 event notification; locally the dev stack's watcher, see
    /// `devstack::watch`).
    InboxObject {
        prefix: &'static str,
        suffixes: &'static [&'static str],
    },
}

/// Where an environment variable of its own comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSource {
    /// `s3://<the inbox bucket>/<prefix>`.
    InboxUri(&'static str),
    /// A template parameter.
    Parameter(&'static str),
}

pub struct Triggered {
    /// Function name: the binary, the template resource and the log group.
    pub function: &'static str,
    pub trigger: Trigger,
    /// One line for the template's function description and the docs.
    pub summary: &'static str,
    pub memory_mb: u16,
    /// Seconds; Lambda allows up to 900.
    pub timeout_s: u16,
    pub environment: &'static [(&'static str, EnvSource)],
    pub grants: &'static [Grant],
}

/// The prefix of batches in the inbox bucket (`INBOX_URI`).
pub const INBOX_PREFIX: &str = "inbox/";

/// The import inbox: `READY` starts a batch, `<n>.continue` continues a long one.
pub static INBOX_IMPORT: Triggered = Triggered {
    function: "inbox-import",
    trigger: Trigger::InboxObject {
        prefix: INBOX_PREFIX,
        suffixes: &["/READY", ".continue"],
    },
    summary: "imports a batch of the import inbox (customers, logins, contracts, documents) when its READY marker arrives",
    // Manifests stream from /tmp; memory holds chunks of 200 rows and 16 bytes per row for
    // duplicates, so memory grows by that much per row only (not yet measured in make bench).
    memory_mb: 512,
    timeout_s: 900,
    environment: &[
        ("INBOX_URI", EnvSource::InboxUri(INBOX_PREFIX)),
        ("OPS_EMAIL", EnvSource::Parameter("OpsEmail")),
    ],
    grants: &[
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:Query",
            ],
        },
        Grant {
            resource: Resource::PortalIndex("*"),
            actions: &["dynamodb:Query"],
        },
        // Copies land here (CopyObject needs PutObject on the target); HeadObject reads the
        // ETag an earlier copy recorded.
        Grant {
            resource: Resource::DocumentFiles,
            actions: &["s3:GetObject", "s3:PutObject"],
        },
        Grant {
            resource: Resource::DocumentsBucket,
            actions: &["s3:ListBucket"],
        },
        // Reads the batch (manifests, files as copy sources), writes result.json, the
        // problems and the continuation markers.
        Grant {
            resource: Resource::InboxFiles,
            actions: &["s3:GetObject", "s3:PutObject"],
        },
        Grant {
            resource: Resource::InboxBucket,
            actions: &["s3:ListBucket"],
        },
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
};

/// Every event-triggered function.
pub static TRIGGERED: &[&Triggered] = &[&INBOX_IMPORT];
