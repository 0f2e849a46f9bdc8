//! Functions started by an event instead of an HTTP request, declared once like the routes:
//! trigger, memory, timeout, IAM grants and own environment. The template's function, its
//! bucket notification and its policy are generated from here (`make template`); the handler
//! lives in the crate that owns the work (the import inbox: `portal_import::inbox`).

use super::{Grant, Permission, Resource, RouteSecret};

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
    /// An event on the stack's EventBridge bus with this `source` and `detail-type` (an
    /// EventBridge rule; locally, tests hand the handler the event the rule would deliver).
    BusEvent {
        source: &'static str,
        detail_type: &'static str,
    },
}

/// Where an environment variable of its own comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSource {
    /// `s3://<the inbox bucket>/<prefix>`.
    InboxUri(&'static str),
    /// The inbox bucket's name.
    InboxBucket,
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
    /// Secrets it reads at init (their ARN in its environment, `GetSecretValue` implied).
    pub secrets: &'static [RouteSecret],
    pub grants: &'static [Grant],
}

impl Triggered {
    /// The declared grants plus reading its secrets, merged per resource.
    pub fn permissions(&self) -> Vec<Permission> {
        let secrets = super::secret_grants(self.secrets);
        super::merged(self.grants.iter().chain(&secrets))
    }
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
    secrets: &[],
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

/// The prefix under which SES stores the replies it receives (the receipt rule's S3 action;
/// `infra/reply-receiving.yaml`).
pub const MAIL_PREFIX: &str = "mail/";

/// Support's answers by mail: each mail SES stores is taken as a reply to the item its signed
/// address names (`portal::support::replies`).
pub static MAIL_REPLY: Triggered = Triggered {
    function: "mail-reply",
    trigger: Trigger::InboxObject {
        prefix: MAIL_PREFIX,
        suffixes: &[""],
    },
    summary: "takes support's replies by mail (stored by SES under mail/ of the inbox bucket) as answers to the requests their signed addresses name",
    memory_mb: 256,
    timeout_s: 60,
    environment: &[("INBOX_BUCKET", EnvSource::InboxBucket)],
    secrets: &[RouteSecret::ReplyKey],
    grants: &[
        // The request and its company (read), the answer and the request's status (write),
        // the in-portal notification, the members to notify, and the marker that makes each
        // stored mail count once.
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
            ],
        },
        Grant {
            resource: Resource::InboxMail,
            actions: &["s3:GetObject"],
        },
        // The files of an answer (and their removal when the request is gone).
        Grant {
            resource: Resource::AnswerFiles,
            actions: &["s3:PutObject", "s3:DeleteObject"],
        },
        // The answer's mail to the customer, and the short refusal back to support.
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
};

/// The billing system's answer to a contract change request closes it
/// (`portal::contracts::resolved_event`).
pub static EVENTS_CONTRACT_RESOLVED: Triggered = Triggered {
    function: "events-contract-resolved",
    trigger: Trigger::BusEvent {
        source: crate::contracts::resolved_event::SOURCE,
        detail_type: crate::contracts::resolved_event::EVENT_TYPE,
    },
    summary: "closes a contract change request as done or rejected when the billing system publishes ContractChangeResolved",
    memory_mb: 256,
    timeout_s: 30,
    environment: &[],
    secrets: &[],
    grants: &[
        // The request (read), its status and the activity entry (one transaction), the
        // company's members and name, their notifications.
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:Query",
            ],
        },
        // The mail to the member who asked.
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
};

/// Every event-triggered function.
pub static TRIGGERED: &[&Triggered] = &[&INBOX_IMPORT, &MAIL_REPLY, &EVENTS_CONTRACT_RESOLVED];
