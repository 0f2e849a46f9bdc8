//! What each function really does in AWS, noted by an SDK interceptor while every route runs
//! its successful path once: (1) each call is allowed by the route's grants, from which the
//! template's IAM policy is generated; (2) each granted resource is used, so no policy names a
//! table, bucket or identity its function does not need; (3) each route makes exactly the
//! number of calls its `aws_calls` budget in the route table says, so a change that adds a
//! round trip fails loudly. An authenticated read is 2 calls (the session, the caller's
//! memberships) + its data calls.

use crate::authorization::{sample, SAMPLE_UPLOAD};
use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal::routes::{Resource, Route, FALLBACK_FUNCTION, ROUTES};
use portal::store::calls::AwsCall;
use portal_tests::TestPortal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[tokio::test]
async fn every_function_is_granted_exactly_the_resources_it_uses_within_its_call_budget() {
    let portal = TestPortal::spawn_with(&[
        ("LOGIN_LIMIT_PER_IP", "10000"),
        ("PAYEE_NAME", "Beispiel Verlag GmbH"),
        ("PAYEE_IBAN", "DE89 3704 0044 0532 0130 00"),
    ])
    .await;
    let company = portal.add_company("Matrix GmbH").await;
    let doc = portal
        .add_document(
            &company,
            "R-1",
            "2026-01-01",
            Some(b"%PDF-1.4\n"),
            Some(b"<x/>"),
        )
        .await;
    let owner = portal
        .add_login(Lang::De, &[(&company, "Matrix GmbH", Role::Owner)])
        .await;
    let member = portal
        .add_login(Lang::De, &[(&company, "Matrix GmbH", Role::Viewer)])
        .await;
    let member_id =
        portal::team::member_id(&portal::domain::email::EmailAddress::parse(&member).unwrap());
    let request = portal.add_route_samples(&company, &member).await;
    // The files the samples of documents-proof and support-create name, as a browser would
    // have uploaded them.
    for purpose in [format!("proof/{}", doc.id.as_str()), "support".to_string()] {
        portal
            .add_file(
                &format!("uploads/{company}/{purpose}/{SAMPLE_UPLOAD}"),
                b"%PDF-1.4\n",
                "application/pdf",
            )
            .await;
    }
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &owner).await;

    let mut seen: BTreeMap<&str, Vec<AwsCall>> = BTreeMap::new();
    let mut routes: Vec<&Route> = ROUTES
        .iter()
        .copied()
        .filter(|r| r.function != FALLBACK_FUNCTION)
        .collect();
    routes.sort_by_key(|r| r.function == "auth-logout");
    for route in routes {
        let mut body = sample(route.function).expect("sample request");
        // Redeeming an activation's link completes the activation: the route's longest path.
        if route.function == "auth-redeem" {
            let address = format!("activated-{owner}");
            let before = portal.mail_count(&address).await;
            let reply = portal
                .browser()
                .post("/api/auth/activate", &activation(&address, &company))
                .await;
            assert_eq!(reply.status, 202, "{reply:?}");
            body = serde_json::json!({ "token": portal.token(&address, before + 1).await });
        }
        // A revocation link: a company without logins gets its first owner by activation.
        if route.function == "auth-revoke" {
            let orphan = portal.add_company("Widerruf GmbH").await;
            portal
                .add_document(&orphan, "R-1", "2026-01-01", Some(b"%PDF-1.4\n"), None)
                .await;
            let address = format!("first-{owner}");
            let mut first = portal.browser();
            first
                .post("/api/auth/activate", &activation(&address, &orphan))
                .await;
            let token = portal.token(&address, 1).await;
            let reply = first
                .post("/api/auth/session", &serde_json::json!({ "token": token }))
                .await;
            assert_eq!(reply.status, 200, "{reply:?}");
            body = serde_json::json!({ "token": portal.revocation_token(&address).await });
        }
        // The login routes need a real link to take their successful path.
        if route.function == "auth-inspect" {
            let mut other = portal.browser();
            let before = portal.mail_count(&owner).await;
            other
                .post(
                    "/api/auth/login-request",
                    &serde_json::json!({ "email": owner }),
                )
                .await;
            body = serde_json::json!({ "token": portal.token(&owner, before + 1).await });
        }
        if route.function == "auth-request" {
            body = serde_json::json!({ "email": owner });
        }
        let body = serde_json::from_str::<Value>(
            &body
                .to_string()
                .replace("__COMPANY__", company.as_str())
                .replace("__INVITEE__", &format!("new-{owner}")),
        )
        .unwrap();
        let id = if route.function.starts_with("team-") {
            member_id.clone()
        } else if route.function.starts_with("support-") {
            request.clone()
        } else if route.function.starts_with("contracts-") {
            "V-1".to_string()
        } else {
            doc.id.as_str().to_string()
        };
        let mut path = route.path.replace("{id}", &id).replace("{file}", "0-0");
        // A filter, so that the lists take their index path.
        if matches!(route.function, "documents-list" | "documents-export") {
            path.push_str("?kind=invoice");
        }
        portal.calls.take();
        // A redemption replaces the session of the browser it runs in: not the owner's.
        let mut stranger = portal.browser();
        let sender = if route.function == "auth-redeem" {
            &mut stranger
        } else {
            &mut browser
        };
        let mut req = sender.request(route.method.parse().unwrap(), &path);
        if !body.is_null() {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        if route.method == "PUT" {
            let current = match route.function {
                "account-billing-update" => "/api/account/billing",
                "account-contacts-update" => "/api/account/contacts",
                "account-payment-update" => "/api/account/payment",
                _ => "",
            };
            if !current.is_empty() {
                let etag = sender.get(current).await.headers["etag"].clone();
                portal.calls.take();
                req = req.header("if-match", etag);
            }
        }
        let reply = sender.send(req).await;
        assert!(
            reply.status < 400,
            "{} should succeed here: {} {}",
            route.function,
            reply.status,
            reply.text
        );
        let calls: Vec<AwsCall> = portal
            .calls
            .take()
            .into_iter()
            .filter(|c| c.function == route.function)
            .collect();
        seen.insert(route.function, calls);
    }

    let auth = &portal.env["AUTH_TABLE"];
    let table = &portal.env["PORTAL_TABLE"];
    let bucket = &portal.env["DOCUMENTS_BUCKET"];
    let resource_of = |call: &AwsCall| -> Option<Resource> {
        let r = call.resource.as_str();
        if r == format!("table/{auth}") {
            Some(Resource::AuthTable)
        } else if r == format!("table/{table}") {
            Some(Resource::PortalTable)
        } else if let Some(index) = r.strip_prefix(&format!("table/{table}/index/")) {
            Some(Resource::PortalIndex(
                portal::schema::TABLES
                    .iter()
                    .flat_map(|t| t.indexes.iter())
                    .map(|(name, _, _)| *name)
                    .find(|name| *name == index)?,
            ))
        } else if r.starts_with(&format!("bucket/{bucket}/documents/")) {
            Some(Resource::DocumentFiles)
        } else if r.starts_with(&format!("bucket/{bucket}/uploads/")) {
            Some(Resource::UploadFiles)
        } else if r.starts_with(&format!("bucket/{bucket}/checked/")) {
            Some(Resource::CheckedFiles)
        } else if r.starts_with(&format!("bucket/{bucket}/answers/")) {
            Some(Resource::AnswerFiles)
        } else if r == "identity" {
            Some(Resource::MailIdentity)
        } else if r == format!("event-bus/{}", portal.env["EVENT_BUS_NAME"]) {
            Some(Resource::EventBus)
        } else {
            None
        }
    };
    let mut problems = Vec::new();
    let mut report = Vec::new();
    for (function, calls) in &seen {
        let route = portal::routes::by_function(function).unwrap();
        let permissions = route.permissions();
        report.push(format!(
            "{function}: {}",
            calls
                .iter()
                .map(|c| c.request)
                .collect::<BTreeSet<_>>()
                .len()
        ));
        // Round trips: the items of one transaction are one call.
        let requests = calls
            .iter()
            .map(|c| c.request)
            .collect::<BTreeSet<_>>()
            .len();
        if requests != route.aws_calls as usize {
            problems.push(format!(
                "{function} made {requests} AWS calls, its budget (aws_calls in the route table) is {}: {:?}",
                route.aws_calls,
                calls
                    .iter()
                    .map(|c| format!("{} {}", c.action, c.resource))
                    .collect::<Vec<_>>()
            ));
        }
        let mut used = BTreeSet::new();
        for call in calls {
            let Some(resource) = resource_of(call) else {
                problems.push(format!("{function} touched an unknown resource: {call:?}"));
                continue;
            };
            used.insert(resource);
            let allowed = permissions.iter().any(|g| {
                let fits = g.resource == resource
                    || matches!(
                        (g.resource, resource),
                        (Resource::PortalIndex("*"), Resource::PortalIndex(_))
                    );
                fits && g.actions.contains(&call.action.as_str())
            });
            if !allowed {
                problems.push(format!(
                    "{function} needs {} on {resource:?}, which its grants lack",
                    call.action
                ));
            }
        }
        for grant in &permissions {
            // Secrets are read at init, not per request: the runtime test
            // `the_payment_function_reads_its_key_from_secrets_manager_at_init` shows that use.
            if grant.makes_no_call() || grant.is_read_at_init() {
                continue;
            }
            let is_used = used.iter().any(|r| {
                *r == grant.resource
                    || matches!(
                        (grant.resource, r),
                        (Resource::PortalIndex("*"), Resource::PortalIndex(_))
                    )
            });
            if !is_used {
                problems.push(format!(
                    "{function} is granted {:?} but never uses it",
                    grant.resource
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\ncalls per route:\n{}",
        problems.join("\n"),
        report.join("\n")
    );
}

/// An activation request that matches the sample invoice R-1 (119,00) of `company`.
fn activation(email: &str, company: &portal::domain::ids::CompanyId) -> Value {
    serde_json::json!({
        "email": email,
        "customer_number": company.as_str(),
        "invoice_number": "R-1",
        "gross_amount": "119,00"
    })
}
