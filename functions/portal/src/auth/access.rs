//! Who may do what for which company: the pipeline admits a company route's caller here.

use super::session::{authenticate, Authenticated};
use crate::app::App;
use crate::domain::ids::{CompanyId, Role};
use crate::error::ApiError;
use crate::http::ApiRequest;

/// A signed-in person acting for one company in one role, as the pipeline resolved it for a
/// `company(…)` route. Every key the handler builds uses `company` from here.
pub struct Caller {
    pub session: Authenticated,
    pub company: CompanyId,
    pub role: Role,
}

/// Requires a session that acts for a company (409 when none is chosen yet) in one of `roles`
/// (403 otherwise).
pub(crate) async fn admit(app: &App, req: &ApiRequest, roles: &[Role]) -> Result<Caller, ApiError> {
    let session = authenticate(app, req).await?;
    let membership = session.active().ok_or(ApiError::NoCompanySelected)?;
    if !roles.contains(&membership.role) {
        return Err(ApiError::Forbidden);
    }
    let (company, role) = (membership.company_id.clone(), membership.role);
    Ok(Caller {
        session,
        company,
        role,
    })
}
