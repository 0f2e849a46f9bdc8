//! Pure rules of the portal: parsing of outside input into types that are valid by construction.
//! Nothing here knows about HTTP or AWS.

pub mod address;
pub mod contract;
pub mod cursor;
pub mod documents;
pub mod email;
pub mod ids;
pub mod lang;
pub mod next;
pub mod payment;
pub mod phone;
pub mod reply;
pub mod secret;
pub mod session;
pub mod text;
pub mod upload;
pub mod vat;
