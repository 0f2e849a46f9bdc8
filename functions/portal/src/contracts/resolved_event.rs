//! The function `events-contract-resolved`: the billing system's answer to a change request,
//! the EventBridge event `ContractChangeResolved` on the stack's bus, closes the request as done
//! or rejected (`resolve_request`). Its detail names things as the outgoing
//! `ContractChangeRequested` does:
//!
//! ```json
//! {"customer": "K-1001", "request": "001795000000-0a1b2c3d", "status": "rejected",
//!  "reason": "Der Tarif erlaubt höchstens 50 Lizenzen."}
//! ```
//!
//! An event that cannot be applied (invalid detail, unknown request, a request of another
//! company, one already answered) is logged with why and dropped: failing it would only make
//! EventBridge retry what can never succeed. Only a storage failure fails the invocation, and
//! the retry is harmless because only a pending request closes.

use super::resolve::{reason, resolve_request, Resolution, ResolveError, ResolveTargets};
use crate::app::App;
use crate::domain::ids::CompanyId;
use crate::store::contracts::RequestStatus;
use crate::store::StoreError;
use serde::Deserialize;
use serde_json::Value;

/// The event's `detail-type`.
pub const EVENT_TYPE: &str = "ContractChangeResolved";
/// The event's `source`: the billing system (the template's rule matches only this one).
pub const SOURCE: &str = "billing";
/// The activity log's `by` for answers from the billing system.
const BY: &str = "billing";

/// The event's detail. Further fields are allowed (a billing system may send more than the
/// portal reads).
#[derive(Debug, Deserialize)]
struct Detail {
    customer: String,
    request: String,
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// The request is closed.
    Resolved {
        request: String,
        status: RequestStatus,
    },
    /// Nothing changed, for this reason (logged).
    Ignored(String),
}

/// Checks an EventBridge event and closes the request it answers. `Err` only when storage
/// failed (the invocation fails and EventBridge retries).
pub async fn handle(app: &App, event: &Value) -> Result<Handled, StoreError> {
    let detail = match parse(event) {
        Ok(detail) => detail,
        Err(why) => return Ok(ignored(why)),
    };
    let (company, id, resolution) = detail;
    let targets = ResolveTargets {
        contracts: &app.contracts,
        directory: &app.directory,
        notifications: &app.notifications,
        mail: Some((&app.mailer, app.config.base_url.as_str())),
    };
    match resolve_request(&targets, &company, &id, &resolution, app.clock.now()).await {
        Ok(resolved) => {
            tracing::info!(
                request = %id,
                status = resolution.status.code(),
                notified = resolved.notified,
                mailed = resolved.mailed,
                "contract change request resolved"
            );
            Ok(Handled::Resolved {
                request: id,
                status: resolution.status,
            })
        }
        Err(ResolveError::Store(err)) => Err(err),
        Err(err) => Ok(ignored(err.to_string())),
    }
}

fn ignored(why: String) -> Handled {
    tracing::warn!(reason = %why, metric = "contract_event_ignored", "ContractChangeResolved ignored");
    Handled::Ignored(why)
}

/// The event's detail checked: the company, the request id and the answer.
fn parse(event: &Value) -> Result<(CompanyId, String, Resolution), String> {
    let detail_type = event.get("detail-type").and_then(Value::as_str);
    if detail_type != Some(EVENT_TYPE) {
        return Err(format!("detail-type {detail_type:?} is not {EVENT_TYPE}"));
    }
    let detail: Detail = serde_json::from_value(event.get("detail").cloned().unwrap_or_default())
        .map_err(|e| format!("invalid detail: {e}"))?;
    // Names only, never the reason's text: it may hold personal data.
    let company = CompanyId::parse(&detail.customer)
        .map_err(|_| "detail.customer is not a customer id".to_string())?;
    if !crate::store::support::valid_id(&detail.request) {
        return Err("detail.request is not a request id".into());
    }
    let status = match detail.status.as_str() {
        "done" => RequestStatus::Done,
        "rejected" => RequestStatus::Rejected,
        _ => return Err("detail.status is neither done nor rejected".into()),
    };
    let reason = reason(detail.reason.as_deref().unwrap_or_default())
        .map_err(|e| format!("detail.reason: {e}"))?;
    Ok((
        company,
        detail.request,
        Resolution {
            status,
            reason,
            by: BY,
        },
    ))
}

/// Builds the app from the function's environment and serves the bus's events on a
/// single-threaded runtime (see `crate::lambda::run`).
pub fn run() -> Result<(), lambda_http::Error> {
    crate::lambda::block_on(serve())
}

async fn serve() -> Result<(), lambda_http::Error> {
    use lambda_http::lambda_runtime::{service_fn, LambdaEvent};
    crate::telemetry::init();
    let started = (|| -> Result<_, crate::config::ConfigError> {
        let config = crate::Config::from_env()?;
        let sdk = crate::app::lambda_sdk_config(|name| std::env::var(name).ok())?;
        Ok((config, sdk))
    })();
    let (config, sdk) = match started {
        Ok(parts) => parts,
        Err(err) => {
            tracing::error!(function = "events-contract-resolved", error = %err, "refusing to start");
            return Err(err.into());
        }
    };
    let app: &'static App = Box::leak(Box::new(App::new(config, &sdk, crate::Clock::system())));
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        handle(app, &event.payload)
            .await
            .map(|_| ())
            .map_err(|e| lambda_http::Error::from(e.to_string()))
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(detail: Value) -> Value {
        json!({
            "version": "0",
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "detail-type": EVENT_TYPE,
            "source": SOURCE,
            "account": "111122223333",
            "time": "2026-12-05T13:00:00Z",
            "region": "eu-central-1",
            "resources": [],
            "detail": detail,
        })
    }

    #[test]
    fn a_valid_answer_is_read_with_its_reason() {
        let (company, id, resolution) = parse(&event(json!({
            "customer": "K-1001",
            "request": "001795000000-0a1b2c3d",
            "status": "rejected",
            "reason": " Höchstens 50 Lizenzen ",
            "billing_reference": "extra fields are fine",
        })))
        .unwrap();
        assert_eq!(company.as_str(), "K-1001");
        assert_eq!(id, "001795000000-0a1b2c3d");
        assert_eq!(resolution.status, RequestStatus::Rejected);
        assert_eq!(resolution.reason.as_deref(), Some("Höchstens 50 Lizenzen"));
        let (_, _, done) = parse(&event(json!({
            "customer": "K-1001", "request": "001795000000-0a1b2c3d", "status": "done",
        })))
        .unwrap();
        assert_eq!((done.status, done.reason), (RequestStatus::Done, None));
    }

    #[test]
    fn an_invalid_event_is_refused_with_a_reason_and_never_panics() {
        let long = "x".repeat(501);
        for (bad, why) in [
            (json!({"detail-type": "Other", "detail": {}}), "detail-type"),
            (json!({"detail-type": EVENT_TYPE}), "invalid detail"),
            (event(json!("text")), "invalid detail"),
            (
                event(json!({"customer": "K-1001", "status": "done"})),
                "invalid detail",
            ),
            (
                event(
                    json!({"customer": "../x", "request": "001795000000-0a1b2c3d", "status": "done"}),
                ),
                "detail.customer",
            ),
            (
                event(json!({"customer": "K-1001", "request": "x#y", "status": "done"})),
                "detail.request",
            ),
            (
                event(
                    json!({"customer": "K-1001", "request": "001795000000-0a1b2c3d", "status": "pending"}),
                ),
                "detail.status",
            ),
            (
                event(
                    json!({"customer": "K-1001", "request": "001795000000-0a1b2c3d", "status": "done", "reason": long}),
                ),
                "detail.reason",
            ),
            (
                event(json!({"customer": 7, "request": "001795000000-0a1b2c3d", "status": "done"})),
                "invalid detail",
            ),
        ] {
            let err = parse(&bad).unwrap_err();
            assert!(err.starts_with(why), "{err} for {bad}");
        }
    }
}
