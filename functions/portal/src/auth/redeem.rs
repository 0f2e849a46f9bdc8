//! `POST /api/auth/login-link` (who is this link for? consumes nothing) and
//! `POST /api/auth/session` (redeem a link token or a code for a new session).

use super::session::{session_body, start_session};
use crate::app::App;
use crate::domain::secret::{LoginCode, Secret};
use crate::domain::session::login_is_fresh;
use crate::error::ApiError;
use crate::http::{clear_cookie, ApiRequest, ApiResponse, ATTEMPT_COOKIE};
use crate::store::auth::{CodeCheck, Redeemed};
use http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkBody {
    token: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedeemBody {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

fn parse_token(raw: &str) -> Result<Secret, ApiError> {
    Secret::parse(raw).map_err(|_| {
        ApiError::invalid_field(
            "token",
            "invalid_token",
            "Der Anmeldelink ist unvollständig. Bitte öffnen Sie ihn direkt aus der E-Mail.",
            "The sign-in link is incomplete. Please open it straight from the email.",
        )
    })
}

/// Shows the confirm page whom the link is for. GET, HEAD and this call consume nothing, so mail
/// scanners that open links cannot use them up.
pub async fn inspect_link(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: LinkBody = req.json()?;
    let token = parse_token(&body.token)?;
    let redeemed = app.auth.peek_link(&token.hash()).await?;
    let redeemed = usable(redeemed, app.clock.now())?;
    let email = redeemed.email.expect("usable logins have an address");
    Ok(ApiResponse::json(
        StatusCode::OK,
        &serde_json::json!({ "email": email.as_str(), "expires_at": redeemed.expires_at }),
    ))
}

/// A link or code for an address without login, or one that expired, is refused.
fn usable(redeemed: Option<Redeemed>, now: u64) -> Result<Redeemed, ApiError> {
    let redeemed = redeemed
        .filter(|r| r.email.is_some())
        .ok_or(ApiError::LinkInvalid)?;
    if !login_is_fresh(redeemed.expires_at, now) {
        return Err(ApiError::LinkExpired);
    }
    Ok(redeemed)
}

pub async fn redeem(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: RedeemBody = req.json()?;
    let (redeemed, used) = match (body.token, body.code) {
        (Some(token), None) => {
            let token = parse_token(&token)?;
            let peeked = app.auth.peek_link(&token.hash()).await?;
            (usable(peeked, app.clock.now())?, ApiError::LinkInvalid)
        }
        (None, Some(code)) => {
            let code = LoginCode::parse(&code).map_err(|_| {
                ApiError::invalid_field(
                    "code",
                    "invalid_code",
                    "Der Code besteht aus 8 Ziffern.",
                    "The code consists of 8 digits.",
                )
            })?;
            let redeemed = redeem_code(app, &req, &code).await.inspect_err(|err| {
                if matches!(err, ApiError::CodeInvalid | ApiError::CodeExhausted) {
                    // Counted over all attempts by a metric filter in the template, which
                    // alarms on a surge (someone guessing codes across many attempts).
                    tracing::warn!(metric = "login_code_failed", "a login code was refused");
                }
            })?;
            (redeemed, ApiError::CodeInvalid)
        }
        _ => {
            return Err(ApiError::invalid_field(
                "token",
                "token_or_code",
                "Bitte senden Sie entweder den Link-Token oder den Code.",
                "Please send either the link token or the code.",
            ))
        }
    };
    let (cookies, session, login) = start_session(app, &req, &redeemed, used).await?;
    let mut body = session_body(&session, &login);
    body["next"] = redeemed
        .next
        .map(Into::into)
        .unwrap_or(serde_json::Value::Null);
    let mut response = ApiResponse::json(StatusCode::OK, &body);
    for cookie in cookies {
        response = response.with_cookie(cookie);
    }
    Ok(response.with_cookie(clear_cookie(ATTEMPT_COOKIE)))
}

/// A code counts only in the browser whose attempt cookie it was issued for, at most
/// `CODE_MAX_TRIES` times.
async fn redeem_code(app: &App, req: &ApiRequest, code: &LoginCode) -> Result<Redeemed, ApiError> {
    let attempt = req
        .cookie(ATTEMPT_COOKIE)
        .and_then(|raw| Secret::parse(&raw).ok())
        .ok_or(ApiError::CodeInvalid)?;
    let attempt_hash = attempt.hash();
    match app.auth.count_code_try(&attempt_hash).await? {
        CodeCheck::Unknown => Err(ApiError::CodeInvalid),
        CodeCheck::Exhausted => {
            app.auth.delete_attempt(&attempt_hash).await?;
            Err(ApiError::CodeExhausted)
        }
        CodeCheck::Counted {
            code_hash,
            redeemed,
        } => {
            // Comparing hashes: timing reveals nothing about the code itself.
            if code.hash_for(&attempt_hash) != code_hash {
                return Err(ApiError::CodeInvalid);
            }
            usable(Some(redeemed), app.clock.now()).map_err(|_| ApiError::CodeInvalid)
        }
    }
}
