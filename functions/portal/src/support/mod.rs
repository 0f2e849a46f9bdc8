//! Support requests: a company's members write to support from the portal (category, subject,
//! text, optionally the document it is about), follow status and answers, and search them.
//! Each request is mailed to `SUPPORT_EMAIL`; support answers with `portal-admin support`.

pub mod answer;
pub mod replies;

use crate::app::App;
use crate::auth::Caller;
use crate::domain::documents::DocumentId;
use crate::domain::text::{required_multiline_text, required_text};
use crate::error::{ApiError, Fields};
use crate::http::{ApiRequest, ApiResponse};
use crate::store::company::NewActivity;
use crate::store::mail::OutgoingMail;
use crate::store::support::{self, Attachment, Category, Status, SupportRequest};
use http::StatusCode;
use serde::Deserialize;

pub const SUBJECT_MAX: usize = 140;
pub const TEXT_MAX: usize = 4000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    category: String,
    subject: String,
    text: String,
    #[serde(default)]
    document: Option<String>,
    /// An upload from `POST /api/support/attachments`.
    #[serde(default)]
    attachment: Option<String>,
}

/// `POST /api/support/attachments` with `{content_type, size}`: a presigned POST for a file to
/// attach to the next request (PDF, PNG or JPEG, ≤ 10 MB).
pub async fn attachment_upload(
    app: &App,
    req: ApiRequest,
    caller: Caller,
) -> Result<ApiResponse, ApiError> {
    let file_type = crate::uploads::admit(&req.json()?)?;
    crate::uploads::offer(app, &caller.company, ATTACHMENTS, file_type).await
}

/// Where support attachments go under the company's uploads.
const ATTACHMENTS: &str = "support";

/// Mails `SUPPORT_EMAIL` about something already stored (a request, a contract change, a proof
/// of payment). A refused mail is logged with `metric` and not the caller's problem: what the
/// mail is about is stored and support also finds it in its lists.
///
/// With `REPLY_MAILBOX` configured, the mail's `Reply-To` is the signed reply address of
/// `reference`: support answers by replying (see `crate::support::replies`).
pub(crate) async fn mail_support(
    app: &App,
    subject: String,
    text: String,
    about: &str,
    metric: &'static str,
    reference: Option<crate::domain::reply::Reference>,
) {
    let reply_to = reply_address(app, reference.as_ref());
    let text = match (&reply_to, &reference) {
        // The address is also in the text, for helpdesks that answer the sender, not Reply-To.
        (Some(address), Some(reference)) => format!(
            "{text}\n{}\nAntwortadresse / reply address: {}\n",
            reply_hint(reference.kind()),
            address.as_str()
        ),
        _ => text,
    };
    let mail = OutgoingMail::plain(app.config.support_email.clone(), subject, text);
    if let Err(err) = app
        .mailer
        .send_replying_to(mail, reply_to.as_ref().map(|a| a.as_str()))
        .await
    {
        tracing::error!(error = %err, about, metric, "support not mailed");
    }
}

/// How support answers `kind` by replying (the keywords of `domain::reply`).
fn reply_hint(kind: crate::domain::reply::ReferenceKind) -> &'static str {
    match kind {
        crate::domain::reply::ReferenceKind::SupportRequest => "Antworten Sie einfach auf diese Mail; die Antwort erscheint im Portal. Erste Zeile #erledigt schließt, #offen öffnet wieder.\nReply to this mail to answer in the portal; a first line #done closes, #reopen opens again.",
        _ => "Antworten Sie auf diese Mail mit #erledigt (umgesetzt) oder #abgelehnt allein in der ersten Zeile; bei einer Ablehnung ist der Text darunter die Begründung für den Kunden.\nReply to this mail with #done (carried out) or #rejected alone on the first line; for a rejection, the text below is the reason the customer sees.",
    }
}

/// The signed reply address for `reference`, when replies by mail are configured (and the
/// address fits the 64 characters of a local part; else support answers in the portal's tools).
fn reply_address(
    app: &App,
    reference: Option<&crate::domain::reply::Reference>,
) -> Option<crate::domain::reply::ReplyAddress> {
    let (reference, mailbox, key) = (
        reference?,
        app.config.reply_mailbox.as_ref()?,
        app.config.reply_key.as_ref()?,
    );
    match crate::domain::reply::ReplyAddress::build(reference, mailbox, key) {
        Ok(address) => Some(address),
        Err(err) => {
            tracing::warn!(error = %err, "no reply address: support answers without it");
            None
        }
    }
}

/// `POST /api/support/requests`.
pub async fn create(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let body: CreateBody = req.json()?;
    let mut f = Fields::default();
    let category = Category::from_code(&body.category);
    if category.is_none() {
        f.add(
            "category",
            "invalid_category",
            "Bitte wählen Sie ein Thema: invoice, payment, contract, access, technical oder other.",
            "Please choose a topic: invoice, payment, contract, access, technical or other.",
        );
    }
    let subject = f.text("subject", required_text(&body.subject, SUBJECT_MAX));
    let text = f.text("text", required_multiline_text(&body.text, TEXT_MAX));
    let document = match body.document.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(raw) => {
            let id = DocumentId::parse(raw).ok();
            if id.is_none() {
                f.add(
                    "document",
                    "invalid_document",
                    "Dieses Dokument gibt es nicht.",
                    "There is no such document.",
                );
            }
            id
        }
    };
    let attachment = match body.attachment.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(raw) if crate::domain::upload::valid_upload_id(raw) => Some(raw.to_string()),
        Some(_) => {
            f.add(
                "attachment",
                "invalid_upload",
                "Diese Datei kennen wir nicht. Bitte laden Sie sie noch einmal hoch.",
                "We do not know this file. Please upload it again.",
            );
            None
        }
    };
    f.finish()?;
    let Some(category) = category else {
        return Err(ApiError::Validation(Vec::new()));
    };
    let me = caller.session.login.email.clone();
    let document = match document {
        None => None,
        Some(id) => {
            // Only a document of this company: a foreign id is refused like an unknown one.
            let doc = app
                .documents
                .get(&caller.company, &id)
                .await?
                .ok_or(ApiError::Conflict {
                    code: "unknown_document",
                    de: "Dieses Dokument gibt es in Ihrem Unternehmen nicht.",
                    en: "Your company has no such document.",
                })?;
            Some((doc.id.as_str().to_string(), doc.number.as_str().to_string()))
        }
    };
    let attachment = match attachment {
        None => None,
        Some(id) => {
            let upload = crate::uploads::key(&caller.company, ATTACHMENTS, &id);
            let checked = crate::uploads::accept(app, &upload, "attachment").await?;
            Some(Attachment {
                file_type: checked.file_type,
                size: checked.size,
                key: checked.key,
            })
        }
    };
    let now = app.clock.now();
    let request = SupportRequest {
        id: support::new_id(now),
        category,
        subject,
        text,
        document: document.as_ref().map(|(id, _)| id.clone()),
        status: Status::Open,
        created_at: now,
        created_by: me.as_str().to_string(),
        updated_at: now,
        answers: Vec::new(),
        attachment,
    };
    let activity = NewActivity::new(&caller.company, now, "support_requested")
        .with("by", me.as_str())
        .with("request", &request.id);
    app.support
        .create(&caller.company, &request, &activity)
        .await?;
    let company = app.directory.company_name(&caller.company).await?;
    let attached = match &request.attachment {
        None => "–".to_string(),
        Some(a) => format!(
            "{}, {} (portal-admin files get {})",
            a.file_type.label(),
            crate::uploads::human_size(a.size),
            a.key
        ),
    };
    let mail_text = format!(
        "Anfrage aus dem Kundenportal\n\nFirma: {company} ({})\nVon: {}\nThema: {}\nDokument: {}\nAnhang: {attached}\nAnfrage: {}\n\nBetreff: {}\n\n{}\n\nAntworten mit: portal-admin support answer {} {} --text \"…\"\n",
        caller.company,
        me.as_str(),
        request.category.label_de(),
        document.as_ref().map(|(_, number)| number.as_str()).unwrap_or("–"),
        request.id,
        request.subject,
        request.text,
        caller.company,
        request.id,
    );
    // On failure the request is still listed for support (`portal-admin support list`).
    mail_support(
        app,
        format!(
            "[{}] {} ({company})",
            request.category.label_de(),
            request.subject
        ),
        mail_text,
        &request.id,
        "support_mail_failed",
        crate::domain::reply::Reference::new(
            crate::domain::reply::ReferenceKind::SupportRequest,
            caller.company.clone(),
            &request.id,
        )
        .ok(),
    )
    .await;
    Ok(ApiResponse::json(
        StatusCode::CREATED,
        &serde_json::json!({
            "message": req.lang().pick(
                "Ihre Anfrage ist eingegangen. Sie sehen hier, sobald wir antworten.",
                "Your request has been received. You will see here when we answer.",
            ),
            "request": request_json(&request),
        }),
    ))
}

/// `GET /api/support/requests?q=&status=`: the company's requests, newest first.
pub async fn list(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let params = req.query_params(&["q", "status"])?;
    let status = match params.get("status").map(String::as_str) {
        None | Some("") => None,
        Some(code) => Some(Status::from_code(code).ok_or_else(|| {
            ApiError::invalid_field(
                "status",
                "invalid_status",
                "Status: open, in_progress, answered oder closed.",
                "Status: open, in_progress, answered or closed.",
            )
        })?),
    };
    let term = match params.get("q") {
        None => String::new(),
        Some(q) => crate::domain::text::clean_text(q, 100)
            .map_err(|_| {
                ApiError::invalid_field(
                    "q",
                    "invalid_search",
                    "Bitte geben Sie einen kürzeren Suchbegriff ohne Steuerzeichen ein.",
                    "Please enter a shorter search term without control characters.",
                )
            })?
            .to_lowercase(),
    };
    let requests: Vec<serde_json::Value> = app
        .support
        .list(&caller.company)
        .await?
        .iter()
        .filter(|r| status.is_none_or(|s| r.status == s))
        .filter(|r| term.is_empty() || matches(r, &term))
        .map(request_json)
        .collect();
    Ok(ApiResponse::json(
        StatusCode::OK,
        &serde_json::json!({ "requests": requests }),
    ))
}

fn matches(request: &SupportRequest, term: &str) -> bool {
    request.subject.to_lowercase().contains(term)
        || request.text.to_lowercase().contains(term)
        || request.id.contains(term)
        || request
            .answers
            .iter()
            .any(|a| a.text.to_lowercase().contains(term))
}

/// `GET /api/support/requests/{id}`.
pub async fn detail(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let id = req.params.get("id").cloned().unwrap_or_default();
    if !support::valid_id(&id) {
        return Err(ApiError::NotFound);
    }
    let request = app
        .support
        .get(&caller.company, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(ApiResponse::json(StatusCode::OK, &request_json(&request)))
}

/// `GET /api/support/requests/{id}/files/{file}`: a file support sent with an answer, named
/// by its place (`<answer>-<file>`, from 0), as a 303 to a presigned URL (60 s) under the
/// sender's file name.
pub async fn answer_file(
    app: &App,
    req: ApiRequest,
    caller: Caller,
) -> Result<ApiResponse, ApiError> {
    let id = req.params.get("id").cloned().unwrap_or_default();
    let place = req
        .params
        .get("file")
        .and_then(|file| file_place(file))
        .filter(|_| support::valid_id(&id))
        .ok_or(ApiError::NotFound)?;
    let request = app
        .support
        .get(&caller.company, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let file = request
        .answers
        .get(place.0)
        .and_then(|answer| answer.files.get(place.1))
        .ok_or(ApiError::NotFound)?;
    let url = app
        .files
        .presign_download(&file.key, &file.name, file.file_type.content_type())
        .await?;
    let mut response = ApiResponse::new(StatusCode::SEE_OTHER);
    response.headers.insert(
        http::header::LOCATION,
        http::HeaderValue::from_str(&url).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// `<answer>-<file>` as two small numbers (an answer holds few files, a request few answers).
fn file_place(raw: &str) -> Option<(usize, usize)> {
    let (answer, file) = raw.split_once('-')?;
    let number = |part: &str| {
        (!part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    Some((number(answer)?, number(file)?))
}

/// An answer as the customer sees it: each file with its place for `answer_file`, never its key.
fn answer_json(index: usize, answer: &crate::store::support::Answer) -> serde_json::Value {
    serde_json::json!({
        "at": answer.at,
        "text": answer.text,
        "files": answer.files.iter().enumerate().map(|(n, file)| serde_json::json!({
            "id": format!("{index}-{n}"),
            "name": file.name,
            "content_type": file.file_type.content_type(),
            "size": file.size,
        })).collect::<Vec<_>>(),
    })
}

pub fn request_json(request: &SupportRequest) -> serde_json::Value {
    serde_json::json!({
        "id": request.id,
        "category": request.category,
        "subject": request.subject,
        "text": request.text,
        "document": request.document,
        "status": request.status,
        "created_at": request.created_at,
        "created_by": request.created_by,
        "updated_at": request.updated_at,
        "answers": request.answers.iter().enumerate().map(|(i, a)| answer_json(i, a)).collect::<Vec<_>>(),
        "attachment": request.attachment.as_ref().map(|a| serde_json::json!({
            "content_type": a.file_type.content_type(),
            "size": a.size,
        })),
    })
}
