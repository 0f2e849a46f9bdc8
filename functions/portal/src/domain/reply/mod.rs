//! Support answers by replying to the mail (issue #18): the pure part. Mails the portal sends to
//! support carry a signed reply address ([`ReplyAddress`]); SES receives the reply, and
//! [`parse_reply`] turns the raw mail and SES's receipt into a [`Reply`] for the item the address
//! names, or a [`Rejection`] that says why not and whom to tell. Reading the mail from S3,
//! storing the answer and its files and sending the bounce are the caller's.
//!
//! # Reply address
//!
//! `<local>+<kind>.<company>.<item>.<mac>@<domain>`, for example
//! `support+r.10001.001795416000-3f9a0c21.yjb2sm4e6tujw7os@reply.example.net` (the tests' key);
//! the format and its limits are in [`address`].
//!
//! # What is accepted
//!
//! In this order; the first that fails decides:
//! 1. The mail parses as MIME (mail-parser) and has exactly one `From` address: else
//!    `malformed`.
//! 2. It is no automatic mail: `Auto-Submitted` other than `no`, `Precedence: bulk|list|junk`,
//!    `X-Autoreply`, `X-Autorespond`, `X-Auto-Response-Suppress` with `All` or `OOF`, a delivery
//!    or read report (`multipart/report`), or a subject starting with "Abwesenheitsnotiz",
//!    "Automatische Antwort", "Out of Office", "Automatic reply", "Autoreply" or "Auto-Reply":
//!    else `auto_reply`.
//! 3. It is not the portal's own: `From` is none of the portal's senders and not on the reply
//!    domain: else `own_mail`.
//! 4. SES's verdicts for SPF, DKIM and DMARC are all `PASS`: else `failed_authentication`; SES
//!    found no virus: else `virus`.
//! 5. `From` is one of the configured support senders (an exact address or `@domain`): else
//!    `foreign_sender`.
//! 6. An envelope recipient (the first that verifies, if several) is a reply address: else
//!    `not_a_reply_address`, or `forged_reference` when its tag does not verify.
//! 7. The new text (see [`quotes`]; text/plain preferred, HTML converted otherwise) starts with a
//!    keyword that fits the item, if with any, and is at most `max_text_chars` long: else
//!    `keyword_not_applicable`, `text_too_long`.
//! 8. Attachments are PDF, PNG or JPEG (declared type, file name extension and the file's first
//!    bytes agree) of at most `max_attachment_bytes` each: else `attachment_type`,
//!    `attachment_too_large`. Images the HTML shows by `cid:` (logos in signatures) and
//!    S/MIME or PGP signatures are left out, not refused.
//! 9. Something is left: text, a keyword or a file: else `empty_text`.
//!
//! # Keywords
//!
//! The first line of the new text may be one keyword alone (any case, nothing else on the line);
//! it is removed from the text:
//!
//! | keyword | support request (`r`) | contract change, proof of payment, locked field (`c`, `p`, `b`) |
//! |---|---|---|
//! | none | [`Action::Answer`]: status answered | [`Action::Answer`]; `support::replies` bounces it for a contract change (`decision_missing`) |
//! | `#erledigt`, `#done` | [`Action::Close`]: closed | [`Action::Done`]: done / accepted |
//! | `#offen`, `#reopen` | [`Action::Reopen`]: open again | refused: `keyword_not_applicable` |
//! | `#abgelehnt`, `#rejected` | refused: `keyword_not_applicable` | [`Action::Reject`]: rejected |
//!
//! # Bounces
//!
//! Every refusal has a short German and English explanation ([`Refusal::bounce_text`]). It goes
//! back only to a sender SES authenticated ([`Rejection::bounce_to`]): never to auto-replies or
//! the portal's own mail (mail loops), nor to a sender whose SPF/DKIM/DMARC failed (that address
//! is likely forged, and the bounce would be backscatter to a stranger), nor for a mail that
//! could not be read. The bounce itself should carry `Auto-Submitted: auto-replied` (RFC 3834).
//!
//! # MIME
//!
//! mail-parser (Stalwart's, already in the workspace for the tests and the dev mailbox) rather
//! than mailparse: no dependencies of its own (mailparse brings `charset`, `data-encoding`,
//! `quoted_printable`), decodes quoted-printable, base64, RFC 2047 and RFC 2231 names and
//! ISO-8859-x / Windows-125x bodies itself, sorts parts into text body, HTML body and
//! attachments as JMAP does, and converts HTML to text.

pub mod address;
mod attachments;
pub mod quotes;
pub mod stored;

pub use address::{
    AddressError, AddressRefusal, KeyTooShort, Reference, ReferenceKind, ReplyAddress, ReplyKey,
    ReplyMailbox,
};
pub use attachments::ReplyAttachment;

use crate::domain::email::{EmailAddress, EmailError};
use crate::domain::lang::Lang;
use crate::domain::text::{required_multiline_text, TextError};
use mail_parser::{HeaderName, Message, MessageParser, MimeHeaders, PartType};
use serde::Deserialize;
use std::fmt;

/// The longest new text: the portal's limit for a support text (`support::TEXT_MAX`).
pub const DEFAULT_MAX_TEXT_CHARS: usize = 4000;

/// One of SES's receipt verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    Pass,
    Fail,
    /// SES could not decide (for DMARC: the sending domain publishes no policy).
    Gray,
    ProcessingFailed,
    /// Missing from the receipt, or a value SES did not document: never a pass.
    #[default]
    #[serde(other)]
    Unknown,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Gray => "GRAY",
            Verdict::ProcessingFailed => "PROCESSING_FAILED",
            Verdict::Unknown => "UNKNOWN",
        }
    }
}

/// SES's `receipt` object, as in the Lambda event (`Records[0].ses.receipt`) and the SNS
/// notification of a receipt rule: deserialize it straight from there (unknown fields such as
/// `action`, `timestamp` or `processingTimeMillis` are ignored).
///
/// ```json
/// { "recipients": ["support+r.…@reply.example.net"],
///   "spfVerdict": {"status": "PASS"}, "dkimVerdict": {"status": "PASS"},
///   "dmarcVerdict": {"status": "PASS"}, "spamVerdict": {"status": "PASS"},
///   "virusVerdict": {"status": "PASS"}, "dmarcPolicy": "reject" }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The envelope recipients (RCPT TO) the receipt rule matched: the reply address is read
    /// from here, not from the `To` header, which the sender writes.
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default, deserialize_with = "status")]
    pub spf_verdict: Verdict,
    #[serde(default, deserialize_with = "status")]
    pub dkim_verdict: Verdict,
    #[serde(default, deserialize_with = "status")]
    pub dmarc_verdict: Verdict,
    #[serde(default, deserialize_with = "status")]
    pub spam_verdict: Verdict,
    #[serde(default, deserialize_with = "status")]
    pub virus_verdict: Verdict,
    /// The sender domain's DMARC policy; SES sets it only when DMARC failed. For the log.
    #[serde(default)]
    pub dmarc_policy: Option<String>,
}

fn status<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Verdict, D::Error> {
    #[derive(Deserialize)]
    struct Status {
        #[serde(default)]
        status: Verdict,
    }
    Ok(Status::deserialize(deserializer)?.status)
}

impl Receipt {
    /// SPF, DKIM and DMARC all passed.
    pub fn authenticated(&self) -> bool {
        [self.spf_verdict, self.dkim_verdict, self.dmarc_verdict]
            .iter()
            .all(|verdict| *verdict == Verdict::Pass)
    }
}

/// Who may answer by mail: an exact address, or everyone at a domain (`@example.net`, that
/// domain only, not its subdomains). DMARC proves the domain, not the mailbox: an exact address
/// trusts the domain's own mail system to keep its users apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SupportSender {
    Address(EmailAddress),
    Domain(String),
}

impl SupportSender {
    pub fn parse(raw: &str) -> Result<SupportSender, EmailError> {
        let raw = raw.trim();
        match raw.strip_prefix('@') {
            Some(domain) => {
                let probe = EmailAddress::parse(&format!("x@{domain}"))?;
                Ok(SupportSender::Domain(probe.as_str()[2..].to_string()))
            }
            None => Ok(SupportSender::Address(EmailAddress::parse(raw)?)),
        }
    }

    fn admits(&self, sender: &EmailAddress) -> bool {
        match self {
            SupportSender::Address(address) => address == sender,
            SupportSender::Domain(domain) => domain_of(sender) == domain,
        }
    }
}

fn domain_of(address: &EmailAddress) -> &str {
    address
        .as_str()
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain)
}

/// What the reply function is configured with.
#[derive(Debug, Clone)]
pub struct ReplyPolicy {
    pub mailbox: ReplyMailbox,
    pub key: ReplyKey,
    pub support_senders: Vec<SupportSender>,
    /// The portal's own sender addresses (`MAIL_FROM`): mail from them is never an answer.
    pub own_senders: Vec<EmailAddress>,
    pub max_attachment_bytes: u64,
    pub max_text_chars: usize,
}

impl ReplyPolicy {
    /// With the upload limit of 10 MiB and the support text limit.
    pub fn new(
        mailbox: ReplyMailbox,
        key: ReplyKey,
        support_senders: Vec<SupportSender>,
        own_senders: Vec<EmailAddress>,
    ) -> ReplyPolicy {
        ReplyPolicy {
            mailbox,
            key,
            support_senders,
            own_senders,
            max_attachment_bytes: crate::domain::upload::MAX_BYTES,
            max_text_chars: DEFAULT_MAX_TEXT_CHARS,
        }
    }
}

/// What the first-line keyword asks for (see the table above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// No keyword: an answer; a support request becomes answered.
    Answer,
    /// `#erledigt` / `#done` on a support request.
    Close,
    /// `#offen` / `#reopen` on a support request.
    Reopen,
    /// `#erledigt` / `#done` on a contract change, proof of payment or locked-field change.
    Done,
    /// `#abgelehnt` / `#rejected` on a contract change, proof of payment or locked-field change.
    Reject,
}

/// An accepted reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub reference: Reference,
    /// The support sender (lower case).
    pub from: EmailAddress,
    /// The new text, in NFC, without the keyword line; may be empty when a keyword or a file
    /// carries the reply.
    pub text: String,
    pub action: Action,
    pub attachments: Vec<ReplyAttachment>,
}

/// Why a reply is not taken. `code()` is for logs and metrics; the explanation for the bounce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("malformed")]
    Malformed,
    #[error("auto_reply")]
    AutoReply,
    #[error("own_mail")]
    OwnMail,
    #[error("failed_authentication (spf={} dkim={} dmarc={})", spf.code(), dkim.code(), dmarc.code())]
    FailedAuthentication {
        spf: Verdict,
        dkim: Verdict,
        dmarc: Verdict,
    },
    #[error("virus")]
    Virus,
    #[error("foreign_sender")]
    ForeignSender,
    #[error("not_a_reply_address")]
    NotAReplyAddress,
    #[error("forged_reference")]
    ForgedReference,
    #[error("keyword_not_applicable ({keyword} on {})", kind.code())]
    KeywordNotApplicable {
        keyword: &'static str,
        kind: ReferenceKind,
    },
    /// A reply to a contract change (or another item support decides) without `#erledigt` or
    /// `#abgelehnt`: nothing the customer could be shown.
    #[error("decision_missing (on {})", kind.code())]
    DecisionMissing { kind: ReferenceKind },
    #[error("text_too_long (over {max} characters)")]
    TextTooLong { max: usize },
    #[error("empty_text")]
    EmptyText,
    /// `filename` is the sender's own (cleaned) name for the file: for the bounce, not the log.
    #[error("attachment_too_large ({size} bytes)")]
    AttachmentTooLarge {
        filename: String,
        size: u64,
        max: u64,
    },
    #[error("attachment_type ({content_type})")]
    AttachmentType {
        filename: String,
        content_type: String,
    },
}

impl Refusal {
    /// The machine-readable reason.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed",
            Refusal::AutoReply => "auto_reply",
            Refusal::OwnMail => "own_mail",
            Refusal::FailedAuthentication { .. } => "failed_authentication",
            Refusal::Virus => "virus",
            Refusal::ForeignSender => "foreign_sender",
            Refusal::NotAReplyAddress => "not_a_reply_address",
            Refusal::ForgedReference => "forged_reference",
            Refusal::KeywordNotApplicable { .. } => "keyword_not_applicable",
            Refusal::DecisionMissing { .. } => "decision_missing",
            Refusal::TextTooLong { .. } => "text_too_long",
            Refusal::EmptyText => "empty_text",
            Refusal::AttachmentTooLarge { .. } => "attachment_too_large",
            Refusal::AttachmentType { .. } => "attachment_type",
        }
    }

    /// One or two sentences for the sender.
    pub fn explanation(&self, lang: Lang) -> String {
        let de = lang == Lang::De;
        match self {
            Refusal::Malformed => pick(
                de,
                "Die Mail konnte nicht gelesen werden.",
                "The mail could not be read.",
            ),
            Refusal::AutoReply => pick(
                de,
                "Automatische Antworten werden nicht übernommen.",
                "Automatic replies are not taken over.",
            ),
            Refusal::OwnMail => pick(
                de,
                "Mails des Kundenportals selbst werden nicht übernommen.",
                "Mails of the customer portal itself are not taken over.",
            ),
            Refusal::FailedAuthentication { .. } => pick(
                de,
                "Die Mail hat die Absenderprüfung (SPF, DKIM, DMARC) nicht bestanden.",
                "The mail failed the sender checks (SPF, DKIM, DMARC).",
            ),
            Refusal::Virus => pick(
                de,
                "In der Mail wurde Schadsoftware gefunden.",
                "Malware was found in the mail.",
            ),
            Refusal::ForeignSender => pick(
                de,
                "Antworten per Mail nimmt das Kundenportal nur von den Adressen des Supports an.",
                "The customer portal takes replies by mail only from support's addresses.",
            ),
            Refusal::NotAReplyAddress => pick(
                de,
                "Diese Adresse gehört zu keiner Anfrage im Kundenportal. Bitte antworten Sie auf die Mail des Portals, ohne die Antwortadresse zu ändern.",
                "This address belongs to no request in the customer portal. Please reply to the portal's mail without changing the reply address.",
            ),
            Refusal::ForgedReference => pick(
                de,
                "Die Antwortadresse ist ungültig, sie wurde verändert. Bitte antworten Sie direkt auf die Mail des Portals.",
                "The reply address is not valid: it was changed. Please reply to the portal's mail directly.",
            ),
            Refusal::KeywordNotApplicable { keyword, kind } => {
                let allowed = match kind {
                    ReferenceKind::SupportRequest => "#erledigt, #offen (#done, #reopen)",
                    _ => "#erledigt, #abgelehnt (#done, #rejected)",
                };
                if de {
                    format!("Das Stichwort {keyword} passt nicht zu dieser Anfrage. Möglich sind: {allowed}.")
                } else {
                    format!(
                        "The keyword {keyword} does not fit this request. Possible are: {allowed}."
                    )
                }
            }
            Refusal::DecisionMissing { .. } => pick(
                de,
                "Bitte schreiben Sie in die erste Zeile allein #erledigt (umgesetzt) oder #abgelehnt; der Text darunter ist bei einer Ablehnung die Begründung für den Kunden.",
                "Please write #done (carried out) or #rejected alone on the first line; for a rejection, the text below is the reason the customer sees.",
            ),
            Refusal::TextTooLong { max } => {
                if de {
                    format!("Der neue Text ist länger als {max} Zeichen.")
                } else {
                    format!("The new text is longer than {max} characters.")
                }
            }
            Refusal::EmptyText => pick(
                de,
                "Die Antwort enthält keinen neuen Text (zitierter Text und Signaturen werden nicht übernommen).",
                "The reply contains no new text (quoted text and signatures are left out).",
            ),
            Refusal::AttachmentTooLarge { filename, max, .. } => {
                let mb = max / (1024 * 1024);
                if de {
                    format!("Der Anhang „{filename}“ ist größer als {mb} MB.")
                } else {
                    format!("The attachment “{filename}” is larger than {mb} MB.")
                }
            }
            Refusal::AttachmentType { filename, .. } => {
                if de {
                    format!("Der Anhang „{filename}“ ist keine PDF-, PNG- oder JPEG-Datei.")
                } else {
                    format!("The attachment “{filename}” is not a PDF, PNG or JPEG file.")
                }
            }
        }
    }

    /// The bounce's text: German, then English.
    pub fn bounce_text(&self) -> String {
        format!(
            "Ihre Antwort wurde nicht ins Kundenportal übernommen. {}\n\nYour reply was not taken into the customer portal. {}\n",
            self.explanation(Lang::De),
            self.explanation(Lang::En)
        )
    }
}

fn pick(de: bool, german: &str, english: &str) -> String {
    if de { german } else { english }.to_string()
}

/// A refused mail: the reason, and the sender to bounce to when a bounce may go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: Refusal,
    /// The `From` address when SES authenticated it and the mail is no automatic or own mail.
    pub bounce_to: Option<EmailAddress>,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

/// Reads a reply mail (`raw`, as SES stored it) with SES's `receipt` under `policy`.
pub fn parse_reply(
    raw: &[u8],
    receipt: &Receipt,
    policy: &ReplyPolicy,
) -> Result<Reply, Rejection> {
    let silent = |reason| Rejection {
        reason,
        bounce_to: None,
    };
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(silent(Refusal::Malformed))?;
    let from = single_sender(&message).ok_or(silent(Refusal::Malformed))?;
    if is_automatic(&message) {
        return Err(silent(Refusal::AutoReply));
    }
    if policy.own_senders.contains(&from) || domain_of(&from) == policy.mailbox.domain() {
        return Err(silent(Refusal::OwnMail));
    }
    if !receipt.authenticated() {
        return Err(silent(Refusal::FailedAuthentication {
            spf: receipt.spf_verdict,
            dkim: receipt.dkim_verdict,
            dmarc: receipt.dmarc_verdict,
        }));
    }
    let bounce = |reason| Rejection {
        reason,
        bounce_to: Some(from.clone()),
    };
    if receipt.virus_verdict == Verdict::Fail {
        return Err(bounce(Refusal::Virus));
    }
    if !policy.support_senders.iter().any(|s| s.admits(&from)) {
        return Err(bounce(Refusal::ForeignSender));
    }
    let reference = reference_in(receipt, policy).map_err(bounce)?;
    let (action, text) = new_text(&message, reference.kind(), policy).map_err(bounce)?;
    let attachments =
        attachments::collect(&message, policy.max_attachment_bytes).map_err(bounce)?;
    if text.is_empty() && action == Action::Answer && attachments.is_empty() {
        return Err(bounce(Refusal::EmptyText));
    }
    Ok(Reply {
        reference,
        from,
        text,
        action,
        attachments,
    })
}

/// The one `From` address (all `From` headers together); `None` for none, several or groups.
fn single_sender(message: &Message<'_>) -> Option<EmailAddress> {
    let mut addresses = message
        .header_values(HeaderName::From)
        .filter_map(|value| value.as_address())
        .flat_map(|address| address.iter());
    let (Some(only), None) = (addresses.next(), addresses.next()) else {
        return None;
    };
    EmailAddress::parse(only.address()?).ok()
}

fn is_automatic(message: &Message<'_>) -> bool {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|value| value.trim().to_ascii_lowercase())
    };
    let auto_submitted = header("Auto-Submitted")
        .is_some_and(|value| value.split(';').next().unwrap_or("").trim() != "no");
    let precedence = header("Precedence")
        .is_some_and(|value| matches!(value.as_str(), "bulk" | "list" | "junk" | "auto_reply"));
    let suppress = header("X-Auto-Response-Suppress").is_some_and(|value| {
        value
            .split(',')
            .any(|token| matches!(token.trim(), "all" | "oof"))
    });
    let marked = ["X-Autoreply", "X-Autorespond", "X-Autoresponder"]
        .iter()
        .any(|name| message.header_raw(*name).is_some());
    let report = message.is_content_type("multipart", "report");
    let subject = message.subject().unwrap_or("").trim().to_lowercase();
    let subject_says_so = [
        "abwesenheitsnotiz",
        "automatische antwort",
        "out of office",
        "automatic reply",
        "autoreply",
        "auto-reply",
    ]
    .iter()
    .any(|start| subject.starts_with(start));
    auto_submitted || precedence || suppress || marked || report || subject_says_so
}

/// The first envelope recipient that is a reply address with a valid tag.
fn reference_in(receipt: &Receipt, policy: &ReplyPolicy) -> Result<Reference, Refusal> {
    let mut forged = false;
    for recipient in &receipt.recipients {
        match ReplyAddress::verify(recipient, &policy.mailbox, &policy.key) {
            Ok(reference) => return Ok(reference),
            Err(AddressRefusal::ForgedReference) => forged = true,
            Err(AddressRefusal::NotAReplyAddress) => {}
        }
    }
    Err(if forged {
        Refusal::ForgedReference
    } else {
        Refusal::NotAReplyAddress
    })
}

const KEYWORDS: [(&str, Keyword); 6] = [
    ("#erledigt", Keyword::Done),
    ("#done", Keyword::Done),
    ("#offen", Keyword::Reopen),
    ("#reopen", Keyword::Reopen),
    ("#abgelehnt", Keyword::Reject),
    ("#rejected", Keyword::Reject),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Done,
    Reopen,
    Reject,
}

/// The action and the new text of the body, cleaned as the portal keeps text.
fn new_text(
    message: &Message<'_>,
    kind: ReferenceKind,
    policy: &ReplyPolicy,
) -> Result<(Action, String), Refusal> {
    // text/plain is what clients write for this; a blank one (some clients send it beside the
    // HTML) falls back to the HTML.
    let mut text = quotes::new_text(&body_text(message.text_bodies()));
    if text.trim().is_empty() {
        text = quotes::new_text(&body_text(message.html_bodies()));
    }
    // Refused before the character checks below, which a megabyte of text would make slow.
    if text.chars().count() > policy.max_text_chars.saturating_mul(4) {
        return Err(Refusal::TextTooLong {
            max: policy.max_text_chars,
        });
    }
    let text = visible(&text);
    let text = text.trim_start();
    let (action, text) = match text.split_once('\n') {
        Some((first, rest)) => match keyword_action(first, kind)? {
            Some(action) => (action, rest),
            None => (Action::Answer, text),
        },
        None => match keyword_action(text, kind)? {
            Some(action) => (action, ""),
            None => (Action::Answer, text),
        },
    };
    let text = match required_multiline_text(text, policy.max_text_chars) {
        Ok(text) => text,
        Err(TextError::Empty) => String::new(),
        Err(TextError::TooLong { max }) => return Err(Refusal::TextTooLong { max }),
        // `visible` removed every such character; a clean text still gets no further.
        Err(TextError::Forbidden) => return Err(Refusal::Malformed),
    };
    Ok((action, text))
}

/// The body parts as one text: plain text as it is (flowed lines joined), HTML converted.
fn body_text<'a>(parts: impl Iterator<Item = &'a mail_parser::MessagePart<'a>>) -> String {
    let mut body = String::new();
    for part in parts {
        let piece = match &part.body {
            PartType::Text(text) => quotes::plain_text(text, flowed(part)),
            PartType::Html(html) => quotes::html_text(html),
            _ => continue,
        };
        if !body.is_empty() {
            body.push('\n');
        }
        body.push_str(&piece);
    }
    body
}

/// `Some(delsp)` for a `format=flowed` part.
fn flowed(part: &mail_parser::MessagePart<'_>) -> Option<bool> {
    let content_type = part.content_type()?;
    let format = content_type.attribute("format")?;
    format.eq_ignore_ascii_case("flowed").then(|| {
        content_type
            .attribute("delsp")
            .is_some_and(|delsp| delsp.eq_ignore_ascii_case("yes"))
    })
}

fn keyword_action(line: &str, kind: ReferenceKind) -> Result<Option<Action>, Refusal> {
    let line = line.trim().to_lowercase();
    let Some(&(keyword, meaning)) = KEYWORDS.iter().find(|(word, _)| *word == line) else {
        return Ok(None);
    };
    let support = kind == ReferenceKind::SupportRequest;
    match (meaning, support) {
        (Keyword::Done, true) => Ok(Some(Action::Close)),
        (Keyword::Reopen, true) => Ok(Some(Action::Reopen)),
        (Keyword::Done, false) => Ok(Some(Action::Done)),
        (Keyword::Reject, false) => Ok(Some(Action::Reject)),
        _ => Err(Refusal::KeywordNotApplicable { keyword, kind }),
    }
}

/// The text without the characters the portal refuses in stored text (controls, bidi and
/// zero-width characters, …; mail clients insert some of them), line breaks kept and tabs as
/// spaces. `text::clean_text` decides, so the rule stays in one place.
fn visible(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() || is_refused(c) => None,
            c => Some(c),
        })
        .collect()
}

fn is_refused(c: char) -> bool {
    let mut buffer = [0u8; 4];
    matches!(
        crate::domain::text::clean_text(c.encode_utf8(&mut buffer), 1),
        Err(TextError::Forbidden)
    )
}

#[cfg(test)]
mod tests;
