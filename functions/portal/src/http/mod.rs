//! HTTP plumbing shared by every endpoint: the request and response types that both the Lambda
//! adapter and the dev gateway convert to and from, JSON parsing with clear errors, cookies,
//! the same-origin rule and the security headers.

mod cookies;
mod request;
mod response;

pub use cookies::{clear_cookie, host_cookie, ATTEMPT_COOKIE, SESSION_COOKIE};
pub use request::{ApiRequest, MAX_BODY_BYTES};
pub use response::{security_headers, ApiResponse};
