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
/// a CSP without inline script, HSTS for a year with subdomains, nosniff, no referrer.
pub fn security_headers() -> [(&'static str, &'static str); 6] {
    [
        (
            "content-security-policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
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
