//! Passwordless login: request a link and code by mail, redeem one of them for a session,
//! choose the company to act for, ask who is logged in, log out.

mod access;
mod activate;
mod invite;
mod login_mail;
mod redeem;
mod request;
mod session;

pub use access::{require_customer, Access, DOCUMENT_READERS};
pub use activate::activate;
pub use invite::send_invitation;
pub use redeem::{inspect_link, redeem};
pub use request::request_login;
pub use session::{authenticate, current_session, logout, select_customer, Authenticated};

use crate::app::App;
use crate::error::ApiError;
use crate::http::ApiRequest;
use crate::store::auth::RateDecision;

/// Counts a hit against a login rate limit (window from configuration).
pub(crate) async fn rate_limit(
    app: &App,
    scope: &str,
    key: &str,
    limit: u32,
) -> Result<(), ApiError> {
    limit_per_window(app, scope, key, limit, app.config.login.window_seconds).await
}

/// Counts a hit in a fixed window of `window` seconds; a refusal becomes 429 + Retry-After.
pub async fn limit_per_window(
    app: &App,
    scope: &str,
    key: &str,
    limit: u32,
    window: u64,
) -> Result<(), ApiError> {
    let now = app.clock.now();
    match app
        .auth
        .hit_rate_limit(scope, key, limit, window, now)
        .await?
    {
        RateDecision::Allowed => Ok(()),
        RateDecision::Limited { retry_after } => Err(ApiError::RateLimited { retry_after }),
    }
}

/// The key rate limits count a client by: its IP (through the configured proxy header).
pub fn client_key(app: &App, req: &ApiRequest) -> String {
    req.client_ip(app.config.client_ip_header.as_deref())
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Per-IP limit shared by the unauthenticated auth endpoints.
pub(crate) async fn limit_client_ip(
    app: &App,
    req: &ApiRequest,
    scope: &str,
) -> Result<(), ApiError> {
    rate_limit(app, scope, &client_key(app, req), app.config.login.per_ip).await
}
