//! Documents endpoints: the filtered, paged list, detail, PDF and e-invoice XML downloads.

mod export;
mod proof;
mod send;

pub use export::export;
pub use proof::{confirm as proof_confirm, upload as proof_upload};
pub use send::send;

use crate::app::App;
use crate::auth::Caller;
use crate::domain::documents::{
    download_name, object_key, DocumentId, DocumentKind, DocumentStatus,
};
use crate::domain::{cursor, payment};
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::company::NewActivity;
use crate::store::documents::{Document, ListQuery};
use http::{HeaderValue, StatusCode};
use serde_json::{json, Value};

/// The key of the pagination cursors. Every route that pages declares `RouteSecret::CursorKey`,
/// so its function does not start without it; this is the same check, for the type system.
pub(crate) fn cursor_key(app: &App) -> Result<&crate::config::SecretBytes, ApiError> {
    app.config
        .cursor_secret
        .as_ref()
        .ok_or_else(|| ApiError::internal("CURSOR_SECRET is not configured"))
}

/// The `{id}` of the route, validated before any AWS call; malformed ids are simply not found.
pub(crate) fn document_id(req: &ApiRequest) -> Result<DocumentId, ApiError> {
    req.params
        .get("id")
        .and_then(|raw| DocumentId::parse(raw).ok())
        .ok_or(ApiError::NotFound)
}

/// Whether the portal can offer a way to pay `doc`: an open or overdue invoice, and a GiroCode
/// (payee configured, euro amount) or a payment link to offer.
fn payable(config: &crate::config::Config, doc: &Document) -> bool {
    doc.kind == DocumentKind::Invoice
        && matches!(doc.status, DocumentStatus::Open | DocumentStatus::Overdue)
        && (config.payment_link_template.is_some()
            || (config.payee.is_some() && doc.gross.currency.as_str() == "EUR"))
}

pub(crate) fn document_json(app: &App, doc: &Document) -> Value {
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
        "proof": doc.proof.as_ref().map(|p| json!({
            "submitted_at": p.submitted_at,
            "content_type": p.file_type.content_type(),
            "size": p.size,
        })),
        "links": {
            "pdf": format!("{base}/pdf"),
            "xml": doc.has_xml.then(|| format!("{base}/xml")),
            "payment": payable(&app.config, doc).then(|| format!("{base}/payment")),
            "proof": proof::accepts_proof(doc).then(|| format!("{base}/proof")),
        },
    })
}

pub const DEFAULT_PAGE: usize = 25;
pub const MAX_PAGE: usize = 100;

/// The list's filters, parsed from the query string before any AWS call.
struct Filters {
    query: ListQuery,
    search: Option<String>,
    cursor: Option<String>,
}

impl Filters {
    fn parse(req: &ApiRequest) -> Result<Filters, ApiError> {
        Filters::parse_with(
            req,
            &["kind", "status", "year", "month", "q", "cursor", "limit"],
        )
    }

    fn parse_with(req: &ApiRequest, allowed: &[&str]) -> Result<Filters, ApiError> {
        let params = req.query_params(allowed)?;
        let invalid = |field: &str| ApiError::InvalidQuery {
            field: field.to_string(),
        };
        let number = |field: &str, min: u32, max: u32| -> Result<Option<u32>, ApiError> {
            params
                .get(field)
                .map(|raw| match raw.parse::<u32>() {
                    Ok(n) if (min..=max).contains(&n) && !raw.starts_with('+') => Ok(n),
                    _ => Err(invalid(field)),
                })
                .transpose()
        };
        let year = number("year", 1970, 9999)?.map(|y| y as u16);
        let month = number("month", 1, 12)?.map(|m| m as u8);
        if month.is_some() && year.is_none() {
            return Err(invalid("month"));
        }
        let search = match params.get("q").map(|q| q.trim()) {
            None | Some("") => None,
            Some(q) if q.chars().count() <= 40 && !q.chars().any(char::is_control) => {
                Some(q.to_string())
            }
            Some(_) => return Err(invalid("q")),
        };
        Ok(Filters {
            query: ListQuery {
                kind: params
                    .get("kind")
                    .map(|k| DocumentKind::from_code(k).ok_or_else(|| invalid("kind")))
                    .transpose()?,
                status: params
                    .get("status")
                    .map(|k| DocumentStatus::from_code(k).ok_or_else(|| invalid("status")))
                    .transpose()?,
                year,
                month,
                after: None,
                limit: number("limit", 1, MAX_PAGE as u32)?.map_or(DEFAULT_PAGE, |n| n as usize),
            },
            search,
            cursor: params.get("cursor").cloned(),
        })
    }

    /// What a cursor is bound to: the same filters, in one canonical form.
    fn fingerprint(&self) -> String {
        let q = &self.query;
        format!(
            "kind={}&status={}&year={}&month={}&limit={}",
            q.kind.map(|k| k.code()).unwrap_or(""),
            q.status.map(|s| s.code()).unwrap_or(""),
            q.year.map(|y| y.to_string()).unwrap_or_default(),
            q.month.map(|m| m.to_string()).unwrap_or_default(),
            q.limit
        )
    }

    fn admits(&self, doc: &Document) -> bool {
        let q = &self.query;
        q.kind.is_none_or(|k| k == doc.kind)
            && q.status.is_none_or(|s| s == doc.status)
            && q.year.is_none_or(|y| y == doc.issued.year)
            && q.month.is_none_or(|m| m == doc.issued.month)
    }
}

/// `GET /api/documents?kind=&status=&year=&month=&q=&cursor=&limit=`: newest first, 25 a page
/// (at most 100), with an opaque cursor for the next page. `q` searches numbers (prefix) and
/// references such as order numbers; search results come as one page.
pub async fn list(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let mut filters = Filters::parse(&req)?;
    let secret = &cursor_key(app)?.0;
    let fingerprint = filters.fingerprint();
    let (documents, next) = match &filters.search {
        Some(term) => {
            let found = app
                .documents
                .search(&caller.company, term, MAX_PAGE)
                .await?;
            let docs: Vec<Document> = found
                .into_iter()
                .filter(|d| filters.admits(d))
                .take(filters.query.limit)
                .collect();
            (docs, None)
        }
        None => {
            if let Some(raw) = &filters.cursor {
                let after = cursor::open(secret, raw, &fingerprint)
                    .and_then(|id| DocumentId::parse(&id))
                    .map_err(|_| ApiError::InvalidQuery {
                        field: "cursor".into(),
                    })?;
                filters.query.after = Some(after);
            }
            let page = app.documents.list(&caller.company, &filters.query).await?;
            let next = page
                .next
                .map(|id| cursor::seal(secret, id.as_str(), &fingerprint));
            (page.documents, next)
        }
    };
    let items: Vec<Value> = documents
        .iter()
        .map(|doc| document_json(app, doc))
        .collect();
    Ok(ApiResponse::json(
        StatusCode::OK,
        &json!({ "documents": items, "next_cursor": next }),
    ))
}

/// How many years `GET /api/documents/statistics` covers, this year included.
pub const STATISTICS_YEARS: u16 = 3;

/// `GET /api/documents/statistics`: gross totals of invoices minus credit notes per month and
/// per year for the last years, per currency, for the portal's chart.
pub async fn statistics(
    app: &App,
    req: ApiRequest,
    caller: Caller,
) -> Result<ApiResponse, ApiError> {
    req.query_params(&[])?;
    let this_year = crate::domain::documents::year_of(app.clock.now());
    let mut years = Vec::new();
    for year in (this_year + 1 - STATISTICS_YEARS..=this_year).rev() {
        let months = app.documents.month_totals(&caller.company, year).await?;
        let mut per_currency: std::collections::BTreeMap<String, i64> = Default::default();
        for m in &months {
            *per_currency
                .entry(m.total.currency.as_str().to_string())
                .or_default() += m.total.minor;
        }
        let money = |minor: i64, currency: &str| crate::domain::documents::Money {
            minor,
            currency: crate::domain::documents::Currency::parse(currency).expect("stored currency"),
        };
        years.push(json!({
            "year": year,
            "totals": per_currency.iter().map(|(c, minor)| json!({ "currency": c, "gross": money(*minor, c).decimal() })).collect::<Vec<_>>(),
            "months": months.iter().map(|m| json!({
                "month": m.month,
                "currency": m.total.currency.as_str(),
                "gross": m.total.decimal(),
                "count": m.count,
            })).collect::<Vec<_>>(),
        }));
    }
    Ok(ApiResponse::json(
        StatusCode::OK,
        &json!({ "years": years }),
    ))
}

/// The route's document, if it belongs to the session's company: the id is validated before
/// any AWS call, and a foreign or unknown id is the same 404.
pub(crate) async fn owned_document(
    app: &App,
    req: &ApiRequest,
    caller: &Caller,
) -> Result<Document, ApiError> {
    let id = document_id(req)?;
    app.documents
        .get(&caller.company, &id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /api/documents/{id}`.
pub async fn detail(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let doc = owned_document(app, &req, &caller).await?;
    Ok(ApiResponse::json(StatusCode::OK, &document_json(app, &doc)))
}

/// `GET /api/documents/{id}/payment`: how to pay an open or overdue invoice: the GiroCode
/// (EPC QR) from the configured payee and, where configured, a payment provider's link.
pub async fn payment(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let doc = owned_document(app, &req, &caller).await?;
    if !payable(&app.config, &doc) {
        return Err(ApiError::NotPayable);
    }
    let giro_code = app.config.payee.as_ref().and_then(|payee| {
        let payload = payment::epc_payload(payee, &doc.gross, &doc.number).ok()?;
        Some(json!({
            "payee": { "name": payee.name(), "iban": payee.iban(), "bic": payee.bic() },
            "payload": payload,
            "svg": payment::svg_data_url(&payment::qr_svg(&payload)),
        }))
    });
    let link = app
        .config
        .payment_link_template
        .as_deref()
        .map(|template| payment::payment_link(template, &doc.number, &doc.gross));
    if giro_code.is_none() && link.is_none() {
        return Err(ApiError::NotPayable);
    }
    Ok(ApiResponse::json(
        StatusCode::OK,
        &json!({
            "amount": doc.gross.decimal(),
            "currency": doc.gross.currency.as_str(),
            "reference": doc.number.as_str(),
            "due": doc.due.map(|d| d.to_string()),
            "giro_code": giro_code,
            "payment_link": link,
        }),
    ))
}

/// `GET /api/documents/{id}/pdf`: ownership check, then 303 to a presigned URL (≤ 60 s).
pub async fn pdf(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    download(app, req, caller, "pdf", "application/pdf").await
}

/// `GET /api/documents/{id}/xml`: the e-invoice next to the PDF, where there is one.
pub async fn xml(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    download(app, req, caller, "xml", "application/xml").await
}

async fn download(
    app: &App,
    req: ApiRequest,
    caller: Caller,
    extension: &str,
    content_type: &str,
) -> Result<ApiResponse, ApiError> {
    let doc = owned_document(app, &req, &caller).await?;
    if extension == "xml" && !doc.has_xml {
        return Err(ApiError::FileMissing);
    }
    let key = object_key(&caller.company, &doc.id, extension);
    if !app.files.exists(&key).await? {
        tracing::error!(
            document = doc.id.as_str(),
            "document file missing in the bucket"
        );
        return Err(ApiError::FileMissing);
    }
    let lang = caller.session.login.lang.unwrap_or_else(|| req.lang());
    let filename = download_name(doc.kind, &doc.number, lang, extension);
    let url = app
        .files
        .presign_download(&key, &filename, content_type)
        .await?;
    app.companies
        .record_activity(
            &NewActivity::new(&caller.company, app.clock.now(), "document_downloaded")
                .with("by", caller.session.login.email.as_str())
                .with("document", doc.id.as_str())
                .with("file", extension),
        )
        .await?;
    let mut response = ApiResponse::new(StatusCode::SEE_OTHER);
    response.headers.insert(
        http::header::LOCATION,
        HeaderValue::from_str(&url).map_err(ApiError::internal)?,
    );
    Ok(response)
}
