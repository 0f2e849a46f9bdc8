//! Identifiers that come from outside: validated for charset and length before any AWS call.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A company id (its customer number at the operator) such as `10001`: ASCII letters, digits,
/// `-` and `_`, 1–40 characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CompanyId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed id")]
pub struct MalformedId;

impl CompanyId {
    pub fn parse(raw: &str) -> Result<Self, MalformedId> {
        let ok = (1..=40).contains(&raw.len())
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(CompanyId(raw.to_string()))
        } else {
            Err(MalformedId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CompanyId {
    type Error = MalformedId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CompanyId::parse(&value)
    }
}

impl From<CompanyId> for String {
    fn from(id: CompanyId) -> String {
        id.0
    }
}

impl fmt::Debug for CompanyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomerId({})", self.0)
    }
}

impl fmt::Display for CompanyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a login may do for one company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including managing the company's logins.
    Owner,
    /// Documents and billing data.
    Billing,
    /// Documents only.
    Viewer,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Billing => "billing",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        match code {
            "owner" => Some(Role::Owner),
            "billing" => Some(Role::Billing),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_ids_reject_traversal_and_encoding() {
        assert!(CompanyId::parse("10001").is_ok());
        assert!(CompanyId::parse("acme_gmbh-2").is_ok());
        for bad in [
            "",
            "../10001",
            "%2e%2e%2f",
            "a/b",
            "a%2Fb",
            "10001 ",
            "ä",
            &"1".repeat(41),
        ] {
            assert!(CompanyId::parse(bad).is_err(), "accepted {bad:?}");
        }
    }
}
