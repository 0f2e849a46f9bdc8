//! `POST /api/auth/login-request`: mail a login link and code. Always 202, whoever asks.

use super::login_mail;
use crate::app::App;
use crate::domain::email::EmailAddress;
use crate::domain::next::NextPath;
use crate::domain::secret::{LoginCode, Secret};
use crate::domain::session::LOGIN_LIFETIME_SECONDS;
use crate::error::ApiError;
use crate::http::{host_cookie, ApiRequest, ApiResponse, ATTEMPT_COOKIE};
use crate::store::auth::PendingLogin;
use http::StatusCode;
use serde::Deserialize;
use std::time::{Duration, Instant};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    email: String,
    #[serde(default)]
    next: Option<String>,
}

/// Known and unknown addresses get the same status, body and headers, and take the same store
/// calls (the items of an unknown address carry no email and so can never be redeemed). Only
/// the mail differs; its time is hidden by answering no sooner than `LOGIN_RESPONSE_FLOOR_MS`.
pub async fn request_login(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let started = Instant::now();
    let body: LoginRequest = req.json()?;
    let email = EmailAddress::parse(&body.email).map_err(|_| {
        ApiError::invalid_field(
            "email",
            "invalid_email",
            "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@firma.de.",
            "Please enter a valid email address, e.g. name@company.com.",
        )
    })?;
    let next = body
        .next
        .as_deref()
        .map(NextPath::parse)
        .transpose()
        .map_err(|_| {
            ApiError::invalid_field(
                "next",
                "invalid_next",
                "Das Ziel nach der Anmeldung muss eine Seite dieses Portals sein.",
                "The page to go to after sign-in must be a page of this portal.",
            )
        })?;

    let login = app.directory.find_login(&email).await?;
    let lang = login
        .as_ref()
        .and_then(|l| l.lang)
        .unwrap_or_else(|| req.lang());
    let to = login.as_ref().map(|l| &l.email);
    let attempt = issue_login(app, to, next.map(|n| n.as_str().to_string()), None, lang).await?;
    answer_no_sooner_than_the_floor(app, started).await;
    let lang = req.lang();
    let message = lang.pick(
        "Wenn diese Adresse für das Kundenportal freigeschaltet ist, ist jetzt eine E-Mail mit Anmeldelink und Code unterwegs. Beides gilt 15 Minuten.",
        "If this address has access to the customer portal, an email with a sign-in link and code is on its way. Both are valid for 15 minutes.",
    );
    Ok(ApiResponse::json(
        StatusCode::ACCEPTED,
        &serde_json::json!({ "message": message, "expires_in": LOGIN_LIFETIME_SECONDS }),
    )
    .with_cookie(host_cookie(
        ATTEMPT_COOKIE,
        attempt.expose(),
        LOGIN_LIFETIME_SECONDS,
    )))
}

/// Stores a pending login (link + attempt) and, when `to` is an address with a login (or one an
/// activation matched: `activation`), mails it the link and code. For `None` the items carry no
/// address and can never be redeemed, so both cases take the same store calls. Returns the attempt secret for the browser's cookie. A
/// failed mail is logged with a metric, never shown: it must not tell addresses apart.
pub(crate) async fn issue_login(
    app: &App,
    to: Option<&EmailAddress>,
    next: Option<String>,
    activation: Option<crate::domain::ids::CompanyId>,
    lang: crate::domain::lang::Lang,
) -> Result<Secret, ApiError> {
    let token = Secret::generate();
    let attempt = Secret::generate();
    let code = LoginCode::generate();
    let attempt_hash = attempt.hash();
    let pending = PendingLogin {
        link_hash: token.hash(),
        code_hash: code.hash_for(&attempt_hash),
        attempt_hash,
        email: to.cloned(),
        next,
        lang,
        expires_at: app.clock.now() + LOGIN_LIFETIME_SECONDS,
        activation,
    };
    app.auth.put_pending_login(&pending).await?;
    if let Some(email) = to {
        let mail = login_mail::compose(&app.config.base_url, email, &token, &code, lang);
        if let Err(err) = app.mailer.send(mail).await {
            tracing::error!(error = %err, email = %email.masked(), metric = "login_mail_failed", "login mail not sent");
        } else {
            tracing::info!(email = %email.masked(), "login mail sent");
        }
    }
    Ok(attempt)
}

/// Answers no sooner than `LOGIN_RESPONSE_FLOOR_MS` after `started`, so the time of a mail or
/// of other work that only some requests do cannot be told apart.
pub(crate) async fn answer_no_sooner_than_the_floor(app: &App, started: Instant) {
    let floor = Duration::from_millis(app.config.login.response_floor_ms);
    if let Some(rest) = floor.checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
}
