//! `portal-admin contracts resolve`: closes a pending contract change request once the billing
//! system has applied it (`--done`) or refused it (`--rejected`); the company sees the result and
//! may ask for that change again. Contracts themselves come in with `import contracts`.

use crate::Stores;
use portal::domain::ids::CompanyId;
use portal::store::contracts::{ContractRequest, RequestStatus};

pub async fn resolve(
    stores: &Stores,
    company: &str,
    request: &str,
    done: bool,
    now: u64,
) -> Result<ContractRequest, String> {
    let company =
        CompanyId::parse(company).map_err(|_| format!("{company:?} is not a valid customer id"))?;
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
        .resolve(&company, request, status, now)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("company {company} has no pending contract request {request}"))
}
