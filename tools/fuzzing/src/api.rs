//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz) and for the corpus replay test
//! `tests/fuzz_corpus.rs`: each takes raw bytes from outside, feeds them to the portal's real
//! parsers (and, for requests, to the real handlers through `portal::pipeline::dispatch`), and panics only
//! when the code under test panics or breaks one of the invariants checked here.
//!
//! Handlers run against an `App` whose AWS clients have no network: every store call fails at
//! once (no retries), so a request that gets past parsing and validation answers 503, and one
//! that does not answers 4xx. A 500 is always a finding: nothing in the portal produces one on
//! purpose.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use http::{HeaderValue, Method};
use portal::app::{App, Clock};
use portal::config::{Config, ConfigError};
use portal::domain::address::{postal_code, Country};
use portal::domain::cursor;
use portal::domain::documents::{
    download_name, Currency, Date, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
};
use portal::domain::email::{mask, EmailAddress};
use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal::domain::next::NextPath;
use portal::domain::payment::{epc_payload, payment_link, qr_svg, Payee};
use portal::domain::phone::Phone;
use portal::domain::secret::{LoginCode, Secret};
use portal::domain::text::{clean_text, required_text};
use portal::domain::vat::VatId;
use portal::http::{
    host_cookie, percent_decode, ApiRequest, ATTEMPT_COOKIE, MAX_BODY_BYTES, SESSION_COOKIE,
};
use portal::routes::{self, ROUTES};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The cursor key of the fuzzing `App` (any 32 bytes will do).
pub const CURSOR_KEY: &[u8] = b"fuzzing-cursor-key-0123456789abcdef";
const BASE_URL: &str = "https://portal.example.com";
/// A well-formed document id and team member id for routes with `{id}`.
const DOCUMENT_ID: &str = "20260315-invoice-R-2026-0042";
const MEMBER_ID: &str = "0123456789abcdef";

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// The input split at line feeds into `N` fields (missing ones are empty, the last takes the rest).
fn fields<const N: usize>(input: &str) -> [&str; N] {
    let mut out = [""; N];
    let mut parts = input.splitn(N, '\n');
    for slot in out.iter_mut() {
        *slot = parts.next().unwrap_or("");
    }
    out
}

/// `email_address`: `EmailAddress::parse` and the log mask.
pub fn email_address(data: &[u8]) {
    let raw = text(data);
    let _ = mask(&raw);
    if let Ok(email) = EmailAddress::parse(&raw) {
        let stored = email.as_str();
        assert!(stored.len() <= 254, "accepted an address over 254 bytes");
        assert!(
            stored
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase()),
            "stored form {stored:?} is not printable lower-case ASCII"
        );
        assert_eq!(stored.matches('@').count(), 1);
        assert_eq!(
            EmailAddress::parse(stored).as_ref(),
            Ok(&email),
            "the stored form does not parse to itself"
        );
        let _ = email.masked();
    }
}

/// `token_and_code`: login link tokens and session ids (`Secret`), login codes and the `next`
/// path of a login request.
pub fn token_and_code(data: &[u8]) {
    let raw = text(data);
    if let Ok(secret) = Secret::parse(&raw) {
        assert_eq!(secret.expose(), raw, "a secret must be taken verbatim");
        assert_eq!(secret.hash().len(), 64);
    }
    if let Ok(code) = LoginCode::parse(&raw) {
        let grouped = code.grouped();
        assert_eq!(LoginCode::parse(&grouped).as_ref(), Ok(&code));
        let _ = code.hash_for("attempt");
    }
    if let Ok(next) = NextPath::parse(&raw) {
        let path = next.as_str();
        assert!(
            path.starts_with('/') && !path.starts_with("//") && !path.contains(['\\', '@']),
            "accepted {path:?} as a same-site path"
        );
    }
}

/// `cookies`: the `Cookie` header (one header per input line) as the session and login handlers
/// read it, plus the other headers the portal interprets (`Accept-Language`, the client-IP proxy
/// headers, `Origin`), ending in real requests to the session endpoints.
pub fn cookies(data: &[u8]) {
    let mut req = ApiRequest::new(Method::GET, "/api/auth/session");
    for line in data.split(|b| *b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            req.headers.append(http::header::COOKIE, value);
        }
    }
    let first = data.split(|b| *b == b'\n').next().unwrap_or_default();
    if let Ok(value) = HeaderValue::from_bytes(first) {
        for name in [
            "accept-language",
            "x-forwarded-for",
            "cloudfront-viewer-address",
            "origin",
        ] {
            req.headers.insert(name, value.clone());
        }
    }
    for name in [SESSION_COOKIE, ATTEMPT_COOKIE] {
        if let Some(value) = req.cookie(name) {
            let _ = Secret::parse(&value);
            let _ = host_cookie(name, &value, 600);
        }
    }
    // Every other name sent, so cookies added later are covered too.
    for header in req.headers.get_all(http::header::COOKIE) {
        let Ok(header) = header.to_str() else {
            continue;
        };
        for cookie in cookie::Cookie::split_parse(header).flatten() {
            if let Some(value) = req.cookie(cookie.name()) {
                let _ = Secret::parse(&value);
            }
        }
    }
    let _ = req.lang();
    let _ = Lang::from_accept_language(&text(first));
    let _ = req.client_ip(Some("x-forwarded-for"));
    let _ = req.client_ip(Some("cloudfront-viewer-address"));
    let _ = req.require_same_origin(BASE_URL);
    // The same headers on the routes that read cookies before anything else.
    req.headers
        .insert("origin", HeaderValue::from_static(BASE_URL));
    for (method, path, body) in [
        (Method::GET, "/api/auth/session", ""),
        (Method::DELETE, "/api/auth/session", ""),
        (Method::POST, "/api/auth/session", r#"{"code":"1234 5678"}"#),
        (Method::GET, "/api/documents", ""),
    ] {
        let mut req = req.clone();
        req.method = method;
        req.path = path.to_string();
        if !body.is_empty() {
            req.headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            req.body = bytes::Bytes::from(body);
        }
        send(req);
    }
}

/// `paths_and_queries`: a request target `path?query` as API Gateway passes it on, resolved
/// through the route table and dispatched with every method (query filters of the document
/// list and export, the activity cursor, `{id}` segments, 404/405 of the fallback).
pub fn paths_and_queries(data: &[u8]) {
    let raw = text(data);
    let (path, query) = match raw.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (raw.as_ref(), None),
    };
    for (raw, plus_as_space) in [(path, false), (query.unwrap_or(""), true)] {
        if percent_decode(raw, plus_as_space).is_some() {
            assert!(
                escapes_are_well_formed(raw),
                "percent_decode accepted a broken escape in {raw:?}"
            );
        }
    }
    let mut req = ApiRequest::new(Method::GET, path);
    req.query = query.map(str::to_string);
    let _ = req.query_params(&["kind", "status", "year", "month", "q", "cursor", "limit"]);
    for method in [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ] {
        let mut req = req.clone();
        req.method = method;
        req.headers
            .insert("origin", HeaderValue::from_static(BASE_URL));
        send(req);
    }
}

/// Every `%` starts an escape of two hex digits (RFC 3986); anything else is a broken escape.
fn escapes_are_well_formed(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    (0..bytes.len()).filter(|i| bytes[*i] == b'%').all(|i| {
        bytes
            .get(i + 1..i + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    })
}

/// `json_bodies`: the bytes as the JSON body of every POST and PUT route, through
/// `routes::dispatch` into the handler: `ApiRequest::json` into the endpoint's own body type,
/// then its validation (billing data, login request, link token, code, feedback, invitation …).
pub fn json_bodies(data: &[u8]) {
    if data.len() > MAX_BODY_BYTES + 1 {
        return;
    }
    let body = bytes::Bytes::copy_from_slice(data);
    for route in ROUTES
        .iter()
        .filter(|r| r.method == "POST" || r.method == "PUT")
    {
        let path = route.path.replace(
            "{id}",
            if route.path.starts_with("/api/team") {
                MEMBER_ID
            } else {
                DOCUMENT_ID
            },
        );
        let mut req = ApiRequest::new(
            Method::from_bytes(route.method.as_bytes()).expect("a method"),
            &path,
        );
        req.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        req.headers
            .insert("origin", HeaderValue::from_static(BASE_URL));
        req.headers
            .insert("if-match", HeaderValue::from_static("\"1\""));
        req.body = body.clone();
        send(req);
    }
}

/// `billing_fields`: the billing and contact fields. Each parser gets the whole input; then the
/// lines `country`, `postal code`, `VAT ID`, `phone`, `free text` are checked together the way
/// `PUT /api/account/billing` and `PUT /api/account/contacts` do.
pub fn billing_fields(data: &[u8]) {
    let raw = text(data);
    let _ = Country::parse(&raw);
    let _ = VatId::parse(&raw);
    let _ = Phone::parse(&raw, "DE");
    text_field(&raw);
    let [country, postal, vat, phone, free] = fields::<5>(&raw);
    let country = Country::parse(country).ok();
    if let Some(country) = &country {
        if let Ok(code) = postal_code(country, postal) {
            assert_eq!(
                postal_code(country, &code).as_deref(),
                Ok(code.as_str()),
                "postal code {code:?} ({country}) is not stable"
            );
        }
    }
    if let Ok(id) = VatId::parse(vat) {
        assert_eq!(
            VatId::parse(id.as_str()).as_ref(),
            Ok(&id),
            "VAT ID not stable"
        );
        assert!(id.as_str().starts_with(id.prefix()));
        if let Some(country) = &country {
            let _ = id.fits_country(country);
        }
    }
    let country_code = country.map_or("DE", |c| c.as_str());
    if let Ok(number) = Phone::parse(phone, country_code) {
        // What is stored comes back in the contacts form and is sent again unchanged.
        assert_eq!(
            Phone::parse(number.as_str(), country_code).as_ref(),
            Ok(&number),
            "the stored phone number {:?} does not parse to itself",
            number.as_str()
        );
    }
    text_field(free);
}

fn text_field(raw: &str) {
    for max in [50, 140] {
        if let Ok(clean) = clean_text(raw, max) {
            assert!(clean.chars().count() <= max);
            assert_eq!(clean_text(&clean, max).as_deref(), Ok(clean.as_str()));
        }
        let _ = required_text(raw, max);
    }
}

/// `document_ids_and_cursors`: ids from URLs and imports (customer id, document id and number,
/// date, money, kind, status, role, language) and pagination cursors opened with a fixed key.
/// The lines `amount`, `currency`, `date`, `kind`, `number` also build a document id, which must
/// parse again.
pub fn document_ids_and_cursors(data: &[u8]) {
    let raw = text(data);
    let _ = CompanyId::parse(&raw);
    let _ = DocumentId::parse(&raw);
    let _ = DocumentNumber::parse(&raw);
    let _ = Date::parse(&raw);
    let _ = Currency::parse(&raw);
    let _ = DocumentKind::from_code(&raw);
    let _ = DocumentStatus::from_code(&raw);
    let _ = Role::from_code(&raw);
    let _ = Lang::from_code(&raw);
    for filter in ["", "kind=&status=&year=&month=&limit=25"] {
        if let Ok(after) = cursor::open(CURSOR_KEY, &raw, filter) {
            let _ = DocumentId::parse(&after);
        }
    }
    let sealed = cursor::seal(CURSOR_KEY, &raw, "activity:10001");
    if sealed.len() <= 200 {
        assert_eq!(
            cursor::open(CURSOR_KEY, &sealed, "activity:10001").as_deref(),
            Ok(raw.as_ref()),
            "a sealed cursor does not open"
        );
    }
    let [amount, currency, date, kind, number] = fields::<5>(&raw);
    if let Ok(money) = Money::parse(amount, currency) {
        assert_eq!(
            Money::parse(&money.decimal(), currency),
            Ok(money),
            "amount {amount:?} does not survive its decimal form"
        );
    }
    if let (Ok(date), Some(kind), Ok(number)) = (
        Date::parse(date),
        DocumentKind::from_code(kind),
        DocumentNumber::parse(number),
    ) {
        let id = DocumentId::new(date, kind, &number);
        assert_eq!(
            DocumentId::parse(id.as_str()).as_ref(),
            Ok(&id),
            "a document id built from valid parts is refused"
        );
        let _ = download_name(kind, &number, Lang::De, "pdf");
    }
}

/// `payment`: payee (name, IBAN, BIC), the GiroCode payload and its QR code, and the payment
/// link, from the lines `name`, `IBAN`, `BIC`, `amount`, `number`, `link template`.
pub fn payment(data: &[u8]) {
    let raw = text(data);
    let _ = Payee::parse(&raw, &raw, None);
    let [name, iban, bic, amount, number, template] = fields::<6>(&raw);
    let payee = Payee::parse(name, iban, Some(bic));
    let money = Money::parse(amount, "EUR");
    let number = DocumentNumber::parse(number);
    if let (Ok(money), Ok(number)) = (&money, &number) {
        let _ = payment_link(template, number, money);
        if let Ok(payee) = &payee {
            if let Ok(payload) = epc_payload(payee, money, number) {
                let _ = qr_svg(&payload);
            }
        }
    }
}

/// The `App` of the fuzz targets: real configuration, AWS clients without network.
pub fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        let vars = [
            ("PORTAL_BASE_URL", BASE_URL),
            ("MAIL_FROM", "Kundenportal <portal@example.com>"),
            ("SUPPORT_EMAIL", "support@example.com"),
            ("AUTH_TABLE", "auth"),
            ("PORTAL_TABLE", "portal"),
            ("DOCUMENTS_BUCKET", "documents"),
            (
                "CURSOR_SECRET",
                std::str::from_utf8(CURSOR_KEY).expect("ASCII"),
            ),
            ("LOGIN_RESPONSE_FLOOR_MS", "0"),
        ];
        let mut vars: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = loop {
            match Config::from_map(&vars) {
                Ok(config) => break config,
                // A variable added after this list was written: any plain name will do offline.
                Err(ConfigError::Missing(name)) if !vars.contains_key(name) => {
                    vars.insert(name.to_string(), "fuzzing".to_string());
                }
                Err(err) => panic!("the fuzzing configuration is invalid: {err}"),
            }
        };
        let credentials =
            aws_sdk_dynamodb::config::Credentials::new("fuzz", "fuzz", None, None, "fuzzing");
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-central-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
                credentials,
            ))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .http_client(SharedHttpClient::new(Offline))
            .build();
        App::new(config, &sdk, Clock::system())
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Dispatches `req` like the Lambda adapter and the dev gateway do; a 500 is a finding.
fn send(mut req: ApiRequest) {
    req.request_id = "fuzz".into();
    let route = routes::resolve(&req.method, &req.path);
    let (method, path) = (req.method.clone(), req.path.clone());
    let response = runtime().block_on(portal::pipeline::dispatch(app(), route, req));
    assert_ne!(
        response.status,
        http::StatusCode::INTERNAL_SERVER_ERROR,
        "{method} {path:?} answered 500"
    );
}

/// An HTTP client for the AWS SDK that fails every call at once.
#[derive(Debug)]
struct Offline;

impl HttpConnector for Offline {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(Err(ConnectorError::io("fuzzing: no network".into())))
    }
}

impl HttpClient for Offline {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(Offline)
    }
}

/// An entry point: a fuzz target's body.
pub type Entry = fn(&[u8]);

/// The portal's fuzz targets by name (the file `fuzz/fuzz_targets/<name>.rs` calls the entry).
pub const ENTRIES: &[(&str, Entry)] = &[
    ("email_address", email_address),
    ("token_and_code", token_and_code),
    ("cookies", cookies),
    ("paths_and_queries", paths_and_queries),
    ("json_bodies", json_bodies),
    ("billing_fields", billing_fields),
    ("document_ids_and_cursors", document_ids_and_cursors),
    ("payment", payment),
];

/// Replays the committed corpus (`fuzz/corpus/<target>/`) and the crash inputs
/// (`fuzz/regressions/<target>/`) of `fuzz_dir` through `entries`. Fails when a fuzz target, corpus
/// or regressions folder has neither an entry here nor a name in `elsewhere` (targets replayed by
/// another crate's test), when an entry has no corpus, or when any input panics. Returns the
/// number of inputs replayed.
pub fn replay(
    fuzz_dir: &Path,
    entries: &[(&str, Entry)],
    elsewhere: &[&str],
) -> Result<usize, String> {
    let known: BTreeSet<&str> = entries
        .iter()
        .map(|(name, _)| *name)
        .chain(elsewhere.iter().copied())
        .collect();
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for file in list(&fuzz_dir.join("fuzz_targets"))? {
        if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
            names.insert(stem.to_string());
        }
    }
    for kind in ["corpus", "regressions"] {
        for dir in list(&fuzz_dir.join(kind))? {
            if dir.is_dir() {
                names.insert(dir.file_name().unwrap_or_default().to_string_lossy().into());
            }
        }
    }
    for name in &names {
        if !known.contains(name.as_str()) {
            problems.push(format!(
                "fuzz target {name:?} has no entry point: add it to `portal_fuzzing::api::ENTRIES` (or, for the import manifest, to `IMPORT_ENTRIES` of the replay test)"
            ));
        }
    }
    let mut inputs: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    for (name, _) in entries {
        let mut files = Vec::new();
        for kind in ["corpus", "regressions"] {
            let dir = fuzz_dir.join(kind).join(name);
            if dir.is_dir() {
                files.extend(list(&dir)?.into_iter().filter(|f| is_input(f)));
            }
        }
        if !fuzz_dir
            .join("fuzz_targets")
            .join(format!("{name}.rs"))
            .is_file()
        {
            problems.push(format!(
                "entry {name:?} has no fuzz target fuzz_targets/{name}.rs"
            ));
        }
        if !files.iter().any(|f| f.starts_with(fuzz_dir.join("corpus"))) {
            problems.push(format!(
                "fuzz target {name:?} has no seed in corpus/{name}/"
            ));
        }
        inputs.insert(name, files);
    }
    let mut count = 0;
    for (name, entry) in entries {
        for file in &inputs[name] {
            let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
            count += 1;
            if std::panic::catch_unwind(|| entry(&data)).is_err() {
                problems.push(format!("{name}: {} panics (see above)", file.display()));
            }
        }
    }
    if problems.is_empty() {
        Ok(count)
    } else {
        Err(problems.join("\n"))
    }
}

/// Folder entries, sorted; a missing folder is empty.
fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths = read
        .map(|e| {
            e.map(|e| e.path())
                .map_err(|e| format!("{}: {e}", dir.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    paths.sort();
    Ok(paths)
}

/// Inputs are all files but the placeholders that keep empty folders in git.
fn is_input(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.is_file() && name != ".gitkeep" && name != "README.md"
}
