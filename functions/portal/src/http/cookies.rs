//! `__Host-` cookies: Secure, HttpOnly, SameSite=Strict, Path=/, no Domain.

use cookie::{Cookie, SameSite};

/// The session cookie; its value is the session id, stored server-side only as a hash.
pub const SESSION_COOKIE: &str = "__Host-portal_session";
/// Binds a login code to the browser that asked for it.
pub const ATTEMPT_COOKIE: &str = "__Host-portal_attempt";
/// A random id per browser, so a sign-in from a browser not seen before can be told (no
/// fingerprinting: without the cookie every browser is new).
pub const DEVICE_COOKIE: &str = "__Host-portal_device";

pub fn host_cookie(name: &'static str, value: &str, max_age_seconds: u64) -> String {
    Cookie::build((name, value.to_string()))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(max_age_seconds as i64))
        .build()
        .to_string()
}

pub fn clear_cookie(name: &'static str) -> String {
    host_cookie(name, "", 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_cookies_carry_every_required_attribute() {
        let header = host_cookie(SESSION_COOKIE, "abc", 600);
        assert!(header.starts_with("__Host-portal_session=abc;"));
        for attribute in [
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=600",
        ] {
            assert!(header.contains(attribute), "{header}");
        }
        assert!(!header.to_ascii_lowercase().contains("domain="));
    }
}
