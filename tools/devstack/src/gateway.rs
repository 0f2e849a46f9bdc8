//! The dev gateway on 127.0.0.1: the local stand-in for CloudFront + API Gateway. It serves the
//! built Zola site, dispatches `/api/*` through `portal::routes` to the same handlers the Lambda
//! binaries run, and (locally only) shows the dev mailbox at `/_dev/mail`.

use crate::mailbox::{self, Mailbox};
use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use portal::http::{security_headers, ApiRequest, ApiResponse};
use portal::{routes, ApiError, App};
use std::collections::HashSet;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Largest body the gateway accepts at all (API Gateway's own limit is 10 MB); the handlers
/// apply their much smaller limit and answer 413 themselves.
const GATEWAY_BODY_LIMIT: usize = 1024 * 1024;

pub struct Gateway {
    pub app: App,
    pub site_dir: PathBuf,
    pub mailbox: Option<Mailbox>,
    /// Take the client IP from `X-Forwarded-For` (tests simulate several clients this way).
    pub trust_forwarded_for: bool,
    /// Print login links of new mails to the console (for `make run`).
    pub print_login_mails: bool,
    /// Browser uploads at `/_dev/s3/<bucket>` (the local `UPLOAD_URL`), checked like S3 checks
    /// presigned POSTs and passed on to moto (see `crate::uploads`).
    pub local_s3: Option<crate::uploads::LocalS3>,
    /// Where the dev mailbox's "reply as support" stores a reply as SES would: the inbox
    /// bucket's `mail/` (see `crate::watch::ses_stored_mail`).
    pub local_replies: Option<LocalReplies>,
    printed: Mutex<HashSet<String>>,
    requests: AtomicU64,
}

type Reply = Response<Full<Bytes>>;

/// The inbox bucket and who replies (support's address) for the dev mailbox's reply button.
pub struct LocalReplies {
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    pub from: String,
}

impl Gateway {
    pub fn new(app: App, site_dir: PathBuf, mailbox: Option<Mailbox>) -> Self {
        Gateway {
            app,
            site_dir,
            mailbox,
            trust_forwarded_for: false,
            print_login_mails: false,
            local_s3: None,
            local_replies: None,
            printed: Mutex::new(HashSet::new()),
            requests: AtomicU64::new(0),
        }
    }

    async fn handle(&self, req: hyper::Request<Incoming>, peer: SocketAddr) -> Reply {
        let path = req.uri().path().to_string();
        if path == "/_dev/openapi.yaml" {
            // The API description (docs/openapi.yaml), for Schemathesis and API clients.
            let file = crate::workspace_root().join("docs/openapi.yaml");
            match tokio::fs::read(&file).await {
                Ok(bytes) => reply(StatusCode::OK, "application/yaml", Bytes::from(bytes)),
                Err(_) => plain(StatusCode::NOT_FOUND, "docs/openapi.yaml is missing"),
            }
        } else if path == "/api" || path.starts_with("/api/") {
            self.api(req, peer).await
        } else if let (Some(bucket), Some(s3)) = (path.strip_prefix("/_dev/s3/"), &self.local_s3) {
            let bucket = bucket.to_string();
            self.s3_upload(req, &bucket, s3).await
        } else if path == "/_dev/mail/reply" && req.method() == Method::POST {
            self.mail_reply(req).await
        } else if path == "/_dev/mail" || path == "/_dev/mail/" || path == "/_dev/mail.json" {
            self.mail_page(&path).await
        } else {
            self.static_file(req.method(), &path).await
        }
    }

    async fn api(&self, req: hyper::Request<Incoming>, peer: SocketAddr) -> Reply {
        let (parts, body) = req.into_parts();
        let mut api = ApiRequest::new(parts.method, parts.uri.path());
        api.query = parts.uri.query().map(str::to_string);
        api.headers = parts.headers;
        api.request_id = format!("dev-{}", self.requests.fetch_add(1, Ordering::Relaxed));
        api.source_ip = Some(peer.ip());
        if self.trust_forwarded_for {
            if let Some(ip) = api
                .header("x-forwarded-for")
                .and_then(|v| v.split(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
            {
                api.source_ip = Some(ip);
            }
        }
        api.body = match Limited::new(body, GATEWAY_BODY_LIMIT).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                return to_hyper(
                    ApiResponse::error(&ApiError::PayloadTooLarge, api.lang()).finish(),
                )
            }
        };
        let route = routes::resolve(&api.method, &api.path);
        let response = portal::pipeline::dispatch(&self.app, route, api).await;
        if self.print_login_mails && route.function == "auth-request" {
            self.print_new_login_mails().await;
        }
        to_hyper(response)
    }

    async fn s3_upload(
        &self,
        req: hyper::Request<Incoming>,
        bucket: &str,
        s3: &crate::uploads::LocalS3,
    ) -> Reply {
        use crate::uploads::{check, parse_form, Refusal};
        let refuse = |r: Refusal| reply(r.status, "application/xml", Bytes::from(r.xml()));
        if req.method() != Method::POST || bucket.contains('/') {
            return plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "only POST uploads to a bucket",
            );
        }
        let content_type = req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        // S3 reads at most the policy's size (10 MB here) and then refuses; so does this.
        let limit = portal::domain::upload::MAX_BYTES as usize + 64 * 1024;
        let body = match Limited::new(req.into_body(), limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                return refuse(Refusal {
                    status: StatusCode::BAD_REQUEST,
                    code: "EntityTooLarge",
                    message: "Your proposed upload exceeds the maximum allowed size".into(),
                })
            }
        };
        let Some(form) = parse_form(&content_type, &body) else {
            return refuse(Refusal {
                status: StatusCode::BAD_REQUEST,
                code: "MalformedPOSTRequest",
                message: "The body of your POST request is not well-formed multipart/form-data."
                    .into(),
            });
        };
        if let Err(refusal) = check(bucket, &form, &s3.secret_access_key, self.app.clock.now()) {
            return refuse(refusal);
        }
        match s3.forward(bucket, &content_type, body).await {
            Ok(answer) if answer.status().is_success() => {
                let mut response = reply(StatusCode::NO_CONTENT, "text/plain", Bytes::new());
                response.headers_mut().remove("content-type");
                response
            }
            Ok(answer) => plain(
                StatusCode::BAD_GATEWAY,
                &format!("the local S3 stand-in answered {}", answer.status()),
            ),
            Err(err) => plain(StatusCode::BAD_GATEWAY, &err.to_string()),
        }
    }

    async fn print_new_login_mails(&self) {
        let Some(mailbox) = &self.mailbox else { return };
        let Ok(mails) = mailbox.all().await else {
            return;
        };
        let mut printed = self.printed.lock().expect("not poisoned");
        for mail in mails {
            if printed.insert(mail.id.clone()) {
                if let Some(link) = mail.login_link() {
                    println!(
                        "\n  ✉  Login-Mail an {}:\n     Link: {}\n     Code: {}\n",
                        mail.to.join(", "),
                        link,
                        mail.login_code().unwrap_or_default()
                    );
                }
            }
        }
    }

    /// The dev mailbox's reply form: the reply is stored as SES's receipt rule would store it,
    /// and the local `mail-reply` handler takes it within a few seconds.
    async fn mail_reply(&self, req: hyper::Request<Incoming>) -> Reply {
        let Some(replies) = &self.local_replies else {
            return plain(StatusCode::NOT_FOUND, "replies by mail are not set up");
        };
        let content_type = req
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        // A reply's files go up to 10 MB each, as the portal takes them.
        let Ok(body) = Limited::new(req.into_body(), 12 * 1024 * 1024)
            .collect()
            .await
        else {
            return plain(StatusCode::PAYLOAD_TOO_LARGE, "form too large");
        };
        let Some(form) = crate::uploads::parse_form(&content_type, &body.to_bytes()) else {
            return plain(StatusCode::BAD_REQUEST, "expected multipart/form-data");
        };
        let field = |name: &str| {
            form.fields
                .get(name)
                .map(String::as_str)
                .unwrap_or_default()
        };
        let file = form
            .file
            .as_ref()
            .filter(|bytes| !bytes.is_empty())
            .map(|bytes| {
                (
                    form.file_name.as_deref().unwrap_or("Anhang"),
                    form.file_content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream"),
                    &bytes[..],
                )
            });
        let id = format!(
            "local{:x}{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
            self.requests.fetch_add(1, Ordering::Relaxed)
        );
        let raw = crate::watch::ses_stored_mail_with_files(
            &replies.from,
            field("to"),
            field("subject"),
            field("text"),
            file.as_slice(),
            &id,
        );
        let stored = replies
            .s3
            .put_object()
            .bucket(&replies.bucket)
            .key(format!("{}{id}", portal::routes::triggered::MAIL_PREFIX))
            .body(raw.into())
            .send()
            .await;
        match stored {
            Ok(_) => {
                let mut response = plain(StatusCode::SEE_OTHER, "stored");
                response
                    .headers_mut()
                    .insert("location", HeaderValue::from_static("/_dev/mail"));
                response
            }
            Err(err) => plain(
                StatusCode::BAD_GATEWAY,
                &aws_sdk_s3::error::DisplayErrorContext(err).to_string(),
            ),
        }
    }

    async fn mail_page(&self, path: &str) -> Reply {
        let Some(mailbox) = &self.mailbox else {
            return plain(StatusCode::NOT_FOUND, "no mailbox");
        };
        match mailbox.all().await {
            Ok(mails) if path.ends_with(".json") => {
                let body = serde_json::to_vec(&mails).unwrap_or_default();
                reply(StatusCode::OK, "application/json", Bytes::from(body))
            }
            Ok(mails) => reply(
                StatusCode::OK,
                "text/html; charset=utf-8",
                Bytes::from(mailbox::render_html(&mails)),
            ),
            Err(err) => plain(StatusCode::BAD_GATEWAY, &err.to_string()),
        }
    }

    async fn static_file(&self, method: &Method, path: &str) -> Reply {
        if method != Method::GET && method != Method::HEAD {
            let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
            r.headers_mut()
                .insert("allow", HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let mut response = match site_path(&self.site_dir, path) {
            Lookup::File(file) => match tokio::fs::read(&file).await {
                Ok(bytes) => reply(StatusCode::OK, content_type(&file), Bytes::from(bytes)),
                Err(_) => self.not_found().await,
            },
            Lookup::AddSlash => {
                let mut r = plain(StatusCode::MOVED_PERMANENTLY, "");
                if let Ok(location) = HeaderValue::from_str(&format!("{path}/")) {
                    r.headers_mut().insert("location", location);
                }
                r
            }
            Lookup::Missing => self.not_found().await,
        };
        if method == Method::HEAD {
            *response.body_mut() = Full::new(Bytes::new());
        }
        response
    }

    async fn not_found(&self) -> Reply {
        match tokio::fs::read(self.site_dir.join("404.html")).await {
            Ok(bytes) => reply(
                StatusCode::NOT_FOUND,
                "text/html; charset=utf-8",
                Bytes::from(bytes),
            ),
            Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
        }
    }
}

enum Lookup {
    File(PathBuf),
    AddSlash,
    Missing,
}

/// Maps a URL path into the site directory; anything that could leave it (`..`, encoded
/// slashes or backslashes, NUL) is simply missing.
fn site_path(root: &Path, path: &str) -> Lookup {
    // An encoded slash could smuggle a separator past the segment check below.
    if path.to_ascii_lowercase().contains("%2f") {
        return Lookup::Missing;
    }
    let Some(decoded) = portal::http::percent_decode(path, false) else {
        return Lookup::Missing;
    };
    if decoded.contains(['\\', '\0']) || decoded.split('/').any(|s| s == ".." || s == ".") {
        return Lookup::Missing;
    }
    let relative = decoded.trim_start_matches('/');
    let candidate = root.join(relative);
    if candidate.is_dir() {
        if !decoded.ends_with('/') {
            return Lookup::AddSlash;
        }
        let index = candidate.join("index.html");
        return if index.is_file() {
            Lookup::File(index)
        } else {
            Lookup::Missing
        };
    }
    if candidate.is_file() {
        Lookup::File(candidate)
    } else {
        Lookup::Missing
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "vtt" => "text/vtt; charset=utf-8",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn with_security_headers(mut response: Reply) -> Reply {
    for (name, value) in security_headers() {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    response
}

fn reply(status: StatusCode, content_type: &'static str, body: Bytes) -> Reply {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static(content_type));
    let cache = if content_type.starts_with("text/html") || status != StatusCode::OK {
        "no-cache"
    } else {
        "public, max-age=300"
    };
    headers.insert("cache-control", HeaderValue::from_static(cache));
    with_security_headers(response)
}

fn plain(status: StatusCode, text: &str) -> Reply {
    reply(
        status,
        "text/plain; charset=utf-8",
        Bytes::from(text.to_string()),
    )
}

fn to_hyper(response: ApiResponse) -> Reply {
    let mut out = Response::new(Full::new(response.body));
    *out.status_mut() = response.status;
    *out.headers_mut() = response.headers;
    out
}

/// Serves until `shutdown` completes. Each connection runs on its own task.
pub async fn serve(
    listener: tokio::net::TcpListener,
    gateway: Arc<Gateway>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let gateway = gateway.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let gateway = gateway.clone();
                        async move { Ok::<_, std::convert::Infallible>(gateway.handle(req, peer).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site_directory() {
        let root = std::env::temp_dir();
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/%2f/b",
            "/..%5c..%5cx",
            "/%00",
        ] {
            assert!(matches!(site_path(&root, path), Lookup::Missing), "{path}");
        }
    }
}
