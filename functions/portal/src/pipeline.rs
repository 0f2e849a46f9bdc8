//! The request pipeline: everything a route's declaration asks for, enforced around its
//! handler, in this order:
//!
//! 1. the request came through CloudFront (`ORIGIN_SECRET`, where configured), else 403;
//! 2. the route fits the path and method, else 404;
//! 3. a state change comes from our own pages (`Origin`, or `Sec-Fetch-Site: same-origin`),
//!    else 403, and carries the body its route declares (JSON unless it says otherwise), else 415;
//! 4. the caller is who the route admits: a session (401), a chosen company (409) in one of the
//!    route's roles (403);
//! 5. each declared rate limit is counted, else 429 with `Retry-After`;
//! 6. the handler runs with the resolved caller; when it refuses the request with a client
//!    error, the hits of limits against flooding are given back (limits against guessing keep
//!    them);
//!
//! and then errors become the JSON error shape (or a small page for a download the browser
//! opened itself), security headers are added, and one log line is written.

use crate::app::App;
use crate::auth;
use crate::domain::email::EmailAddress;
use crate::domain::ids::CompanyId;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::routes::{Against, Body, Handler, Limit, Per, Route};
use crate::store::auth::RateDecision;
use std::time::Instant;

/// Runs one request through its route and answers it; never fails.
pub async fn dispatch(app: &App, route: &'static Route, req: ApiRequest) -> ApiResponse {
    let started = Instant::now();
    let lang = req.lang();
    // A download link opened by the browser itself: errors become a small page, not JSON.
    let navigation =
        req.method == http::Method::GET && req.header("sec-fetch-mode") == Some("navigate");
    let method = req.method.clone();
    let request_id = req.request_id.clone();
    let result = run(app, route, req).await;
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

async fn run(
    app: &App,
    route: &'static Route,
    mut req: ApiRequest,
) -> Result<ApiResponse, ApiError> {
    if !through_origin(app, &req) {
        return Err(ApiError::CrossSite);
    }
    // API Gateway sends a function only its own route; the fallback route answers 404 / 405
    // for everything else (not referenced here, so a function does not link the others).
    req.params = route
        .match_path(&req.path)
        .filter(|_| route.accepts(&req.method))
        .ok_or(ApiError::NotFound)?;
    if route.changes_state() {
        req.require_same_origin(&app.config.base_url)?;
        require_body(route.body, &req)?;
    }
    crate::store::calls::attributed(route.function, admit_and_handle(app, route, req)).await
}

/// Whether the request carries CloudFront's origin-verification header (when configured).
fn through_origin(app: &App, req: &ApiRequest) -> bool {
    match &app.config.origin_secret_digest {
        None => true,
        Some(digest) => req.header("x-origin-verify").is_some_and(|value| {
            crate::domain::secret::sha256_hex(value.as_bytes()).as_bytes() == digest.0.as_slice()
        }),
    }
}

/// The declared body: JSON needs `Content-Type: application/json`; `Empty` takes no body.
fn require_body(body: Body, req: &ApiRequest) -> Result<(), ApiError> {
    match body {
        Body::Json => {
            let content_type = req.header("content-type").unwrap_or("");
            let essence = content_type.split(';').next().unwrap_or("").trim();
            if essence.eq_ignore_ascii_case("application/json") {
                Ok(())
            } else {
                Err(ApiError::UnsupportedMediaType)
            }
        }
        Body::Empty { .. } if req.body.is_empty() => Ok(()),
        Body::Empty { .. } => Err(ApiError::UnsupportedMediaType),
    }
}

async fn admit_and_handle(
    app: &App,
    route: &'static Route,
    req: ApiRequest,
) -> Result<ApiResponse, ApiError> {
    let now = app.clock.now();
    let (counted, result) = match route.handler {
        Handler::Public(handle) => {
            let counted = count(app, route, &req, None, None, now).await?;
            (counted, handle(app, req).await)
        }
        Handler::Session(handle) => {
            let session = auth::authenticate(app, &req).await?;
            let login = session.login.email.clone();
            let counted = count(app, route, &req, Some(&login), None, now).await?;
            (counted, handle(app, req, session).await)
        }
        Handler::Company(roles, handle) => {
            let caller = auth::admit(app, &req, roles).await?;
            let login = caller.session.login.email.clone();
            let company = caller.company.clone();
            let counted = count(app, route, &req, Some(&login), Some(&company), now).await?;
            (counted, handle(app, req, caller).await)
        }
    };
    if let Err(err) = &result {
        if err.status().is_client_error() {
            give_back(app, &counted, now).await;
        }
    }
    result
}

/// Counts one hit against each of the route's limits, in order; the first one exhausted
/// refuses the request (and gives back the hits counted before it). Returns the hits a refusal
/// by the handler gives back (limits against flooding).
async fn count<'r>(
    app: &App,
    route: &'r Route,
    req: &ApiRequest,
    login: Option<&EmailAddress>,
    company: Option<&CompanyId>,
    now: u64,
) -> Result<Vec<(&'r Limit, String)>, ApiError> {
    let mut counted = Vec::new();
    if route.limits.is_empty() {
        return Ok(counted);
    }
    // Parsed once, only for the limits that count what the body names.
    let body: Option<serde_json::Value> = route
        .limits
        .iter()
        .any(|l| {
            matches!(
                l.per,
                Per::BodyEmail | Per::BodyEmailAndClient | Per::BodyCustomerNumber
            )
        })
        .then(|| serde_json::from_slice(&req.body).ok())
        .flatten();
    let field = |name: &str| body.as_ref().and_then(|b| b[name].as_str());
    for limit in route.limits {
        let key = match limit.per {
            Per::ClientIp => Some(auth::client_key(app, req)),
            Per::Login => login.map(|l| l.as_str().to_string()),
            Per::Company => company.map(|c| c.as_str().to_string()),
            Per::BodyEmail => field("email")
                .and_then(|e| EmailAddress::parse(e).ok())
                .map(|e| e.as_str().to_string()),
            Per::BodyEmailAndClient => field("email")
                .and_then(|e| EmailAddress::parse(e).ok())
                .map(|e| format!("{} {}", e.as_str(), auth::client_key(app, req))),
            Per::BodyCustomerNumber => field("customer_number")
                .and_then(|c| CompanyId::parse(c.trim()).ok())
                .map(|c| c.as_str().to_string()),
        };
        // Without a key the body is invalid and the handler refuses it before doing anything
        // (the route table's tests make sure sessions are there for `Login` and `Company`).
        let Some(key) = key else { continue };
        let decision = app
            .auth
            .hit_rate_limit(
                limit.scope,
                &key,
                limit.count(&app.config),
                limit.window_seconds(&app.config),
                now,
            )
            .await?;
        if let RateDecision::Limited { retry_after } = decision {
            give_back(app, &counted, now).await;
            return Err(ApiError::RateLimited { retry_after });
        }
        if limit.against == Against::Flooding {
            counted.push((limit, key));
        }
    }
    Ok(counted)
}

/// Takes back hits of a request that did nothing. A failure costs the person one hit of a
/// generous budget, so it is logged, not answered.
async fn give_back(app: &App, counted: &[(&Limit, String)], now: u64) {
    for (limit, key) in counted {
        let window = limit.window_seconds(&app.config);
        if let Err(err) = app
            .auth
            .give_back_rate_limit(limit.scope, key, window, now)
            .await
        {
            tracing::warn!(scope = limit.scope, error = %err, "rate-limit hit not given back");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    fn post(content_type: Option<&str>, body: &str) -> ApiRequest {
        let mut req = ApiRequest::new(Method::POST, "/api/x");
        if let Some(value) = content_type {
            req.headers.insert("content-type", value.parse().unwrap());
        }
        req.body = bytes::Bytes::from(body.to_string());
        req
    }

    #[test]
    fn a_json_route_takes_only_json() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
        ] {
            assert!(
                require_body(Body::Json, &post(Some(ok), "{}")).is_ok(),
                "{ok}"
            );
        }
        for refused in [
            Some("application/x-www-form-urlencoded"),
            Some("text/plain"),
            Some("multipart/form-data; boundary=x"),
            None,
        ] {
            assert!(
                matches!(
                    require_body(Body::Json, &post(refused, r#"{"email":"a"}"#)),
                    Err(ApiError::UnsupportedMediaType)
                ),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn a_route_without_a_body_refuses_one() {
        let empty = Body::Empty { reason: "test" };
        assert!(require_body(empty, &post(None, "")).is_ok());
        assert!(matches!(
            require_body(empty, &post(Some("text/plain"), "x")),
            Err(ApiError::UnsupportedMediaType)
        ));
    }
}
