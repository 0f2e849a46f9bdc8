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

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
