//! Typed configuration, read once at start-up from environment variables.
//!
//! Every problem names the variable at fault, so a function that refuses to start says why.

use std::collections::HashMap;

/// What goes wrong while reading the configuration.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("configuration: environment variable {0} is missing")]
    Missing(&'static str),
    #[error("configuration: environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Limits of the login endpoints; all have production defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginLimits {
    /// Login requests per address and window.
    pub per_email: u32,
    /// Login requests, redemptions and link look-ups per client IP and window.
    pub per_ip: u32,
    pub window_seconds: u64,
    /// Minimum duration of a login request, so that known and unknown addresses take equally long.
    pub response_floor_ms: u64,
}

/// Key material that must never be printed, not even in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(pub Vec<u8>);

impl std::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBytes(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Public origin of the portal, e.g. `https://portal.example.com`; used for links in mails
    /// and as the only accepted `Origin` of state-changing requests. Never taken from Host headers.
    pub base_url: String,
    pub auth_table: String,
    pub portal_table: String,
    /// The EventBridge bus the billing system listens on (contract change requests).
    pub event_bus: String,
    /// The bucket of document PDFs and e-invoice XML files.
    pub documents_bucket: String,
    /// Path-style S3 addressing, needed by S3 stand-ins such as moto.
    pub s3_force_path_style: bool,
    /// Where browsers POST uploads (proofs of payment, attachments) for the documents bucket:
    /// `UPLOAD_URL`, else the bucket's regional endpoint
    /// `https://<bucket>.s3.<AWS_REGION>.amazonaws.com` (path-style `<AWS_ENDPOINT_URL>/<bucket>`
    /// with `S3_FORCE_PATH_STYLE=true`). The site's CSP `connect-src` must admit it.
    pub upload_url: String,
    /// Key of the HMAC that makes pagination cursors tamper-proof (at least 32 characters).
    /// `CURSOR_SECRET`, for the functions that page lists (see `routes::RouteSecret`).
    pub cursor_secret: Option<SecretBytes>,
    /// Sender of all mails, e.g. `Kundenportal <portal@example.com>`.
    pub mail_from: String,
    pub ses_configuration_set: Option<String>,
    /// Where change requests and other support mails go.
    pub support_email: crate::domain::email::EmailAddress,
    pub login: LoginLimits,
    /// Lower-case header that carries the viewer's IP (e.g. `cloudfront-viewer-address`) when
    /// the API is only reachable through a proxy that sets it; otherwise the source IP is used.
    pub client_ip_header: Option<String>,
    /// Shared secret CloudFront adds as `X-Origin-Verify` to every API request; when set, requests
    /// without it (straight to the API Gateway endpoint) are refused, so the viewer-IP header
    /// above cannot be forged around CloudFront. Held as its SHA-256 (hex), computed once here:
    /// each request hashes only the header, and comparing digests takes the same time however
    /// many characters of a guess match.
    pub origin_secret_digest: Option<SecretBytes>,
    /// Receiver of SEPA transfers for the GiroCode of open invoices; none without `PAYEE_IBAN`.
    pub payee: Option<crate::domain::payment::Payee>,
    /// e.g. `https://pay.example.com/?ref={number}&amount={amount}`; none when not set.
    pub payment_link_template: Option<String>,
    /// Where support's answers by mail arrive (`REPLY_MAILBOX`, e.g.
    /// `support@reply.example.com`): mails to support then carry a signed reply address on that
    /// mailbox; none without it.
    pub reply_mailbox: Option<crate::domain::reply::ReplyMailbox>,
    /// Who may answer by mail (`SUPPORT_SENDERS`, comma-separated addresses or `@domain`);
    /// default: `SUPPORT_EMAIL`.
    pub support_senders: Vec<crate::domain::reply::SupportSender>,
    /// The secret (ARN) holding the key that signs reply addresses (`REPLY_KEY_SECRET_ARN`).
    pub reply_key_secret: Option<String>,
    /// That key, read at init by [`crate::secrets`].
    pub reply_key: Option<crate::domain::reply::ReplyKey>,
    /// The Secrets Manager secret (ARN or name) holding the key that seals stored bank details
    /// (`PAYMENT_DATA_KEY_SECRET_ARN`); only the function that stores them is given it.
    pub payment_data_key_secret: Option<String>,
    /// That key (≥ 32 characters), read from the secret at init by [`crate::secrets`], never
    /// from the environment; without it the portal stores no bank details (the payment-details
    /// endpoint answers 409 `payment_details_unavailable`).
    pub payment_data_key: Option<SecretBytes>,
    /// The payment provider's own page for card / PayPal (`PAYMENT_PROVIDER_URL`, https).
    pub payment_provider_url: Option<String>,
}

/// The key that seals bank details, as read from its secret: at least 32 characters.
pub fn payment_data_key(value: &str) -> Result<SecretBytes, ConfigError> {
    let value = value.trim();
    if value.len() >= 32 {
        Ok(SecretBytes(value.as_bytes().to_vec()))
    } else {
        Err(ConfigError::Invalid {
            name: "PAYMENT_DATA_KEY_SECRET_ARN",
            reason:
                "the secret it names holds fewer than 32 characters (the template generates 64)"
                    .into(),
        })
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        Self::from_lookup(|name| vars.get(name).cloned())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| -> Option<String> {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
        let number =
            |name: &'static str, default: u64, min: u64, max: u64| -> Result<u64, ConfigError> {
                match get(name) {
                    None => Ok(default),
                    Some(raw) => match raw.parse::<u64>() {
                        Ok(n) if (min..=max).contains(&n) => Ok(n),
                        _ => Err(ConfigError::Invalid {
                            name,
                            reason: format!("expected a whole number from {min} to {max}"),
                        }),
                    },
                }
            };
        let resource_name = |name: &'static str| -> Result<String, ConfigError> {
            let value = required(name)?;
            let ok = value.len() <= 255
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if ok {
                Ok(value)
            } else {
                Err(ConfigError::Invalid {
                    name,
                    reason: "expected a DynamoDB/S3 resource name (letters, digits, - _ .)".into(),
                })
            }
        };

        let base_url = parse_base_url(&required("PORTAL_BASE_URL")?).map_err(|reason| {
            ConfigError::Invalid {
                name: "PORTAL_BASE_URL",
                reason,
            }
        })?;
        let mail_from = required("MAIL_FROM")?;
        if crate::domain::email::EmailAddress::parse(mailbox_address(&mail_from)).is_err()
            || mail_from.contains(['\r', '\n'])
        {
            return Err(ConfigError::Invalid {
                name: "MAIL_FROM",
                reason: "expected an address like `Kundenportal <portal@example.com>`".into(),
            });
        }
        let client_ip_header = get("CLIENT_IP_HEADER").map(|h| h.to_ascii_lowercase());
        if let Some(h) = &client_ip_header {
            if http::HeaderName::from_bytes(h.as_bytes()).is_err() {
                return Err(ConfigError::Invalid {
                    name: "CLIENT_IP_HEADER",
                    reason: "expected an HTTP header name".into(),
                });
            }
        }

        let payee = match (get("PAYEE_NAME"), get("PAYEE_IBAN")) {
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::Missing("PAYEE_IBAN")),
            (None, Some(_)) => return Err(ConfigError::Missing("PAYEE_NAME")),
            (Some(name), Some(iban)) => {
                use crate::domain::payment::{Payee, PayeeError};
                let bic = get("PAYEE_BIC");
                Some(Payee::parse(&name, &iban, bic.as_deref()).map_err(|err| {
                    let name = match err {
                        PayeeError::Name => "PAYEE_NAME",
                        PayeeError::Iban => "PAYEE_IBAN",
                        PayeeError::Bic => "PAYEE_BIC",
                    };
                    ConfigError::Invalid {
                        name,
                        reason: err.to_string(),
                    }
                })?)
            }
        };
        let payment_link_template = get("PAYMENT_LINK_TEMPLATE");
        if let Some(template) = &payment_link_template {
            if !template.starts_with("https://") || !template.contains("{number}") {
                return Err(ConfigError::Invalid {
                    name: "PAYMENT_LINK_TEMPLATE",
                    reason: "expected an https:// URL containing {number} (and optionally {amount}, {currency})".into(),
                });
            }
        }

        let payment_data_key_secret = get("PAYMENT_DATA_KEY_SECRET_ARN");
        let reply_key_secret = get("REPLY_KEY_SECRET_ARN");
        let reply_mailbox = get("REPLY_MAILBOX")
            .map(|raw| {
                crate::domain::reply::ReplyMailbox::parse(&raw).map_err(|_| ConfigError::Invalid {
                    name: "REPLY_MAILBOX",
                    reason: "expected an address without + (e.g. support@reply.example.com)".into(),
                })
            })
            .transpose()?;
        let support_senders = match get("SUPPORT_SENDERS") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .filter(|part| !part.trim().is_empty())
                .map(|part| {
                    crate::domain::reply::SupportSender::parse(part).map_err(|_| {
                        ConfigError::Invalid {
                            name: "SUPPORT_SENDERS",
                            reason: format!("{:?} is neither an address nor @domain", part.trim()),
                        }
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        let payment_provider_url = get("PAYMENT_PROVIDER_URL");
        if let Some(url) = &payment_provider_url {
            if !url.starts_with("https://")
                || url.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(ConfigError::Invalid {
                    name: "PAYMENT_PROVIDER_URL",
                    reason: "expected an https:// URL".into(),
                });
            }
        }

        let origin_secret_digest = match get("ORIGIN_SECRET") {
            None => None,
            Some(secret) if secret.len() >= 32 => Some(SecretBytes(
                crate::domain::secret::sha256_hex(secret.as_bytes()).into_bytes(),
            )),
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "ORIGIN_SECRET",
                    reason: "expected at least 32 characters".into(),
                })
            }
        };

        // Anyone can send any header to the API's own endpoint; only CloudFront's secret shows
        // that a request (and so its client-IP header) came through CloudFront.
        if client_ip_header.is_some() && origin_secret_digest.is_none() {
            return Err(ConfigError::Invalid {
                name: "CLIENT_IP_HEADER",
                reason: "is trusted only together with ORIGIN_SECRET (otherwise any caller of the API endpoint could choose its own IP)".into(),
            });
        }

        let documents_bucket = resource_name("DOCUMENTS_BUCKET")?;
        let s3_force_path_style = match get("S3_FORCE_PATH_STYLE").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "S3_FORCE_PATH_STYLE",
                    reason: "expected true or false".into(),
                })
            }
        };
        let upload_url = match get("UPLOAD_URL") {
            Some(url) => {
                let valid = (url.starts_with("https://") || url.starts_with("http://"))
                    && !url
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || c == '?');
                if !valid {
                    return Err(ConfigError::Invalid {
                        name: "UPLOAD_URL",
                        reason: "expected the https:// URL browsers upload to, without a query"
                            .into(),
                    });
                }
                url.trim_end_matches('/').to_string()
            }
            None => match get("AWS_ENDPOINT_URL_S3").or_else(|| get("AWS_ENDPOINT_URL")) {
                Some(endpoint) if s3_force_path_style => {
                    format!("{}/{documents_bucket}", endpoint.trim_end_matches('/'))
                }
                _ => match get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")) {
                    Some(region) => format!("https://{documents_bucket}.s3.{region}.amazonaws.com"),
                    None => format!("https://{documents_bucket}.s3.amazonaws.com"),
                },
            },
        };

        Ok(Config {
            origin_secret_digest,
            upload_url,
            payee,
            payment_link_template,
            payment_data_key_secret,
            payment_data_key: None,
            reply_mailbox,
            support_senders,
            reply_key_secret,
            reply_key: None,
            payment_provider_url,
            base_url,
            auth_table: resource_name("AUTH_TABLE")?,
            portal_table: resource_name("PORTAL_TABLE")?,
            event_bus: resource_name("EVENT_BUS_NAME")?,
            documents_bucket,
            s3_force_path_style,
            cursor_secret: match get("CURSOR_SECRET") {
                None => None,
                Some(secret) if secret.len() >= 32 => Some(SecretBytes(secret.into_bytes())),
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "CURSOR_SECRET",
                        reason: "expected at least 32 characters (e.g. `openssl rand -hex 32`)"
                            .into(),
                    })
                }
            },
            support_email: crate::domain::email::EmailAddress::parse(&required("SUPPORT_EMAIL")?)
                .map_err(|_| ConfigError::Invalid {
                name: "SUPPORT_EMAIL",
                reason: "expected an email address".into(),
            })?,
            mail_from,
            ses_configuration_set: get("SES_CONFIGURATION_SET"),
            login: LoginLimits {
                per_email: number("LOGIN_LIMIT_PER_EMAIL", 5, 1, 1000)? as u32,
                per_ip: number("LOGIN_LIMIT_PER_IP", 30, 1, 100_000)? as u32,
                window_seconds: number("LOGIN_LIMIT_WINDOW_SECONDS", 900, 10, 86_400)?,
                response_floor_ms: number("LOGIN_RESPONSE_FLOOR_MS", 400, 0, 5_000)?,
            },
            client_ip_header,
        })
    }
}

/// The address inside `Name <address>`, or the whole string.
fn mailbox_address(mailbox: &str) -> &str {
    match (mailbox.rfind('<'), mailbox.rfind('>')) {
        (Some(start), Some(end)) if start < end => &mailbox[start + 1..end],
        _ => mailbox,
    }
}

/// Accepts `http(s)://host[:port]` with an optional trailing slash and returns it without one.
fn parse_base_url(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("expected a URL starting with https:// (or http:// for local use)")?;
    let valid_authority = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if !valid_authority {
        return Err("expected scheme and host only, e.g. https://portal.example.com".into());
    }
    Ok(trimmed.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn complete() -> HashMap<String, String> {
        vars(&[
            ("PORTAL_BASE_URL", "https://portal.example.com/"),
            ("AUTH_TABLE", "portal-auth"),
            ("PORTAL_TABLE", "portal-data"),
            ("EVENT_BUS_NAME", "portal-events"),
            ("DOCUMENTS_BUCKET", "portal-documents"),
            ("CURSOR_SECRET", "0123456789abcdef0123456789abcdef"),
            ("SUPPORT_EMAIL", "support@example.com"),
            ("MAIL_FROM", "Kundenportal <portal@example.com>"),
        ])
    }

    #[test]
    fn a_complete_environment_gives_defaults_for_the_limits() {
        let config = Config::from_map(&complete()).unwrap();
        assert_eq!(config.base_url, "https://portal.example.com");
        assert_eq!(config.login.per_email, 5);
        assert_eq!(config.login.window_seconds, 900);
    }

    #[test]
    fn each_missing_variable_is_named() {
        for name in [
            "PORTAL_BASE_URL",
            "AUTH_TABLE",
            "PORTAL_TABLE",
            "EVENT_BUS_NAME",
            "DOCUMENTS_BUCKET",
            "MAIL_FROM",
            "SUPPORT_EMAIL",
        ] {
            let mut env = complete();
            env.remove(name);
            let err = Config::from_map(&env).unwrap_err();
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn the_upload_url_defaults_to_the_buckets_regional_endpoint() {
        let mut env = complete();
        assert_eq!(
            Config::from_map(&env).unwrap().upload_url,
            "https://portal-documents.s3.amazonaws.com"
        );
        env.insert("AWS_REGION".into(), "eu-central-1".into());
        assert_eq!(
            Config::from_map(&env).unwrap().upload_url,
            "https://portal-documents.s3.eu-central-1.amazonaws.com"
        );
        env.insert("AWS_ENDPOINT_URL".into(), "http://127.0.0.1:5000/".into());
        env.insert("S3_FORCE_PATH_STYLE".into(), "true".into());
        assert_eq!(
            Config::from_map(&env).unwrap().upload_url,
            "http://127.0.0.1:5000/portal-documents"
        );
        env.insert(
            "UPLOAD_URL".into(),
            "http://127.0.0.1:8080/_dev/s3/portal-documents/".into(),
        );
        assert_eq!(
            Config::from_map(&env).unwrap().upload_url,
            "http://127.0.0.1:8080/_dev/s3/portal-documents"
        );
    }

    #[test]
    fn payee_data_is_optional_but_complete_and_valid_when_given() {
        let mut env = complete();
        assert_eq!(Config::from_map(&env).unwrap().payee, None);
        env.insert("PAYEE_NAME".into(), "Beispiel GmbH".into());
        assert_eq!(
            Config::from_map(&env).unwrap_err(),
            ConfigError::Missing("PAYEE_IBAN")
        );
        env.insert("PAYEE_IBAN".into(), "DE89370400440532013001".into());
        let err = Config::from_map(&env).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Invalid {
                    name: "PAYEE_IBAN",
                    ..
                }
            ),
            "{err}"
        );
        env.insert("PAYEE_IBAN".into(), "DE89370400440532013000".into());
        assert!(Config::from_map(&env).unwrap().payee.is_some());
    }

    #[test]
    fn a_client_ip_header_is_trusted_only_with_the_origin_secret() {
        let mut env = complete();
        env.insert(
            "CLIENT_IP_HEADER".into(),
            "CloudFront-Viewer-Address".into(),
        );
        let err = Config::from_map(&env).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Invalid {
                    name: "CLIENT_IP_HEADER",
                    ..
                }
            ),
            "{err}"
        );
        env.insert("ORIGIN_SECRET".into(), "x".repeat(32));
        let config = Config::from_map(&env).unwrap();
        assert_eq!(
            config.client_ip_header.as_deref(),
            Some("cloudfront-viewer-address")
        );
    }

    #[test]
    fn invalid_values_are_named() {
        for (name, value) in [
            ("PORTAL_BASE_URL", "ftp://x"),
            ("PORTAL_BASE_URL", "https://portal.example.com/path"),
            ("AUTH_TABLE", "bad table"),
            ("MAIL_FROM", "nobody"),
            ("LOGIN_LIMIT_PER_EMAIL", "0"),
            ("LOGIN_LIMIT_WINDOW_SECONDS", "soon"),
            ("CLIENT_IP_HEADER", "bad header"),
            ("S3_FORCE_PATH_STYLE", "yes"),
            ("CURSOR_SECRET", "short"),
            ("PAYMENT_LINK_TEMPLATE", "http://pay.example.com/{number}"),
            ("UPLOAD_URL", "s3.example.com"),
            ("UPLOAD_URL", "https://b.s3.example.com/?x=1"),
        ] {
            let mut env = complete();
            env.insert(name.into(), value.into());
            let err = Config::from_map(&env).unwrap_err();
            assert!(
                matches!(&err, ConfigError::Invalid { name: n, .. } if *n == name),
                "{name}={value}: {err}"
            );
        }
    }
}
