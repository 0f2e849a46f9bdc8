//! The authorization matrix: every route of the route table × {no session, expired session,
//! session of another company, viewer, billing, owner}, checked against the role matrix
//! written out below: on purpose not read from the route table, so that a wrong or missing
//! declaration there fails here. A route without a sample request or an expected row here fails
//! the test, so none can be forgotten.

use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal::routes::{FALLBACK_FUNCTION, ROUTES};
use portal_tests::{Browser, TestPortal};
use serde_json::{json, Value};

/// A request that passes input validation, so that only authorization decides.
/// The upload id the samples name; `aws_calls` puts a file there first.
pub(crate) const SAMPLE_UPLOAD: &str = "0123456789abcdef0123456789abcdef";

pub(crate) fn sample(function: &str) -> Option<Value> {
    let billing = json!({
        "legal_name": "Matrix GmbH",
        "address": { "line1": "Weg 1", "postal_code": "10115", "city": "Berlin", "country": "DE" }
    });
    Some(match function {
        "auth-request" => json!({ "email": "matrix@example.com" }),
        "auth-activate" => json!({
            "email": "activated-__INVITEE__",
            "customer_number": "__COMPANY__",
            "invoice_number": "R-1",
            "gross_amount": "119,00"
        }),
        "auth-inspect" => json!({ "token": portal::domain::secret::Secret::generate().expose() }),
        "auth-redeem" => json!({ "token": portal::domain::secret::Secret::generate().expose() }),
        "auth-revoke" => json!({ "token": portal::domain::secret::Secret::generate().expose() }),
        "auth-select" => json!({ "customer_id": "__COMPANY__" }),
        "documents-send" => json!({ "to": "accountant@example.com" }),
        "account-billing-update" => billing,
        "account-change-request" => json!({ "legal_name": "Neu GmbH", "reason": "Test" }),
        "team-invite" => json!({ "email": "__INVITEE__", "role": "viewer" }),
        "team-role" => json!({ "role": "viewer" }),
        "support-create" => json!({
            "category": "invoice",
            "subject": "Frage",
            "text": "Bitte um Rückruf.",
            "attachment": SAMPLE_UPLOAD
        }),
        "documents-proof-upload" | "support-attachment-upload" => {
            json!({ "content_type": "application/pdf", "size": 1000 })
        }
        "documents-proof" => json!({ "upload_id": SAMPLE_UPLOAD }),
        "notifications-read" => json!({}),
        "contracts-request" => json!({ "kind": "switch_to_yearly" }),
        "account-payment-update" => json!({
            "holder": "Matrix GmbH",
            "iban": "DE89 3704 0044 0532 0130 00",
            "mandate": true
        }),
        "help-feedback" => {
            json!({ "article": "/hilfe/anmeldung/link-abgelaufen/", "helpful": true })
        }
        "account-contacts-update" => {
            json!({ "emails": ["a@example.com"], "phones": ["+49 30 901820"] })
        }
        "auth-session"
        | "auth-logout"
        | "documents-list"
        | "documents-export"
        | "documents-statistics"
        | "documents-detail"
        | "documents-pdf"
        | "documents-xml"
        | "documents-payment"
        | "account-billing"
        | "account-activity"
        | "account-contacts"
        | "account-export"
        | "team-list"
        | "support-list"
        | "support-detail"
        | "support-file"
        | "notifications-list"
        | "contracts-list"
        | "account-payment"
        | "team-remove" => Value::Null,
        _ => return None,
    })
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Access {
    /// Anybody.
    Public,
    /// Any signed-in person, before or after choosing a company.
    Session,
    /// A session acting for a company in one of these roles.
    Company(&'static [Role]),
}

const EVERYONE: Access = Access::Company(&[Role::Owner, Role::Billing, Role::Viewer]);
const OWNER_BILLING: Access = Access::Company(&[Role::Owner, Role::Billing]);
const OWNER: Access = Access::Company(&[Role::Owner]);

/// The role matrix the product promises (README "Roles", the help centre's team article).
fn expected(function: &str) -> Option<Access> {
    Some(match function {
        "auth-request" | "auth-activate" | "auth-inspect" | "auth-redeem" | "auth-revoke"
        | "auth-logout" | "help-feedback" => Access::Public,
        "auth-session" | "auth-select" | "notifications-list" | "notifications-read" => {
            Access::Session
        }
        "documents-list"
        | "documents-export"
        | "documents-statistics"
        | "documents-detail"
        | "documents-pdf"
        | "documents-xml"
        | "documents-send"
        | "documents-payment"
        | "account-export"
        | "contracts-list"
        | "support-attachment-upload"
        | "support-create"
        | "support-list"
        | "support-detail"
        | "support-file" => EVERYONE,
        "documents-proof-upload"
        | "documents-proof"
        | "account-billing"
        | "account-billing-update"
        | "account-change-request"
        | "account-contacts"
        | "account-contacts-update"
        | "account-payment"
        | "account-payment-update"
        | "account-activity"
        | "contracts-request" => OWNER_BILLING,
        "team-list" | "team-invite" | "team-role" | "team-remove" => OWNER,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Nobody,
    OtherCompany,
    Member(Role),
}

async fn call(browser: &mut Browser, method: &str, path: &str, body: &Value) -> u16 {
    let mut req = browser.request(method.parse().unwrap(), path);
    if !body.is_null() {
        req = req
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    if method == "PUT" {
        req = req.header("if-match", "\"0\"");
    }
    browser.send(req).await.status
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_declared() {
    let portal = TestPortal::spawn_with(&[("LOGIN_LIMIT_PER_IP", "10000")]).await;
    let company = portal.add_company("Matrix GmbH").await;
    let other = portal.add_company("Andere GmbH").await;
    let doc = portal
        .add_document(
            &company,
            "R-1",
            "2026-01-01",
            Some(b"%PDF-1.4\n"),
            Some(b"<x/>"),
        )
        .await;
    let mut callers: Vec<(Caller, Browser)> = Vec::new();
    for role in [Role::Owner, Role::Billing, Role::Viewer] {
        let email = portal
            .add_login(Lang::De, &[(&company, "Matrix GmbH", role)])
            .await;
        let mut browser = portal.browser();
        portal.log_in(&mut browser, &email).await;
        callers.push((Caller::Member(role), browser));
    }
    let stranger = portal
        .add_login(Lang::De, &[(&other, "Andere GmbH", Role::Owner)])
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &stranger).await;
    callers.push((Caller::OtherCompany, browser));
    callers.push((Caller::Nobody, portal.browser()));
    let removable = portal
        .add_login(Lang::De, &[(&company, "Matrix GmbH", Role::Viewer)])
        .await;
    let member =
        portal::team::member_id(&portal::domain::email::EmailAddress::parse(&removable).unwrap());
    let invitee = format!("invitee-{removable}");
    let request = portal.add_route_samples(&company, &removable).await;
    let expired_login = portal
        .add_login(Lang::De, &[(&company, "Matrix GmbH", Role::Owner)])
        .await;
    let mut expired = portal.browser();
    portal.log_in(&mut expired, &expired_login).await;

    // The path and body of one route's sample request for this company.
    let request_for = |route: &portal::routes::Route| -> (String, Value) {
        let body = sample(route.function).unwrap_or_else(|| {
            panic!(
                "add a sample request for {} to tests/api/authorization.rs",
                route.function
            )
        });
        let body = serde_json::from_str(
            &body
                .to_string()
                .replace("__COMPANY__", company.as_str())
                .replace("__INVITEE__", &invitee),
        )
        .unwrap();
        let id = if route.function.starts_with("team-") {
            member.clone()
        } else if route.function.starts_with("support-") {
            request.clone()
        } else if route.function.starts_with("contracts-") {
            "V-1".to_string()
        } else {
            doc.id.as_str().to_string()
        };
        (
            route.path.replace("{id}", &id).replace("{file}", "0-0"),
            body,
        )
    };
    let access = |route: &portal::routes::Route| {
        expected(route.function).unwrap_or_else(|| {
            panic!(
                "add {} to the role matrix in tests/api/authorization.rs",
                route.function
            )
        })
    };
    let mut checked = 0;
    // Logging out ends the callers' sessions, so it comes last.
    let mut routes: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.function != FALLBACK_FUNCTION)
        .collect();
    routes.sort_by_key(|r| r.function == "auth-logout");
    for route in routes {
        let (path, body) = request_for(route);
        let mut rows = Vec::new();
        for (caller, browser) in callers.iter_mut() {
            rows.push((*caller, call(browser, route.method, &path, &body).await));
        }
        for (caller, status) in rows {
            check(
                route.function,
                access(route),
                caller,
                status,
                route.path.contains("{id}"),
                &company,
            );
            checked += 1;
        }
    }
    // Expired: past the idle timeout every non-public route answers 401.
    portal.clock.advance(31 * 60);
    for route in ROUTES.iter().filter(|r| r.function != FALLBACK_FUNCTION) {
        if access(route) == Access::Public {
            continue;
        }
        let (path, body) = request_for(route);
        let status = call(&mut expired, route.method, &path, &body).await;
        assert_eq!(status, 401, "{} with an expired session", route.function);
        checked += 1;
    }
    assert!(checked > 80, "{checked}");
}

fn check(
    function: &str,
    access: Access,
    caller: Caller,
    status: u16,
    has_id: bool,
    _company: &CompanyId,
) {
    assert!(status < 500, "{function} as {caller:?}: {status}");
    match (access, caller) {
        (Access::Public, _) => assert!(status != 403, "{function} as {caller:?}: {status}"),
        (_, Caller::Nobody) => assert_eq!(status, 401, "{function} without a session"),
        (Access::Session, _) => assert!(
            ![401, 403].contains(&status),
            "{function} as {caller:?}: {status}"
        ),
        (Access::Company(roles), Caller::Member(role)) => {
            if roles.contains(&role) {
                assert!(
                    ![401, 403, 404].contains(&status),
                    "{function} as {role:?}: {status}"
                );
            } else {
                assert_eq!(status, 403, "{function} as {role:?}");
            }
        }
        (Access::Company(roles), Caller::OtherCompany) => {
            if has_id {
                assert_eq!(status, 404, "{function} for another company's document");
            } else {
                // Their own company's data, as owner there: allowed exactly where owners are.
                let allowed = roles.contains(&Role::Owner);
                assert_eq!(
                    ![401, 403].contains(&status),
                    allowed,
                    "{function} as another company: {status}"
                );
            }
        }
    }
}
