//! `portal-admin support`: support's side of the requests customers write in the portal. `list`
//! shows every company's requests; `answer` sets a status and/or adds an answer, which the
//! company's logins see in the portal (with a notification) and the writer gets by mail.

use crate::Stores;
use portal::domain::email::EmailAddress;
use portal::domain::ids::CompanyId;
use portal::domain::text::required_multiline_text;
use portal::store::notifications::{Kind, NewNotification};
use portal::store::support::{Answer, IndexEntry, Status};

/// Every company's requests, newest first (only `status` when given).
pub async fn list(stores: &Stores, status: Option<Status>) -> Result<Vec<IndexEntry>, String> {
    stores.support.all(status).await.map_err(|e| e.to_string())
}

/// What `answer` did.
#[derive(Debug, PartialEq, Eq)]
pub struct Answered {
    pub status: Status,
    pub notified: usize,
    pub mailed: bool,
}

/// Sets `status` (default: `answered` with a text, else required) and appends `text` as an
/// answer; notifies the company's logins in the portal and mails the writer.
pub async fn answer(
    stores: &Stores,
    company: &str,
    id: &str,
    text: Option<&str>,
    status: Option<Status>,
    now: u64,
) -> Result<Answered, String> {
    let company =
        CompanyId::parse(company).map_err(|_| format!("{company:?} is not a valid customer id"))?;
    if !portal::store::support::valid_id(id) {
        return Err(format!(
            "{id:?} is not a request id (like 001795000000-0a1b2c3d)"
        ));
    }
    let text = text
        .map(|t| required_multiline_text(t, portal::support::TEXT_MAX))
        .transpose()
        .map_err(|e| format!("--text: {e}"))?;
    let status = match (status, &text) {
        (Some(status), _) => status,
        (None, Some(_)) => Status::Answered,
        (None, None) => return Err("give --text, --status or both".into()),
    };
    let answer = text.map(|text| Answer { at: now, text });
    let found = stores
        .support
        .answer(&company, id, status, answer.as_ref(), now)
        .await
        .map_err(|e| e.to_string())?;
    if !found {
        return Err(format!("company {company} has no request {id}"));
    }
    let request = stores
        .support
        .get(&company, id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("company {company} has no request {id}"))?;
    let name = stores
        .directory
        .company_name(&company)
        .await
        .map_err(|e| e.to_string())?;
    let team = stores
        .directory
        .team(&company)
        .await
        .map_err(|e| e.to_string())?;
    for (member, _) in &team.members {
        stores
            .notifications
            .add(&NewNotification {
                to: member.clone(),
                kind: Kind::RequestStatus,
                at: now,
                company: Some((company.clone(), name.clone())),
                subject: request.id.clone(),
                detail: status.code().to_string(),
            })
            .await
            .map_err(|e| e.to_string())?;
    }
    let writer = EmailAddress::parse(&request.created_by).ok();
    let still_member = writer
        .as_ref()
        .is_some_and(|w| team.members.iter().any(|(m, _)| m == w));
    let mut mailed = false;
    if let (Some(notifier), Some(writer), true) = (&stores.notifier, writer, still_member) {
        notifier
            .request_answered(&writer, &request, &name)
            .await
            .map_err(|e| e.to_string())?;
        mailed = true;
    }
    Ok(Answered {
        status,
        notified: team.members.len(),
        mailed,
    })
}
