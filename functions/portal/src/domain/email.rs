//! Strict email addresses, as SECURITY.md asks: ASCII dot-atom local part (no quoting),
//! exactly one `@`, a DNS host name, at most 254 characters, stored in lower case.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    #[error("characters outside ASCII or control characters")]
    Characters,
    #[error("not exactly one @")]
    At,
    #[error("invalid local part")]
    Local,
    #[error("invalid domain")]
    Domain,
}

const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim_matches([' ', '\t']);
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        // ASCII only: this rules out full-width `＠`, look-alikes that NFKC-normalise into
        // ASCII, bidi and zero-width characters in one rule.
        if !s.chars().all(|c| c.is_ascii_graphic()) {
            return Err(EmailError::Characters);
        }
        let mut parts = s.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::At);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.split('.').all(|atom| {
                !atom.is_empty()
                    && atom
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
            });
        if !local_ok {
            return Err(EmailError::Local);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = domain.len() <= 253
            && labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
        if !domain_ok {
            return Err(EmailError::Domain);
        }
        Ok(EmailAddress(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `a***@example.com`: the only form of an address that may appear in logs.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any string that looks like an address; used for log fields.
pub fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// `text` with every address in it masked (`a***@example.com`): for error texts of other
/// systems (SES names the rejected addresses in its messages), which go to the logs.
pub fn mask_addresses(text: &str) -> String {
    let local = |c: char| c.is_alphanumeric() || "._%+-'".contains(c);
    let domain = |c: char| c.is_alphanumeric() || ".-".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let start = rest[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let end = rest[at + 1..]
            .char_indices()
            .take_while(|(_, c)| domain(*c))
            .last()
            .map_or(at + 1, |(i, c)| at + 1 + i + c.len_utf8());
        out.push_str(&rest[..start]);
        if start < at && rest[at + 1..end].contains('.') {
            out.push_str(&mask(&rest[start..end]));
        } else {
            out.push_str(&rest[start..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_other_systems_error_texts_are_masked() {
        let ses = "MessageRejected: Email address is not verified. The following identities failed the check in region EU-CENTRAL-1: anna.schmidt@example.com, ben+x@firma.de";
        let masked = mask_addresses(ses);
        assert!(
            !masked.contains("anna.schmidt@") && !masked.contains("ben+x@"),
            "{masked}"
        );
        assert!(
            masked.ends_with("a***@example.com, b***@firma.de"),
            "{masked}"
        );
        assert_eq!(
            mask_addresses("key login#claire.martin@example.org is bad"),
            "key login#c***@example.org is bad"
        );
        assert_eq!(
            mask_addresses("no address @ here, a@b"),
            "no address @ here, a@b"
        );
        assert_eq!(mask_addresses("ümlaut@example.com"), "ü***@example.com");
    }

    #[test]
    fn ordinary_addresses_are_accepted_and_lower_cased() {
        for raw in [
            "anna.schmidt@example.com",
            " Anna.Schmidt@Example.COM ",
            "a+tag@sub.example.co.uk",
            "o'brien@example.ie",
            "x@xn--mller-kva.de",
        ] {
            let email = EmailAddress::parse(raw).unwrap();
            assert_eq!(email.as_str(), raw.trim().to_ascii_lowercase());
        }
    }

    #[test]
    fn header_injection_quoting_and_look_alikes_are_rejected() {
        for raw in [
            "a@example.com\r\nBcc: b@example.com",
            "a@example.com\nBcc:b@example.com",
            "\"quoted\"@example.com",
            "\"a@b\"@example.com",
            "a＠example.com",
            "ａ@example.com",
            "a@@example.com",
            "a@b@example.com",
            "a@exam\u{202e}ple.com",
            "a\u{200b}@example.com",
            "a@example.com\0",
            "e\u{301}@example.com",
            "😀@example.com",
            "a b@example.com",
            "a@example",
            "a@-example.com",
            "a@example.123",
            "a@[127.0.0.1]",
            ".a@example.com",
            "a..b@example.com",
            "",
            "@example.com",
            "a@",
        ] {
            assert!(EmailAddress::parse(raw).is_err(), "accepted {raw:?}");
        }
    }

    #[test]
    fn length_limits_hold() {
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::Local));
        let huge = "a".repeat(10_000);
        assert_eq!(EmailAddress::parse(&huge), Err(EmailError::TooLong));
        let max = format!("{}@{}.com", "a".repeat(64), "b".repeat(60));
        assert!(EmailAddress::parse(&max).is_ok());
    }

    #[test]
    fn masking_keeps_only_the_first_letter_and_domain() {
        let email = EmailAddress::parse("anna.schmidt@example.com").unwrap();
        assert_eq!(email.masked(), "a***@example.com");
        assert_eq!(format!("{email:?}"), "EmailAddress(a***@example.com)");
    }
}
