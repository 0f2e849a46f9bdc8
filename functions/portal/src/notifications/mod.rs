//! The signed-in person's notifications: a new invoice of one of their companies, an answer or
//! status change of a support request, a sign-in from a browser not seen before. Listed newest
//! first with the unread count; one call marks them read.

use crate::app::App;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use http::StatusCode;
use serde::Deserialize;

/// `GET /api/notifications`.
pub async fn list(
    app: &App,
    req: ApiRequest,
    auth: Authenticated,
) -> Result<ApiResponse, ApiError> {
    req.query_params(&[])?;
    let (notifications, unread) = app.notifications.list(&auth.login.email).await?;
    // Company notifications only for companies the person still belongs to.
    let mine = |company: &Option<String>| {
        company.as_deref().is_none_or(|c| {
            auth.login
                .memberships
                .iter()
                .any(|m| m.company_id.as_str() == c)
        })
    };
    let visible: Vec<_> = notifications
        .into_iter()
        .filter(|n| mine(&n.company))
        .collect();
    let unread = unread.min(visible.iter().filter(|n| n.unread).count());
    Ok(ApiResponse::json(
        StatusCode::OK,
        &serde_json::json!({
            "notifications": visible,
            "unread": unread,
            "more": unread >= crate::store::notifications::LIST_CAP,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadBody {}

/// `POST /api/notifications/read` `{}`: everything up to now is read.
pub async fn mark_read(
    app: &App,
    req: ApiRequest,
    auth: Authenticated,
) -> Result<ApiResponse, ApiError> {
    let _: ReadBody = req.json()?;
    app.notifications
        .mark_read(&auth.login.email, app.clock.now())
        .await?;
    Ok(ApiResponse::new(StatusCode::NO_CONTENT))
}
