//! Passwordless login: request a link and code by mail, redeem one of them for a session,
//! choose the company to act for, ask who is logged in, log out.

mod access;
mod activate;
mod invite;
mod login_mail;
mod redeem;
mod request;
mod session;

pub(crate) use access::admit;
pub use access::Caller;
pub use activate::{activate, revoke as revoke_activation, REVOCATION_DAYS};
pub use invite::send_invitation;
pub use redeem::{inspect_link, redeem};
pub use request::request_login;
pub use session::{authenticate, current_session, logout, select_company, Authenticated};

use crate::app::App;
use crate::http::ApiRequest;

/// The key rate limits count a client by: its IP (through the configured proxy header).
pub fn client_key(app: &App, req: &ApiRequest) -> String {
    req.client_ip(app.config.client_ip_header.as_deref())
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}
