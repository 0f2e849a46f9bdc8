//! Support answers by replying to the mail (issue #18): the pure part. Mails the portal sends to
//! support carry a signed reply address ([`ReplyAddress`]) that names the item they are about;
//! the format and its limits are in [`address`]. [`quotes`] finds the new text of a reply.

pub mod address;
pub mod quotes;

pub use address::{
    AddressError, AddressRefusal, KeyTooShort, Reference, ReferenceKind, ReplyAddress, ReplyKey,
    ReplyMailbox,
};
