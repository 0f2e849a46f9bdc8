//! Support's answers to a request, from `portal-admin support answer` and from support's reply
//! mails alike: the status (and an answer text) stored, every login of the company notified in
//! the portal, and the writer told by mail that there is news (a link, never the answer: it may
//! hold account details, and reading it takes a login).

use crate::domain::email::EmailAddress;
use crate::domain::ids::CompanyId;
use crate::store::directory::Directory;
use crate::store::mail::{Mailer, OutgoingMail};
use crate::store::notifications::{Kind, NewNotification, NotificationStore};
use crate::store::support::{Answer, AnswerFile, Status, SupportRequest, SupportStore};
use crate::store::StoreError;

/// What answering writes to and whom it tells.
pub struct AnswerTargets<'a> {
    pub support: &'a SupportStore,
    pub directory: &'a Directory,
    pub notifications: &'a NotificationStore,
    /// The mailer and the portal's origin for the writer's mail; `None`: no mail.
    pub mail: Option<(&'a Mailer, &'a str)>,
}

/// What `answer` did.
#[derive(Debug, PartialEq, Eq)]
pub struct Answered {
    pub status: Status,
    pub notified: usize,
    pub mailed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("company {0} has no request {1}")]
    NoSuchRequest(CompanyId, String),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

/// Sets `status` and, with a `text` or `files` (stored already), appends them as an answer;
/// notifies the company's logins and mails the writer (while still a member).
pub async fn answer(
    targets: &AnswerTargets<'_>,
    company: &CompanyId,
    id: &str,
    text: Option<String>,
    files: Vec<AnswerFile>,
    status: Status,
    now: u64,
) -> Result<Answered, AnswerError> {
    let answer = (text.is_some() || !files.is_empty()).then(|| Answer {
        at: now,
        text: text.unwrap_or_default(),
        files,
    });
    let missing = || AnswerError::NoSuchRequest(company.clone(), id.to_string());
    if !targets
        .support
        .answer(company, id, status, answer.as_ref(), now)
        .await?
    {
        return Err(missing());
    }
    let request = targets
        .support
        .get(company, id)
        .await?
        .ok_or_else(missing)?;
    let name = targets.directory.company_name(company).await?;
    let team = targets.directory.team(company).await?;
    for (member, _) in &team.members {
        targets
            .notifications
            .add(&NewNotification {
                to: member.clone(),
                kind: Kind::RequestStatus,
                at: now,
                company: Some((company.clone(), name.clone())),
                subject: request.id.clone(),
                detail: status.code().to_string(),
            })
            .await?;
    }
    let writer = EmailAddress::parse(&request.created_by).ok();
    let still_member = writer
        .as_ref()
        .is_some_and(|w| team.members.iter().any(|(m, _)| m == w));
    let mut mailed = false;
    if let (Some((mailer, base_url)), Some(writer), true) = (targets.mail, writer, still_member) {
        mailer
            .send(answered_mail(base_url, &writer, &request, &name))
            .await?;
        mailed = true;
    }
    Ok(Answered {
        status,
        notified: team.members.len(),
        mailed,
    })
}

/// "Your request has an answer or a new status", in both languages, with the link.
pub fn answered_mail(
    base_url: &str,
    to: &EmailAddress,
    request: &SupportRequest,
    company: &str,
) -> OutgoingMail {
    let base = base_url.trim_end_matches('/');
    let link = format!("{base}/portal/anfragen/");
    let link_en = format!("{base}/en/portal/requests/");
    let subject = &request.subject;
    let text = format!(
        "Guten Tag,\n\nIhre Anfrage „{subject}“ ({company}) hat eine Antwort oder einen neuen Status. Sie lesen sie im Kundenportal:\n\n{link}\n\n---\n\nHello,\n\nyour request \"{subject}\" ({company}) has an answer or a new status. Read it in the customer portal:\n\n{link_en}\n"
    );
    let html = format!(
        "<!doctype html><html lang=\"de\"><body><p>{}</p></body></html>",
        crate::http::escape_html(&text).replace('\n', "<br>")
    );
    OutgoingMail {
        to: to.clone(),
        subject: format!("Antwort auf Ihre Anfrage / Answer to your request: {subject}"),
        text,
        html,
    }
}
