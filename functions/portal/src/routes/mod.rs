//! The route table's types and path matching. A route is declared once, in `table.rs`: method,
//! path, handler, who may call it, its rate limits, memory, timeout, AWS-call budget and IAM
//! grants. `crate::pipeline` enforces the declaration around the handler; the Lambda binaries,
//! the dev gateway, the template generator, the OpenAPI check and the bench read it from here.

use crate::app::App;
use crate::auth::{Authenticated, Caller};
use crate::domain::ids::Role;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;

pub type HandlerFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ApiResponse, ApiError>> + Send + 'a>>;

/// A route's handler, typed by who may call it: the pipeline resolves the caller the variant
/// names and hands it over, so a handler cannot run without the check its route declares.
#[derive(Clone, Copy)]
pub enum Handler {
    /// Anybody (login, logout, feedback, the fallback).
    Public(for<'a> fn(&'a App, ApiRequest) -> HandlerFuture<'a>),
    /// Any signed-in person, before or after choosing a company.
    Session(for<'a> fn(&'a App, ApiRequest, Authenticated) -> HandlerFuture<'a>),
    /// A session acting for a company in one of these roles.
    Company(
        &'static [Role],
        for<'a> fn(&'a App, ApiRequest, Caller) -> HandlerFuture<'a>,
    ),
}

/// Who a route admits, as the declaration says (derived from its handler's kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Session,
    Company(&'static [Role]),
}

/// Every role: documents, contracts and support are for the whole team.
pub const ALL_ROLES: &[Role] = &[Role::Owner, Role::Billing, Role::Viewer];
/// Billing data, payment details, proofs of payment and contract changes.
pub const OWNER_BILLING: &[Role] = &[Role::Owner, Role::Billing];
/// The team itself.
pub const OWNER: &[Role] = &[Role::Owner];

/// What a state-changing route accepts as its body. The pipeline refuses anything else with 415
/// before the handler runs, so a cross-site form (which can only send form or text bodies)
/// never reaches one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// `Content-Type: application/json` (the default).
    Json,
    /// No body at all; the reason says why the route needs none.
    Empty { reason: &'static str },
}

/// One rate limit: a fixed-window counter in the auth table, counted by the pipeline before
/// the handler runs; a refusal is 429 with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The counter's name, part of its stored key; routes that share a budget share the scope.
    pub scope: &'static str,
    pub per: Per,
    pub count: Count,
    pub window: Window,
    pub against: Against,
}

/// What a limit protects against, which decides whether a refused request costs a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// Guessing (codes, links, invoice data): every attempt counts, refused or not.
    Guessing,
    /// Too many actions (mails, events, stored items): a request the handler refuses with a
    /// client error (a typo, a stale page, a foreign id) gives its hit back, so only what was
    /// done counts, as a person would expect.
    Flooding,
}

/// Whom a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    /// The client's IP (IPv4 address or IPv6 /64, through the configured proxy header).
    ClientIp,
    /// The signed-in person (their address).
    Login,
    /// The company the session acts for.
    Company,
    /// The address in the body's `email` field, as the handler will read it. A body without a
    /// valid address is not counted: the handler refuses it before doing anything.
    BodyEmail,
    /// That address together with the client's IP: what one client can use up of an
    /// address's budget, so that strangers alone cannot lock a person out.
    BodyEmailAndClient,
    /// The customer number in the body's `customer_number` field, likewise.
    BodyCustomerNumber,
}

/// How many hits a window allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Fixed(u32),
    /// `LOGIN_LIMIT_PER_IP` (login and redemption per client).
    LoginPerIp,
    /// `LOGIN_LIMIT_PER_EMAIL` (login mails per address).
    LoginPerEmail,
}

/// How long a window lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Seconds(u64),
    /// `LOGIN_LIMIT_WINDOW_SECONDS`.
    Login,
}

pub const HOUR: Window = Window::Seconds(3600);

impl Limit {
    /// `count` actions per hour for each `per` (against flooding).
    pub const fn per_hour(scope: &'static str, per: Per, count: u32) -> Limit {
        Limit {
            scope,
            per,
            count: Count::Fixed(count),
            window: HOUR,
            against: Against::Flooding,
        }
    }

    pub fn count(&self, config: &crate::Config) -> u32 {
        match self.count {
            Count::Fixed(count) => count,
            Count::LoginPerIp => config.login.per_ip,
            Count::LoginPerEmail => config.login.per_email,
        }
    }

    pub fn window_seconds(&self, config: &crate::Config) -> u64 {
        match self.window {
            Window::Seconds(seconds) => seconds,
            Window::Login => config.login.window_seconds,
        }
    }
}

/// A secret a function needs. The template gives each to exactly the functions that declare it
/// (not to all through `Globals`), and a function refuses to start without the ones it declares,
/// naming the variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteSecret {
    /// `CURSOR_SECRET`: seals the pagination cursors of lists (in the environment).
    CursorKey,
    /// Seals stored bank details: read at init from the secret `PAYMENT_DATA_KEY_SECRET_ARN`
    /// names, never in the environment.
    PaymentDataKey,
    /// Signs the reply addresses of mails to support (so an answer by mail attaches only to
    /// the item it answers): read at init from the secret `REPLY_KEY_SECRET_ARN` names.
    ReplyKey,
}

/// How a secret reaches its function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretDelivery {
    /// CloudFormation resolves the value into the function's environment at deploy time, where
    /// whoever may call `lambda:GetFunctionConfiguration` on that function can read it. For keys
    /// whose theft costs little (a forged pagination cursor only skips within the caller's own
    /// documents).
    Environment,
    /// The environment names the secret (its ARN); the function reads the value at init with
    /// `secretsmanager:GetSecretValue` (a grant implied by the declaration), so it is in no
    /// function's configuration and reading it needs the function's own role. For keys that
    /// protect personal data.
    ReadAtInit,
}

impl RouteSecret {
    /// The environment variable: the value itself, or the secret's ARN (see `delivery`).
    pub fn variable(self) -> &'static str {
        match self {
            RouteSecret::CursorKey => "CURSOR_SECRET",
            RouteSecret::PaymentDataKey => "PAYMENT_DATA_KEY_SECRET_ARN",
            RouteSecret::ReplyKey => "REPLY_KEY_SECRET_ARN",
        }
    }

    pub const fn delivery(self) -> SecretDelivery {
        match self {
            RouteSecret::CursorKey => SecretDelivery::Environment,
            RouteSecret::PaymentDataKey | RouteSecret::ReplyKey => SecretDelivery::ReadAtInit,
        }
    }

    /// The template's Secrets Manager secret that holds it.
    pub fn secret_resource(self) -> &'static str {
        match self {
            RouteSecret::CursorKey => "CursorSecret",
            RouteSecret::PaymentDataKey => "PaymentDataKey",
            RouteSecret::ReplyKey => "ReplyKey",
        }
    }

    fn present(self, config: &crate::Config) -> bool {
        match self {
            RouteSecret::CursorKey => config.cursor_secret.is_some(),
            RouteSecret::PaymentDataKey => config.payment_data_key.is_some(),
            RouteSecret::ReplyKey => config.reply_key.is_some(),
        }
    }
}

pub struct Route {
    /// The name of the route's static (`AUTH_REQUEST`), set by the `routes!` macro: the
    /// binaries find their route by it.
    pub name: &'static str,
    /// Function name: the binary, the template resource and the log group.
    pub function: &'static str,
    /// An HTTP method, or `ANY` for the fallback.
    pub method: &'static str,
    /// API Gateway syntax: `{name}` for one segment, `{name+}` for the rest of the path.
    pub path: &'static str,
    pub handler: Handler,
    /// The body a state-changing route accepts.
    pub body: Body,
    /// Counted in this order before the handler runs. A route that sends mail, publishes an
    /// event or creates stored items must declare at least one (a test holds the table to it).
    pub limits: &'static [Limit],
    /// The secrets the handler uses (see `RouteSecret`).
    pub secrets: &'static [RouteSecret],
    /// What reads the secrets delivered at init: set by the `routes!` macro from `secrets`,
    /// never in the table. Only the statics of routes that read one point at the Secrets Manager
    /// code, so only their binaries link it (the others' pointer is `None`).
    pub read_at_init: Option<ReadAtInit>,
    /// One line for the template's function description and the docs.
    pub summary: &'static str,
    pub memory_mb: u16,
    pub timeout_s: u8,
    /// AWS calls of the successful path, the pipeline's included: a budget that a test holds
    /// the function to exactly, so a change adding a round trip fails loudly.
    pub aws_calls: u8,
    /// What the handler may do in AWS beyond what the pipeline needs (the session and the rate
    /// counters are implied by the access and the limits; see `permissions`). The template's
    /// IAM policy is generated from the permissions, and a test checks them against the calls
    /// the function really makes.
    pub grants: &'static [Grant],
}

/// Reads a route's secrets that are delivered at init into the configuration.
pub type ReadAtInit =
    for<'a> fn(
        &'a mut crate::Config,
        &'a aws_types::SdkConfig,
        &'static [RouteSecret],
    ) -> Pin<Box<dyn Future<Output = Result<(), crate::ConfigError>> + 'a>>;

/// The reader a route with these secrets needs, decided at compile time (see
/// `Route::read_at_init`).
pub const fn read_at_init_for(secrets: &[RouteSecret]) -> Option<ReadAtInit> {
    let mut i = 0;
    while i < secrets.len() {
        if matches!(secrets[i].delivery(), SecretDelivery::ReadAtInit) {
            return Some(crate::secrets::read_declared);
        }
        i += 1;
    }
    None
}

/// Reading each secret that is read at init (its ARN in the environment): `GetSecretValue`.
pub(crate) fn secret_grants(secrets: &[RouteSecret]) -> Vec<Grant> {
    secrets
        .iter()
        .filter(|s| s.delivery() == SecretDelivery::ReadAtInit)
        .map(|s| Grant {
            resource: Resource::Secret(s.secret_resource()),
            actions: &["secretsmanager:GetSecretValue"],
        })
        .collect()
}

/// Grants merged per resource, in `Resource` order (one IAM statement each).
pub(crate) fn merged<'a>(grants: impl Iterator<Item = &'a Grant>) -> Vec<Permission> {
    let mut merged: BTreeMap<Resource, BTreeSet<&'static str>> = BTreeMap::new();
    for grant in grants {
        merged
            .entry(grant.resource)
            .or_default()
            .extend(grant.actions.iter().copied());
    }
    merged
        .into_iter()
        .map(|(resource, actions)| Permission { resource, actions })
        .collect()
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
    /// The checked copies of uploads under `checked/`: what the portal records and reads. No
    /// presigned POST can name a key there.
    CheckedFiles,
    /// The documents bucket itself, for `s3:ListBucket` only: without it S3 answers a missing
    /// object with 403 instead of 404, and the portal could not tell "missing" from "denied".
    DocumentsBucket,
    /// The SES sender identity (and configuration set, when one is configured).
    MailIdentity,
    /// The stack's EventBridge bus for the billing system.
    EventBus,
    /// A Secrets Manager secret of the template (its logical id) that a function reads at init.
    Secret(&'static str),
    /// The objects under `inbox/` of the import inbox bucket.
    InboxFiles,
    /// The import inbox bucket itself, for `s3:ListBucket` (a batch's folder).
    InboxBucket,
    /// The replies SES stored under `mail/` of the inbox bucket.
    InboxMail,
    /// The files of support's answers under `answers/` in the documents bucket.
    AnswerFiles,
}

/// IAM actions on one resource, as declared in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub resource: Resource,
    pub actions: &'static [&'static str],
}

/// IAM actions on one resource, after the implied grants are merged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub resource: Resource,
    pub actions: BTreeSet<&'static str>,
}

impl Permission {
    /// Whether the permission authorises S3's answers rather than a call of the function's
    /// own: `s3:ListBucket` turns a missing object's 403 into a 404, and `s3:PutObject` on
    /// uploads lets the presigned POSTs the function signs upload. No SDK call shows their use.
    pub fn makes_no_call(&self) -> bool {
        self.actions.iter().eq(["s3:ListBucket"].iter())
            || (self.resource == Resource::UploadFiles
                && self.actions.iter().eq(["s3:PutObject"].iter()))
    }

    /// Whether the permission serves the function's init (reading a secret) rather than its
    /// requests: no request's calls show its use.
    pub fn is_read_at_init(&self) -> bool {
        matches!(self.resource, Resource::Secret(_))
    }
}

/// Reading, refreshing and expiring the caller's session: implied by `Session` and `Company`.
const SESSION: Grant = Grant {
    resource: Resource::AuthTable,
    actions: &[
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    ],
};

/// Counting hits: implied by a route's limits.
const RATE_COUNTERS: Grant = Grant {
    resource: Resource::AuthTable,
    actions: &["dynamodb:UpdateItem"],
};

/// Lets S3 answer 404 for a missing object (see `Resource::DocumentsBucket`).
pub const LIST_BUCKET: Grant = Grant {
    resource: Resource::DocumentsBucket,
    actions: &["s3:ListBucket"],
};

/// IAM actions that send mail, publish an event or create stored items: a route granted one
/// must declare a rate limit.
pub const CREATING_ACTIONS: &[&str] = &[
    "ses:SendEmail",
    "events:PutEvents",
    "dynamodb:PutItem",
    "s3:PutObject",
];

/// The fallback route answers every `/api/` request no other route takes: 405 with `Allow`
/// when the path exists under another method, 404 otherwise; always our JSON error shape.
pub const FALLBACK_FUNCTION: &str = "api-fallback";

/// Declares the routes: one entry each, turned into a `pub static` of the entry's name and an
/// element of `ROUTES`. `handler: public => f` takes `f(&App, ApiRequest)`;
/// `session => f` takes `f(&App, ApiRequest, Authenticated)`; `company(ROLES) => f` takes
/// `f(&App, ApiRequest, Caller)`. Fields not given take `Route::DEFAULTS`.
macro_rules! routes {
    ($(
        $name:ident {
            function: $function:expr,
            method: $method:expr,
            path: $path:expr,
            handler: $kind:ident $(($roles:expr))? => $handler:path,
            $($field:ident: $value:expr,)*
        }
    )*) => {
        $(
            pub static $name: Route = {
                // An entry that gives every field leaves `..Route::DEFAULTS` with nothing to do.
                #[allow(clippy::needless_update)]
                const DECLARED: Route = Route {
                    name: stringify!($name),
                    function: $function,
                    method: $method,
                    path: $path,
                    handler: handler!($kind $(($roles))? => $handler),
                    $($field: $value,)*
                    ..Route::DEFAULTS
                };
                Route {
                    read_at_init: $crate::routes::read_at_init_for(DECLARED.secrets),
                    ..DECLARED
                }
            };
        )*
        /// Every route. A Lambda binary references only its own route's static
        /// (`lambda::run(&ROUTE)`), so each links only its own handler; the dev gateway, the
        /// template and the tests use all.
        pub static ROUTES: &[&Route] = &[$(&$name),*];
    };
}

macro_rules! handler {
    (public => $handler:path) => {
        Handler::Public(|app, req| Box::pin($handler(app, req)))
    };
    (session => $handler:path) => {
        Handler::Session(|app, req, session| Box::pin($handler(app, req, session)))
    };
    (company($roles:expr) => $handler:path) => {
        Handler::Company($roles, |app, req, caller| {
            Box::pin($handler(app, req, caller))
        })
    };
}

mod table;
pub use table::*;
pub mod triggered;

impl Route {
    /// What a table entry leaves out.
    pub const DEFAULTS: Route = Route {
        name: "",
        function: "",
        method: "GET",
        path: "",
        handler: Handler::Public(|app, req| Box::pin(fallback(app, req))),
        body: Body::Json,
        limits: &[],
        secrets: &[],
        read_at_init: None,
        summary: "",
        memory_mb: 128,
        timeout_s: 5,
        aws_calls: 0,
        grants: &[],
    };

    /// The first declared secret the configuration lacks: the function must not start then.
    pub fn missing_secret(&self, config: &crate::Config) -> Option<&'static str> {
        self.secrets
            .iter()
            .find(|s| !s.present(config))
            .map(|s| s.variable())
    }

    pub fn access(&self) -> Access {
        match self.handler {
            Handler::Public(_) => Access::Public,
            Handler::Session(_) => Access::Session,
            Handler::Company(roles, _) => Access::Company(roles),
        }
    }

    /// Whether the pipeline applies the state-change rules (origin, body type). The fallback
    /// changes nothing: it only ever answers 404 or 405.
    pub fn changes_state(&self) -> bool {
        !matches!(self.method, "GET" | "ANY")
    }

    /// The declared grants plus those the pipeline needs for the route's access and limits,
    /// merged per resource (in `Resource` order).
    pub fn permissions(&self) -> Vec<Permission> {
        let session = (self.access() != Access::Public).then_some(&SESSION);
        let counters = (!self.limits.is_empty()).then_some(&RATE_COUNTERS);
        let secrets = secret_grants(self.secrets);
        merged(
            self.grants
                .iter()
                .chain(session)
                .chain(counters)
                .chain(&secrets),
        )
    }

    /// Whether the route may send mail, publish an event or create stored items.
    pub fn creates(&self) -> bool {
        self.grants
            .iter()
            .any(|g| g.actions.iter().any(|a| CREATING_ACTIONS.contains(a)))
    }

    /// The `{name}` values when `path` fits this route's pattern.
    pub fn match_path(&self, path: &str) -> Option<HashMap<String, String>> {
        match_pattern(self.path, path)
    }

    pub fn accepts(&self, method: &http::Method) -> bool {
        self.method == "ANY" || self.method == method.as_str()
    }
}

pub fn by_function(function: &str) -> Option<&'static Route> {
    ROUTES.iter().copied().find(|r| r.function == function)
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
        .unwrap_or(&API_FALLBACK)
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

/// The fallback's handler: 405 with the allowed methods for a known path, else 404.
async fn fallback(_app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    Err(unmatched(&req))
}

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

#[cfg(test)]
mod tests;
