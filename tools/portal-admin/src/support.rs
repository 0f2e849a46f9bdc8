//! `portal-admin support`: support's side of the requests customers write in the portal. `list`
//! shows every company's requests; `answer` sets a status and/or adds an answer, which the
//! company's logins see in the portal (with a notification) and the writer gets by mail.

use crate::Stores;
use portal::domain::ids::CompanyId;
use portal::domain::text::required_multiline_text;
use portal::store::support::{IndexEntry, Status};

/// Every company's requests, newest first (only `status` when given).
pub async fn list(stores: &Stores, status: Option<Status>) -> Result<Vec<IndexEntry>, String> {
    stores.support.all(status).await.map_err(|e| e.to_string())
}

pub use portal::support::answer::Answered;

/// Sets `status` (default: `answered` with a text, else required) and appends `text` as an
/// answer; notifies the company's logins in the portal and mails the writer
/// (`portal::support::answer`, as support's reply mails do).
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
    let targets = portal::support::answer::AnswerTargets {
        support: &stores.support,
        directory: &stores.directory,
        notifications: &stores.notifications,
        mail: stores.notifier.as_ref().map(|n| (n.mailer(), n.base_url())),
    };
    portal::support::answer::answer(&targets, &company, id, text, Vec::new(), status, now)
        .await
        .map_err(|e| e.to_string())
}
