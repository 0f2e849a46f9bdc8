//! Proof of payment for an open invoice: the customer uploads a PDF, PNG or JPEG (≤ 10 MB)
//! straight to S3 (`POST …/proof/upload` issues the presigned POST), then confirms it
//! (`POST …/proof`): the file is checked, the invoice shows "proof submitted" and support is
//! mailed. Owners and billing contacts may do this; viewers see the state only.

use super::{document_json, owned_document};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::documents::{DocumentKind, DocumentStatus};
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::company::NewActivity;
use crate::store::documents::{Document, Proof};
use crate::uploads;
use http::StatusCode;
use serde::Deserialize;

/// Whether a proof can be submitted for `doc`: an open or overdue invoice.
pub(crate) fn accepts_proof(doc: &Document) -> bool {
    doc.kind == DocumentKind::Invoice
        && matches!(doc.status, DocumentStatus::Open | DocumentStatus::Overdue)
}

fn not_open() -> ApiError {
    ApiError::Conflict {
        code: "invoice_not_open",
        de: "Für diese Rechnung ist kein Zahlungsnachweis nötig: Sie ist nicht mehr offen.",
        en: "This invoice needs no proof of payment: it is no longer open.",
    }
}

fn purpose(doc: &Document) -> String {
    format!("proof/{}", doc.id.as_str())
}

/// `POST /api/documents/{id}/proof/upload` with `{content_type, size}`: a presigned POST.
pub async fn upload(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    super::document_id(&req)?;
    let file_type = uploads::admit(&req.json()?)?;
    let doc = owned_document(app, &req, &caller).await?;
    if !accepts_proof(&doc) {
        return Err(not_open());
    }
    uploads::offer(app, &caller.company, &purpose(&doc), file_type).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    upload_id: String,
}

/// `POST /api/documents/{id}/proof` with `{upload_id}`: checks the uploaded file and marks the
/// invoice "proof submitted"; support is mailed.
pub async fn confirm(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    super::document_id(&req)?;
    let body: ConfirmBody = req.json()?;
    let upload_id = uploads::upload_id(&body.upload_id, "upload_id")?;
    let doc = owned_document(app, &req, &caller).await?;
    if !accepts_proof(&doc) {
        return Err(not_open());
    }
    let me = caller.session.login.email.clone();
    let upload = uploads::key(&caller.company, &purpose(&doc), &upload_id);
    let checked = uploads::accept(app, &upload, "upload_id").await?;
    let key = checked.key.clone();
    let now = app.clock.now();
    let proof = Proof {
        submitted_at: now,
        by: me.as_str().to_string(),
        file_type: checked.file_type,
        size: checked.size,
        key: key.clone(),
    };
    let activity = NewActivity::new(&caller.company, now, "payment_proof_submitted")
        .with("by", me.as_str())
        .with("document", doc.id.as_str());
    if !app
        .documents
        .record_proof(&caller.company, &doc.id, &proof, &activity)
        .await?
    {
        return Err(not_open());
    }
    let company = app.directory.company_name(&caller.company).await?;
    let text = format!(
        "Zahlungsnachweis aus dem Kundenportal\n\nFirma: {company} ({})\nVon: {}\nRechnung: {} über {} {}, fällig {}\nDatei: {}, {}\n\nAbrufen mit: portal-admin files get {key}\n",
        caller.company,
        me.as_str(),
        doc.number.as_str(),
        doc.gross.decimal(),
        doc.gross.currency.as_str(),
        doc.due.map(|d| d.to_string()).unwrap_or_else(|| "–".into()),
        checked.file_type.label(),
        uploads::human_size(checked.size),
    );
    // On failure the proof is still recorded on the invoice and in the activity log.
    crate::support::mail_support(
        app,
        format!(
            "[Zahlungsnachweis] Rechnung {} ({company})",
            doc.number.as_str()
        ),
        text,
        doc.id.as_str(),
        "proof_mail_failed",
        // Replies by mail close these next (issue #18); until then support answers as before.
        None,
    )
    .await;
    let updated = Document {
        proof: Some(proof),
        ..doc
    };
    Ok(ApiResponse::json(
        StatusCode::OK,
        &serde_json::json!({
            "message": req.lang().pick(
                "Danke! Ihr Zahlungsnachweis ist eingegangen. Wir gleichen ihn mit der Rechnung ab.",
                "Thank you! Your proof of payment has been received. We will match it with the invoice.",
            ),
            "document": document_json(app, &updated),
        }),
    ))
}
