//! Integration tests over real HTTP against the AWS stand-in (moto), one binary for all.

mod activation;
mod admin;
mod authorization;
mod aws_calls;
mod company;
mod contracts;
mod documents;
mod faults;
mod help;
mod hygiene;
mod inbox;
mod limits;
mod log_hygiene;
mod login;
mod payment;
mod privacy;
mod replies;
mod runtime;
mod schema;
mod sessions;
mod support;
mod team;
mod uploads;
