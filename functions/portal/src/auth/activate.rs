//! `POST /api/auth/activate`: an existing customer opens portal access without an invitation.
//! The customer number plus the number and gross amount of one of the company's invoices must
//! all match. Then the address gets a login mail that carries the activation; nothing changes in
//! the team until the address redeems that link or code. Then it becomes a login of the company
//! (owner when the company has no login yet, otherwise viewer) and the company's owners are told
//! by mail; a first owner is reported to the company's invoice addresses and to support with a
//! link that takes the access back (`revoke`). An address an owner removed cannot come back this
//! way, only by invitation. Every outcome (match or not, known address or not, removed or not)
//! answers the same 202 with the same cookie, no sooner than the login response floor; strict
//! limits per IP and per number.

use super::request::{answer_no_sooner_than_the_floor, issue_login};
use crate::app::App;
use crate::domain::documents::{amount_from_input, DocumentKind, DocumentNumber};
use crate::domain::email::EmailAddress;
use crate::domain::ids::{CompanyId, Role};
use crate::domain::lang::Lang;
use crate::domain::secret::Secret;
use crate::domain::session::LOGIN_LIFETIME_SECONDS;
use crate::error::{ApiError, Fields};
use crate::http::{escape_html as escape, host_cookie, ApiRequest, ApiResponse, ATTEMPT_COOKIE};
use crate::store::auth::Revocation;
use crate::store::company::NewActivity;
use crate::store::directory::{Company, TeamChange};
use crate::store::mail::OutgoingMail;
use http::StatusCode;
use serde::Deserialize;
use std::time::Instant;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivateBody {
    email: String,
    customer_number: String,
    invoice_number: String,
    /// As printed on the invoice, e.g. `1.234,56` or `1234.56`.
    gross_amount: String,
}

struct Claim {
    email: EmailAddress,
    company: CompanyId,
    invoice: DocumentNumber,
    gross_minor: i64,
}

fn parse(body: ActivateBody) -> Result<Claim, ApiError> {
    let mut f = Fields::default();
    let email = EmailAddress::parse(&body.email);
    if email.is_err() {
        f.add(
            "email",
            "invalid_email",
            "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@firma.de.",
            "Please enter a valid email address, e.g. name@company.com.",
        );
    }
    let company = CompanyId::parse(body.customer_number.trim());
    if company.is_err() {
        f.add(
            "customer_number",
            "invalid_customer_number",
            "Bitte geben Sie Ihre Kundennummer ein, wie sie auf der Rechnung steht.",
            "Please enter your customer number as it appears on the invoice.",
        );
    }
    let invoice = DocumentNumber::parse(body.invoice_number.trim());
    if invoice.is_err() {
        f.add(
            "invoice_number",
            "invalid_invoice_number",
            "Bitte geben Sie die Rechnungsnummer ein, wie sie auf der Rechnung steht.",
            "Please enter the invoice number as it appears on the invoice.",
        );
    }
    let gross = amount_from_input(&body.gross_amount);
    if gross.is_err() {
        f.add(
            "gross_amount",
            "invalid_amount",
            "Bitte geben Sie den Rechnungsbetrag (brutto) ein, z. B. 1.234,56.",
            "Please enter the invoice total (gross), e.g. 1,234.56.",
        );
    }
    f.finish()?;
    match (email, company, invoice, gross) {
        (Ok(email), Ok(company), Ok(invoice), Ok(gross_minor)) => Ok(Claim {
            email,
            company,
            invoice,
            gross_minor,
        }),
        _ => Err(ApiError::Validation(Vec::new())),
    }
}

pub async fn activate(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let started = Instant::now();
    let body: ActivateBody = req.json()?;
    let claim = parse(body)?;

    let lang = req.lang();
    // A match changes nothing yet: the login mail carries the activation, and the address joins
    // the team only when it redeems the link or code (`complete`), which proves the mailbox.
    let (to, activation, login_lang) = match matching_company(app, &claim).await? {
        Some(company) if app.directory.was_removed(&company.id, &claim.email).await? => {
            tracing::info!(
                company = company.id.as_str(),
                "activation by a removed member refused"
            );
            (None, None, lang)
        }
        Some(company) => {
            let login = app.directory.find_login(&claim.email).await?;
            let login_lang = login.and_then(|l| l.lang).unwrap_or(lang);
            (Some(&claim.email), Some(company.id), login_lang)
        }
        None => {
            tracing::info!(company = claim.company.as_str(), "activation did not match");
            (None, None, lang)
        }
    };
    let attempt = issue_login(app, to, None, activation, login_lang).await?;
    answer_no_sooner_than_the_floor(app, started).await;
    Ok(ApiResponse::json(
        StatusCode::ACCEPTED,
        &serde_json::json!({
            "message": lang.pick(
                "Wenn die Angaben zu einer unserer Rechnungen passen, ist jetzt eine E-Mail mit Anmeldelink und Code an diese Adresse unterwegs. Beides gilt 15 Minuten.",
                "If the details match one of our invoices, an email with a sign-in link and code is on its way to this address. Both are valid for 15 minutes.",
            ),
            "expires_in": LOGIN_LIFETIME_SECONDS,
        }),
    )
    .with_cookie(host_cookie(
        ATTEMPT_COOKIE,
        attempt.expose(),
        LOGIN_LIFETIME_SECONDS,
    )))
}

/// The company, when the customer number, the invoice number and its gross amount all match.
async fn matching_company(app: &App, claim: &Claim) -> Result<Option<Company>, ApiError> {
    let invoices = app
        .documents
        .with_number(&claim.company, &claim.invoice)
        .await?;
    let paid_by_this = invoices
        .iter()
        .any(|doc| doc.kind == DocumentKind::Invoice && doc.gross.minor == claim.gross_minor);
    if !paid_by_this {
        return Ok(None);
    }
    Ok(app.directory.get_company(&claim.company).await?)
}

/// How long the company's invoice addresses and support can take back an ownership that an
/// activation gave a company without logins.
pub const REVOCATION_DAYS: u64 = 14;

/// Completes an activation when its link or code is redeemed: `email` becomes a login of the
/// company (owner when the company has none yet, else viewer) and the owners are told. An
/// address an owner removed stays out (only an invitation brings it back); one that already
/// belongs to the company keeps its role. A first owner is reported to the company's invoice
/// addresses and to support, with a link that takes the access back for `REVOCATION_DAYS`.
pub(crate) async fn complete(
    app: &App,
    company: &CompanyId,
    email: &EmailAddress,
    lang: Lang,
) -> Result<(), ApiError> {
    let Some(company) = app.directory.get_company(company).await? else {
        return Ok(());
    };
    let login = app.directory.find_login(email).await?;
    for _ in 0..3 {
        if app.directory.was_removed(&company.id, email).await? {
            tracing::info!(
                company = company.id.as_str(),
                "activation of a removed member not completed"
            );
            return Ok(());
        }
        let team = app.directory.team(&company.id).await?;
        if team.members.iter().any(|(member, _)| member == email) {
            return Ok(());
        }
        let role = if team.members.is_empty() {
            Role::Owner
        } else {
            Role::Viewer
        };
        let activity = NewActivity::new(&company.id, app.clock.now(), "access_activated")
            .with("by", email.as_str())
            .with("member", email.as_str())
            .with("role", role.code());
        if app
            .directory
            .change_team(
                &company,
                team.version,
                TeamChange::Activate(email.clone(), role),
                &activity,
            )
            .await?
        {
            if login.as_ref().and_then(|l| l.lang).is_none() {
                app.directory.put_login_profile(email, lang).await?;
            }
            tracing::info!(company = company.id.as_str(), email = %email.masked(), role = role.code(), "portal access activated");
            for (owner, owner_role) in &team.members {
                if *owner_role == Role::Owner {
                    tell_owner(app, &company, owner, email, role).await;
                }
            }
            if team.members.is_empty() {
                offer_revocation(app, &company, email).await?;
            }
            return Ok(());
        }
    }
    Err(ApiError::unavailable(
        "the team changed three times in a row",
    ))
}

/// Stores a revocation and mails its link to the company's invoice addresses and to support:
/// whoever forwarded an invoice can take back the ownership it gave. Mails that fail are logged.
async fn offer_revocation(
    app: &App,
    company: &Company,
    owner: &EmailAddress,
) -> Result<(), ApiError> {
    let token = Secret::generate();
    app.auth
        .put_revocation(
            &token.hash(),
            &Revocation {
                company: company.id.clone(),
                email: owner.clone(),
                expires_at: app.clock.now() + REVOCATION_DAYS * 86_400,
            },
        )
        .await?;
    let mut recipients = vec![app.config.support_email.clone()];
    if let Some(billing) = app.companies.billing(&company.id).await? {
        recipients.extend(
            billing
                .data
                .invoice_emails
                .iter()
                .filter_map(|e| EmailAddress::parse(e).ok()),
        );
    }
    let base = &app.config.base_url;
    let de_link = format!("{base}/anmelden/widerrufen/#{}", token.expose());
    let en_link = format!("{base}/en/login/revoke/#{}", token.expose());
    let subject = format!(
        "Neue Inhaberin / neuer Inhaber im Kundenportal: {} / New owner in the customer portal",
        company.name
    );
    let text = format!(
        "Guten Tag,\n\n{owner} hat sich mit Kundennummer, Rechnungsnummer und Rechnungsbetrag für das Kundenportal von {name} freigeschaltet und ist damit Inhaber/in des Zugangs: sie oder er sieht alle Rechnungen und kann weitere Personen einladen.\n\nKennen Sie diese Person nicht oder war das nicht abgesprochen? Dann nehmen Sie den Zugang innerhalb von {days} Tagen zurück: {de_link}\n\n---\n\nHello,\n\n{owner} has activated the customer portal of {name} with the customer number, an invoice number and its amount, and so owns its access: they see every invoice and can invite others.\n\nDon't know this person, or was this not agreed? Take the access back within {days} days: {en_link}\n",
        owner = owner.as_str(),
        name = company.name,
        days = REVOCATION_DAYS,
    );
    let html = format!("<p>{}</p>", escape(&text).replace("\n\n", "</p><p>"));
    for to in recipients {
        let mail = OutgoingMail {
            to: to.clone(),
            subject: subject.clone(),
            text: text.clone(),
            html: html.clone(),
        };
        if let Err(err) = app.mailer.send(mail).await {
            tracing::error!(error = %err, to = %to.masked(), metric = "revocation_notice_failed", "revocation link not mailed");
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    token: String,
}

/// `POST /api/auth/activation/revoke` `{token}`: takes back an ownership an activation gave a
/// company without logins, with the link mailed to its invoice addresses and support. The
/// address leaves the team at once and can come back only by invitation. Single use.
pub async fn revoke(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: RevokeBody = req.json()?;
    let token = Secret::parse(&body.token).map_err(|_| {
        ApiError::invalid_field(
            "token",
            "invalid_token",
            "Der Link ist unvollständig. Bitte öffnen Sie ihn direkt aus der E-Mail.",
            "The link is incomplete. Please open it straight from the email.",
        )
    })?;
    let revocation = app
        .auth
        .take_revocation(&token.hash())
        .await?
        .ok_or(ApiError::LinkInvalid)?;
    if revocation.expires_at < app.clock.now() {
        return Err(ApiError::LinkExpired);
    }
    let company = app
        .directory
        .get_company(&revocation.company)
        .await?
        .ok_or(ApiError::LinkInvalid)?;
    let email = &revocation.email;
    let mut removed = false;
    for _ in 0..3 {
        let team = app.directory.team(&company.id).await?;
        let activity = NewActivity::new(&company.id, app.clock.now(), "access_revoked")
            .with("member", email.as_str());
        if app
            .directory
            .change_team(
                &company,
                team.version,
                TeamChange::Remove(email.clone()),
                &activity,
            )
            .await?
        {
            removed = true;
            break;
        }
    }
    if !removed {
        return Err(ApiError::unavailable(
            "the team changed three times in a row",
        ));
    }
    tracing::info!(company = company.id.as_str(), email = %email.masked(), "activated access revoked");
    let text = format!(
        "Der Zugang von {} zum Kundenportal von {} wurde über den Widerrufslink zurückgenommen.\n\nThe access of {} to the customer portal of {} was taken back with the revocation link.\n",
        email.as_str(),
        company.name,
        email.as_str(),
        company.name
    );
    let mail = OutgoingMail {
        to: app.config.support_email.clone(),
        subject: format!("Zugang zurückgenommen / Access revoked: {}", company.name),
        html: format!("<p>{}</p>", escape(&text).replace("\n\n", "</p><p>")),
        text,
    };
    if let Err(err) = app.mailer.send(mail).await {
        tracing::error!(error = %err, metric = "revocation_notice_failed", "support not told about a revocation");
    }
    Ok(ApiResponse::json(
        StatusCode::OK,
        &serde_json::json!({
            "message": req.lang().pick(
                "Der Zugang ist zurückgenommen. Diese Person kann das Kundenportal Ihres Unternehmens nicht mehr öffnen und sich auch nicht erneut freischalten.",
                "The access is taken back. This person can no longer open your company's customer portal, nor activate it again.",
            ),
        }),
    ))
}

/// Mails an owner that `email` activated access; a failure is logged, not shown (the person who
/// activated must not learn anything about the company's logins).
async fn tell_owner(
    app: &App,
    company: &Company,
    owner: &EmailAddress,
    email: &EmailAddress,
    role: Role,
) {
    let lang = match app.directory.find_login(owner).await {
        Ok(login) => login.and_then(|l| l.lang).unwrap_or(Lang::De),
        Err(_) => Lang::De,
    };
    let team_page = format!(
        "{}{}",
        app.config.base_url,
        lang.pick("/portal/team/", "/en/portal/team/")
    );
    let role_name = match (lang, role) {
        (Lang::De, Role::Owner) => "Inhaber/in",
        (Lang::De, Role::Billing) => "Buchhaltung",
        (Lang::De, Role::Viewer) => "nur lesen",
        (Lang::En, Role::Owner) => "owner",
        (Lang::En, Role::Billing) => "billing",
        (Lang::En, Role::Viewer) => "viewer",
    };
    let (subject, text) = match lang {
        Lang::De => (
            format!("Neuer Zugang zum Kundenportal: {}", company.name),
            format!(
                "Guten Tag,\n\n{} hat sich mit Kundennummer, Rechnungsnummer und Rechnungsbetrag selbst für das Kundenportal von {} freigeschaltet (Rolle: {role_name}).\n\nKennen Sie diese Person nicht? Entfernen Sie den Zugang unter {team_page}\n",
                email.as_str(),
                company.name
            ),
        ),
        Lang::En => (
            format!("New access to the customer portal: {}", company.name),
            format!(
                "Hello,\n\n{} has activated access to the customer portal of {} with the customer number, an invoice number and its amount (role: {role_name}).\n\nDon't know this person? Remove the access at {team_page}\n",
                email.as_str(),
                company.name
            ),
        ),
    };
    let html = format!("<p>{}</p>", escape(&text).replace("\n\n", "</p><p>"));
    if let Err(err) = app
        .mailer
        .send(OutgoingMail {
            to: owner.clone(),
            subject,
            text,
            html,
        })
        .await
    {
        tracing::error!(error = %err, owner = %owner.masked(), metric = "activation_notice_failed", "owner not told about an activation");
    }
}
