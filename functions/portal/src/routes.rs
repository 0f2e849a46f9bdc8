//! The one route table: method + path → function (= binary = SAM resource) → handler.
//! The Lambda binaries, the dev gateway and the template check all read it from here.

use crate::account;
use crate::app::App;
use crate::auth;
use crate::contracts;
use crate::documents;
use crate::domain::ids::Role;
use crate::error::ApiError;
use crate::help;
use crate::http::{ApiRequest, ApiResponse};
use crate::notifications;
use crate::support;
use crate::team;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

pub type HandlerFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ApiResponse, ApiError>> + Send + 'a>>;
pub type Handler = for<'a> fn(&'a App, ApiRequest) -> HandlerFuture<'a>;

pub struct Route {
    /// Function name: the binary, the crate under `functions/` and the template resource.
    pub function: &'static str,
    /// An HTTP method, or `ANY` for the fallback.
    pub method: &'static str,
    /// API Gateway syntax: `{name}` for one segment, `{name+}` for the rest of the path.
    pub path: &'static str,
    /// Who may call it. Handlers enforce this themselves; the authorization-matrix test walks
    /// every route with every kind of caller and checks the answers against this declaration.
    pub access: Access,
    /// One line for the template's function description and the docs.
    pub summary: &'static str,
    pub memory_mb: u16,
    pub timeout_s: u8,
    /// AWS calls of the successful path: a budget that a test holds the handler to exactly,
    /// so that a change adding a round trip fails loudly (`make bench` shows the table).
    pub aws_calls: u8,
    /// What the function may do in AWS: its IAM policy in the template is generated from this,
    /// and a test checks these grants against the calls the function really makes.
    pub grants: &'static [Grant],
    pub handler: Handler,
}

/// The AWS resources a function can be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    AuthTable,
    PortalTable,
    /// One global secondary index of the portal table (queries only), or `*` for all.
    PortalIndex(&'static str),
    /// The objects under `documents/` in the documents bucket.
    DocumentFiles,
    /// The customers' uploads under `uploads/` in the documents bucket. A function that issues
    /// presigned POSTs needs `s3:PutObject` here: S3 checks the signer's rights at upload time.
    UploadFiles,
    /// The documents bucket itself, for `s3:ListBucket` only: without it S3 answers a missing
    /// object with 403 instead of 404, and the portal could not tell "missing" from "denied".
    DocumentsBucket,
    /// The SES sender identity (and configuration set, when one is configured).
    MailIdentity,
    /// The stack's EventBridge bus for the billing system.
    EventBus,
}

/// IAM actions on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub resource: Resource,
    pub actions: &'static [&'static str],
}

impl Grant {
    /// Whether the grant authorises S3's answers rather than a call of the function's own:
    /// `s3:ListBucket` turns a missing object's 403 into a 404, and `s3:PutObject` on uploads
    /// lets the presigned POSTs the function signs upload. No SDK call shows their use.
    pub fn makes_no_call(&self) -> bool {
        self.actions == ["s3:ListBucket"]
            || (self.resource == Resource::UploadFiles && self.actions == ["s3:PutObject"])
    }
}

/// Reading, refreshing and expiring the caller's session (every authenticated route).
const SESSION: Grant = Grant {
    resource: Resource::AuthTable,
    actions: &[
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    ],
};

/// Lets S3 answer 404 for a missing object (see `Resource::DocumentsBucket`).
const LIST_BUCKET: Grant = Grant {
    resource: Resource::DocumentsBucket,
    actions: &["s3:ListBucket"],
};

/// The caller a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anybody (login, logout, the fallback).
    Public,
    /// Any logged-in person, before or after choosing a company.
    Session,
    /// A session acting for a company in one of these roles.
    Company(&'static [Role]),
}

const ALL_ROLES: &[Role] = &[Role::Owner, Role::Billing, Role::Viewer];
const OWNER_BILLING: &[Role] = &[Role::Owner, Role::Billing];
const OWNER: &[Role] = &[Role::Owner];

/// The fallback route answers every `/api/` request no other route takes: 405 with `Allow`
/// when the path exists under another method, 404 otherwise; always our JSON error shape.
pub const FALLBACK_FUNCTION: &str = "api-fallback";

/// Every route. The Lambda binaries reference only their own route (`lambda::run(&ROUTE)`),
/// so each links only its own handler; the dev gateway, the template and the tests use all.
pub static ROUTES: &[&Route] = &[
    &AUTH_REQUEST,
    &AUTH_ACTIVATE,
    &AUTH_INSPECT,
    &AUTH_REDEEM,
    &AUTH_SESSION,
    &AUTH_LOGOUT,
    &AUTH_SELECT,
    &DOCUMENTS_LIST,
    &DOCUMENTS_EXPORT,
    &DOCUMENTS_STATISTICS,
    &DOCUMENTS_DETAIL,
    &DOCUMENTS_PDF,
    &DOCUMENTS_XML,
    &DOCUMENTS_SEND,
    &DOCUMENTS_PAYMENT,
    &DOCUMENTS_PROOF_UPLOAD,
    &DOCUMENTS_PROOF,
    &ACCOUNT_BILLING,
    &ACCOUNT_BILLING_UPDATE,
    &ACCOUNT_CHANGE_REQUEST,
    &ACCOUNT_CONTACTS,
    &ACCOUNT_PAYMENT,
    &ACCOUNT_PAYMENT_UPDATE,
    &ACCOUNT_CONTACTS_UPDATE,
    &ACCOUNT_ACTIVITY,
    &ACCOUNT_EXPORT,
    &TEAM_LIST,
    &TEAM_INVITE,
    &TEAM_ROLE,
    &TEAM_REMOVE,
    &CONTRACTS_LIST,
    &CONTRACTS_REQUEST,
    &SUPPORT_ATTACHMENT_UPLOAD,
    &SUPPORT_CREATE,
    &SUPPORT_LIST,
    &SUPPORT_DETAIL,
    &NOTIFICATIONS_LIST,
    &NOTIFICATIONS_READ,
    &HELP_FEEDBACK,
    &API_FALLBACK,
];

pub static AUTH_REQUEST: Route = Route {
    function: "auth-request",
    method: "POST",
    path: "/api/auth/login-request",
    access: Access::Public,
    summary: "mail a login link and code (always 202)",
    memory_mb: 128,
    timeout_s: 10,
    aws_calls: 5,
    grants: &[
        Grant {
            resource: Resource::AuthTable,
            actions: &["dynamodb:UpdateItem", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query"],
        },
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(auth::request_login(app, req)),
};

pub static AUTH_ACTIVATE: Route = Route {
    function: "auth-activate",
    method: "POST",
    path: "/api/auth/activate",
    access: Access::Public,
    summary: "activate portal access with customer number, invoice number and amount (always 202)",
    memory_mb: 128,
    timeout_s: 10,
    aws_calls: 12,
    grants: &[
        Grant {
            resource: Resource::AuthTable,
            actions: &["dynamodb:UpdateItem", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ],
        },
        Grant {
            resource: Resource::PortalIndex("ByNumber"),
            actions: &["dynamodb:Query"],
        },
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(auth::activate(app, req)),
};

pub static AUTH_INSPECT: Route = Route {
    function: "auth-inspect",
    method: "POST",
    path: "/api/auth/login-link",
    access: Access::Public,
    summary: "whom a login link is for (consumes nothing)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 2,
    grants: &[Grant {
        resource: Resource::AuthTable,
        actions: &["dynamodb:GetItem", "dynamodb:UpdateItem"],
    }],
    handler: |app, req| Box::pin(auth::inspect_link(app, req)),
};

pub static AUTH_REDEEM: Route = Route {
    function: "auth-redeem",
    method: "POST",
    path: "/api/auth/session",
    access: Access::Public,
    summary: "redeem a link token or code for a session",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 5,
    grants: &[
        Grant {
            resource: Resource::AuthTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
            ],
        },
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
    ],
    handler: |app, req| Box::pin(auth::redeem(app, req)),
};

pub static AUTH_SESSION: Route = Route {
    function: "auth-session",
    method: "GET",
    path: "/api/auth/session",
    access: Access::Session,
    summary: "who is logged in",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 2,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(auth::current_session(app, req)),
};

pub static AUTH_LOGOUT: Route = Route {
    function: "auth-logout",
    method: "DELETE",
    path: "/api/auth/session",
    access: Access::Public,
    summary: "log out (deletes the session server-side)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 1,
    grants: &[Grant {
        resource: Resource::AuthTable,
        actions: &["dynamodb:DeleteItem"],
    }],
    handler: |app, req| Box::pin(auth::logout(app, req)),
};

pub static AUTH_SELECT: Route = Route {
    function: "auth-select",
    method: "PUT",
    path: "/api/auth/session/customer",
    access: Access::Session,
    summary: "choose the company to act for",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(auth::select_customer(app, req)),
};

pub static DOCUMENTS_LIST: Route = Route {
    function: "documents-list",
    method: "GET",
    path: "/api/documents",
    access: Access::Company(ALL_ROLES),
    summary: "the filtered, paged document list (newest first)",
    memory_mb: 256,
    timeout_s: 10,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
        Grant {
            resource: Resource::PortalIndex("*"),
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(documents::list(app, req)),
};

pub static DOCUMENTS_EXPORT: Route = Route {
    function: "documents-export",
    method: "GET",
    path: "/api/documents/export",
    access: Access::Company(ALL_ROLES),
    summary: "the filtered list as CSV",
    memory_mb: 256,
    timeout_s: 29,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
        Grant {
            resource: Resource::PortalIndex("*"),
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(documents::export(app, req)),
};

pub static DOCUMENTS_STATISTICS: Route = Route {
    function: "documents-statistics",
    method: "GET",
    path: "/api/documents/statistics",
    access: Access::Company(ALL_ROLES),
    summary: "totals per month and year",
    memory_mb: 256,
    timeout_s: 10,
    aws_calls: 5,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(documents::statistics(app, req)),
};

pub static DOCUMENTS_DETAIL: Route = Route {
    function: "documents-detail",
    method: "GET",
    path: "/api/documents/{id}",
    access: Access::Company(ALL_ROLES),
    summary: "one document of the session's company",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(documents::detail(app, req)),
};

pub static DOCUMENTS_PDF: Route = Route {
    function: "documents-pdf",
    method: "GET",
    path: "/api/documents/{id}/pdf",
    access: Access::Company(ALL_ROLES),
    summary: "ownership check, then 303 to a presigned URL (60 s)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 6,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::DocumentFiles,
            actions: &["s3:GetObject"],
        },
        LIST_BUCKET,
    ],
    handler: |app, req| Box::pin(documents::pdf(app, req)),
};

pub static DOCUMENTS_XML: Route = Route {
    function: "documents-xml",
    method: "GET",
    path: "/api/documents/{id}/xml",
    access: Access::Company(ALL_ROLES),
    summary: "the e-invoice XML, where present",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 6,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::DocumentFiles,
            actions: &["s3:GetObject"],
        },
        LIST_BUCKET,
    ],
    handler: |app, req| Box::pin(documents::xml(app, req)),
};

pub static DOCUMENTS_SEND: Route = Route {
    function: "documents-send",
    method: "POST",
    path: "/api/documents/{id}/send",
    access: Access::Company(ALL_ROLES),
    summary: "mail the PDF to an address (rate-limited, recorded)",
    memory_mb: 256,
    timeout_s: 15,
    aws_calls: 7,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::DocumentFiles,
            actions: &["s3:GetObject"],
        },
        LIST_BUCKET,
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(documents::send(app, req)),
};

pub static DOCUMENTS_PAYMENT: Route = Route {
    function: "documents-payment",
    method: "GET",
    path: "/api/documents/{id}/payment",
    access: Access::Company(ALL_ROLES),
    summary: "GiroCode (EPC QR) and payment link of an open invoice",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(documents::payment(app, req)),
};

pub static DOCUMENTS_PROOF_UPLOAD: Route = Route {
    function: "documents-proof-upload",
    method: "POST",
    path: "/api/documents/{id}/proof/upload",
    access: Access::Company(OWNER_BILLING),
    summary: "a presigned POST for a proof of payment of an open invoice (PDF/PNG/JPEG, 10 MB)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
        Grant {
            resource: Resource::UploadFiles,
            actions: &["s3:PutObject"],
        },
    ],
    handler: |app, req| Box::pin(documents::proof_upload(app, req)),
};

pub static DOCUMENTS_PROOF: Route = Route {
    function: "documents-proof",
    method: "POST",
    path: "/api/documents/{id}/proof",
    access: Access::Company(OWNER_BILLING),
    summary: "check the uploaded proof of payment, mark the invoice, mail support",
    memory_mb: 128,
    timeout_s: 10,
    aws_calls: 8,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:PutItem",
            ],
        },
        Grant {
            resource: Resource::UploadFiles,
            actions: &["s3:GetObject", "s3:DeleteObject"],
        },
        LIST_BUCKET,
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(documents::proof_confirm(app, req)),
};

pub static ACCOUNT_BILLING: Route = Route {
    function: "account-billing",
    method: "GET",
    path: "/api/account/billing",
    access: Access::Company(OWNER_BILLING),
    summary: "the company's billing data and version (owner, billing)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 6,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
        Grant {
            resource: Resource::PortalIndex("ByKind"),
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(account::billing(app, req)),
};

pub static ACCOUNT_BILLING_UPDATE: Route = Route {
    function: "account-billing-update",
    method: "PUT",
    path: "/api/account/billing",
    access: Access::Company(OWNER_BILLING),
    summary: "update billing data with If-Match (owner, billing)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 7,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::PortalIndex("ByKind"),
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(account::update_billing(app, req)),
};

pub static ACCOUNT_CHANGE_REQUEST: Route = Route {
    function: "account-change-request",
    method: "POST",
    path: "/api/account/billing/change-request",
    access: Access::Company(OWNER_BILLING),
    summary: "ask support to change a locked field",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 5,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(account::change_request(app, req)),
};

pub static ACCOUNT_CONTACTS: Route = Route {
    function: "account-contacts",
    method: "GET",
    path: "/api/account/contacts",
    access: Access::Company(OWNER_BILLING),
    summary: "further contact addresses and phone numbers (owner, billing)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(account::contacts(app, req)),
};

pub static ACCOUNT_CONTACTS_UPDATE: Route = Route {
    function: "account-contacts-update",
    method: "PUT",
    path: "/api/account/contacts",
    access: Access::Company(OWNER_BILLING),
    summary: "update contacts with If-Match (owner, billing)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 5,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
    ],
    handler: |app, req| Box::pin(account::update_contacts(app, req)),
};

pub static ACCOUNT_PAYMENT: Route = Route {
    function: "account-payment",
    method: "GET",
    path: "/api/account/payment",
    access: Access::Company(OWNER_BILLING),
    summary: "the bank account for SEPA direct debit (masked) and the payment provider's link (owner, billing)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(account::payment::get(app, req)),
};

pub static ACCOUNT_PAYMENT_UPDATE: Route = Route {
    function: "account-payment-update",
    method: "PUT",
    path: "/api/account/payment",
    access: Access::Company(OWNER_BILLING),
    summary: "store a bank account for SEPA direct debit with If-Match (owner, billing; sealed, shown masked)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 4,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
    ],
    handler: |app, req| Box::pin(account::payment::update(app, req)),
};

pub static ACCOUNT_ACTIVITY: Route = Route {
    function: "account-activity",
    method: "GET",
    path: "/api/account/activity",
    access: Access::Company(OWNER_BILLING),
    summary: "the company's recent activity (owner, billing)",
    memory_mb: 256,
    timeout_s: 10,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(account::activity(app, req)),
};

pub static ACCOUNT_EXPORT: Route = Route {
    function: "account-export",
    method: "GET",
    path: "/api/account/export",
    access: Access::Company(ALL_ROLES),
    summary: "everything stored about the company and the login as JSON (GDPR Art. 15/20)",
    memory_mb: 256,
    timeout_s: 29,
    aws_calls: 10,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::PortalIndex("ByKind"),
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(account::export(app, req)),
};

pub static TEAM_LIST: Route = Route {
    function: "team-list",
    method: "GET",
    path: "/api/team",
    access: Access::Company(OWNER),
    summary: "the company's logins and roles (owners)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(team::list(app, req)),
};

pub static TEAM_INVITE: Route = Route {
    function: "team-invite",
    method: "POST",
    path: "/api/team/members",
    access: Access::Company(OWNER),
    summary: "invite a colleague, who gets a login mail (owners)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 11,
    grants: &[
        Grant {
            resource: Resource::AuthTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
            ],
        },
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ],
        },
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(team::invite(app, req)),
};

pub static TEAM_ROLE: Route = Route {
    function: "team-role",
    method: "PUT",
    path: "/api/team/members/{id}",
    access: Access::Company(OWNER),
    summary: "change a role; never the last owner (owners)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 6,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ],
        },
    ],
    handler: |app, req| Box::pin(team::set_role(app, req)),
};

pub static TEAM_REMOVE: Route = Route {
    function: "team-remove",
    method: "DELETE",
    path: "/api/team/members/{id}",
    access: Access::Company(OWNER),
    summary: "remove a login; never the last owner (owners)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 6,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
            ],
        },
    ],
    handler: |app, req| Box::pin(team::remove(app, req)),
};

pub static CONTRACTS_LIST: Route = Route {
    function: "contracts-list",
    method: "GET",
    path: "/api/contracts",
    access: Access::Company(ALL_ROLES),
    summary:
        "the company's contracts and subscriptions, their pending changes and what may be asked for",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(contracts::list(app, req)),
};

pub static CONTRACTS_REQUEST: Route = Route {
    function: "contracts-request",
    method: "POST",
    path: "/api/contracts/{id}/requests",
    access: Access::Company(OWNER_BILLING),
    summary: "ask for a contract change (owner, billing): checked, stored as pending, mailed to support, published on the event bus",
    memory_mb: 128,
    timeout_s: 10,
    aws_calls: 6,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::EventBus,
            actions: &["events:PutEvents"],
        },
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(contracts::request(app, req)),
};

pub static SUPPORT_ATTACHMENT_UPLOAD: Route = Route {
    function: "support-attachment-upload",
    method: "POST",
    path: "/api/support/attachments",
    access: Access::Company(ALL_ROLES),
    summary: "a presigned POST for a support request's attachment (PDF/PNG/JPEG, 10 MB)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 2,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query"],
        },
        Grant {
            resource: Resource::UploadFiles,
            actions: &["s3:PutObject"],
        },
    ],
    handler: |app, req| Box::pin(support::attachment_upload(app, req)),
};

pub static SUPPORT_CREATE: Route = Route {
    function: "support-create",
    method: "POST",
    path: "/api/support/requests",
    access: Access::Company(ALL_ROLES),
    summary: "write to support (mailed to SUPPORT_EMAIL)",
    memory_mb: 128,
    timeout_s: 10,
    aws_calls: 7,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
        },
        Grant {
            resource: Resource::UploadFiles,
            actions: &["s3:GetObject", "s3:DeleteObject"],
        },
        LIST_BUCKET,
        Grant {
            resource: Resource::MailIdentity,
            actions: &["ses:SendEmail"],
        },
    ],
    handler: |app, req| Box::pin(support::create(app, req)),
};

pub static SUPPORT_LIST: Route = Route {
    function: "support-list",
    method: "GET",
    path: "/api/support/requests",
    access: Access::Company(ALL_ROLES),
    summary: "the company's support requests with status and answers, searchable",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(support::list(app, req)),
};

pub static SUPPORT_DETAIL: Route = Route {
    function: "support-detail",
    method: "GET",
    path: "/api/support/requests/{id}",
    access: Access::Company(ALL_ROLES),
    summary: "one support request with its answers",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:GetItem", "dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(support::detail(app, req)),
};

pub static NOTIFICATIONS_LIST: Route = Route {
    function: "notifications-list",
    method: "GET",
    path: "/api/notifications",
    access: Access::Session,
    summary: "the signed-in person's notifications and unread count",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query"],
        },
    ],
    handler: |app, req| Box::pin(notifications::list(app, req)),
};

pub static NOTIFICATIONS_READ: Route = Route {
    function: "notifications-read",
    method: "POST",
    path: "/api/notifications/read",
    access: Access::Session,
    summary: "mark every notification as read",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 3,
    grants: &[
        SESSION,
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:Query", "dynamodb:UpdateItem"],
        },
    ],
    handler: |app, req| Box::pin(notifications::mark_read(app, req)),
};

pub static HELP_FEEDBACK: Route = Route {
    function: "help-feedback",
    method: "POST",
    path: "/api/help/feedback",
    access: Access::Public,
    summary: "count a \"Was this helpful?\" vote of a help article (anonymous, rate-limited)",
    memory_mb: 128,
    timeout_s: 5,
    aws_calls: 2,
    grants: &[
        Grant {
            resource: Resource::AuthTable,
            actions: &["dynamodb:UpdateItem"],
        },
        Grant {
            resource: Resource::PortalTable,
            actions: &["dynamodb:UpdateItem"],
        },
    ],
    handler: |app, req| Box::pin(help::feedback(app, req)),
};

pub static API_FALLBACK: Route = Route {
    function: FALLBACK_FUNCTION,
    method: "ANY",
    path: "/api/{proxy+}",
    access: Access::Public,
    summary: "404 / 405 in the portal's JSON error shape",
    memory_mb: 128,
    timeout_s: 3,
    aws_calls: 0,
    grants: &[],
    handler: |_app, req| Box::pin(async move { Err(unmatched(&req)) }),
};

pub fn by_function(function: &str) -> Option<&'static Route> {
    ROUTES.iter().copied().find(|r| r.function == function)
}

impl Route {
    /// The `{name}` values when `path` fits this route's pattern.
    pub fn match_path(&self, path: &str) -> Option<HashMap<String, String>> {
        match_pattern(self.path, path)
    }

    fn accepts(&self, method: &http::Method) -> bool {
        self.method == "ANY" || self.method == method.as_str()
    }
}

/// The parameters of `path` when it fits `template` (API Gateway syntax).
fn match_pattern(template: &str, path: &str) -> Option<HashMap<String, String>> {
    let mut params = HashMap::new();
    let mut actual = path.split('/');
    for pattern in template.split('/') {
        if let Some(name) = pattern.strip_prefix('{').and_then(|p| p.strip_suffix("+}")) {
            let rest: Vec<&str> = actual.by_ref().collect();
            if rest.is_empty() || rest == [""] {
                return None;
            }
            params.insert(name.to_string(), rest.join("/"));
            return Some(params);
        }
        let segment = actual.next()?;
        match pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) if !segment.is_empty() => {
                params.insert(name.to_string(), segment.to_string());
            }
            Some(_) => return None,
            None if pattern == segment => {}
            None => return None,
        }
    }
    actual.next().is_none().then_some(params)
}

/// The route for a request, falling back to the fallback route.
pub fn resolve(method: &http::Method, path: &str) -> &'static Route {
    ROUTES
        .iter()
        .copied()
        .filter(|r| r.function != FALLBACK_FUNCTION)
        .find(|r| r.accepts(method) && r.match_path(path).is_some())
        .or_else(|| by_function(FALLBACK_FUNCTION))
        .expect("the route table has a fallback")
}

/// Function, method and path of every route, copied out of `ROUTES` at compile time. The
/// fallback function answers from this table, so it links no other route's handler (reading
/// `ROUTES` itself would link all of them: about 5 MB more binary and a slower cold start).
static SHAPES: [(&str, &str, &str); ROUTES.len()] = {
    let mut shapes = [("", "", ""); ROUTES.len()];
    let mut i = 0;
    while i < ROUTES.len() {
        shapes[i] = (ROUTES[i].function, ROUTES[i].method, ROUTES[i].path);
        i += 1;
    }
    shapes
};

fn unmatched(req: &ApiRequest) -> ApiError {
    let allow: Vec<&'static str> = SHAPES
        .iter()
        .filter(|(function, _, path)| {
            *function != FALLBACK_FUNCTION && match_pattern(path, &req.path).is_some()
        })
        .map(|(_, method, _)| *method)
        .collect();
    if allow.is_empty() {
        ApiError::NotFound
    } else {
        ApiError::MethodNotAllowed { allow }
    }
}

/// Runs one request through its route: checks the route really fits, calls the handler, maps
/// errors to the JSON error shape, adds security headers and logs one line.
pub async fn dispatch(app: &App, route: &'static Route, mut req: ApiRequest) -> ApiResponse {
    let started = Instant::now();
    let lang = req.lang();
    // A download link opened by the browser itself: errors become a small page, not JSON.
    let navigation =
        req.method == http::Method::GET && req.header("sec-fetch-mode") == Some("navigate");
    let method = req.method.clone();
    let request_id = req.request_id.clone();
    let from_origin = match &app.config.origin_secret_digest {
        None => true,
        Some(digest) => req.header("x-origin-verify").is_some_and(|value| {
            crate::domain::secret::sha256_hex(value.as_bytes()).as_bytes() == digest.0.as_slice()
        }),
    };
    let result = match route.match_path(&req.path) {
        _ if !from_origin => Err(ApiError::CrossSite),
        Some(params) if route.accepts(&req.method) => {
            req.params = params;
            crate::store::calls::attributed(route.function, (route.handler)(app, req)).await
        }
        // API Gateway sends a function only its own route; the fallback route answers 404 / 405
        // for everything else (not referenced here, so a function does not link the others).
        _ => Err(ApiError::NotFound),
    };
    let (response, error_code) = match result {
        Ok(response) => (response, None),
        Err(err) => {
            if err.status().is_server_error() {
                let cause = std::error::Error::source(&err)
                    .map(|c| c.to_string())
                    .unwrap_or_default();
                tracing::error!(function = route.function, request_id = %request_id, cause = %cause, "request failed");
            }
            let code = err.body(lang).code;
            let response = if navigation {
                ApiResponse::error_page(&err, lang)
            } else {
                ApiResponse::error(&err, lang)
            };
            (response, Some(code))
        }
    };
    let response = response.finish();
    tracing::info!(
        function = route.function,
        method = %method,
        route = route.path,
        status = response.status.as_u16(),
        latency_ms = started.elapsed().as_millis() as u64,
        request_id = %request_id,
        error = error_code.unwrap_or(""),
        "request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn each_route_static_is_named_after_its_function() {
        // The binaries find their route by the static's name (functions/<name>/src/main.rs).
        let source = include_str!("routes.rs");
        for route in ROUTES {
            let name = route.function.to_uppercase().replace('-', "_");
            let declared = format!("pub static {name}: Route = Route {{\n    function: ");
            let at = source
                .find(&declared)
                .unwrap_or_else(|| panic!("no static {name} for {}", route.function));
            let rest = &source[at + declared.len()..];
            let value = rest.split(',').next().unwrap_or("");
            assert!(
                value == format!("\"{}\"", route.function) || value == "FALLBACK_FUNCTION",
                "{name} is {value}"
            );
        }
    }

    #[test]
    fn every_function_has_exactly_one_route_and_a_distinct_name() {
        let mut names: Vec<_> = ROUTES.iter().map(|r| r.function).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ROUTES.len());
    }

    #[test]
    fn requests_resolve_to_their_route_or_the_fallback() {
        assert_eq!(
            resolve(&Method::GET, "/api/auth/session").function,
            "auth-session"
        );
        assert_eq!(
            resolve(&Method::DELETE, "/api/auth/session").function,
            "auth-logout"
        );
        assert_eq!(
            resolve(&Method::GET, "/api/auth/login-request").function,
            FALLBACK_FUNCTION
        );
        assert_eq!(
            resolve(&Method::GET, "/api/nothing").function,
            FALLBACK_FUNCTION
        );
        assert_eq!(
            resolve(&Method::GET, "/api/auth/session/").function,
            FALLBACK_FUNCTION
        );
    }

    #[test]
    fn patterns_capture_single_segments_and_greedy_rests() {
        let route = Route {
            function: "x",
            method: "GET",
            path: "/api/documents/{id}/pdf",
            access: Access::Public,
            summary: "",
            memory_mb: 128,
            timeout_s: 3,
            aws_calls: 0,
            grants: &[],
            handler: |_app, req| Box::pin(async move { Err(unmatched(&req)) }),
        };
        let params = route.match_path("/api/documents/R-1/pdf").unwrap();
        assert_eq!(params["id"], "R-1");
        assert!(route.match_path("/api/documents//pdf").is_none());
        assert!(route.match_path("/api/documents/a/b/pdf").is_none());
        let fallback = by_function(FALLBACK_FUNCTION).unwrap();
        assert_eq!(fallback.match_path("/api/a/b").unwrap()["proxy"], "a/b");
        assert!(fallback.match_path("/api/").is_none());
    }

    #[test]
    fn a_known_path_with_another_method_lists_the_allowed_ones() {
        let req = ApiRequest::new(Method::PATCH, "/api/auth/session");
        match unmatched(&req) {
            ApiError::MethodNotAllowed { allow } => {
                assert_eq!(allow, vec!["POST", "GET", "DELETE"])
            }
            other => panic!("{other:?}"),
        }
    }
}
