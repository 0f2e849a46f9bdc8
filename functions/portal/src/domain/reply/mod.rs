//! Support answers by replying to the mail (issue #18): the pure part. Mails the portal sends to
//! support carry a signed reply address ([`ReplyAddress`]) that names the item they are about;
//! the format and its limits are in [`address`].

pub mod address;

pub use address::{
    AddressError, AddressRefusal, KeyTooShort, Reference, ReferenceKind, ReplyAddress, ReplyKey,
    ReplyMailbox,
};
