//! Account endpoints: the company's billing data (read, update with If-Match) and change requests
//! for the fields that lock after the first invoice (legal name, country).

pub mod payment;

use crate::app::App;
use crate::auth::Caller;
use crate::domain::address::{postal_code, Country};
use crate::domain::email::EmailAddress;
use crate::domain::text::{clean_text, required_text};
use crate::domain::vat::{VatError, VatId};
use crate::error::{ApiError, Fields};
use crate::http::{ApiRequest, ApiResponse};
use crate::store::company::{Billing, BillingData, ChangeRequest, NewActivity, SaveOutcome};
use crate::store::mail::OutgoingMail;
use http::{HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

/// Invoice email addresses per company.
pub const MAX_INVOICE_EMAILS: usize = 5;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressBody {
    line1: String,
    #[serde(default)]
    line2: String,
    postal_code: String,
    city: String,
    country: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BillingBody {
    legal_name: String,
    address: AddressBody,
    #[serde(default)]
    vat_id: String,
    #[serde(default)]
    invoice_emails: Vec<String>,
    #[serde(default)]
    po_reference: String,
    #[serde(default = "yes")]
    notify_new_invoices: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeRequestBody {
    #[serde(default)]
    legal_name: Option<String>,
    #[serde(default)]
    country: Option<String>,
    reason: String,
}

fn validate(body: &BillingBody) -> Result<BillingData, ApiError> {
    let mut f = Fields::default();
    let legal_name = f.text("legal_name", required_text(&body.legal_name, 140));
    let line1 = f.text("address.line1", required_text(&body.address.line1, 100));
    let line2 = f.text("address.line2", clean_text(&body.address.line2, 100));
    let city = f.text("address.city", required_text(&body.address.city, 60));
    let country = match Country::parse(&body.address.country) {
        Ok(country) => Some(country),
        Err(_) => {
            f.add(
                "address.country",
                "invalid_country",
                "Bitte wählen Sie ein Land (ISO-Code wie DE, AT, CH).",
                "Please choose a country (ISO code such as DE, AT, CH).",
            );
            None
        }
    };
    let postal = match &country {
        Some(country) => match postal_code(country, &body.address.postal_code) {
            Ok(code) => code,
            Err(_) => {
                f.add(
                    "address.postal_code",
                    "invalid_postal_code",
                    "Diese Postleitzahl passt nicht zum gewählten Land.",
                    "This postal code does not fit the chosen country.",
                );
                String::new()
            }
        },
        None => String::new(),
    };
    let vat_id = match body.vat_id.trim() {
        "" => String::new(),
        raw => match VatId::parse(raw) {
            Ok(vat) if country.as_ref().is_none_or(|c| vat.fits_country(c)) => {
                vat.as_str().to_string()
            }
            Ok(_) => {
                f.add(
                    "vat_id",
                    "vat_country_mismatch",
                    "Das Länderkürzel der USt-IdNr. passt nicht zum Land der Anschrift (Griechenland: EL).",
                    "The VAT ID's country prefix does not fit the address's country (Greece: EL).",
                );
                String::new()
            }
            Err(VatError::Checksum) => {
                f.add(
                    "vat_id",
                    "vat_checksum",
                    "Diese USt-IdNr. hat eine falsche Prüfziffer. Bitte prüfen Sie die Ziffern.",
                    "This VAT ID has a wrong check digit. Please check the digits.",
                );
                String::new()
            }
            Err(_) => {
                f.add(
                    "vat_id",
                    "invalid_vat_id",
                    "Das ist keine gültige USt-IdNr. (z. B. DE136695976).",
                    "This is not a valid VAT ID (e.g. DE136695976).",
                );
                String::new()
            }
        },
    };
    if body.invoice_emails.len() > MAX_INVOICE_EMAILS {
        f.add(
            "invoice_emails",
            "too_many",
            "Höchstens 5 Rechnungsadressen.",
            "At most 5 invoice addresses.",
        );
    }
    let mut invoice_emails = Vec::new();
    for (i, raw) in body
        .invoice_emails
        .iter()
        .enumerate()
        .take(MAX_INVOICE_EMAILS)
    {
        match EmailAddress::parse(raw) {
            Ok(email) if !invoice_emails.contains(&email.as_str().to_string()) => {
                invoice_emails.push(email.as_str().to_string())
            }
            Ok(_) => {}
            Err(_) => f.add(
                &format!("invoice_emails[{i}]"),
                "invalid_email",
                "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
                "Please enter a valid email address.",
            ),
        }
    }
    let po_reference = f.text("po_reference", clean_text(&body.po_reference, 50));
    f.finish()?;
    Ok(BillingData {
        legal_name,
        line1,
        line2,
        postal_code: postal,
        city,
        country: country.map(|c| c.as_str().to_string()).unwrap_or_default(),
        vat_id,
        invoice_emails,
        po_reference,
        notify_new_invoices: body.notify_new_invoices,
    })
}

/// The stored billing data, or a first version from the customer record.
async fn current(app: &App, company: &crate::domain::ids::CompanyId) -> Result<Billing, ApiError> {
    if let Some(billing) = app.companies.billing(company).await? {
        return Ok(billing);
    }
    let name = app
        .directory
        .get_company(company)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(Billing {
        data: BillingData {
            legal_name: name,
            ..BillingData::default()
        },
        version: 0,
    })
}

/// The billing data as the API shows it; `locked` = the company has received an invoice.
async fn billing_json(
    app: &App,
    company: &crate::domain::ids::CompanyId,
    billing: &Billing,
    locked: bool,
) -> Result<Value, ApiError> {
    let pending: Vec<ChangeRequest> = app
        .companies
        .change_requests(company)
        .await?
        .into_iter()
        .filter(|c| c.status == "pending")
        .collect();
    let d = &billing.data;
    Ok(json!({
        "legal_name": d.legal_name,
        "address": { "line1": d.line1, "line2": d.line2, "postal_code": d.postal_code, "city": d.city, "country": d.country },
        "vat_id": d.vat_id,
        "invoice_emails": d.invoice_emails,
        "po_reference": d.po_reference,
        "notify_new_invoices": d.notify_new_invoices,
        "locked": if locked { vec!["legal_name", "address.country"] } else { vec![] },
        "pending_changes": pending,
        "version": billing.version,
    }))
}

/// The version `If-Match` names: `None` without the header (428). `*` names the current
/// version (RFC 9110); a malformed value names no version that can exist, so it gets 412.
pub(crate) fn if_match(req: &ApiRequest, current: u64) -> Option<u64> {
    let value = req.header("if-match")?.trim();
    if value == "*" {
        return Some(current);
    }
    Some(
        value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|v| *v != u64::MAX)
            .unwrap_or(u64::MAX),
    )
}

pub(crate) fn with_etag(mut response: ApiResponse, version: u64) -> ApiResponse {
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers.insert(http::header::ETAG, value);
    }
    response
}

/// `GET /api/account/billing`: the data and its version (also as `ETag`).
pub async fn billing(app: &App, _req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let billing = current(app, &caller.company).await?;
    let locked = app.documents.has_invoice(&caller.company).await?;
    let body = billing_json(app, &caller.company, &billing, locked).await?;
    Ok(with_etag(
        ApiResponse::json(StatusCode::OK, &body),
        billing.version,
    ))
}

/// `PUT /api/account/billing` with `If-Match: "<version>"`: 428 without it, 412 when stale,
/// both with the current data; 409 when a locked field would change.
pub async fn update_billing(
    app: &App,
    req: ApiRequest,
    caller: Caller,
) -> Result<ApiResponse, ApiError> {
    let body: BillingBody = req.json()?;
    let data = validate(&body)?;
    let billing = current(app, &caller.company).await?;
    let locked = app.documents.has_invoice(&caller.company).await?;
    let Some(expected) = if_match(&req, billing.version) else {
        return Err(precondition(app, &caller.company, &billing, locked, true).await?);
    };
    if expected != billing.version {
        return Err(precondition(app, &caller.company, &billing, locked, false).await?);
    }
    if locked {
        if data.legal_name != billing.data.legal_name {
            return Err(ApiError::FieldLocked {
                field: "legal_name",
            });
        }
        if data.country != billing.data.country && !billing.data.country.is_empty() {
            return Err(ApiError::FieldLocked {
                field: "address.country",
            });
        }
    }
    let by = caller.session.login.email.as_str().to_string();
    let now = app.clock.now();
    let activity = NewActivity::new(&caller.company, now, "billing_updated")
        .with("by", &by)
        .with("changes", billing_changes(&billing.data, &data));
    match app
        .companies
        .save_billing(&caller.company, &data, expected, &by, now, &activity)
        .await?
    {
        SaveOutcome::Saved { version } => {
            let saved = Billing { data, version };
            let body = billing_json(app, &caller.company, &saved, locked).await?;
            Ok(with_etag(ApiResponse::json(StatusCode::OK, &body), version))
        }
        SaveOutcome::Stale => {
            let billing = current(app, &caller.company).await?;
            Err(precondition(app, &caller.company, &billing, locked, false).await?)
        }
    }
}

/// 428 (no `If-Match`) or 412 (stale version), both carrying the current data.
async fn precondition(
    app: &App,
    company: &crate::domain::ids::CompanyId,
    billing: &Billing,
    locked: bool,
    missing: bool,
) -> Result<ApiError, ApiError> {
    let current = Box::new(billing_json(app, company, billing, locked).await?);
    let version = billing.version;
    Ok(if missing {
        ApiError::VersionRequired { current, version }
    } else {
        ApiError::VersionConflict { current, version }
    })
}

/// `field: old → new; …` for the activity log.
fn billing_changes(old: &BillingData, new: &BillingData) -> String {
    let pairs = [
        ("legal_name", &old.legal_name, &new.legal_name),
        ("address.line1", &old.line1, &new.line1),
        ("address.line2", &old.line2, &new.line2),
        ("address.postal_code", &old.postal_code, &new.postal_code),
        ("address.city", &old.city, &new.city),
        ("address.country", &old.country, &new.country),
        ("vat_id", &old.vat_id, &new.vat_id),
        ("po_reference", &old.po_reference, &new.po_reference),
    ];
    let mut changes: Vec<String> = pairs
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, a, b)| format!("{field}: {a} → {b}"))
        .collect();
    if old.invoice_emails != new.invoice_emails {
        changes.push(format!(
            "invoice_emails: {} → {}",
            old.invoice_emails.join(", "),
            new.invoice_emails.join(", ")
        ));
    }
    if old.notify_new_invoices != new.notify_new_invoices {
        changes.push(format!(
            "notify_new_invoices: {} → {}",
            old.notify_new_invoices, new.notify_new_invoices
        ));
    }
    changes.join("; ")
}

/// Contact addresses and phone numbers per company, each.
pub const MAX_CONTACTS: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactsBody {
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    phones: Vec<String>,
}

fn contacts_json(contacts: &crate::store::company::Contacts) -> Value {
    json!({ "emails": contacts.emails, "phones": contacts.phones, "version": contacts.version })
}

/// `GET /api/account/contacts`: further addresses and phone numbers for support.
pub async fn contacts(
    app: &App,
    _req: ApiRequest,
    caller: Caller,
) -> Result<ApiResponse, ApiError> {
    let contacts = app.companies.contacts(&caller.company).await?;
    Ok(with_etag(
        ApiResponse::json(StatusCode::OK, &contacts_json(&contacts)),
        contacts.version,
    ))
}

/// `PUT /api/account/contacts` with `If-Match`: up to 10 addresses and 10 phone numbers (E.164).
pub async fn update_contacts(
    app: &App,
    req: ApiRequest,
    caller: Caller,
) -> Result<ApiResponse, ApiError> {
    let body: ContactsBody = req.json()?;
    let country = current(app, &caller.company).await?.data.country;
    let country = if country.is_empty() {
        "DE".to_string()
    } else {
        country
    };
    let mut f = Fields::default();
    for (field, list) in [("emails", &body.emails), ("phones", &body.phones)] {
        if list.len() > MAX_CONTACTS {
            f.add(
                field,
                "too_many",
                "Höchstens 10 Einträge.",
                "At most 10 entries.",
            );
        }
    }
    let mut emails: Vec<String> = Vec::new();
    for (i, raw) in body.emails.iter().enumerate().take(MAX_CONTACTS) {
        match EmailAddress::parse(raw) {
            Ok(email) if !emails.contains(&email.as_str().to_string()) => {
                emails.push(email.as_str().to_string())
            }
            Ok(_) => {}
            Err(_) => f.add(
                &format!("emails[{i}]"),
                "invalid_email",
                "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
                "Please enter a valid email address.",
            ),
        }
    }
    let mut phones: Vec<String> = Vec::new();
    for (i, raw) in body.phones.iter().enumerate().take(MAX_CONTACTS) {
        match crate::domain::phone::Phone::parse(raw, &country) {
            Ok(phone) if !phones.contains(&phone.as_str().to_string()) => {
                phones.push(phone.as_str().to_string())
            }
            Ok(_) => {}
            Err(_) => f.add(
                &format!("phones[{i}]"),
                "invalid_phone",
                "Das ist keine gültige Telefonnummer (z. B. +49 30 1234567).",
                "This is not a valid phone number (e.g. +49 30 1234567).",
            ),
        }
    }
    f.finish()?;
    let stored = app.companies.contacts(&caller.company).await?;
    let Some(expected) = if_match(&req, stored.version) else {
        return Err(ApiError::VersionRequired {
            current: Box::new(contacts_json(&stored)),
            version: stored.version,
        });
    };
    let by = caller.session.login.email.as_str().to_string();
    let stale = || ApiError::VersionConflict {
        current: Box::new(contacts_json(&stored)),
        version: stored.version,
    };
    if expected != stored.version {
        return Err(stale());
    }
    let now = app.clock.now();
    let activity = NewActivity::new(&caller.company, now, "contacts_updated")
        .with("by", &by)
        .with(
            "changes",
            format!(
                "emails: {} → {}; phones: {} → {}",
                stored.emails.join(", "),
                emails.join(", "),
                stored.phones.join(", "),
                phones.join(", ")
            ),
        );
    match app
        .companies
        .save_contacts(
            &caller.company,
            &emails,
            &phones,
            expected,
            &by,
            now,
            &activity,
        )
        .await?
    {
        SaveOutcome::Saved { version } => {
            let saved = crate::store::company::Contacts {
                emails,
                phones,
                version,
            };
            Ok(with_etag(
                ApiResponse::json(StatusCode::OK, &contacts_json(&saved)),
                version,
            ))
        }
        SaveOutcome::Stale => Err(stale()),
    }
}

/// Entries of the activity log per page.
pub const ACTIVITY_PAGE: usize = 25;

/// `GET /api/account/activity?cursor=`: the company's recent activity, newest first.
pub async fn activity(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let params = req.query_params(&["cursor"])?;
    let secret = &crate::documents::cursor_key(app)?.0;
    let list = format!("activity:{}", caller.company);
    let after = params
        .get("cursor")
        .map(|raw| {
            crate::domain::cursor::open(secret, raw, &list)
                .ok()
                .filter(|sk| sk.starts_with("activity#"))
                .ok_or(ApiError::InvalidQuery {
                    field: "cursor".into(),
                })
        })
        .transpose()?;
    let (events, next) = app
        .companies
        .activity(&caller.company, after.as_deref(), ACTIVITY_PAGE)
        .await?;
    let next = next.map(|sk| crate::domain::cursor::seal(secret, &sk, &list));
    Ok(ApiResponse::json(
        StatusCode::OK,
        &json!({ "events": events, "next_cursor": next }),
    ))
}

/// `GET /api/account/export`: everything stored about the company and the calling login that the
/// caller may see, as one JSON download (GDPR Art. 15 and 20): each part for exactly the roles
/// whose route shows it (the role sets of the route table), nothing more.
pub async fn export(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    req.query_params(&[])?;
    let company = &caller.company;
    let profile = app.directory.get_company(company).await?;
    let mut documents = Vec::new();
    let mut query = crate::store::documents::ListQuery {
        limit: 100,
        ..Default::default()
    };
    loop {
        let page = app.documents.list(company, &query).await?;
        documents.extend(
            page.documents
                .iter()
                .map(|d| crate::documents::document_json(app, d)),
        );
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let login = &caller.session.login;
    let mut body = json!({
        "exported_at": app.clock.now(),
        "login": {
            "email": login.email.as_str(),
            "language": login.lang.map(|l| l.code()),
            "companies": login.memberships.iter().map(|m| json!({ "id": m.company_id, "name": m.company_name, "role": m.role })).collect::<Vec<_>>(),
        },
        "company": profile.map(|c| json!({ "id": c.id, "number": c.number, "name": c.name })),
        "documents": documents,
    });
    // Everybody's: contracts (GET /api/contracts) and support requests (GET /api/support/…).
    let contracts = crate::contracts::contracts_json(app, company).await?;
    body["contracts"] = contracts["contracts"].clone();
    body["contract_requests"] = contracts["requests"].clone();
    body["support_requests"] = app
        .support
        .list(company)
        .await?
        .iter()
        .map(crate::support::request_json)
        .collect();
    // The person's own notifications, of this company or of none.
    let (notifications, _) = app.notifications.list(&login.email).await?;
    body["notifications"] = notifications
        .iter()
        .filter(|n| n.company.as_deref().is_none_or(|c| c == company.as_str()))
        .map(|n| serde_json::to_value(n).unwrap_or_default())
        .collect();
    // The team's addresses only for owners, as GET /api/team.
    if crate::routes::OWNER.contains(&caller.role) {
        let team = app.directory.team(company).await?;
        body["team"] = team
            .members
            .iter()
            .map(|(email, role)| json!({ "email": email.as_str(), "role": role }))
            .collect();
    }
    // Billing data, contacts, payment details (masked) and activity for owners and billing,
    // as their routes.
    if crate::routes::OWNER_BILLING.contains(&caller.role) {
        let billing = current(app, company).await?;
        let locked = app.documents.has_invoice(company).await?;
        body["billing"] = billing_json(app, company, &billing, locked).await?;
        body["contacts"] = contacts_json(&app.companies.contacts(company).await?);
        body["payment"] =
            payment::payment_json(app, app.companies.payment(company).await?.as_ref());
        let mut events = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let (page, next) = app
                .companies
                .activity(company, after.as_deref(), 100)
                .await?;
            events.extend(page);
            match next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        body["activity"] = serde_json::to_value(events).unwrap_or_default();
    }
    let mut response = ApiResponse::json(StatusCode::OK, &body);
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"kundenportal-export-{company}.json\""
    )) {
        response
            .headers
            .insert(http::header::CONTENT_DISPOSITION, value);
    }
    app.companies
        .record_activity(
            &NewActivity::new(company, app.clock.now(), "data_exported")
                .with("by", login.email.as_str()),
        )
        .await?;
    Ok(response)
}

/// `POST /api/account/billing/change-request`: asks support to change a locked field; stored,
/// mailed to `SUPPORT_EMAIL`, and shown as pending.
pub async fn change_request(
    app: &App,
    req: ApiRequest,
    caller: Caller,
) -> Result<ApiResponse, ApiError> {
    let body: ChangeRequestBody = req.json()?;
    let mut f = Fields::default();
    let legal_name = body
        .legal_name
        .as_deref()
        .map(|n| f.text("legal_name", required_text(n, 140)));
    let country = match body.country.as_deref() {
        None => None,
        Some(raw) => match Country::parse(raw) {
            Ok(c) => Some(c.as_str().to_string()),
            Err(_) => {
                f.add(
                    "country",
                    "invalid_country",
                    "Bitte wählen Sie ein Land (ISO-Code wie DE).",
                    "Please choose a country (ISO code such as DE).",
                );
                None
            }
        },
    };
    let reason = f.text("reason", required_text(&body.reason, 1000));
    if legal_name.is_none() && body.country.is_none() {
        f.add(
            "legal_name",
            "nothing_to_change",
            "Bitte geben Sie den neuen Firmennamen oder das neue Land an.",
            "Please give the new company name or the new country.",
        );
    }
    f.finish()?;
    let now = app.clock.now();
    let suffix = crate::domain::secret::Secret::generate().hash();
    let request = ChangeRequest {
        id: format!("{now:012}-{}", &suffix[..8]),
        requested_at: now,
        requested_by: caller.session.login.email.as_str().to_string(),
        legal_name,
        country,
        reason,
        status: "pending".into(),
    };
    let activity = NewActivity::new(&caller.company, now, "change_requested")
        .with("by", &request.requested_by);
    app.companies
        .add_change_request(&caller.company, &request, &activity)
        .await?;
    let company = app.directory.company_name(&caller.company).await?;
    let text = format!(
        "Änderungsantrag aus dem Kundenportal\n\nFirma: {company} ({})\nAngefragt von: {}\nNeuer Firmenname: {}\nNeues Land: {}\nBegründung:\n{}\n",
        caller.company,
        request.requested_by,
        request.legal_name.as_deref().unwrap_or("–"),
        request.country.as_deref().unwrap_or("–"),
        request.reason
    );
    app.mailer
        .send(OutgoingMail::plain(
            app.config.support_email.clone(),
            format!("Änderungsantrag Stammdaten: {company} ({})", caller.company),
            text,
        ))
        .await?;
    Ok(ApiResponse::json(
        StatusCode::ACCEPTED,
        &json!({
            "message": req.lang().pick(
                "Ihr Änderungsantrag ist eingegangen. Wir melden uns, sobald er bearbeitet ist.",
                "Your change request has been received. We will get back to you once it is processed.",
            ),
            "request": request,
        }),
    ))
}
