//! Account endpoints: the company's billing data (read, update with If-Match) and change requests
//! for the fields that lock after the first invoice (legal name, country).

use crate::app::App;
use crate::auth::require_customer;
use crate::domain::address::{postal_code, Country};
use crate::domain::email::EmailAddress;
use crate::domain::ids::Role;
use crate::domain::text::{clean_text, required_text, TextError};
use crate::domain::vat::{VatError, VatId};
use crate::error::{ApiError, FieldError};
use crate::http::{ApiRequest, ApiResponse};
use crate::store::account::{Billing, BillingData, ChangeRequest, SaveOutcome};
use crate::store::mail::OutgoingMail;
use http::{HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

/// Who may see and change billing data.
pub const BILLING_EDITORS: &[Role] = &[Role::Owner, Role::Billing];
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

/// Collects field errors in the request's order.
#[derive(Default)]
struct Fields(Vec<FieldError>);

impl Fields {
    fn add(&mut self, field: &str, code: &'static str, de: &'static str, en: &'static str) {
        self.0.push(FieldError {
            field: field.to_string(),
            code,
            de,
            en,
        });
    }

    fn text(&mut self, field: &str, result: Result<String, TextError>) -> String {
        match result {
            Ok(text) => text,
            Err(TextError::Empty) => {
                self.add(field, "required", "Bitte ausfüllen.", "Please fill in.");
                String::new()
            }
            Err(TextError::TooLong { .. }) => {
                self.add(
                    field,
                    "too_long",
                    "Dieser Text ist zu lang.",
                    "This text is too long.",
                );
                String::new()
            }
            Err(_) => {
                self.add(
                    field,
                    "invalid_characters",
                    "Enthält unsichtbare oder Steuerzeichen. Bitte neu eintippen.",
                    "Contains invisible or control characters. Please retype it.",
                );
                String::new()
            }
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
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
    })
}

/// The stored billing data, or a first version from the customer record.
async fn current(
    app: &App,
    customer: &crate::domain::ids::CustomerId,
) -> Result<Billing, ApiError> {
    if let Some(billing) = app.account.billing(customer).await? {
        return Ok(billing);
    }
    let name = app
        .directory
        .get_customer(customer)
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

async fn billing_json(
    app: &App,
    customer: &crate::domain::ids::CustomerId,
    billing: &Billing,
) -> Result<Value, ApiError> {
    let locked = app.documents.has_invoice(customer).await?;
    let pending: Vec<ChangeRequest> = app
        .account
        .change_requests(customer)
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
        "locked": if locked { vec!["legal_name", "address.country"] } else { vec![] },
        "pending_changes": pending,
        "version": billing.version,
    }))
}

fn with_etag(mut response: ApiResponse, version: u64) -> ApiResponse {
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers.insert(http::header::ETAG, value);
    }
    response
}

/// `GET /api/account/billing`: the data and its version (also as `ETag`).
pub async fn billing(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let access = require_customer(app, &req, BILLING_EDITORS).await?;
    let billing = current(app, &access.customer).await?;
    let body = billing_json(app, &access.customer, &billing).await?;
    Ok(with_etag(
        ApiResponse::json(StatusCode::OK, &body),
        billing.version,
    ))
}

/// `PUT /api/account/billing` with `If-Match: "<version>"`: 428 without it, 412 when stale,
/// both with the current data; 409 when a locked field would change.
pub async fn update_billing(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    req.require_same_origin(&app.config.base_url)?;
    let body: BillingBody = req.json()?;
    let data = validate(&body)?;
    let access = require_customer(app, &req, BILLING_EDITORS).await?;
    let billing = current(app, &access.customer).await?;
    let expected = req.header("if-match").and_then(|v| {
        v.trim()
            .strip_prefix('"')?
            .strip_suffix('"')?
            .parse::<u64>()
            .ok()
    });
    let Some(expected) = expected else {
        let current = billing_json(app, &access.customer, &billing).await?;
        return Err(ApiError::VersionRequired {
            current: Box::new(current),
            version: billing.version,
        });
    };
    if expected != billing.version {
        let current = billing_json(app, &access.customer, &billing).await?;
        return Err(ApiError::VersionConflict {
            current: Box::new(current),
            version: billing.version,
        });
    }
    if app.documents.has_invoice(&access.customer).await? {
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
    let by = access.auth.login.email.as_str().to_string();
    match app
        .account
        .save_billing(&access.customer, &data, expected, &by, app.clock.now())
        .await?
    {
        SaveOutcome::Saved { version } => {
            app.documents
                .record_activity(
                    &access.customer,
                    app.clock.now(),
                    &[("event", "billing_updated"), ("by", &by)],
                )
                .await?;
            let saved = Billing { data, version };
            let body = billing_json(app, &access.customer, &saved).await?;
            Ok(with_etag(ApiResponse::json(StatusCode::OK, &body), version))
        }
        SaveOutcome::Stale => {
            let billing = current(app, &access.customer).await?;
            let current = billing_json(app, &access.customer, &billing).await?;
            Err(ApiError::VersionConflict {
                current: Box::new(current),
                version: billing.version,
            })
        }
    }
}

/// `POST /api/account/billing/change-request`: asks support to change a locked field; stored,
/// mailed to `SUPPORT_EMAIL`, and shown as pending.
pub async fn change_request(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    req.require_same_origin(&app.config.base_url)?;
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
    let access = require_customer(app, &req, BILLING_EDITORS).await?;
    let now = app.clock.now();
    let suffix = crate::domain::secret::Secret::generate().hash();
    let request = ChangeRequest {
        id: format!("{now:012}-{}", &suffix[..8]),
        requested_at: now,
        requested_by: access.auth.login.email.as_str().to_string(),
        legal_name,
        country,
        reason,
        status: "pending".into(),
    };
    app.account
        .add_change_request(&access.customer, &request)
        .await?;
    let company = app
        .directory
        .get_customer(&access.customer)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let text = format!(
        "Änderungsantrag aus dem Kundenportal\n\nFirma: {company} ({})\nAngefragt von: {}\nNeuer Firmenname: {}\nNeues Land: {}\nBegründung:\n{}\n",
        access.customer,
        request.requested_by,
        request.legal_name.as_deref().unwrap_or("–"),
        request.country.as_deref().unwrap_or("–"),
        request.reason
    );
    let html = format!("<pre>{}</pre>", crate::auth::escape_html(&text));
    app.mailer
        .send(OutgoingMail {
            to: app.config.support_email.clone(),
            subject: format!(
                "Änderungsantrag Stammdaten: {company} ({})",
                access.customer
            ),
            text,
            html,
        })
        .await?;
    app.documents
        .record_activity(
            &access.customer,
            now,
            &[("event", "change_requested"), ("by", &request.requested_by)],
        )
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
