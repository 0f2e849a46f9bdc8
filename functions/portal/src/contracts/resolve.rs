//! Closing a contract change request as done or rejected: one function for every way an answer
//! arrives (`portal-admin contracts resolve`, a contracts import that shows the change, the
//! billing system's `ContractChangeResolved` event). The request closes with an activity entry
//! in one transaction; then the person who asked gets a notification in the portal and a mail,
//! while still a member of the company (someone who left learns nothing about it any more).

use crate::domain::email::EmailAddress;
use crate::domain::ids::CompanyId;
use crate::domain::text::{required_multiline_text, TextError};
use crate::store::company::NewActivity;
use crate::store::contracts::{ContractRequest, ContractStore, RequestStatus, Resolve};
use crate::store::directory::Directory;
use crate::store::mail::{Mailer, OutgoingMail};
use crate::store::notifications::{Kind, NewNotification, NotificationStore};
use crate::store::StoreError;

/// Most characters of a reason (what the billing system or support says about the answer).
pub const REASON_MAX: usize = 500;

/// What resolving writes to and whom it tells.
pub struct ResolveTargets<'a> {
    pub contracts: &'a ContractStore,
    pub directory: &'a Directory,
    pub notifications: &'a NotificationStore,
    /// The mailer and the portal's origin for the requester's mail; `None`: no mail.
    pub mail: Option<(&'a Mailer, &'a str)>,
}

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// `Done` or `Rejected` (`Pending` is refused).
    pub status: RequestStatus,
    /// Why (checked with [`reason`]); shown in the activity log and the mail.
    pub reason: Option<String>,
    /// Who answered, for the activity log: `import`, `billing`, `portal-admin`, `support`.
    pub by: &'static str,
}

/// What [`resolve_request`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub request: ContractRequest,
    /// The requester got an in-portal notification (still a member).
    pub notified: bool,
    pub mailed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("company {0} has no contract request {1}")]
    NoSuchRequest(CompanyId, String),
    #[error("request {0} is no longer pending (it is {1})")]
    NotPending(String, &'static str),
    #[error("a request is resolved as done or rejected, not as pending")]
    StillPending,
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

/// A reason as given: trimmed, in NFC, line breaks kept, at most [`REASON_MAX`] characters;
/// empty means none.
pub fn reason(raw: &str) -> Result<Option<String>, TextError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    required_multiline_text(raw, REASON_MAX).map(Some)
}

/// Closes the company's pending request `id` with `resolution`, records it in the activity log,
/// and tells the requester in the portal and by mail.
pub async fn resolve_request(
    targets: &ResolveTargets<'_>,
    company: &CompanyId,
    id: &str,
    resolution: &Resolution,
    now: u64,
) -> Result<Resolved, ResolveError> {
    if resolution.status == RequestStatus::Pending {
        return Err(ResolveError::StillPending);
    }
    let closed = targets
        .contracts
        .resolve(
            company,
            id,
            resolution.status,
            resolution.reason.as_deref(),
            now,
            |request| {
                let activity = NewActivity::new(company, now, "contract_change_resolved")
                    .with("by", resolution.by)
                    .with("request", &request.id)
                    .with("contract", &request.contract)
                    .with("change", request.kind.code())
                    .with("status", resolution.status.code());
                match &resolution.reason {
                    Some(reason) => activity.with("reason", reason),
                    None => activity,
                }
            },
        )
        .await?;
    let request = match closed {
        Resolve::Closed(request) => request,
        Resolve::Missing => {
            return Err(ResolveError::NoSuchRequest(company.clone(), id.to_string()))
        }
        Resolve::AlreadyClosed(status) => {
            return Err(ResolveError::NotPending(id.to_string(), status.code()))
        }
    };
    // The request is closed from here on: a failure to tell is logged by the caller, and
    // answering again would find nothing pending.
    let requester = EmailAddress::parse(&request.requested_by).ok();
    let team = targets.directory.team(company).await?;
    let Some(requester) = requester.filter(|r| team.members.iter().any(|(m, _)| m == r)) else {
        return Ok(Resolved {
            request,
            notified: false,
            mailed: false,
        });
    };
    let name = targets.directory.company_name(company).await?;
    targets
        .notifications
        .add(&NewNotification {
            to: requester.clone(),
            kind: Kind::ContractStatus,
            at: now,
            company: Some((company.clone(), name.clone())),
            subject: request.id.clone(),
            detail: resolution.status.code().to_string(),
        })
        .await?;
    let mut mailed = false;
    if let Some((mailer, base_url)) = targets.mail {
        mailer
            .send(resolved_mail(
                base_url,
                &requester,
                &request,
                resolution.reason.as_deref(),
                &name,
            ))
            .await?;
        mailed = true;
    }
    Ok(Resolved {
        request,
        notified: true,
        mailed,
    })
}

/// "Your contract change is done / was not possible", in both languages, with the reason and
/// the link to the contracts page.
pub fn resolved_mail(
    base_url: &str,
    to: &EmailAddress,
    request: &ContractRequest,
    reason: Option<&str>,
    company: &str,
) -> OutgoingMail {
    let base = base_url.trim_end_matches('/');
    let link = format!("{base}/portal/vertraege/");
    let link_en = format!("{base}/en/portal/contracts/");
    let change = request.kind.label_de();
    let change_en = request.kind.label_en();
    let contract = &request.contract;
    let (outcome, outcome_en, subject) = match request.status {
        RequestStatus::Rejected => (
            "konnte leider nicht umgesetzt werden",
            "could not be made",
            "Vertragsänderung abgelehnt / Contract change declined",
        ),
        _ => (
            "ist umgesetzt",
            "has been made",
            "Vertragsänderung umgesetzt / Contract change made",
        ),
    };
    let (why, why_en) = match reason {
        Some(reason) => (
            format!("\nBegründung: {reason}\n"),
            format!("\nReason: {reason}\n"),
        ),
        None => (String::new(), String::new()),
    };
    let text = format!(
        "Guten Tag,\n\nIhre beantragte Änderung „{change}“ am Vertrag {contract} ({company}) {outcome}.\n{why}\nIhre Verträge im Kundenportal:\n\n{link}\n\n---\n\nHello,\n\nthe change you asked for, \"{change_en}\" of contract {contract} ({company}), {outcome_en}.\n{why_en}\nYour contracts in the customer portal:\n\n{link_en}\n"
    );
    let html = format!(
        "<!doctype html><html lang=\"de\"><body><p>{}</p></body></html>",
        crate::http::escape_html(&text).replace('\n', "<br>")
    );
    OutgoingMail {
        to: to.clone(),
        subject: format!("{subject}: {contract}"),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::ChangeKind;
    use crate::domain::documents::Date;

    fn request(status: RequestStatus) -> ContractRequest {
        ContractRequest {
            id: "001795000000-0a1b2c3d".into(),
            contract: "V-7".into(),
            kind: ChangeKind::ChangeSeats,
            seats: Some(8),
            effective: Date::parse("2026-12-01").unwrap(),
            status,
            requested_at: 1,
            requested_by: "anna@example.com".into(),
        }
    }

    #[test]
    fn a_reason_is_optional_cleaned_and_at_most_500_characters() {
        assert_eq!(reason("  "), Ok(None));
        assert_eq!(
            reason(" Zu viele Lizenzen\r\nfür Ihren Tarif "),
            Ok(Some("Zu viele Lizenzen\nfür Ihren Tarif".into()))
        );
        assert!(reason(&"x".repeat(REASON_MAX)).is_ok());
        assert_eq!(
            reason(&"x".repeat(REASON_MAX + 1)),
            Err(TextError::TooLong { max: REASON_MAX })
        );
        assert_eq!(reason("a\u{202e}b"), Err(TextError::Forbidden));
    }

    #[test]
    fn the_mail_names_the_change_the_outcome_and_the_reason_in_both_languages() {
        let to = EmailAddress::parse("anna@example.com").unwrap();
        let mail = resolved_mail(
            "https://portal.example.com/",
            &to,
            &request(RequestStatus::Rejected),
            Some("Tarif erlaubt höchstens 5"),
            "Abo GmbH",
        );
        assert!(mail.subject.contains("abgelehnt") && mail.subject.contains("V-7"));
        for part in [
            "Anzahl Lizenzen ändern",
            "konnte leider nicht umgesetzt werden",
            "Begründung: Tarif erlaubt höchstens 5",
            "could not be made",
            "Reason: Tarif erlaubt höchstens 5",
            "https://portal.example.com/portal/vertraege/",
            "https://portal.example.com/en/portal/contracts/",
        ] {
            assert!(mail.text.contains(part), "{part} in {}", mail.text);
        }
        let done = resolved_mail(
            "https://portal.example.com",
            &to,
            &request(RequestStatus::Done),
            None,
            "Abo GmbH",
        );
        assert!(done.text.contains("ist umgesetzt") && !done.text.contains("Begründung"));
    }
}
