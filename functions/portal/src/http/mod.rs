//! HTTP plumbing shared by every endpoint: the request and response types that both the Lambda
//! adapter and the dev gateway convert to and from, JSON parsing with clear errors, cookies,
//! the same-origin rule and the security headers.

mod cookies;
mod request;
mod response;

pub use cookies::{clear_cookie, host_cookie, ATTEMPT_COOKIE, DEVICE_COOKIE, SESSION_COOKIE};
pub use request::{percent_decode, ApiRequest, MAX_BODY_BYTES};
pub use response::{security_headers, ApiResponse};

/// HTML-escapes text for element content and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
