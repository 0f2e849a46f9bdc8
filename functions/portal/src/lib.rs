//! Shared library of the customer portal.
//!
//! Layers, outside in: `http` (parse, validate, map errors, cookies, headers) → `auth` and the
//! other handler areas → `domain` (pure rules, no SDK types) → `store` (DynamoDB / SES adapters).
//! `routes` is the one route table used by the Lambda binaries, the dev gateway and the tests.

pub mod app;
pub mod auth;
pub mod company;
pub mod config;
pub mod contracts;
pub mod documents;
pub mod domain;
pub mod error;
pub mod help;
pub mod http;
pub mod lambda;
pub mod notifications;
pub mod pipeline;
pub mod routes;
pub mod schema;
pub mod secrets;
pub mod store;
pub mod support;
pub mod team;
pub mod telemetry;
pub mod uploads;

pub use app::{App, Clock};
pub use config::{Config, ConfigError};
pub use error::ApiError;
