//! `portal-admin contracts resolve`: closes a pending contract change request once the billing
//! system has applied it (`--done`) or refused it (`--rejected`); the company sees the result and
//! may ask for that change again. Contracts themselves come in with `import contracts`.

use crate::Stores;
use portal::domain::ids::CustomerId;
use portal::store::contracts::{ContractRequest, RequestStatus};

pub async fn resolve(
    stores: &Stores,
    customer: &str,
    request: &str,
    done: bool,
    now: u64,
) -> Result<ContractRequest, String> {
    let customer = CustomerId::parse(customer)
        .map_err(|_| format!("{customer:?} is not a valid customer id"))?;
    if !portal::store::support::valid_id(request) {
        return Err(format!(
            "{request:?} is not a request id (like 001795000000-0a1b2c3d)"
        ));
    }
    let status = if done {
        RequestStatus::Done
    } else {
        RequestStatus::Rejected
    };
    stores
        .contracts
        .resolve(&customer, request, status, now)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("company {customer} has no pending contract request {request}"))
}
