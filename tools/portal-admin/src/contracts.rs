//! `portal-admin contracts resolve`: closes a pending contract change request once the billing
//! system has applied it (`--done`) or refused it (`--rejected`); the company sees the result and
//! may ask for that change again (the ad-hoc path: requests close by themselves through the
//! contracts import and the billing system's `ContractChangeResolved` event; all three share
//! `portal::contracts::resolve_request`). Contracts themselves come in with `import contracts`.

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
    let targets = portal::contracts::ResolveTargets {
        contracts: &stores.contracts,
        directory: &stores.directory,
        notifications: &stores.notifications,
        mail: stores.notifier.as_ref().map(|n| (n.mailer(), n.base_url())),
    };
    let resolution = portal::contracts::Resolution {
        status,
        reason: None,
        by: "portal-admin",
    };
    portal::contracts::resolve_request(&targets, &company, request, &resolution, now)
        .await
        .map(|resolved| resolved.request)
        .map_err(|e| e.to_string())
}
