//! Documents endpoints: detail, PDF and e-invoice XML downloads.

use crate::app::App;
use crate::auth::{require_customer, DOCUMENT_READERS};
use crate::domain::documents::{download_name, object_key, DocumentId};
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::documents::Document;
use http::{HeaderValue, StatusCode};
use serde_json::{json, Value};

/// The `{id}` of the route, validated before any AWS call; malformed ids are simply not found.
fn document_id(req: &ApiRequest) -> Result<DocumentId, ApiError> {
    req.params
        .get("id")
        .and_then(|raw| DocumentId::parse(raw).ok())
        .ok_or(ApiError::NotFound)
}

pub(crate) fn document_json(doc: &Document) -> Value {
    let base = format!("/api/documents/{}", doc.id.as_str());
    json!({
        "id": doc.id.as_str(),
        "kind": doc.kind,
        "number": doc.number.as_str(),
        "issued": doc.issued.to_string(),
        "due": doc.due.map(|d| d.to_string()),
        "currency": doc.gross.currency.as_str(),
        "net": doc.net.decimal(),
        "tax": doc.tax.decimal(),
        "gross": doc.gross.decimal(),
        "status": doc.status,
        "references": doc.references,
        "links": {
            "pdf": format!("{base}/pdf"),
            "xml": doc.has_xml.then(|| format!("{base}/xml")),
        },
    })
}

/// `GET /api/documents/{id}`.
pub async fn detail(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let id = document_id(&req)?;
    let access = require_customer(app, &req, DOCUMENT_READERS).await?;
    let doc = app
        .documents
        .get(&access.customer, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(ApiResponse::json(StatusCode::OK, &document_json(&doc)))
}

/// `GET /api/documents/{id}/pdf`: ownership check, then 303 to a presigned URL (≤ 60 s).
pub async fn pdf(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    download(app, req, "pdf", "application/pdf").await
}

/// `GET /api/documents/{id}/xml`: the e-invoice next to the PDF, where there is one.
pub async fn xml(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    download(app, req, "xml", "application/xml").await
}

async fn download(
    app: &App,
    req: ApiRequest,
    extension: &str,
    content_type: &str,
) -> Result<ApiResponse, ApiError> {
    let id = document_id(&req)?;
    let access = require_customer(app, &req, DOCUMENT_READERS).await?;
    let doc = app
        .documents
        .get(&access.customer, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if extension == "xml" && !doc.has_xml {
        return Err(ApiError::FileMissing);
    }
    let key = object_key(&access.customer, &doc.id, extension);
    if !app.files.exists(&key).await? {
        tracing::error!(
            document = doc.id.as_str(),
            "document file missing in the bucket"
        );
        return Err(ApiError::FileMissing);
    }
    let lang = access.auth.login.lang.unwrap_or_else(|| req.lang());
    let filename = download_name(doc.kind, &doc.number, lang, extension);
    let url = app
        .files
        .presign_download(&key, &filename, content_type)
        .await?;
    let mut response = ApiResponse::new(StatusCode::SEE_OTHER);
    response.headers.insert(
        http::header::LOCATION,
        HeaderValue::from_str(&url).map_err(ApiError::internal)?,
    );
    Ok(response)
}
