//! Integration tests over real HTTP against the AWS stand-in (moto), one binary for all.

mod hygiene;
mod login;
mod log_hygiene;
mod runtime;
mod schema;
mod sessions;
