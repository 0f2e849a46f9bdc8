//! `POST /api/auth/activate`: an existing customer opens portal access without an invitation.
//! The customer number plus the number and gross amount of one of the company's invoices must
//! all match. Then the address becomes a login of the company (owner when the company has no
//! login yet, otherwise viewer), the company's owners are told by mail, and the address gets a
//! login mail. Every outcome (match or not, known address or not) answers the same 202 with the
//! same cookie, no sooner than the login response floor; strict limits per IP and per number.

use super::request::{answer_no_sooner_than_the_floor, issue_login};
use crate::app::App;
use crate::domain::documents::{amount_from_input, DocumentKind, DocumentNumber};
use crate::domain::email::EmailAddress;
use crate::domain::ids::{CustomerId, Role};
use crate::domain::lang::Lang;
use crate::domain::session::LOGIN_LIFETIME_SECONDS;
use crate::error::{ApiError, Fields};
use crate::http::{escape_html as escape, host_cookie, ApiRequest, ApiResponse, ATTEMPT_COOKIE};
use crate::store::account::NewActivity;
use crate::store::directory::{Customer, Login, TeamChange};
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
    customer: CustomerId,
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
    let customer = CustomerId::parse(body.customer_number.trim());
    if customer.is_err() {
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
    match (email, customer, invoice, gross) {
        (Ok(email), Ok(customer), Ok(invoice), Ok(gross_minor)) => Ok(Claim {
            email,
            customer,
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
    let (to, login_lang) = match matching_customer(app, &claim).await? {
        Some(customer) => {
            let login = app.directory.find_login(&claim.email).await?;
            grant_access(app, &customer, &claim.email, login.as_ref(), lang).await?;
            let login_lang = login.and_then(|l| l.lang).unwrap_or(lang);
            (Some(&claim.email), login_lang)
        }
        None => {
            tracing::info!(
                customer = claim.customer.as_str(),
                "activation did not match"
            );
            (None, lang)
        }
    };
    let attempt = issue_login(app, to, None, login_lang).await?;
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
async fn matching_customer(app: &App, claim: &Claim) -> Result<Option<Customer>, ApiError> {
    let invoices = app
        .documents
        .with_number(&claim.customer, &claim.invoice)
        .await?;
    let paid_by_this = invoices
        .iter()
        .any(|doc| doc.kind == DocumentKind::Invoice && doc.gross.minor == claim.gross_minor);
    if !paid_by_this {
        return Ok(None);
    }
    Ok(app.directory.get_customer(&claim.customer).await?)
}

/// Makes `email` a login of `customer` (owner when the company has none yet, else viewer) and
/// tells the owners; an address that already belongs to the company keeps its role.
async fn grant_access(
    app: &App,
    customer: &Customer,
    email: &EmailAddress,
    login: Option<&Login>,
    lang: Lang,
) -> Result<(), ApiError> {
    let member = |login: &Login| {
        login
            .memberships
            .iter()
            .any(|m| m.customer_id == customer.id)
    };
    if login.is_some_and(member) {
        return Ok(());
    }
    for _ in 0..3 {
        let team = app.directory.team(&customer.id).await?;
        if team.members.iter().any(|(member, _)| member == email) {
            return Ok(());
        }
        let role = if team.members.is_empty() {
            Role::Owner
        } else {
            Role::Viewer
        };
        let activity = NewActivity::new(&customer.id, app.clock.now(), "access_activated")
            .with("by", email.as_str())
            .with("member", email.as_str())
            .with("role", role.code());
        if app
            .directory
            .change_team(
                customer,
                team.version,
                TeamChange::Set(email.clone(), role),
                &activity,
            )
            .await?
        {
            if login.and_then(|l| l.lang).is_none() {
                app.directory.put_login_profile(email, lang).await?;
            }
            tracing::info!(customer = customer.id.as_str(), email = %email.masked(), role = role.code(), "portal access activated");
            for (owner, owner_role) in &team.members {
                if *owner_role == Role::Owner {
                    tell_owner(app, customer, owner, email, role).await;
                }
            }
            return Ok(());
        }
    }
    Err(ApiError::unavailable(
        "the team changed three times in a row",
    ))
}

/// Mails an owner that `email` activated access; a failure is logged, not shown (the person who
/// activated must not learn anything about the company's logins).
async fn tell_owner(
    app: &App,
    customer: &Customer,
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
            format!("Neuer Zugang zum Kundenportal: {}", customer.name),
            format!(
                "Guten Tag,\n\n{} hat sich mit Kundennummer, Rechnungsnummer und Rechnungsbetrag selbst für das Kundenportal von {} freigeschaltet (Rolle: {role_name}).\n\nKennen Sie diese Person nicht? Entfernen Sie den Zugang unter {team_page}\n",
                email.as_str(),
                customer.name
            ),
        ),
        Lang::En => (
            format!("New access to the customer portal: {}", customer.name),
            format!(
                "Hello,\n\n{} has activated access to the customer portal of {} with the customer number, an invoice number and its amount (role: {role_name}).\n\nDon't know this person? Remove the access at {team_page}\n",
                email.as_str(),
                customer.name
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
