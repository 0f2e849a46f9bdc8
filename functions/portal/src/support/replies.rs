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
    parse_reply, Action, Receipt, ReferenceKind, Refusal, Rejection, ReplyPolicy, SupportSender,
};
use crate::store::contracts::RequestStatus;
use crate::store::mail::OutgoingMail;
use crate::store::support::{answer_file_key, AnswerFile, Status};
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
    /// The contract change request `request` of `company` is closed as `status`.
    Resolved {
        company: String,
        request: String,
        status: RequestStatus,
    },
    /// Refused for `reason` (a `Refusal` code); `bounced` when the sender was told.
    Refused { reason: &'static str, bounced: bool },
    /// The stored mail was taken before (its event delivered again).
    TakenBefore,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error("replies by mail are not configured: {0} is missing")]
    NotConfigured(&'static str),
    #[error("{0}")]
    Answer(#[from] AnswerError),
    #[error("storage: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("reading the stored mail {key}: {reason}")]
    Read { key: String, reason: String },
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
    let mut reply = match parse_reply(raw, receipt, &policy) {
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
            // Moved, not copied: a reply may carry several files of up to 10 MB.
            let attachments = std::mem::take(&mut reply.attachments);
            let files =
                store_files(app, reference.company(), reference.item(), attachments).await?;
            let keys: Vec<String> = files.iter().map(|f| f.key.clone()).collect();
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
                files,
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
                        attachments = keys.len(),
                        "support answered by mail"
                    );
                    Ok(Outcome::Answered {
                        company: reference.company().to_string(),
                        request: reference.item().to_string(),
                        status: done.status,
                    })
                }
                // A valid signature on a request that is gone (erased): nothing to answer,
                // and its files must not stay behind.
                Err(AnswerError::NoSuchRequest(..)) => {
                    for key in &keys {
                        app.files.delete(key).await?;
                    }
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
        ReferenceKind::ContractChange => {
            let status = match reply.action {
                Action::Done => RequestStatus::Done,
                Action::Reject => RequestStatus::Rejected,
                _ => {
                    return refuse(
                        app,
                        Rejection {
                            reason: Refusal::DecisionMissing {
                                kind: ReferenceKind::ContractChange,
                            },
                            bounce_to: Some(reply.from.clone()),
                        },
                    )
                    .await
                }
            };
            let reason = match status {
                RequestStatus::Rejected => {
                    crate::contracts::resolve::reason(&reply.text).map_err(|err| match err {
                        crate::domain::text::TextError::TooLong { max } => {
                            Refusal::TextTooLong { max }
                        }
                        _ => Refusal::Malformed,
                    })
                }
                _ => Ok(None),
            };
            let reason = match reason {
                Ok(reason) => reason,
                Err(refusal) => {
                    let bounce_to = Some(reply.from.clone());
                    return refuse(
                        app,
                        Rejection {
                            reason: refusal,
                            bounce_to,
                        },
                    )
                    .await;
                }
            };
            let targets = crate::contracts::ResolveTargets {
                contracts: &app.contracts,
                directory: &app.directory,
                notifications: &app.notifications,
                mail: Some((&app.mailer, app.config.base_url.as_str())),
            };
            let resolution = crate::contracts::Resolution {
                status,
                reason,
                by: "support",
            };
            match crate::contracts::resolve_request(
                &targets,
                reference.company(),
                reference.item(),
                &resolution,
                app.clock.now(),
            )
            .await
            {
                Ok(_) => {
                    tracing::info!(
                        company = %reference.company(),
                        request = reference.item(),
                        status = status.code(),
                        "contract change resolved by mail"
                    );
                    Ok(Outcome::Resolved {
                        company: reference.company().to_string(),
                        request: reference.item().to_string(),
                        status,
                    })
                }
                Err(crate::contracts::ResolveError::Store(err)) => Err(err.into()),
                // Closed meanwhile (import, the billing system) or gone: nothing left to do.
                Err(err) => {
                    tracing::warn!(request = reference.item(), error = %err, "reply to a contract change that is not pending");
                    Ok(Outcome::Refused {
                        reason: "not_pending",
                        bounced: false,
                    })
                }
            }
        }
        // Proofs of payment and locked-field changes are decided in the tools; their mails
        // carry no reply address, so this is a forged or stale address.
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

/// Stores the reply's files where the customer downloads them (`answers/…` in the documents
/// bucket), before the answer that names them.
async fn store_files(
    app: &App,
    company: &crate::domain::ids::CompanyId,
    request: &str,
    attachments: Vec<crate::domain::reply::ReplyAttachment>,
) -> Result<Vec<AnswerFile>, ReplyError> {
    let answer_id = crate::domain::upload::new_upload_id();
    let mut files = Vec::with_capacity(attachments.len());
    for (number, attachment) in attachments.into_iter().enumerate() {
        let size = attachment.bytes.len() as u64;
        let key = answer_file_key(company, request, &answer_id, number, attachment.file_type);
        app.files
            .put(&key, attachment.bytes, attachment.file_type.content_type())
            .await?;
        files.push(AnswerFile {
            name: attachment.filename,
            file_type: attachment.file_type,
            size,
            key,
        });
    }
    Ok(files)
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

/// The largest stored mail read: SES bounces mails over 30 MB before storing them; anything
/// larger here was not written by SES.
const MAX_STORED_MAIL_BYTES: i64 = 31 * 1024 * 1024;

/// The function `mail-reply` (`routes::triggered::MAIL_REPLY`): SES stores each reply under
/// `mail/` of the inbox bucket, and the object's event brings it here.
pub struct MailReplies<'a> {
    pub app: &'a App,
    pub s3: aws_sdk_s3::Client,
    /// The inbox bucket.
    pub bucket: String,
    pub received: crate::store::received::ReceivedMails,
}

impl MailReplies<'_> {
    /// Takes every stored mail of one event notification; an error in one does not stop the
    /// others, and makes the invocation fail so that Lambda retries it (the mails taken
    /// already are then skipped).
    pub async fn handle(
        &self,
        event: &aws_lambda_events::event::s3::S3Event,
    ) -> Result<(), ReplyError> {
        let mut failure = None;
        for record in &event.records {
            let (Some(bucket), Some(key)) = (&record.s3.bucket.name, &record.s3.object.key) else {
                continue;
            };
            let key = decode_key(key);
            if *bucket != self.bucket || !key.starts_with(crate::routes::triggered::MAIL_PREFIX) {
                tracing::warn!(bucket = %bucket, key = %key, "not a stored reply; ignored");
                continue;
            }
            match self.take_stored(&key).await {
                Ok(outcome) => tracing::info!(key = %key, ?outcome, "stored mail taken"),
                Err(err) => {
                    tracing::error!(key = %key, error = %err, "stored mail not taken");
                    failure = Some(err);
                }
            }
        }
        failure.map_or(Ok(()), Err)
    }

    /// Takes the mail SES stored at `key`, once however often its event arrives.
    pub async fn take_stored(&self, key: &str) -> Result<Outcome, ReplyError> {
        if !self.received.claim(key, self.app.clock.now()).await? {
            return Ok(Outcome::TakenBefore);
        }
        let result = async {
            let raw = self.read(key).await?;
            let receipt = Receipt::from_stored_mail(&raw);
            take(self.app, &raw, &receipt).await
        }
        .await;
        if result.is_err() {
            // A failure to read or store is worth a retry; the record would block it.
            self.received.release(key).await?;
        }
        result
    }

    async fn read(&self, key: &str) -> Result<Vec<u8>, ReplyError> {
        let failed = |reason: String| ReplyError::Read {
            key: key.to_string(),
            reason,
        };
        let output = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| failed(aws_sdk_s3::error::DisplayErrorContext(e).to_string()))?;
        if output.content_length().unwrap_or(0) > MAX_STORED_MAIL_BYTES {
            return Err(failed("larger than SES stores".into()));
        }
        Ok(output
            .body
            .collect()
            .await
            .map_err(|e| failed(e.to_string()))?
            .to_vec())
    }
}

/// An S3 event's key as stored (S3 URL-encodes keys in events, spaces as `+`).
fn decode_key(encoded: &str) -> String {
    let spaced = encoded.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// The Lambda function `mail-reply`.
pub fn run() -> Result<(), lambda_http::Error> {
    crate::lambda::block_on(serve())
}

async fn serve() -> Result<(), lambda_http::Error> {
    use crate::routes::triggered::MAIL_REPLY;
    use lambda_http::lambda_runtime::{service_fn, LambdaEvent};
    crate::telemetry::init();
    let started = async {
        let mut config = crate::Config::from_env()?;
        let sdk = crate::app::lambda_sdk_config(|name| std::env::var(name).ok())?;
        crate::secrets::read_at_init(&mut config, &sdk, MAIL_REPLY.secrets).await?;
        if config.reply_mailbox.is_none() {
            return Err(crate::config::ConfigError::Missing("REPLY_MAILBOX"));
        }
        if config.reply_key.is_none() {
            return Err(crate::config::ConfigError::Missing("REPLY_KEY_SECRET_ARN"));
        }
        let bucket = std::env::var("INBOX_BUCKET")
            .ok()
            .filter(|b| !b.trim().is_empty())
            .ok_or(crate::config::ConfigError::Missing("INBOX_BUCKET"))?;
        Ok((config, sdk, bucket))
    }
    .await;
    let (config, sdk, bucket) = match started {
        Ok(parts) => parts,
        Err(err) => {
            tracing::error!(function = MAIL_REPLY.function, error = %err, "refusing to start");
            return Err(err.into());
        }
    };
    let s3 = crate::store::documents::s3_client(&sdk, config.s3_force_path_style);
    let received = crate::store::received::ReceivedMails::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        &config.portal_table,
    );
    let app: &'static App = Box::leak(Box::new(App::new(config, &sdk, crate::Clock::system())));
    let replies: &'static MailReplies<'static> = Box::leak(Box::new(MailReplies {
        app,
        s3,
        bucket,
        received,
    }));
    lambda_http::lambda_runtime::run(service_fn(
        move |event: LambdaEvent<aws_lambda_events::event::s3::S3Event>| async move {
            replies
                .handle(&event.payload)
                .await
                .map_err(|e| lambda_http::Error::from(e.to_string()))
        },
    ))
    .await
}
