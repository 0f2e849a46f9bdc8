//! Contracts and subscriptions: the list, change requests with their rules, support's mail and
//! the event for the billing system.

use portal::domain::contract::{Licence, Term};
use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::TestPortal;
use serde_json::json;

async fn events_for(request: &str) -> Vec<serde_json::Value> {
    for _ in 0..50 {
        let events: Vec<_> = devstack::local::published_events(portal_tests::moto_url())
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e["detail"]["request"] == request)
            .collect();
        if !events.is_empty() {
            return events;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Vec::new()
}

#[tokio::test]
async fn the_company_sees_its_contracts_with_what_may_be_asked_for() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Vertrag GmbH", Lang::De, Role::Viewer)
        .await;
    portal
        .add_contract(&company, "V-1", Term::Monthly, Licence::Single, 1)
        .await;
    portal
        .add_contract(&company, "V-2", Term::Yearly, Licence::Multi, 5)
        .await;
    let list = browser.get("/api/contracts").await;
    assert_eq!(list.status, 200, "{list:?}");
    let contracts = list.json["contracts"].as_array().unwrap();
    assert_eq!(contracts.len(), 2);
    let v1 = &contracts[0];
    assert_eq!(
        (v1["id"].as_str(), v1["term"].as_str()),
        (Some("V-1"), Some("monthly"))
    );
    assert_eq!(v1["price"], json!({ "amount": "49.00", "currency": "EUR" }));
    assert_eq!(
        v1["possible"],
        json!(["switch_to_yearly", "upgrade_to_multi", "cancel"])
    );
    assert_eq!(contracts[1]["possible"], json!(["change_seats", "cancel"]));
    // Viewers read, but may not ask for changes.
    let refused = browser
        .post("/api/contracts/V-1/requests", &json!({ "kind": "cancel" }))
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn a_change_request_is_checked_stored_as_pending_mailed_and_published() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, email) = portal
        .member_session("Abo GmbH", Lang::De, Role::Billing)
        .await;
    portal
        .add_contract(&company, "V-7", Term::Monthly, Licence::Multi, 3)
        .await;
    let reply = browser
        .post(
            "/api/contracts/V-7/requests",
            &json!({ "kind": "change_seats", "seats": 8 }),
        )
        .await;
    assert_eq!(reply.status, 202, "{reply:?}");
    let request = reply.json["request"]["id"].as_str().unwrap().to_string();
    assert_eq!(reply.json["request"]["status"], "pending");
    assert_eq!(reply.json["request"]["seats"], 8);

    let events = events_for(&request).await;
    assert_eq!(events.len(), 1, "exactly one event");
    let event = &events[0];
    assert_eq!(event["detail-type"], "ContractChangeRequested");
    assert_eq!(event["detail"]["customer"], company.as_str());
    assert_eq!(event["detail"]["change"], "change_seats");
    assert_eq!(event["detail"]["current"]["seats"], 3);
    assert_eq!(event["detail"]["requested_by"], email.as_str());

    let list = browser.get("/api/contracts").await;
    assert_eq!(
        list.json["contracts"][0]["pending"][0]["id"],
        request.as_str()
    );
    let again = browser
        .post(
            "/api/contracts/V-7/requests",
            &json!({ "kind": "change_seats", "seats": 9 }),
        )
        .await;
    assert_eq!((again.status, again.code()), (409, "request_pending"));
    let activity = browser.get("/api/account/activity").await;
    assert!(activity.text.contains("contract_change_requested"));

    // Support resolves it once the billing system has applied it; then it may be asked again.
    let stores = portal.admin_stores();
    portal_admin::contracts::resolve(&stores, company.as_str(), &request, true, 1)
        .await
        .unwrap();
    assert!(
        portal_admin::contracts::resolve(&stores, company.as_str(), &request, true, 1)
            .await
            .is_err(),
        "only a pending request is resolved"
    );
    let list = browser.get("/api/contracts").await;
    assert_eq!(list.json["contracts"][0]["pending"], json!([]));
    assert_eq!(list.json["requests"][0]["status"], "done");
    let next = browser
        .post(
            "/api/contracts/V-7/requests",
            &json!({ "kind": "change_seats", "seats": 9 }),
        )
        .await;
    assert_eq!(next.status, 202, "{next:?}");
}

#[tokio::test]
async fn requests_against_the_rules_are_refused_with_a_reason_and_change_nothing() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Regel GmbH", Lang::En, Role::Owner)
        .await;
    browser.lang = "en";
    portal
        .add_contract(&company, "Y-1", Term::Yearly, Licence::Single, 1)
        .await;
    for (body, status, code) in [
        (
            json!({ "kind": "switch_to_monthly" }),
            409,
            "cancel_yearly_first",
        ),
        (json!({ "kind": "switch_to_yearly" }), 409, "already_yearly"),
        (
            json!({ "kind": "change_seats", "seats": 4 }),
            409,
            "single_licence",
        ),
        (
            json!({ "kind": "cancel", "seats": 2 }),
            409,
            "seats_not_allowed",
        ),
        (
            json!({ "kind": "upgrade_to_multi", "seats": 1 }),
            409,
            "invalid_seats",
        ),
        (json!({ "kind": "downgrade" }), 400, "invalid_kind"),
        (
            json!({ "kind": "cancel", "plan": "free" }),
            400,
            "unknown_field",
        ),
        (
            json!({ "kind": "change_seats", "seats": -1 }),
            400,
            "invalid_json",
        ),
    ] {
        let reply = browser.post("/api/contracts/Y-1/requests", &body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (status, code),
            "{body}: {reply:?}"
        );
    }
    let reason = browser
        .post(
            "/api/contracts/Y-1/requests",
            &json!({ "kind": "switch_to_monthly" }),
        )
        .await;
    assert!(
        reason.text.contains("cancel the yearly term first"),
        "{}",
        reason.text
    );
    for path in [
        "/api/contracts/NOPE/requests",
        "/api/contracts/..%2Fx/requests",
    ] {
        let reply = browser.post(path, &json!({ "kind": "cancel" })).await;
        assert_eq!(reply.status, 404, "{path}");
    }
    // Cancel first, then monthly from the end of the term.
    assert_eq!(
        browser
            .post("/api/contracts/Y-1/requests", &json!({ "kind": "cancel" }))
            .await
            .status,
        202
    );
    let list = browser.get("/api/contracts").await;
    assert!(list.json["requests"].as_array().unwrap().len() == 1);
    // Another company's contract is as unknown as a made-up one.
    let (mut other, _, _) = portal
        .member_session("Fremd GmbH", Lang::De, Role::Owner)
        .await;
    let foreign = other
        .post("/api/contracts/Y-1/requests", &json!({ "kind": "cancel" }))
        .await;
    assert_eq!(foreign.status, 404);
}
