//! Sessions: start one after login, authenticate requests by cookie, choose the company,
//! who-am-I, logout.

use crate::app::App;
use crate::domain::ids::CompanyId;
use crate::domain::secret::Secret;
use crate::domain::session::{
    session_state, SessionState, ABSOLUTE_TIMEOUT_SECONDS, IDLE_TIMEOUT_SECONDS,
    TOUCH_INTERVAL_SECONDS,
};
use crate::error::ApiError;
use crate::http::{
    clear_cookie, host_cookie, ApiRequest, ApiResponse, DEVICE_COOKIE, SESSION_COOKIE,
};
use crate::store::auth::Redeemed;
use crate::store::auth::SessionRecord;
use crate::store::company::NewActivity;
use crate::store::directory::{Login, Membership};
use crate::store::notifications::{browser_summary, Kind as NotificationKind, NewNotification};
use http::StatusCode;
use serde::Deserialize;

/// A request with a valid session, and the login as it is now (roles may have changed).
pub struct Authenticated {
    pub session_hash: String,
    pub session: SessionRecord,
    pub login: Login,
}

impl Authenticated {
    /// The membership of the company the session acts for, if chosen and still granted.
    pub fn active(&self) -> Option<&Membership> {
        let company = self.session.company.as_ref()?;
        self.login
            .memberships
            .iter()
            .find(|m| &m.company_id == company)
    }
}

/// Most companies whose login activity goes into the redemption's own transaction (DynamoDB
/// takes 100 writes per transaction); a login of more companies gets the rest written after.
const LOGIN_ACTIVITY_IN_TRANSACTION: usize = 90;

/// Uses up `redeemed` and creates a fresh session in one transaction (a cookie sent before login
/// is never adopted: its session, if any, is deleted) and returns the `Set-Cookie` values (the
/// session and the device cookie). A browser this login has not used before gets a notification.
/// `used` is the error when another request used the login first.
pub(crate) async fn start_session(
    app: &App,
    req: &ApiRequest,
    redeemed: &Redeemed,
    used: ApiError,
) -> Result<(Vec<String>, SessionRecord, Login), ApiError> {
    let email = redeemed.email.as_ref().ok_or(ApiError::LinkInvalid)?;
    // An activation's address joins the team now that it has proven the mailbox.
    if let Some(company) = &redeemed.activation {
        super::activate::complete(app, company, email, req.lang()).await?;
    }
    let login = app
        .directory
        .find_login(email)
        .await?
        .ok_or(ApiError::LinkInvalid)?;
    let previous = req
        .cookie(SESSION_COOKIE)
        .and_then(|c| Secret::parse(&c).ok())
        .map(|old| old.hash());
    let now = app.clock.now();
    let session_id = Secret::generate();
    let session = SessionRecord {
        email: email.clone(),
        company: match login.memberships.as_slice() {
            [only] => Some(only.company_id.clone()),
            _ => None,
        },
        created_at: now,
        last_seen: now,
        expires_at: now + ABSOLUTE_TIMEOUT_SECONDS,
    };
    let activities: Vec<NewActivity> = login
        .memberships
        .iter()
        .map(|m| NewActivity::new(&m.company_id, now, "login").with("by", email.as_str()))
        .collect();
    let (inside, after) = activities.split_at(activities.len().min(LOGIN_ACTIVITY_IN_TRANSACTION));
    let mut also = inside
        .iter()
        .map(|a| app.companies.activity_write(a))
        .collect::<Result<Vec<_>, _>>()?;
    // The browser: known to this login, or a sign-in to tell the person about.
    let (device, known) = match req
        .cookie(DEVICE_COOKIE)
        .and_then(|c| Secret::parse(&c).ok())
    {
        Some(device) => {
            let known = app
                .notifications
                .knows_device(email, &device.hash())
                .await?;
            (device, known)
        }
        None => (Secret::generate(), false),
    };
    also.push(app.notifications.device_write(email, &device.hash(), now)?);
    if !known {
        also.push(app.notifications.write(&NewNotification {
            to: email.clone(),
            kind: NotificationKind::NewDevice,
            at: now,
            company: None,
            subject: browser_summary(req.header("user-agent").unwrap_or("")),
            detail: String::new(),
        })?);
    }
    let started = app
        .auth
        .redeem(
            redeemed,
            &session_id.hash(),
            &session,
            previous.as_deref(),
            also,
        )
        .await?;
    if !started {
        return Err(used);
    }
    for activity in after {
        if let Err(err) = app.companies.record_activity(activity).await {
            tracing::error!(error = %err, metric = "activity_write_failed", "login activity not recorded");
        }
    }
    tracing::info!(email = %email.masked(), "session started");
    let cookies = vec![
        host_cookie(
            SESSION_COOKIE,
            session_id.expose(),
            ABSOLUTE_TIMEOUT_SECONDS,
        ),
        host_cookie(
            DEVICE_COOKIE,
            device.expose(),
            crate::store::notifications::DEVICE_SECONDS,
        ),
    ];
    Ok((cookies, session, login))
}

pub async fn authenticate(app: &App, req: &ApiRequest) -> Result<Authenticated, ApiError> {
    let id = req
        .cookie(SESSION_COOKIE)
        .and_then(|c| Secret::parse(&c).ok())
        .ok_or(ApiError::Unauthenticated)?;
    let hash = id.hash();
    let session = app
        .auth
        .get_session(&hash)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let now = app.clock.now();
    if session_state(session.created_at, session.last_seen, now) != SessionState::Active {
        app.auth.delete_session(&hash).await?;
        return Err(ApiError::Unauthenticated);
    }
    let Some(login) = app.directory.find_login(&session.email).await? else {
        app.auth.delete_session(&hash).await?;
        return Err(ApiError::Unauthenticated);
    };
    if now.saturating_sub(session.last_seen) >= TOUCH_INTERVAL_SECONDS
        && !app.auth.touch_session(&hash, now, None).await?
    {
        return Err(ApiError::Unauthenticated);
    }
    Ok(Authenticated {
        session_hash: hash,
        session,
        login,
    })
}

pub(crate) fn session_body(session: &SessionRecord, login: &Login) -> serde_json::Value {
    let companies: Vec<_> = login
        .memberships
        .iter()
        .map(|m| serde_json::json!({ "id": m.company_id, "name": m.company_name, "role": m.role }))
        .collect();
    let active = session
        .company
        .as_ref()
        .and_then(|c| companies.iter().find(|m| m["id"] == c.as_str()))
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "email": login.email.as_str(),
        "language": login.lang.map(|l| l.code()),
        "customers": companies,
        "customer": active,
        "expires_at": session.expires_at,
        "idle_timeout_seconds": IDLE_TIMEOUT_SECONDS,
    })
}

/// `GET /api/auth/session`: who is logged in, for which companies, acting for which.
pub async fn current_session(
    _app: &App,
    _req: ApiRequest,
    auth: Authenticated,
) -> Result<ApiResponse, ApiError> {
    Ok(ApiResponse::json(
        StatusCode::OK,
        &session_body(&auth.session, &auth.login),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectBody {
    #[serde(rename = "customer_id")]
    company_id: String,
}

/// `PUT /api/auth/session/customer`: choose the company to act for; a company the login does
/// not belong to is simply not found.
pub async fn select_company(
    app: &App,
    req: ApiRequest,
    mut auth: Authenticated,
) -> Result<ApiResponse, ApiError> {
    let body: SelectBody = req.json()?;
    let company = CompanyId::parse(&body.company_id).map_err(|_| ApiError::NotFound)?;
    if !auth
        .login
        .memberships
        .iter()
        .any(|m| m.company_id == company)
    {
        return Err(ApiError::NotFound);
    }
    let now = app.clock.now();
    if !app
        .auth
        .touch_session(&auth.session_hash, now, Some(&company))
        .await?
    {
        return Err(ApiError::Unauthenticated);
    }
    auth.session.company = Some(company);
    auth.session.last_seen = now;
    Ok(ApiResponse::json(
        StatusCode::OK,
        &session_body(&auth.session, &auth.login),
    ))
}

/// `DELETE /api/auth/session`: ends the session server-side and clears the cookie; answers 204
/// whether or not a session was there.
pub async fn logout(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    if let Some(id) = req
        .cookie(SESSION_COOKIE)
        .and_then(|c| Secret::parse(&c).ok())
    {
        app.auth.delete_session(&id.hash()).await?;
    }
    Ok(ApiResponse::new(StatusCode::NO_CONTENT).with_cookie(clear_cookie(SESSION_COOKIE)))
}
