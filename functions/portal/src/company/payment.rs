//! Payment details: a bank account for SEPA direct debit (holder, IBAN checked by checksum and
//! country length, optional BIC, the mandate accepted), stored sealed (see
//! `domain::payment::sealed`) and only ever shown masked; card and PayPal go through the payment
//! provider's own page, so no card data ever reaches the portal. Owners and billing only.

use super::{if_match, with_etag};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::payment::{sealed, Payee, PayeeError};
use crate::error::{ApiError, Fields};
use crate::http::{ApiRequest, ApiResponse};
use crate::store::company::{NewActivity, SaveOutcome, StoredPayment};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentBody {
    holder: String,
    iban: String,
    #[serde(default)]
    bic: Option<String>,
    /// The SEPA direct-debit mandate, accepted.
    mandate: bool,
}

pub(crate) fn payment_json(app: &App, stored: Option<&StoredPayment>) -> Value {
    json!({
        "sepa": stored.map(|p| json!({
            "holder": p.holder,
            "iban": p.iban_masked,
            "bic": p.bic,
            "mandate_accepted_at": p.mandate_accepted_at,
            "mandate_accepted_by": p.mandate_accepted_by,
        })),
        "provider_url": app.config.payment_provider_url,
        "version": stored.map_or(0, |p| p.version),
    })
}

fn unavailable() -> ApiError {
    ApiError::Conflict {
        code: "payment_details_unavailable",
        de: "Bankverbindungen können in diesem Portal nicht hinterlegt werden. Bitte wenden Sie sich an uns.",
        en: "Bank details cannot be stored in this portal. Please contact us.",
    }
}

/// `GET /api/account/payment`: the masked account and the provider link, with `ETag`.
pub async fn get(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    req.query_params(&[])?;
    let stored = app.companies.payment(&caller.company).await?;
    let version = stored.as_ref().map_or(0, |p| p.version);
    Ok(with_etag(
        ApiResponse::json(StatusCode::OK, &payment_json(app, stored.as_ref())),
        version,
    ))
}

/// `PUT /api/account/payment` with `If-Match`: stores the account for direct debit.
pub async fn update(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let body: PaymentBody = req.json()?;
    let iban_input: String = body.iban.chars().filter(|c| !c.is_whitespace()).collect();
    let account = Payee::parse(
        &body.holder,
        &iban_input.to_ascii_uppercase(),
        body.bic.as_deref(),
    );
    let mut f = Fields::default();
    if let Err(err) = &account {
        let (field, code, de, en) = match err {
            PayeeError::Name => (
                "holder",
                "invalid_holder",
                "Bitte geben Sie die Kontoinhaberin oder den Kontoinhaber an (höchstens 70 Zeichen).",
                "Please give the account holder (at most 70 characters).",
            ),
            PayeeError::Iban => (
                "iban",
                "invalid_iban",
                "Diese IBAN stimmt nicht: Prüfziffer oder Länge passen nicht zum Land.",
                "This IBAN is not right: its check digits or its length do not fit the country.",
            ),
            PayeeError::Bic => (
                "bic",
                "invalid_bic",
                "Die BIC hat 8 oder 11 Zeichen, z. B. COBADEFFXXX. Sie können sie auch leer lassen.",
                "A BIC has 8 or 11 characters, e.g. COBADEFFXXX. You may leave it empty.",
            ),
        };
        f.add(field, code, de, en);
    }
    if !body.mandate {
        f.add(
            "mandate",
            "mandate_required",
            "Bitte erteilen Sie das SEPA-Lastschriftmandat.",
            "Please give the SEPA direct debit mandate.",
        );
    }
    f.finish()?;
    let account = account.map_err(|_| ApiError::Validation(Vec::new()))?;
    let key = app
        .config
        .payment_data_key
        .as_ref()
        .ok_or_else(unavailable)?;
    let stored = app.companies.payment(&caller.company).await?;
    let current = stored.as_ref().map_or(0, |p| p.version);
    let Some(expected) = if_match(&req, current) else {
        return Err(ApiError::VersionRequired {
            current: Box::new(payment_json(app, stored.as_ref())),
            version: current,
        });
    };
    let stale = || ApiError::VersionConflict {
        current: Box::new(payment_json(app, stored.as_ref())),
        version: current,
    };
    if expected != current {
        return Err(stale());
    }
    let now = app.clock.now();
    let by = caller.session.login.email.as_str().to_string();
    let masked = sealed::mask(account.iban());
    let payment = StoredPayment {
        holder: account.name().to_string(),
        iban_sealed: sealed::seal(&key.0, caller.company.as_str(), account.iban()),
        iban_masked: masked.clone(),
        bic: account.bic().map(str::to_string),
        mandate_accepted_at: now,
        mandate_accepted_by: by.clone(),
        version: expected + 1,
    };
    let activity = NewActivity::new(&caller.company, now, "payment_details_updated")
        .with("by", &by)
        .with("changes", format!("IBAN {masked}"));
    match app
        .companies
        .save_payment(&caller.company, &payment, expected, &activity)
        .await?
    {
        SaveOutcome::Saved { version } => {
            tracing::info!(company = caller.company.as_str(), "payment details saved");
            Ok(with_etag(
                ApiResponse::json(StatusCode::OK, &payment_json(app, Some(&payment))),
                version,
            ))
        }
        SaveOutcome::Stale => {
            let stored = app.companies.payment(&caller.company).await?;
            Err(ApiError::VersionConflict {
                current: Box::new(payment_json(app, stored.as_ref())),
                version: stored.as_ref().map_or(0, |p| p.version),
            })
        }
    }
}
