//! Contracts and subscriptions: what the company has (as the billing system reports it) and the
//! changes it may ask for. A request is checked against the rules (`domain::contract`), stored
//! as pending, recorded in the activity log, mailed to support and published on the event bus
//! for the billing system, which applies it. It closes by itself (`resolve`): when a contracts
//! import shows the change, or when the billing system answers with `ContractChangeResolved`.

use crate::app::App;
use crate::auth::Caller;
use crate::domain::contract::{check, ChangeKind, Contract};
use crate::domain::documents::date_of;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::company::NewActivity;
use crate::store::contracts::{valid_contract_id, ContractRequest, RequestStatus};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

pub mod resolve;
pub mod resolved_event;
pub use resolve::{resolve_request, Resolution, ResolveError, ResolveTargets, Resolved};

/// The event the billing system subscribes to.
pub const EVENT_TYPE: &str = "ContractChangeRequested";

fn request_json(request: &ContractRequest) -> Value {
    json!({
        "id": request.id,
        "contract": request.contract,
        "kind": request.kind,
        "seats": request.seats,
        "effective": request.effective.to_string(),
        "status": request.status,
        "requested_at": request.requested_at,
        "requested_by": request.requested_by,
    })
}

fn contract_json(
    contract: &Contract,
    requests: &[ContractRequest],
    today: crate::domain::documents::Date,
) -> Value {
    let pending: Vec<Value> = requests
        .iter()
        .filter(|r| r.contract == contract.id && r.status == RequestStatus::Pending)
        .map(request_json)
        .collect();
    // What may be asked for now (seats changes need a number, so they count as possible when
    // any other number would pass).
    let possible: Vec<&str> = ChangeKind::ALL
        .into_iter()
        .filter(|kind| {
            let seats = match kind {
                ChangeKind::ChangeSeats => Some(if contract.seats == 1 {
                    2
                } else {
                    contract.seats - 1
                }),
                _ => None,
            };
            check(contract, *kind, seats, today).is_ok()
        })
        .map(ChangeKind::code)
        .collect();
    json!({
        "id": contract.id,
        "plan": contract.plan,
        "licence": contract.licence,
        "seats": contract.seats,
        "term": contract.term.code(),
        "price": { "amount": contract.price.decimal(), "currency": contract.price.currency.as_str() },
        "started": contract.started.to_string(),
        "next_billing": contract.next_billing.to_string(),
        "ends": contract.ends.map(|d| d.to_string()),
        "cancelled": contract.cancelled,
        "pending": pending,
        "possible": possible,
    })
}

/// `GET /api/contracts`.
pub async fn list(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    req.query_params(&[])?;
    Ok(ApiResponse::json(
        StatusCode::OK,
        &contracts_json(app, &caller.company).await?,
    ))
}

/// The company's contracts with what may be asked for, and its change requests (as `GET
/// /api/contracts` and the data export show them).
pub(crate) async fn contracts_json(
    app: &App,
    company: &crate::domain::ids::CompanyId,
) -> Result<Value, ApiError> {
    let (contracts, requests) = app.contracts.all(company).await?;
    let today = date_of(app.clock.now());
    Ok(json!({
        "contracts": contracts.iter().map(|c| contract_json(c, &requests, today)).collect::<Vec<_>>(),
        "requests": requests.iter().map(request_json).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    kind: String,
    #[serde(default)]
    seats: Option<u32>,
}

/// `POST /api/contracts/{id}/requests` `{kind, seats?}`.
pub async fn request(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let id = req.params.get("id").cloned().unwrap_or_default();
    if !valid_contract_id(&id) {
        return Err(ApiError::NotFound);
    }
    let body: RequestBody = req.json()?;
    let kind = ChangeKind::from_code(&body.kind).ok_or_else(|| {
        ApiError::invalid_field(
            "kind",
            "invalid_kind",
            "Bitte wählen Sie eine Änderung: switch_to_yearly, switch_to_monthly, change_seats, upgrade_to_multi oder cancel.",
            "Please choose a change: switch_to_yearly, switch_to_monthly, change_seats, upgrade_to_multi or cancel.",
        )
    })?;
    let (contracts, _) = app.contracts.all(&caller.company).await?;
    let contract = contracts
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(ApiError::NotFound)?;
    let now = app.clock.now();
    let change =
        check(&contract, kind, body.seats, date_of(now)).map_err(|refused| ApiError::Conflict {
            code: refused.code,
            de: refused.de,
            en: refused.en,
        })?;
    let by = caller.session.login.email.as_str().to_string();
    let request = ContractRequest {
        id: crate::store::support::new_id(now),
        contract: contract.id.clone(),
        kind,
        seats: change.seats,
        effective: change.effective,
        status: RequestStatus::Pending,
        requested_at: now,
        requested_by: by.clone(),
    };
    let activity = NewActivity::new(&caller.company, now, "contract_change_requested")
        .with("by", &by)
        .with("contract", &contract.id)
        .with("change", kind.code());
    if !app
        .contracts
        .add_request(&caller.company, &request, &activity)
        .await?
    {
        return Err(ApiError::Conflict {
            code: "request_pending",
            de: "Für diesen Vertrag ist eine solche Änderung bereits beantragt. Sie sehen sie als „in Bearbeitung“.",
            en: "This change has already been requested for this contract. You see it as pending.",
        });
    }
    // For the billing system; on failure the request stays stored and pending, and support
    // gets the mail below, so nothing is lost: the error is logged with a metric.
    let event = json!({
        "customer": caller.company.as_str(),
        "contract": contract.id,
        "request": request.id,
        "change": kind.code(),
        "seats": request.seats,
        "effective": request.effective.to_string(),
        "requested_by": by,
        "requested_at": now,
        "current": {
            "plan": contract.plan,
            "licence": contract.licence,
            "seats": contract.seats,
            "term": contract.term.code(),
            "next_billing": contract.next_billing.to_string(),
            "cancelled": contract.cancelled,
        },
    });
    if let Err(err) = app.events.publish(EVENT_TYPE, &event).await {
        tracing::error!(error = %err, request = request.id.as_str(), metric = "contract_event_failed", "contract change not published");
    }
    let seats = request
        .seats
        .map(|n| format!(" ({n} Lizenzen)"))
        .unwrap_or_default();
    let text = format!(
        "Vertragsänderung aus dem Kundenportal\n\nFirma: {}\nVertrag: {} ({})\nÄnderung: {}{seats}\nWirksam ab: {}\nBeantragt von: {by}\nAnfrage: {}\n\nErledigt? portal-admin contracts resolve {} {} --done (oder --rejected)\n",
        caller.company,
        contract.id,
        contract.plan,
        kind.label_de(),
        request.effective,
        request.id,
        caller.company,
        request.id,
    );
    crate::support::mail_support(
        app,
        format!(
            "Vertragsänderung: {} – {} ({})",
            kind.label_de(),
            contract.plan,
            caller.company
        ),
        text,
        &request.id,
        "contract_mail_failed",
        // Support closes it by replying #erledigt / #abgelehnt (`support::replies`).
        crate::domain::reply::Reference::new(
            crate::domain::reply::ReferenceKind::ContractChange,
            caller.company.clone(),
            &request.id,
        )
        .ok(),
    )
    .await;
    let lang = req.lang();
    Ok(ApiResponse::json(
        StatusCode::ACCEPTED,
        &json!({
            "message": lang.pick(
                "Ihre Änderung ist beantragt. Sie sehen sie als „in Bearbeitung“, bis sie in unserer Abrechnung umgesetzt ist.",
                "Your change has been requested. You see it as pending until our billing has applied it.",
            ),
            "request": request_json(&request),
        }),
    ))
}
