//! Support answers by replying to the portal's mail (issue #18, part 2): the mail SES received
//! (raw MIME and its receipt) becomes an answer on the request its signed reply address names,
//! with the same effects as `portal-admin support answer` (`crate::support::answer`), or a
//! refusal that is logged with its reason and, where `domain::reply` allows, bounced to the
//! sender with a short explanation.
//!
//! What is accepted, the keywords and the address format: `crate::domain::reply`.

use crate::app::App;
use crate::domain::email::EmailAddress;
use crate::domain::reply::{
    parse_reply, Action, Receipt, ReferenceKind, Rejection, ReplyPolicy, SupportSender,
};
use crate::store::mail::OutgoingMail;
use crate::store::support::Status;
use crate::support::answer::{answer, AnswerError, AnswerTargets};

/// What became of a reply.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The request `request` of `company` has the answer and `status` now.
    Answered {
        company: String,
        request: String,
        status: Status,
    },
    /// Refused for `reason` (a `Refusal` code); `bounced` when the sender was told.
    Refused { reason: &'static str, bounced: bool },
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("replies by mail are not configured: {0} is missing")]
    NotConfigured(&'static str),
    #[error("{0}")]
    Answer(#[from] AnswerError),
    #[error("storage: {0}")]
    Store(#[from] crate::store::StoreError),
}

/// The policy replies are checked under, from the configuration: `REPLY_MAILBOX`, the reply key,
/// `SUPPORT_SENDERS` (default: `SUPPORT_EMAIL`) and the portal's own sender.
pub fn policy(app: &App) -> Result<ReplyPolicy, ReplyError> {
    let config = &app.config;
    let mailbox = config
        .reply_mailbox
        .clone()
        .ok_or(ReplyError::NotConfigured("REPLY_MAILBOX"))?;
    let key = config
        .reply_key
        .clone()
        .ok_or(ReplyError::NotConfigured("REPLY_KEY_SECRET_ARN"))?;
    let support_senders = if config.support_senders.is_empty() {
        vec![SupportSender::Address(config.support_email.clone())]
    } else {
        config.support_senders.clone()
    };
    let own = EmailAddress::parse(&app.mailer.sender().1)
        .into_iter()
        .collect();
    Ok(ReplyPolicy::new(mailbox, key, support_senders, own))
}

/// Takes one reply: `raw` as SES stored it, `receipt` as SES judged it.
pub async fn take(app: &App, raw: &[u8], receipt: &Receipt) -> Result<Outcome, ReplyError> {
    let policy = policy(app)?;
    let reply = match parse_reply(raw, receipt, &policy) {
        Ok(reply) => reply,
        Err(rejection) => return refuse(app, rejection).await,
    };
    let reference = &reply.reference;
    match reference.kind() {
        ReferenceKind::SupportRequest => {
            let status = match reply.action {
                Action::Close => Status::Closed,
                Action::Reopen => Status::Open,
                _ => Status::Answered,
            };
            let text = (!reply.text.is_empty()).then(|| reply.text.clone());
            let targets = AnswerTargets {
                support: &app.support,
                directory: &app.directory,
                notifications: &app.notifications,
                mail: Some((&app.mailer, &app.config.base_url)),
            };
            match answer(
                &targets,
                reference.company(),
                reference.item(),
                text,
                status,
                app.clock.now(),
            )
            .await
            {
                Ok(done) => {
                    tracing::info!(
                        company = %reference.company(),
                        request = reference.item(),
                        status = done.status.code(),
                        attachments = reply.attachments.len(),
                        "support answered by mail"
                    );
                    Ok(Outcome::Answered {
                        company: reference.company().to_string(),
                        request: reference.item().to_string(),
                        status: done.status,
                    })
                }
                // A valid signature on a request that is gone (erased): nothing to answer.
                Err(AnswerError::NoSuchRequest(..)) => {
                    tracing::warn!(
                        request = reference.item(),
                        "reply to a request that is gone"
                    );
                    Ok(Outcome::Refused {
                        reason: "no_such_request",
                        bounced: false,
                    })
                }
                Err(err) => Err(err.into()),
            }
        }
        // Replies to contract changes, proofs of payment and locked-field changes come next;
        // their mails carry no reply address yet, so this is a forged or stale address.
        other => {
            tracing::warn!(
                kind = other.code(),
                "reply to an item answered only in the tools"
            );
            Ok(Outcome::Refused {
                reason: "not_yet_by_mail",
                bounced: false,
            })
        }
    }
}

async fn refuse(app: &App, rejection: Rejection) -> Result<Outcome, ReplyError> {
    let reason = rejection.reason.code();
    tracing::warn!(reason, detail = %rejection, "support reply refused");
    let Some(to) = rejection.bounce_to else {
        return Ok(Outcome::Refused {
            reason,
            bounced: false,
        });
    };
    let mail = OutgoingMail::plain(
        to,
        "Ihre Antwort wurde nicht übernommen / Your reply was not taken".into(),
        rejection.reason.bounce_text(),
    );
    if let Err(err) = app.mailer.send_auto_reply(mail).await {
        tracing::error!(error = %err, reason, "bounce not sent");
        return Ok(Outcome::Refused {
            reason,
            bounced: false,
        });
    }
    Ok(Outcome::Refused {
        reason,
        bounced: true,
    })
}
