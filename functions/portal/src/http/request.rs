//! The request as every handler sees it, whatever carried it (Lambda event or dev gateway).

use crate::domain::lang::Lang;
use crate::error::ApiError;
use bytes::Bytes;
use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::net::IpAddr;

/// Bodies above this are refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    /// The raw path, without query string.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The TCP peer as the platform saw it (API Gateway `sourceIp`, the gateway's peer).
    pub source_ip: Option<IpAddr>,
    pub request_id: String,
    /// Values of `{name}` segments of the matched route.
    pub params: HashMap<String, String>,
}

impl ApiRequest {
    pub fn new(method: Method, path: &str) -> Self {
        ApiRequest {
            method,
            path: path.to_string(),
            query: None,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            source_ip: None,
            request_id: String::new(),
            params: HashMap::new(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The language of the request's page, sent by our scripts as `Accept-Language`.
    pub fn lang(&self) -> Lang {
        self.header("accept-language")
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    }

    /// A cookie value; a name sent twice is treated as absent rather than guessed at.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let mut found = None;
        for header in self.headers.get_all(http::header::COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            for cookie in cookie::Cookie::split_parse(text).flatten() {
                if cookie.name() == name {
                    if found.is_some() {
                        return None;
                    }
                    found = Some(cookie.value().to_string());
                }
            }
        }
        found
    }

    /// The query string as name → value, percent-decoded (`+` is a space). A name given twice
    /// or a name not in `allowed` is refused with 400 naming it.
    pub fn query_params(&self, allowed: &[&str]) -> Result<HashMap<String, String>, ApiError> {
        let mut params = HashMap::new();
        for pair in self
            .query
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode_component(name).ok_or_else(|| ApiError::InvalidQuery {
                field: String::from_utf8_lossy(name.as_bytes()).into_owned(),
            })?;
            let value = decode_component(value).ok_or_else(|| ApiError::InvalidQuery {
                field: name.clone(),
            })?;
            if !allowed.contains(&name.as_str()) {
                return Err(ApiError::UnknownField { field: name });
            }
            if params.insert(name.clone(), value).is_some() {
                return Err(ApiError::InvalidQuery { field: name });
            }
        }
        Ok(params)
    }

    /// The client's IP: from the configured proxy header when there is one, else the peer.
    pub fn client_ip(&self, proxy_header: Option<&str>) -> Option<IpAddr> {
        if let Some(name) = proxy_header {
            // CloudFront-Viewer-Address is always `ip:port`, for IPv6 too (`2001:db8::1:443`,
            // which would also parse as an address ending in `:443`); X-Forwarded-For is a
            // list, first = client.
            let value = self.header(name)?;
            let first = value.split(',').next()?.trim();
            if name.eq_ignore_ascii_case("cloudfront-viewer-address") {
                let host = first.rsplit_once(':').map(|(h, _)| h)?;
                return host.trim_matches(['[', ']']).parse().ok();
            }
            if let Ok(ip) = first.parse::<IpAddr>() {
                return Some(ip);
            }
            let host = first.rsplit_once(':').map(|(h, _)| h)?;
            return host.trim_matches(['[', ']']).parse().ok();
        }
        self.source_ip
    }

    /// State-changing requests must come from our own pages: a same-origin `Origin`, or, where a
    /// browser sends none, `Sec-Fetch-Site: same-origin`.
    pub fn require_same_origin(&self, base_url: &str) -> Result<(), ApiError> {
        match (self.header("origin"), self.header("sec-fetch-site")) {
            (Some(origin), _) if origin.eq_ignore_ascii_case(base_url) => Ok(()),
            (None, Some("same-origin")) => Ok(()),
            _ => Err(ApiError::CrossSite),
        }
    }

    /// Parses a JSON object body into `T` (the pipeline has checked the content type): 413 when
    /// too large, 400 naming the
    /// field for malformed JSON, duplicate keys, wrong types and fields `T` does not allow.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge);
        }
        // serde accepts a struct as a JSON array too; our bodies are objects only.
        if self.body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::InvalidJson { field: None });
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
            let field = err.path().to_string();
            let field = (field != ".").then_some(field);
            let message = err.inner().to_string();
            match message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next())
            {
                Some(name) => ApiError::UnknownField {
                    field: match &field {
                        Some(parent) if parent != name => format!("{parent}.{name}"),
                        _ => name.to_string(),
                    },
                },
                None => ApiError::InvalidJson {
                    field: field.or_else(|| {
                        ["duplicate field `", "missing field `"]
                            .iter()
                            .find_map(|prefix| message.strip_prefix(prefix))
                            .and_then(|rest| rest.split('`').next())
                            .map(str::to_string)
                    }),
                },
            }
        })?;
        deserializer
            .end()
            .map_err(|_| ApiError::InvalidJson { field: None })?;
        Ok(value)
    }
}

/// Percent-decodes a query component (`+` is a space); `None` for broken escapes or invalid UTF-8.
fn decode_component(raw: &str) -> Option<String> {
    percent_decode(raw, true)
}

/// Percent-decodes `raw`; with `plus_as_space`, `+` becomes a space (query strings, not paths).
/// `None` for broken escapes or invalid UTF-8.
pub fn percent_decode(raw: &str, plus_as_space: bool) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                // Two hex digits exactly: `from_str_radix` alone would also take a sign ("%+1").
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_percent_escape_is_exactly_two_hex_digits() {
        use super::percent_decode;
        assert_eq!(percent_decode("a%20b", false).as_deref(), Some("a b"));
        for broken in ["%+1", "%-1", "% 1", "%1", "%", "%g0", "q=%+9R"] {
            assert_eq!(percent_decode(broken, true), None, "{broken}");
        }
    }

    use super::*;
    use serde::Deserialize;

    #[test]
    fn query_parameters_are_decoded_and_checked() {
        let mut req = ApiRequest::new(Method::GET, "/api/x");
        req.query = Some("q=R-2026+0042&year=2026&kind=%69nvoice".into());
        let params = req.query_params(&["q", "year", "kind"]).unwrap();
        assert_eq!(params["q"], "R-2026 0042");
        assert_eq!(params["kind"], "invoice");
        assert!(
            matches!(req.query_params(&["q", "year"]), Err(ApiError::UnknownField { field }) if field == "kind")
        );
        req.query = Some("year=1&year=2".into());
        assert!(
            matches!(req.query_params(&["year"]), Err(ApiError::InvalidQuery { field }) if field == "year")
        );
        req.query = Some("q=%zz".into());
        assert!(req.query_params(&["q"]).is_err());
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        email: String,
        next: Option<String>,
    }

    fn json_request(body: &str) -> ApiRequest {
        let mut req = ApiRequest::new(Method::POST, "/api/x");
        req.headers.insert(
            "content-type",
            "application/json; charset=utf-8".parse().unwrap(),
        );
        req.body = Bytes::from(body.to_string());
        req
    }

    fn field_of(err: ApiError) -> Option<String> {
        match err {
            ApiError::InvalidJson { field } => field,
            ApiError::UnknownField { field } => Some(field),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        let err = json_request(r#"{"email": 5}"#).json::<Body>().unwrap_err();
        assert_eq!(field_of(err).as_deref(), Some("email"));
        let err = json_request(r#"{"email":"a","email":"b"}"#)
            .json::<Body>()
            .unwrap_err();
        assert_eq!(field_of(err).as_deref(), Some("email"));
        let err = json_request(r#"{"email":"a","role":"owner"}"#)
            .json::<Body>()
            .unwrap_err();
        assert!(matches!(&err, ApiError::UnknownField { field } if field == "role"));
        let err = json_request(r#"{"email":{"nested":[1,2]}}"#)
            .json::<Body>()
            .unwrap_err();
        assert_eq!(field_of(err).as_deref(), Some("email"));
        assert!(json_request(r#"{"email":"a""#).json::<Body>().is_err());
        assert!(json_request(r#"{"email":"a"} {}"#).json::<Body>().is_err());
        assert!(json_request(r#"[]"#).json::<Body>().is_err());
        assert!(json_request(r#"{"email":"a"}"#).json::<Body>().is_ok());
    }

    #[test]
    fn oversized_bodies_are_refused() {
        let big = json_request(&format!(r#"{{"email":"{}"}}"#, "a".repeat(MAX_BODY_BYTES)));
        assert!(matches!(big.json::<Body>(), Err(ApiError::PayloadTooLarge)));
    }

    #[test]
    fn only_same_origin_requests_may_change_state() {
        let base = "https://portal.example.com";
        let mut req = ApiRequest::new(Method::POST, "/api/x");
        assert!(req.require_same_origin(base).is_err());
        req.headers
            .insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(req.require_same_origin(base).is_err());
        req.headers
            .insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(req.require_same_origin(base).is_ok());
        req.headers
            .insert("origin", "https://evil.example".parse().unwrap());
        assert!(req.require_same_origin(base).is_err());
        req.headers.insert("origin", base.parse().unwrap());
        assert!(req.require_same_origin(base).is_ok());
    }

    #[test]
    fn a_cookie_sent_twice_is_not_trusted() {
        let mut req = ApiRequest::new(Method::GET, "/");
        req.headers.insert("cookie", "a=1; b=2".parse().unwrap());
        assert_eq!(req.cookie("b").as_deref(), Some("2"));
        req.headers.append("cookie", "b=3".parse().unwrap());
        assert_eq!(req.cookie("b"), None);
    }

    #[test]
    fn client_ip_comes_from_the_proxy_header_only_when_configured() {
        let mut req = ApiRequest::new(Method::GET, "/");
        req.source_ip = Some("10.0.0.1".parse().unwrap());
        req.headers.insert(
            "cloudfront-viewer-address",
            "[2001:db8::1]:443".parse().unwrap(),
        );
        req.headers
            .insert("x-forwarded-for", "203.0.113.9, 10.0.0.1".parse().unwrap());
        assert_eq!(req.client_ip(None), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(
            req.client_ip(Some("cloudfront-viewer-address")),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            req.client_ip(Some("x-forwarded-for")),
            Some("203.0.113.9".parse().unwrap())
        );
    }

    #[test]
    fn cloudfronts_viewer_address_is_split_at_its_last_colon_for_ipv6_too() {
        let mut req = ApiRequest::new(Method::GET, "/");
        for (value, ip) in [
            ("198.51.100.10:46532", "198.51.100.10"),
            ("2001:db8::1:443", "2001:db8::1"),
            (
                "2001:db8:85a3::8a2e:370:7334:46532",
                "2001:db8:85a3::8a2e:370:7334",
            ),
            ("[2001:db8::7]:443", "2001:db8::7"),
        ] {
            req.headers
                .insert("cloudfront-viewer-address", value.parse().unwrap());
            assert_eq!(
                req.client_ip(Some("cloudfront-viewer-address")),
                Some(ip.parse().unwrap()),
                "{value}"
            );
        }
    }
}
