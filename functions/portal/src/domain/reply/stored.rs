//! The receipt of a mail SES stored in S3 (receipt rule → S3 action): SES writes its verdicts
//! into headers it puts on top of the message, so the [`Receipt`] is read from there rather
//! than from a Lambda event, which only a function in one of SES's receiving regions could get.
//! The S3 route works whatever the stack's region (the rule may write to a bucket elsewhere).
//!
//! What SES adds above the sender's headers (AWS, "Receiving email with Amazon SES", the S3
//! action's stored message):
//!
//! ```text
//! Received: from mail.example.net (…) by inbound-smtp.eu-west-1.amazonaws.com with SMTP id …
//!  for support+r.…@reply.example.net; Sat, 05 Dec 2026 10:00:00 +0000 (UTC)
//! X-SES-Spam-Verdict: PASS
//! X-SES-Virus-Verdict: PASS
//! Received-SPF: pass (spfCheck: …) client-ip=…; envelope-from=…; helo=…;
//! Authentication-Results: amazonses.com;
//!  spf=pass (spfCheck: …) smtp.mailfrom=…;
//!  dkim=pass header.i=@example.net;
//!  dmarc=pass header.from=example.net;
//! ```
//!
//! A sender can write the same headers into its own mail, further down. Only the topmost of
//! each counts, the `Authentication-Results` only with SES's authentication service id
//! (`amazonses.com`), and the `Received` line only when it is SES's own (`by inbound-smtp.…`):
//! a forged header never comes first, because SES prepends its own.

use super::{Receipt, Verdict};
use mail_parser::MessageParser;

/// The authentication service id SES writes in `Authentication-Results` (RFC 8601).
pub const SES_AUTHSERV_ID: &str = "amazonses.com";

impl Receipt {
    /// The receipt as SES recorded it in the headers of the stored mail `raw`. What is missing
    /// or not SES's own stays [`Verdict::Unknown`], which never passes. The recipients are the
    /// envelope recipient of SES's `Received` line (SES names it when the mail had one), else
    /// the `To` and `Cc` addresses: every reply address is still checked by its signature.
    pub fn from_stored_mail(raw: &[u8]) -> Receipt {
        let mut receipt = Receipt::default();
        let Some(message) = MessageParser::new().parse_headers(raw) else {
            return receipt;
        };
        let (mut spam, mut virus, mut results, mut received) = (None, None, None, None);
        for (name, value) in message.headers_raw() {
            let value = unfold(value);
            if name.eq_ignore_ascii_case("X-SES-Spam-Verdict") {
                spam.get_or_insert(value);
            } else if name.eq_ignore_ascii_case("X-SES-Virus-Verdict") {
                virus.get_or_insert(value);
            } else if name.eq_ignore_ascii_case("Authentication-Results") {
                results.get_or_insert(value);
            } else if name.eq_ignore_ascii_case("Received") {
                received.get_or_insert(value);
            }
        }
        receipt.spam_verdict = spam.map_or(Verdict::Unknown, |v| ses_verdict(&v));
        receipt.virus_verdict = virus.map_or(Verdict::Unknown, |v| ses_verdict(&v));
        if let Some(results) = results {
            let results = AuthenticationResults::parse(&results);
            if results.authserv_id.eq_ignore_ascii_case(SES_AUTHSERV_ID) {
                receipt.spf_verdict = results.verdict("spf");
                receipt.dkim_verdict = results.verdict("dkim");
                receipt.dmarc_verdict = results.verdict("dmarc");
            }
        }
        receipt.recipients = match received.as_deref().and_then(ses_envelope_recipient) {
            Some(recipient) => vec![recipient],
            None => ["To", "Cc"]
                .into_iter()
                .flat_map(|header| {
                    message
                        .header(header)
                        .and_then(|v| v.as_address())
                        .map(|a| {
                            a.iter()
                                .filter_map(|a| a.address().map(str::to_string))
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                })
                .collect(),
        };
        receipt
    }
}

/// A header value on one line, comments in parentheses removed.
fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut depth = 0usize;
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '\r' | '\n' | '\t' if depth == 0 => out.push(' '),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// `PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED` (the values of SES's verdict headers).
fn ses_verdict(value: &str) -> Verdict {
    match value.trim().to_ascii_uppercase().as_str() {
        "PASS" => Verdict::Pass,
        "FAIL" => Verdict::Fail,
        "GRAY" => Verdict::Gray,
        "PROCESSING_FAILED" => Verdict::ProcessingFailed,
        _ => Verdict::Unknown,
    }
}

/// The `for <address>` of SES's own `Received` line (`by inbound-smtp.<region>.amazonaws.com`).
fn ses_envelope_recipient(received: &str) -> Option<String> {
    let words: Vec<&str> = received.split_whitespace().collect();
    let by = words.iter().position(|w| w.eq_ignore_ascii_case("by"))?;
    let host = words.get(by + 1)?.to_ascii_lowercase();
    if !(host.starts_with("inbound-smtp.") && host.ends_with(".amazonaws.com")) {
        return None;
    }
    let at = words.iter().position(|w| w.eq_ignore_ascii_case("for"))?;
    let recipient = words
        .get(at + 1)?
        .trim_end_matches(';')
        .trim_start_matches('<')
        .trim_end_matches('>');
    recipient.contains('@').then(|| recipient.to_string())
}

/// RFC 8601's `Authentication-Results`: the service id and each method's result.
struct AuthenticationResults {
    authserv_id: String,
    /// (method, result), e.g. ("dkim", "pass"), in order.
    results: Vec<(String, String)>,
}

impl AuthenticationResults {
    fn parse(value: &str) -> AuthenticationResults {
        let mut parts = value.split(';');
        let authserv_id = parts
            .next()
            .and_then(|id| id.split_whitespace().next())
            .unwrap_or("")
            .to_string();
        let results = parts
            .filter_map(|part| {
                let (method, rest) = part.trim().split_once('=')?;
                let result = rest.split_whitespace().next()?;
                Some((
                    method.trim().to_ascii_lowercase(),
                    result.to_ascii_lowercase(),
                ))
            })
            .collect();
        AuthenticationResults {
            authserv_id,
            results,
        }
    }

    /// The verdict of `method`: a pass when any of its results passed (a mail may carry
    /// several DKIM signatures; one valid one is what DKIM asks for).
    fn verdict(&self, method: &str) -> Verdict {
        let mut verdict = Verdict::Unknown;
        for (m, result) in &self.results {
            if m != method {
                continue;
            }
            let this = match result.as_str() {
                "pass" => Verdict::Pass,
                "fail" | "softfail" | "hardfail" => Verdict::Fail,
                "none" | "neutral" | "policy" => Verdict::Gray,
                "temperror" | "permerror" => Verdict::ProcessingFailed,
                _ => Verdict::Unknown,
            };
            if this == Verdict::Pass || verdict == Verdict::Unknown {
                verdict = this;
            }
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SES_TOP: &str = "Return-Path: <anna@support.example.net>\r\n\
Received: from mail.support.example.net (mail.support.example.net [192.0.2.10])\r\n by inbound-smtp.eu-west-1.amazonaws.com with SMTP id 6k1q0a1b2c3d\r\n for support+r.10001.x.y@reply.example.net;\r\n Sat, 05 Dec 2026 10:00:00 +0000 (UTC)\r\n\
X-SES-Spam-Verdict: PASS\r\n\
X-SES-Virus-Verdict: PASS\r\n\
Received-SPF: pass (spfCheck: domain of support.example.net designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10;\r\n\
Authentication-Results: amazonses.com;\r\n spf=pass (spfCheck: domain of support.example.net designates 192.0.2.10 as permitted sender) smtp.mailfrom=anna@support.example.net;\r\n dkim=pass header.i=@support.example.net;\r\n dmarc=pass header.from=support.example.net;\r\n";

    fn mail(top: &str, own_headers: &str) -> Vec<u8> {
        format!("{top}{own_headers}From: Anna <anna@support.example.net>\r\nTo: support+r.10001.x.y@reply.example.net\r\nSubject: Re: Anfrage\r\n\r\nDanke.\r\n").into_bytes()
    }

    #[test]
    fn ses_headers_give_the_receipt() {
        let receipt = Receipt::from_stored_mail(&mail(SES_TOP, ""));
        assert!(receipt.authenticated());
        assert_eq!(receipt.spam_verdict, Verdict::Pass);
        assert_eq!(receipt.virus_verdict, Verdict::Pass);
        assert_eq!(
            receipt.recipients,
            vec!["support+r.10001.x.y@reply.example.net"]
        );
    }

    /// A sender's own verdict headers further down never count: SES's come first.
    #[test]
    fn forged_headers_below_ses_headers_do_not_count() {
        let top = SES_TOP
            .replace("X-SES-Virus-Verdict: PASS", "X-SES-Virus-Verdict: FAIL")
            .replace("dmarc=pass", "dmarc=fail");
        let forged = "X-SES-Virus-Verdict: PASS\r\nAuthentication-Results: amazonses.com; spf=pass; dkim=pass; dmarc=pass\r\n";
        let receipt = Receipt::from_stored_mail(&mail(&top, forged));
        assert_eq!(receipt.virus_verdict, Verdict::Fail);
        assert_eq!(receipt.dmarc_verdict, Verdict::Fail);
        assert!(!receipt.authenticated());
    }

    /// Without SES's headers on top (a mail that did not come through SES), nothing passes,
    /// whatever the mail says of itself further down.
    #[test]
    fn a_mail_without_ses_headers_is_not_authenticated() {
        let other = "Authentication-Results: mx.example.org; spf=pass; dkim=pass; dmarc=pass\r\n";
        let receipt = Receipt::from_stored_mail(&mail(other, ""));
        assert!(!receipt.authenticated());
        assert_eq!(receipt.spam_verdict, Verdict::Unknown);
        assert_eq!(receipt.virus_verdict, Verdict::Unknown);
        // No SES `Received` line: the recipients come from the headers.
        assert_eq!(
            receipt.recipients,
            vec!["support+r.10001.x.y@reply.example.net"]
        );
    }

    #[test]
    fn results_map_to_verdicts() {
        let results = AuthenticationResults::parse(
            "amazonses.com; spf=softfail smtp.mailfrom=x; dkim=fail header.i=@a; dkim=pass header.i=@b; dmarc=none",
        );
        assert_eq!(results.authserv_id, "amazonses.com");
        assert_eq!(results.verdict("spf"), Verdict::Fail);
        assert_eq!(results.verdict("dkim"), Verdict::Pass);
        assert_eq!(results.verdict("dmarc"), Verdict::Gray);
        assert_eq!(results.verdict("arc"), Verdict::Unknown);
    }

    #[test]
    fn only_ses_received_lines_name_the_envelope_recipient() {
        assert_eq!(
            ses_envelope_recipient("from a by inbound-smtp.us-east-1.amazonaws.com with SMTP id x for <a@b.example>; Sat"),
            Some("a@b.example".into())
        );
        assert_eq!(
            ses_envelope_recipient("from a by mx.example.org with SMTP id x for a@b.example; Sat"),
            None
        );
        assert_eq!(
            ses_envelope_recipient(
                "from a by inbound-smtp.us-east-1.amazonaws.com with SMTP id x; Sat"
            ),
            None
        );
    }
}
