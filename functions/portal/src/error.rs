//! The errors a client can see, mapped once to status, machine code and a message in the
//! request's language. Causes are logged, never shown.

use crate::domain::lang::Lang;
use http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid JSON")]
    InvalidJson { field: Option<String> },
    #[error("unknown field")]
    UnknownField { field: String },
    #[error("invalid query parameter")]
    InvalidQuery { field: String },
    #[error("invalid field")]
    InvalidField {
        field: &'static str,
        code: &'static str,
        de: &'static str,
        en: &'static str,
    },
    /// Several fields at once, each with its own code and message.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 428: an update without `If-Match`; 412: with a stale version. Both carry the current data.
    #[error("version required")]
    VersionRequired {
        current: Box<serde_json::Value>,
        version: u64,
    },
    #[error("version conflict")]
    VersionConflict {
        current: Box<serde_json::Value>,
        version: u64,
    },
    #[error("field locked")]
    FieldLocked { field: &'static str },
    /// A rule of the current state forbids the change (409), with its own code.
    #[error("conflict")]
    Conflict {
        code: &'static str,
        de: &'static str,
        en: &'static str,
    },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("cross-site request refused")]
    CrossSite,
    #[error("not authenticated")]
    Unauthenticated,
    #[error("no company selected")]
    NoCompanySelected,
    #[error("link invalid or used")]
    LinkInvalid,
    #[error("link expired")]
    LinkExpired,
    #[error("code invalid")]
    CodeInvalid,
    #[error("code tries exhausted")]
    CodeExhausted,
    #[error("role does not allow this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("file missing")]
    FileMissing,
    #[error("document cannot be paid here")]
    NotPayable,
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<&'static str> },
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    #[error("backend unavailable")]
    Unavailable(#[source] Cause),
    #[error("internal error")]
    Internal(#[source] Cause),
}

/// One field's problem in a `Validation` error.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub de: &'static str,
    pub en: &'static str,
}

/// Collects field errors in the request's order.
#[derive(Default)]
pub(crate) struct Fields(Vec<FieldError>);

impl Fields {
    pub(crate) fn add(
        &mut self,
        field: &str,
        code: &'static str,
        de: &'static str,
        en: &'static str,
    ) {
        self.0.push(FieldError {
            field: field.to_string(),
            code,
            de,
            en,
        });
    }

    pub(crate) fn text(
        &mut self,
        field: &str,
        result: Result<String, crate::domain::text::TextError>,
    ) -> String {
        match result {
            Ok(text) => text,
            Err(crate::domain::text::TextError::Empty) => {
                self.add(field, "required", "Bitte ausfüllen.", "Please fill in.");
                String::new()
            }
            Err(crate::domain::text::TextError::TooLong { .. }) => {
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

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// The underlying failure behind a 5xx, for the log only.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

pub struct ErrorBody {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: &'static str,
    pub field: Option<String>,
}

impl ApiError {
    pub fn invalid_field(
        field: &'static str,
        code: &'static str,
        de: &'static str,
        en: &'static str,
    ) -> Self {
        ApiError::InvalidField {
            field,
            code,
            de,
            en,
        }
    }

    pub fn unavailable(cause: impl Into<Cause>) -> Self {
        ApiError::Unavailable(cause.into())
    }

    pub fn internal(cause: impl Into<Cause>) -> Self {
        ApiError::Internal(cause.into())
    }

    pub fn status(&self) -> StatusCode {
        self.body(Lang::De).status
    }

    /// Seconds for a `Retry-After` header, where one belongs.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after } => Some((*retry_after).max(1)),
            ApiError::Unavailable(_) => Some(2),
            _ => None,
        }
    }

    pub fn body(&self, lang: Lang) -> ErrorBody {
        use ApiError::*;
        let (status, code, de, en, field): (StatusCode, &'static str, &'static str, &'static str, Option<String>) = match self {
            InvalidJson { field } => (
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "Die Anfrage ist kein gültiges JSON-Objekt der erwarteten Form.",
                "The request is not a valid JSON object of the expected shape.",
                field.clone(),
            ),
            UnknownField { field } => (
                StatusCode::BAD_REQUEST,
                "unknown_field",
                "Die Anfrage enthält ein Feld, das hier nicht gesetzt werden darf.",
                "The request contains a field that may not be set here.",
                Some(field.clone()),
            ),
            InvalidQuery { field } => (
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "Ein Filter oder Parameter der Adresse ist ungültig oder doppelt angegeben.",
                "A filter or parameter of the address is invalid or given twice.",
                Some(field.clone()),
            ),
            InvalidField { field, code, de, en } => {
                (StatusCode::BAD_REQUEST, *code, *de, *en, Some(field.to_string()))
            }
            Validation(fields) => (
                StatusCode::BAD_REQUEST,
                "validation_failed",
                "Bitte prüfen Sie die markierten Angaben.",
                "Please check the marked fields.",
                fields.first().map(|f| f.field.clone()),
            ),
            VersionRequired { .. } => (
                StatusCode::PRECONDITION_REQUIRED,
                "version_required",
                "Bitte laden Sie die aktuellen Daten und senden Sie die Änderung mit deren Version (If-Match).",
                "Please load the current data and send the change with its version (If-Match).",
                None,
            ),
            VersionConflict { .. } => (
                StatusCode::PRECONDITION_FAILED,
                "version_conflict",
                "Jemand anderes hat diese Daten inzwischen geändert. Bitte prüfen Sie den aktuellen Stand und versuchen Sie es erneut.",
                "Someone else has changed this data in the meantime. Please check the current state and try again.",
                None,
            ),
            Conflict { code, de, en } => (StatusCode::CONFLICT, *code, *de, *en, None),
            FieldLocked { field } => (
                StatusCode::CONFLICT,
                "field_locked",
                "Dieses Feld kann nach der ersten Rechnung nicht mehr direkt geändert werden. Bitte stellen Sie einen Änderungsantrag.",
                "This field can no longer be changed directly after the first invoice. Please submit a change request.",
                Some(field.to_string()),
            ),
            PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Die Anfrage ist zu groß.",
                "The request is too large.",
                None,
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Bitte senden Sie die Anfrage als JSON (Content-Type: application/json).",
                "Please send the request as JSON (Content-Type: application/json).",
                None,
            ),
            CrossSite => (
                StatusCode::FORBIDDEN,
                "cross_site_request",
                "Diese Anfrage kam nicht von den Seiten des Kundenportals und wurde abgelehnt.",
                "This request did not come from the portal's own pages and was refused.",
                None,
            ),
            Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Sie sind nicht (mehr) angemeldet. Bitte melden Sie sich erneut an.",
                "You are not signed in (any more). Please sign in again.",
                None,
            ),
            NoCompanySelected => (
                StatusCode::CONFLICT,
                "no_customer_selected",
                "Bitte wählen Sie zuerst aus, für welches Unternehmen Sie handeln.",
                "Please first choose which company you are acting for.",
                None,
            ),
            LinkInvalid => (
                StatusCode::UNAUTHORIZED,
                "link_invalid",
                "Dieser Anmeldelink ist ungültig oder wurde schon benutzt. Fordern Sie einfach einen neuen an.",
                "This sign-in link is invalid or has already been used. Simply request a new one.",
                None,
            ),
            LinkExpired => (
                StatusCode::UNAUTHORIZED,
                "link_expired",
                "Dieser Anmeldelink ist abgelaufen (er gilt 15 Minuten). Fordern Sie einfach einen neuen an.",
                "This sign-in link has expired (it is valid for 15 minutes). Simply request a new one.",
                None,
            ),
            CodeInvalid => (
                StatusCode::UNAUTHORIZED,
                "code_invalid",
                "Der Code stimmt nicht oder ist abgelaufen. Prüfen Sie die Ziffern oder fordern Sie einen neuen Code an.",
                "The code is wrong or has expired. Check the digits or request a new code.",
                Some("code".into()),
            ),
            CodeExhausted => (
                StatusCode::UNAUTHORIZED,
                "code_exhausted",
                "Der Code wurde zu oft falsch eingegeben. Bitte fordern Sie einen neuen an.",
                "The code was entered wrongly too often. Please request a new one.",
                Some("code".into()),
            ),
            Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Ihre Rolle in diesem Unternehmen erlaubt das nicht. Fragen Sie eine Person mit der Rolle Inhaber/in.",
                "Your role in this company does not allow this. Please ask someone with the owner role.",
                None,
            ),
            FileMissing => (
                StatusCode::NOT_FOUND,
                "file_missing",
                "Zu diesem Dokument liegt diese Datei nicht vor.",
                "This file is not available for this document.",
                None,
            ),
            NotPayable => (
                StatusCode::CONFLICT,
                "not_payable",
                "Für dieses Dokument ist keine Zahlung offen, oder die Zahlung per Überweisung ist hier nicht möglich.",
                "Nothing is due for this document, or it cannot be paid by bank transfer here.",
                None,
            ),
            NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Nicht gefunden.",
                "Not found.",
                None,
            ),
            MethodNotAllowed { .. } => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Diese Methode ist für diese Adresse nicht erlaubt.",
                "This method is not allowed for this address.",
                None,
            ),
            RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Zu viele Anfragen. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.",
                "Too many requests. Please wait a moment and try again.",
                None,
            ),
            Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
                "The service is unavailable right now. Please try again shortly.",
                None,
            ),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Etwas ist schiefgegangen. Bitte versuchen Sie es später erneut.",
                "Something went wrong. Please try again later.",
                None,
            ),
        };
        ErrorBody {
            status,
            code,
            message: lang.pick(de, en),
            field,
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(err: crate::store::StoreError) -> Self {
        ApiError::unavailable(err)
    }
}
