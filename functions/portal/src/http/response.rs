//! Responses and the headers every one of them carries, errors included.

use crate::domain::lang::Lang;
use crate::error::ApiError;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The headers of every response (API and, through the gateway or CloudFront, every page):
/// a CSP without inline script (third-party frames only for the help centre's click-to-load
/// videos, which make no request before the click), HSTS for a year with subdomains, nosniff, no referrer.
pub fn security_headers() -> [(&'static str, &'static str); 6] {
    [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
             frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
        ),
        (
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        ),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
    ]
}

impl ApiResponse {
    pub fn new(status: StatusCode) -> Self {
        ApiResponse {
            status,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    pub fn json(status: StatusCode, value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value).expect("response types serialise");
        let mut response = ApiResponse::new(status);
        response.body = Bytes::from(body);
        response.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    }

    pub fn with_cookie(mut self, set_cookie: String) -> Self {
        if let Ok(value) = HeaderValue::from_str(&set_cookie) {
            self.headers.append(http::header::SET_COOKIE, value);
        }
        self
    }

    pub fn error(err: &ApiError, lang: Lang) -> Self {
        let body = err.body(lang);
        let mut error = serde_json::json!({ "code": body.code, "message": body.message });
        if let Some(field) = body.field {
            error["field"] = serde_json::Value::String(field);
        }
        match err {
            ApiError::Validation(fields) => {
                error["fields"] = fields
                    .iter()
                    .map(|f| {
                        serde_json::json!({ "field": f.field, "code": f.code, "message": lang.pick(f.de, f.en) })
                    })
                    .collect();
            }
            ApiError::VersionRequired { current, .. }
            | ApiError::VersionConflict { current, .. } => {
                error["current"] = (**current).clone();
            }
            _ => {}
        }
        let mut response = ApiResponse::json(body.status, &serde_json::json!({ "error": error }));
        if let ApiError::VersionRequired { version, .. }
        | ApiError::VersionConflict { version, .. } = err
        {
            if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
                response.headers.insert(http::header::ETAG, value);
            }
        }
        if let Some(seconds) = err.retry_after() {
            response
                .headers
                .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let ApiError::MethodNotAllowed { allow } = err {
            if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
                response.headers.insert(http::header::ALLOW, value);
            }
        }
        response
    }

    /// The error as a small HTML page, for links the browser opens directly (PDF, CSV, export):
    /// the message, and the way back to the portal or to signing in.
    pub fn error_page(err: &ApiError, lang: Lang) -> Self {
        let body = err.body(lang);
        let (href, label) = if body.status == http::StatusCode::UNAUTHORIZED {
            (
                lang.pick("/anmelden/", "/en/login/"),
                lang.pick("Anmelden", "Sign in"),
            )
        } else {
            (
                lang.pick("/portal/", "/en/portal/"),
                lang.pick("Zurück zum Portal", "Back to the portal"),
            )
        };
        let title = lang.pick("Das hat nicht geklappt", "That did not work");
        let html = format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head><body><main class=\"container\"><h1>{title}</h1><p>{}</p><p><a class=\"button\" href=\"{href}\">{label}</a></p></main></body></html>",
            lang.code(),
            crate::http::escape_html(body.message),
        );
        let mut response = ApiResponse::new(body.status);
        response.body = Bytes::from(html);
        response.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if let Some(seconds) = err.retry_after() {
            response
                .headers
                .insert(http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }

    /// Adds the security headers and `Cache-Control: no-store` (API answers are personal).
    pub fn finish(mut self) -> Self {
        for (name, value) in security_headers() {
            self.headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        self.headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
        self
    }
}
