//! Who may do what for which company: every customer-scoped endpoint starts here.

use super::session::{authenticate, Authenticated};
use crate::app::App;
use crate::domain::ids::{CustomerId, Role};
use crate::error::ApiError;
use crate::http::ApiRequest;

/// An authenticated request acting for one company in one role.
pub struct Access {
    pub auth: Authenticated,
    pub customer: CustomerId,
    pub role: Role,
}

/// Roles that may read documents: everybody.
pub const DOCUMENT_READERS: &[Role] = &[Role::Owner, Role::Billing, Role::Viewer];

/// Requires a session that acts for a company (409 when none is chosen yet) in one of `roles`
/// (403 otherwise). Every key the handler builds afterwards uses `customer` from here.
pub async fn require_customer(
    app: &App,
    req: &ApiRequest,
    roles: &[Role],
) -> Result<Access, ApiError> {
    let auth = authenticate(app, req).await?;
    let membership = auth.active().ok_or(ApiError::NoCustomerSelected)?;
    if !roles.contains(&membership.role) {
        return Err(ApiError::Forbidden);
    }
    let (customer, role) = (membership.customer_id.clone(), membership.role);
    Ok(Access {
        auth,
        customer,
        role,
    })
}
