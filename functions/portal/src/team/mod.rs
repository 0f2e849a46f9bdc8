//! Team access: owners see the company's logins, invite colleagues, change roles and remove
//! logins. At most 10 logins; the last owner can be neither removed nor demoted. Every change is
//! guarded by the team's version, so parallel changes cannot break these rules.

use crate::app::App;
use crate::auth::{send_invitation, Caller};
use crate::domain::email::EmailAddress;
use crate::domain::ids::Role;
use crate::domain::lang::Lang;
use crate::domain::secret::sha256_hex;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::company::NewActivity;
use crate::store::directory::{Company, Team, TeamChange};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

pub const MAX_MEMBERS: usize = 10;
/// Tries of a team change that lost a race before giving up with 409.
const ATTEMPTS: usize = 3;

/// The id of a member in URLs: a hash prefix, so addresses never appear in paths or logs.
pub fn member_id(email: &EmailAddress) -> String {
    sha256_hex(email.as_str().as_bytes())[..16].to_string()
}

fn conflict(code: &'static str, de: &'static str, en: &'static str) -> ApiError {
    ApiError::Conflict { code, de, en }
}

fn team_json(team: &Team, me: &EmailAddress) -> Value {
    let mut members: Vec<Value> = team
        .members
        .iter()
        .map(|(email, role)| {
            json!({ "id": member_id(email), "email": email.as_str(), "role": role, "you": email == me })
        })
        .collect();
    members.sort_by(|a, b| a["email"].as_str().cmp(&b["email"].as_str()));
    json!({ "members": members, "max_members": MAX_MEMBERS })
}

async fn load_company(app: &App, caller: &Caller) -> Result<Company, ApiError> {
    app.directory
        .get_company(&caller.company)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /api/team`.
pub async fn list(app: &App, _req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let team = app.directory.team(&caller.company).await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        &team_json(&team, &caller.session.login.email),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InviteBody {
    email: String,
    role: String,
    #[serde(default)]
    language: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleBody {
    role: String,
}

fn parse_role(raw: &str) -> Result<Role, ApiError> {
    Role::from_code(raw).ok_or_else(|| {
        ApiError::invalid_field(
            "role",
            "invalid_role",
            "Bitte wählen Sie eine Rolle: owner (Inhaber/in), billing (Buchhaltung) oder viewer (nur lesen).",
            "Please choose a role: owner, billing or viewer.",
        )
    })
}

/// Runs `decide` on the current team and applies its change, re-reading on a lost race.
async fn change(
    app: &App,
    company: &Company,
    decide: impl Fn(&Team) -> Result<(TeamChange, NewActivity), ApiError>,
) -> Result<Team, ApiError> {
    for _ in 0..ATTEMPTS {
        let team = app.directory.team(&company.id).await?;
        let (change, activity) = decide(&team)?;
        if app
            .directory
            .change_team(company, team.version, change, &activity)
            .await?
        {
            return Ok(app.directory.team(&company.id).await?);
        }
    }
    Err(conflict(
        "team_changed",
        "Das Team wurde gerade von jemand anderem geändert. Bitte versuchen Sie es erneut.",
        "The team was just changed by someone else. Please try again.",
    ))
}

fn owners(team: &Team) -> usize {
    team.members
        .iter()
        .filter(|(_, r)| *r == Role::Owner)
        .count()
}

fn last_owner() -> ApiError {
    conflict(
        "last_owner",
        "Das Unternehmen braucht mindestens eine Person mit der Rolle Inhaber/in.",
        "The company needs at least one person with the owner role.",
    )
}

/// `POST /api/team/members` `{email, role, language?}`: adds a login and mails it a login link.
pub async fn invite(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let body: InviteBody = req.json()?;
    let email = EmailAddress::parse(&body.email).map_err(|_| {
        ApiError::invalid_field(
            "email",
            "invalid_email",
            "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
            "Please enter a valid email address.",
        )
    })?;
    let role = parse_role(&body.role)?;
    let lang = match body.language.as_deref() {
        None => req.lang(),
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            ApiError::invalid_field("language", "invalid_language", "de oder en.", "de or en.")
        })?,
    };
    let me = caller.session.login.email.clone();
    let company = load_company(app, &caller).await?;
    let team = change(app, &company, |team| {
        if team.members.iter().any(|(e, _)| *e == email) {
            return Err(conflict(
                "already_member",
                "Diese Person hat bereits Zugang.",
                "This person already has access.",
            ));
        }
        if team.members.len() >= MAX_MEMBERS {
            return Err(conflict(
                "team_full",
                "Ein Unternehmen kann höchstens 10 Zugänge haben.",
                "A company can have at most 10 logins.",
            ));
        }
        Ok((
            TeamChange::Invite(email.clone(), role),
            activity(app, &caller, "member_invited")
                .with("member", email.as_str())
                .with("role", role.code()),
        ))
    })
    .await?;
    if app
        .directory
        .find_login(&email)
        .await?
        .and_then(|l| l.lang)
        .is_none()
    {
        app.directory.put_login_profile(&email, lang).await?;
    }
    send_invitation(app, &email, lang, &company.name, &me).await?;
    Ok(ApiResponse::json(
        StatusCode::CREATED,
        &team_json(&team, &me),
    ))
}

fn member<'a>(team: &'a Team, id: &str) -> Result<&'a (EmailAddress, Role), ApiError> {
    team.members
        .iter()
        .find(|(email, _)| member_id(email) == id)
        .ok_or(ApiError::NotFound)
}

/// `PUT /api/team/members/{id}` `{role}`.
pub async fn set_role(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let id = req.params.get("id").cloned().unwrap_or_default();
    let body: RoleBody = req.json()?;
    let role = parse_role(&body.role)?;
    let company = load_company(app, &caller).await?;
    let team = change(app, &company, |team| {
        let (email, current) = member(team, &id)?;
        if *current == Role::Owner && role != Role::Owner && owners(team) <= 1 {
            return Err(last_owner());
        }
        Ok((
            TeamChange::Set(email.clone(), role),
            activity(app, &caller, "role_changed")
                .with("member", email.as_str())
                .with("changes", format!("{} → {}", current.code(), role.code())),
        ))
    })
    .await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        &team_json(&team, &caller.session.login.email),
    ))
}

/// `DELETE /api/team/members/{id}`: the login loses access to this company at once.
pub async fn remove(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let id = req.params.get("id").cloned().unwrap_or_default();
    let company = load_company(app, &caller).await?;
    let team = change(app, &company, |team| {
        let (email, current) = member(team, &id)?;
        if *current == Role::Owner && owners(team) <= 1 {
            return Err(last_owner());
        }
        Ok((
            TeamChange::Remove(email.clone()),
            activity(app, &caller, "member_removed").with("member", email.as_str()),
        ))
    })
    .await?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        &team_json(&team, &caller.session.login.email),
    ))
}

/// The activity entry of a team change, written in the change's own transaction.
fn activity(app: &App, caller: &Caller, event: &str) -> NewActivity {
    NewActivity::new(&caller.company, app.clock.now(), event)
        .with("by", caller.session.login.email.as_str())
}
