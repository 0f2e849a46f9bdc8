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

/// The key rate limits count a client by: its IP (through the configured proxy header), an
/// IPv6 client by its /64, the block one connection gets, so that a client cannot step around
/// a limit by rotating through its own addresses.
pub fn client_key(app: &App, req: &ApiRequest) -> String {
    req.client_ip(app.config.client_ip_header.as_deref())
        .map(network)
        .unwrap_or_else(|| "unknown".into())
}

fn network(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::network;

    #[test]
    fn ipv6_clients_are_counted_by_their_64_block() {
        let key = |ip: &str| network(ip.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("198.51.100.7"), "198.51.100.7");
        assert_eq!(key("::ffff:198.51.100.7"), "198.51.100.7");
    }
}
