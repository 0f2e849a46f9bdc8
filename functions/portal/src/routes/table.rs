//! The route table: every route of the API, declared once (data only; the types and what each
//! field means are in `routes/mod.rs`, the enforcement in `crate::pipeline`).
//!
//! Rate limits are chosen so that a real customer never meets them: the busiest person we can
//! imagine (a bookkeeper downloading a year of invoices, an owner setting up a team) stays far
//! below; a script hammering an endpoint does not. `docs/api.md` lists them.

use super::{
    Against, Body, Count, Grant, Handler, Limit, Per, Resource, Route, RouteSecret, Window,
    ALL_ROLES, LIST_BUCKET, OWNER, OWNER_BILLING,
};
use crate::{auth, company, contracts, documents, help, notifications, support, team};

/// Login mails per client (`LOGIN_LIMIT_PER_IP` per `LOGIN_LIMIT_WINDOW_SECONDS`).
const LOGIN_PER_IP: Limit = Limit {
    scope: "login-ip",
    per: Per::ClientIp,
    count: Count::LoginPerIp,
    window: Window::Login,
    against: Against::Flooding,
};
/// Login mails per address and client (`LOGIN_LIMIT_PER_EMAIL` per
/// `LOGIN_LIMIT_WINDOW_SECONDS`): what a stranger can use up of someone's address stays with
/// the stranger's own client.
const LOGIN_PER_EMAIL_AND_CLIENT: Limit = Limit {
    scope: "login-email-client",
    per: Per::BodyEmailAndClient,
    count: Count::LoginPerEmail,
    window: Window::Login,
    against: Against::Flooding,
};
/// Login mails per address from all clients together, per window: a higher cap, so that
/// locking a person out takes many clients.
const LOGIN_PER_EMAIL: Limit = Limit {
    scope: "login-email",
    per: Per::BodyEmail,
    count: Count::Fixed(20),
    window: Window::Login,
    against: Against::Flooding,
};
/// Login mails per address and day: nobody's mailbox gets flooded.
const LOGIN_MAILS_PER_DAY: Limit = Limit {
    scope: "login-email-day",
    per: Per::BodyEmail,
    count: Count::Fixed(50),
    window: Window::Seconds(86_400),
    against: Against::Flooding,
};
/// Link checks and redemptions per client: one budget for both (guessing codes or links).
const REDEEM_PER_IP: Limit = Limit {
    scope: "redeem-ip",
    per: Per::ClientIp,
    count: Count::LoginPerIp,
    window: Window::Login,
    against: Against::Guessing,
};
/// Activations per client and per customer number: enough for a few typos, too few to guess
/// invoice data (every mismatch answers like a match, so every attempt counts).
const ACTIVATE_PER_IP: Limit = Limit {
    against: Against::Guessing,
    ..Limit::per_hour("activate-ip", Per::ClientIp, 10)
};
const ACTIVATE_PER_CUSTOMER: Limit = Limit {
    against: Against::Guessing,
    ..Limit::per_hour("activate-customer", Per::BodyCustomerNumber, 5)
};
/// Downloads per person: a year of invoices in one sitting stays far below.
const DOWNLOADS_PER_LOGIN: Limit = Limit::per_hour("download", Per::Login, 1000);
/// Billing data, contact and payment changes per person.
const CHANGES_PER_LOGIN: Limit = Limit::per_hour("account-change", Per::Login, 60);
/// Upload forms per person (proofs of payment and support attachments share it).
const UPLOADS_PER_LOGIN: Limit = Limit::per_hour("upload", Per::Login, 30);
/// Proof confirmations per person: each mails support, and each try reads an upload by the id
/// the body names, so every try counts (probing upload ids is guessing).
const PROOFS_PER_LOGIN: Limit = Limit {
    against: Against::Guessing,
    ..Limit::per_hour("proof", Per::Login, 10)
};
/// Team changes per person.
const TEAM_CHANGES_PER_LOGIN: Limit = Limit::per_hour("team-change", Per::Login, 60);

routes! {
    AUTH_REQUEST {
        function: "auth-request",
        method: "POST",
        path: "/api/auth/login-request",
        handler: public => auth::request_login,
        limits: &[
            LOGIN_PER_IP,
            LOGIN_PER_EMAIL_AND_CLIENT,
            LOGIN_PER_EMAIL,
            LOGIN_MAILS_PER_DAY,
        ],
        summary: "mail a login link and code (always 202)",
        memory_mb: 128,
        timeout_s: 10,
        aws_calls: 7,
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
    }

    AUTH_ACTIVATE {
        function: "auth-activate",
        method: "POST",
        path: "/api/auth/activate",
        handler: public => auth::activate,
        limits: &[ACTIVATE_PER_IP, ACTIVATE_PER_CUSTOMER],
        summary: "activate portal access with customer number, invoice number and amount (always 202)",
        memory_mb: 128,
        timeout_s: 10,
        aws_calls: 8,
        grants: &[
            Grant {
                resource: Resource::AuthTable,
                actions: &["dynamodb:UpdateItem", "dynamodb:PutItem"],
            },
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
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
    }

    AUTH_REVOKE {
        function: "auth-revoke",
        method: "POST",
        path: "/api/auth/activation/revoke",
        handler: public => auth::revoke_activation,
        limits: &[REDEEM_PER_IP],
        summary: "take back an ownership that an activation gave a company without logins (link mailed to its invoice addresses and support)",
        memory_mb: 128,
        timeout_s: 10,
        aws_calls: 6,
        grants: &[
            Grant {
                resource: Resource::AuthTable,
                actions: &["dynamodb:DeleteItem"],
            },
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
            Grant {
                resource: Resource::MailIdentity,
                actions: &["ses:SendEmail"],
            },
        ],
    }

    AUTH_INSPECT {
        function: "auth-inspect",
        method: "POST",
        path: "/api/auth/login-link",
        handler: public => auth::inspect_link,
        limits: &[REDEEM_PER_IP],
        summary: "whom a login link is for (consumes nothing)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 2,
        grants: &[Grant {
            resource: Resource::AuthTable,
            actions: &["dynamodb:GetItem", "dynamodb:UpdateItem"],
        }],
    }

    AUTH_REDEEM {
        function: "auth-redeem",
        method: "POST",
        path: "/api/auth/session",
        handler: public => auth::redeem,
        limits: &[REDEEM_PER_IP],
        summary: "redeem a link token or code for a session",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 12,
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
            // Redeeming an activation's link also completes the activation (team change, owners
            // told, a first owner reported), so the budget is that path's.
            Grant {
                resource: Resource::PortalTable,
                actions: &[
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:ConditionCheckItem",
                ],
            },
            Grant {
                resource: Resource::MailIdentity,
                actions: &["ses:SendEmail"],
            },
        ],
    }

    AUTH_SESSION {
        function: "auth-session",
        method: "GET",
        path: "/api/auth/session",
        handler: session => auth::current_session,
        summary: "who is logged in",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 2,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:Query"],
            },
        ],
    }

    AUTH_LOGOUT {
        function: "auth-logout",
        method: "DELETE",
        path: "/api/auth/session",
        handler: public => auth::logout,
        body: Body::Empty {
            reason: "DELETE ends the session the cookie names; there is nothing to send",
        },
        summary: "log out (deletes the session server-side)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 1,
        grants: &[Grant {
            resource: Resource::AuthTable,
            actions: &["dynamodb:DeleteItem"],
        }],
    }

    AUTH_SELECT {
        function: "auth-select",
        method: "PUT",
        path: "/api/auth/session/customer",
        handler: session => auth::select_company,
        summary: "choose the company to act for",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:Query"],
            },
        ],
    }

    DOCUMENTS_LIST {
        function: "documents-list",
        method: "GET",
        path: "/api/documents",
        handler: company(ALL_ROLES) => documents::list,
        secrets: &[RouteSecret::CursorKey],
        summary: "the filtered, paged document list (newest first)",
        memory_mb: 256,
        timeout_s: 10,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
            Grant {
                resource: Resource::PortalIndex("*"),
                actions: &["dynamodb:Query"],
            },
        ],
    }

    DOCUMENTS_EXPORT {
        function: "documents-export",
        method: "GET",
        path: "/api/documents/export",
        handler: company(ALL_ROLES) => documents::export,
        summary: "the filtered list as CSV",
        memory_mb: 256,
        timeout_s: 29,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
            Grant {
                resource: Resource::PortalIndex("*"),
                actions: &["dynamodb:Query"],
            },
        ],
    }

    DOCUMENTS_STATISTICS {
        function: "documents-statistics",
        method: "GET",
        path: "/api/documents/statistics",
        handler: company(ALL_ROLES) => documents::statistics,
        summary: "totals per month and year",
        memory_mb: 256,
        timeout_s: 10,
        aws_calls: 5,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    DOCUMENTS_DETAIL {
        function: "documents-detail",
        method: "GET",
        path: "/api/documents/{id}",
        handler: company(ALL_ROLES) => documents::detail,
        summary: "one document of the session's company",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    DOCUMENTS_PDF {
        function: "documents-pdf",
        method: "GET",
        path: "/api/documents/{id}/pdf",
        handler: company(ALL_ROLES) => documents::pdf,
        limits: &[DOWNLOADS_PER_LOGIN],
        summary: "ownership check, then 303 to a presigned URL (60 s)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 7,
        grants: &[
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
    }

    DOCUMENTS_XML {
        function: "documents-xml",
        method: "GET",
        path: "/api/documents/{id}/xml",
        handler: company(ALL_ROLES) => documents::xml,
        limits: &[DOWNLOADS_PER_LOGIN],
        summary: "the e-invoice XML, where present",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 7,
        grants: &[
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
    }

    DOCUMENTS_SEND {
        function: "documents-send",
        method: "POST",
        path: "/api/documents/{id}/send",
        handler: company(ALL_ROLES) => documents::send,
        limits: &[Limit::per_hour("send-document", Per::Login, 20)],
        summary: "mail the PDF to an address (rate-limited, recorded)",
        memory_mb: 256,
        timeout_s: 15,
        aws_calls: 7,
        grants: &[
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
    }

    DOCUMENTS_PAYMENT {
        function: "documents-payment",
        method: "GET",
        path: "/api/documents/{id}/payment",
        handler: company(ALL_ROLES) => documents::payment,
        summary: "GiroCode (EPC QR) and payment link of an open invoice",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    DOCUMENTS_PROOF_UPLOAD {
        function: "documents-proof-upload",
        method: "POST",
        path: "/api/documents/{id}/proof/upload",
        handler: company(OWNER_BILLING) => documents::proof_upload,
        limits: &[UPLOADS_PER_LOGIN],
        summary: "a presigned POST for a proof of payment of an open invoice (PDF/PNG/JPEG, 10 MB)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 4,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
            Grant {
                resource: Resource::UploadFiles,
                actions: &["s3:PutObject"],
            },
        ],
    }

    DOCUMENTS_PROOF {
        function: "documents-proof",
        method: "POST",
        path: "/api/documents/{id}/proof",
        handler: company(OWNER_BILLING) => documents::proof_confirm,
        limits: &[PROOFS_PER_LOGIN],
        summary: "check the uploaded proof of payment, mark the invoice, mail support",
        memory_mb: 128,
        timeout_s: 10,
        aws_calls: 10,
        grants: &[
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
            Grant {
                resource: Resource::CheckedFiles,
                actions: &["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
            },
            LIST_BUCKET,
            Grant {
                resource: Resource::MailIdentity,
                actions: &["ses:SendEmail"],
            },
        ],
    }

    ACCOUNT_BILLING {
        function: "account-billing",
        method: "GET",
        path: "/api/account/billing",
        handler: company(OWNER_BILLING) => company::billing,
        summary: "the company's billing data and version (owner, billing)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 6,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
            Grant {
                resource: Resource::PortalIndex("ByKind"),
                actions: &["dynamodb:Query"],
            },
        ],
    }

    ACCOUNT_BILLING_UPDATE {
        function: "account-billing-update",
        method: "PUT",
        path: "/api/account/billing",
        handler: company(OWNER_BILLING) => company::update_billing,
        limits: &[CHANGES_PER_LOGIN],
        summary: "update billing data with If-Match (owner, billing)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 8,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            },
            Grant {
                resource: Resource::PortalIndex("ByKind"),
                actions: &["dynamodb:Query"],
            },
        ],
    }

    ACCOUNT_CHANGE_REQUEST {
        function: "account-change-request",
        method: "POST",
        path: "/api/account/billing/change-request",
        handler: company(OWNER_BILLING) => company::change_request,
        limits: &[Limit::per_hour("change-request", Per::Login, 10)],
        summary: "ask support to change a locked field",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 6,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            },
            Grant {
                resource: Resource::MailIdentity,
                actions: &["ses:SendEmail"],
            },
        ],
    }

    ACCOUNT_CONTACTS {
        function: "account-contacts",
        method: "GET",
        path: "/api/account/contacts",
        handler: company(OWNER_BILLING) => company::contacts,
        summary: "further contact addresses and phone numbers (owner, billing)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    ACCOUNT_CONTACTS_UPDATE {
        function: "account-contacts-update",
        method: "PUT",
        path: "/api/account/contacts",
        handler: company(OWNER_BILLING) => company::update_contacts,
        limits: &[CHANGES_PER_LOGIN],
        summary: "update contacts with If-Match (owner, billing)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 6,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            },
        ],
    }

    ACCOUNT_PAYMENT {
        function: "account-payment",
        method: "GET",
        path: "/api/account/payment",
        handler: company(OWNER_BILLING) => company::payment::get,
        summary: "the bank account for SEPA direct debit (masked) and the payment provider's link (owner, billing)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    ACCOUNT_PAYMENT_UPDATE {
        function: "account-payment-update",
        method: "PUT",
        path: "/api/account/payment",
        handler: company(OWNER_BILLING) => company::payment::update,
        limits: &[CHANGES_PER_LOGIN],
        secrets: &[RouteSecret::PaymentDataKey],
        summary: "store a bank account for SEPA direct debit with If-Match (owner, billing; sealed, shown masked)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 5,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            },
        ],
    }

    ACCOUNT_ACTIVITY {
        function: "account-activity",
        method: "GET",
        path: "/api/account/activity",
        handler: company(OWNER_BILLING) => company::activity,
        secrets: &[RouteSecret::CursorKey],
        summary: "the company's recent activity (owner, billing)",
        memory_mb: 256,
        timeout_s: 10,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    ACCOUNT_EXPORT {
        function: "account-export",
        method: "GET",
        path: "/api/account/export",
        handler: company(ALL_ROLES) => company::export,
        limits: &[Limit::per_hour("export", Per::Login, 30)],
        summary: "everything stored about the company and the login as JSON (GDPR Art. 15/20)",
        memory_mb: 256,
        timeout_s: 29,
        aws_calls: 16,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            },
            Grant {
                resource: Resource::PortalIndex("ByKind"),
                actions: &["dynamodb:Query"],
            },
        ],
    }

    TEAM_LIST {
        function: "team-list",
        method: "GET",
        path: "/api/team",
        handler: company(OWNER) => team::list,
        summary: "the company's logins and roles (owners)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    TEAM_INVITE {
        function: "team-invite",
        method: "POST",
        path: "/api/team/members",
        handler: company(OWNER) => team::invite,
        limits: &[Limit::per_hour("invite", Per::Login, 20)],
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
                // DeleteItem: an invitation lifts an earlier removal (see `TeamChange::Invite`).
                actions: &[
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                ],
            },
            Grant {
                resource: Resource::MailIdentity,
                actions: &["ses:SendEmail"],
            },
        ],
    }

    TEAM_ROLE {
        function: "team-role",
        method: "PUT",
        path: "/api/team/members/{id}",
        handler: company(OWNER) => team::set_role,
        limits: &[TEAM_CHANGES_PER_LOGIN],
        summary: "change a role; never the last owner (owners)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 7,
        grants: &[
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
    }

    TEAM_REMOVE {
        function: "team-remove",
        method: "DELETE",
        path: "/api/team/members/{id}",
        handler: company(OWNER) => team::remove,
        body: Body::Empty {
            reason: "DELETE removes the member the path names; there is nothing to send",
        },
        limits: &[TEAM_CHANGES_PER_LOGIN],
        summary: "remove a login; never the last owner (owners)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 7,
        grants: &[
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
    }

    CONTRACTS_LIST {
        function: "contracts-list",
        method: "GET",
        path: "/api/contracts",
        handler: company(ALL_ROLES) => contracts::list,
        summary:
            "the company's contracts and subscriptions, their pending changes and what may be asked for",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:Query"],
            },
        ],
    }

    CONTRACTS_REQUEST {
        function: "contracts-request",
        method: "POST",
        path: "/api/contracts/{id}/requests",
        handler: company(OWNER_BILLING) => contracts::request,
        limits: &[Limit::per_hour("contract-request", Per::Login, 10)],
        summary: "ask for a contract change (owner, billing): checked, stored as pending, mailed to support, published on the event bus",
        memory_mb: 128,
        timeout_s: 10,
        aws_calls: 7,
        grants: &[
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
    }

    SUPPORT_ATTACHMENT_UPLOAD {
        function: "support-attachment-upload",
        method: "POST",
        path: "/api/support/attachments",
        handler: company(ALL_ROLES) => support::attachment_upload,
        limits: &[UPLOADS_PER_LOGIN],
        summary: "a presigned POST for a support request's attachment (PDF/PNG/JPEG, 10 MB)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:Query"],
            },
            Grant {
                resource: Resource::UploadFiles,
                actions: &["s3:PutObject"],
            },
        ],
    }

    SUPPORT_CREATE {
        function: "support-create",
        method: "POST",
        path: "/api/support/requests",
        handler: company(ALL_ROLES) => support::create,
        limits: &[Limit::per_hour("support", Per::Login, 10)],
        secrets: &[RouteSecret::ReplyKey],
        summary: "write to support (mailed to SUPPORT_EMAIL with a signed reply address)",
        memory_mb: 128,
        timeout_s: 10,
        aws_calls: 9,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            },
            Grant {
                resource: Resource::UploadFiles,
                actions: &["s3:GetObject", "s3:DeleteObject"],
            },
            Grant {
                resource: Resource::CheckedFiles,
                actions: &["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
            },
            LIST_BUCKET,
            Grant {
                resource: Resource::MailIdentity,
                actions: &["ses:SendEmail"],
            },
        ],
    }

    SUPPORT_LIST {
        function: "support-list",
        method: "GET",
        path: "/api/support/requests",
        handler: company(ALL_ROLES) => support::list,
        summary: "the company's support requests with status and answers, searchable",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:Query"],
            },
        ],
    }

    SUPPORT_DETAIL {
        function: "support-detail",
        method: "GET",
        path: "/api/support/requests/{id}",
        handler: company(ALL_ROLES) => support::detail,
        summary: "one support request with its answers",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
        ],
    }

    SUPPORT_FILE {
        function: "support-file",
        method: "GET",
        path: "/api/support/requests/{id}/files/{file}",
        handler: company(ALL_ROLES) => support::answer_file,
        limits: &[DOWNLOADS_PER_LOGIN],
        summary: "a file of support's answer (`<answer>-<file>`): 303 to a presigned URL (60 s)",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 5,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:GetItem", "dynamodb:Query"],
            },
            Grant {
                resource: Resource::AnswerFiles,
                actions: &["s3:GetObject"],
            },
        ],
    }

    NOTIFICATIONS_LIST {
        function: "notifications-list",
        method: "GET",
        path: "/api/notifications",
        handler: session => notifications::list,
        summary: "the signed-in person's notifications and unread count",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:Query"],
            },
        ],
    }

    NOTIFICATIONS_READ {
        function: "notifications-read",
        method: "POST",
        path: "/api/notifications/read",
        handler: session => notifications::mark_read,
        summary: "mark every notification as read",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 3,
        grants: &[
            Grant {
                resource: Resource::PortalTable,
                actions: &["dynamodb:Query", "dynamodb:UpdateItem"],
            },
        ],
    }

    HELP_FEEDBACK {
        function: "help-feedback",
        method: "POST",
        path: "/api/help/feedback",
        handler: public => help::feedback,
        limits: &[Limit::per_hour("feedback-ip", Per::ClientIp, 30)],
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
    }

    API_FALLBACK {
        function: super::FALLBACK_FUNCTION,
        method: "ANY",
        path: "/api/{proxy+}",
        handler: public => super::fallback,
        summary: "404 / 405 in the portal's JSON error shape",
        memory_mb: 128,
        timeout_s: 3,
        aws_calls: 0,
        grants: &[],
    }
}
