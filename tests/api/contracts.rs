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

/// The billing system closes requests without anyone running a tool (issue #18): a contracts
/// manifest in the import inbox that shows a request carried out closes it as done, and the
/// `ContractChangeResolved` event on the bus closes another as rejected with its reason. Each
/// time the requester gets the in-portal notification.
#[tokio::test]
async fn the_billing_system_closes_requests_by_import_and_by_event() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _email) = portal
        .member_session("Abschluss GmbH", Lang::De, Role::Owner)
        .await;
    portal
        .add_contract(&company, "M-1", Term::Monthly, Licence::Multi, 3)
        .await;
    portal
        .add_contract(&company, "M-2", Term::Monthly, Licence::Multi, 2)
        .await;
    let asked = |contract: &'static str, seats: u32| {
        let body = json!({ "kind": "change_seats", "seats": seats });
        (format!("/api/contracts/{contract}/requests"), body)
    };
    let (path, body) = asked("M-1", 8);
    let first = browser.post(&path, &body).await;
    assert_eq!(first.status, 202, "{first:?}");
    let first = first.json["request"]["id"].as_str().unwrap().to_string();
    let (path, body) = asked("M-2", 50);
    let second = browser.post(&path, &body).await;
    let second = second.json["request"]["id"].as_str().unwrap().to_string();

    // The nightly export shows M-1 with 8 seats, M-2 unchanged.
    let manifest = format!(
        "customer_id,contract_id,plan,licence,seats,term,price,currency,started,next_billing,ends,cancelled\n\
         {c},M-1,Kundenportal Pro,multi,8,monthly,49.00,EUR,2026-01-01,2099-01-01,,false\n\
         {c},M-2,Kundenportal Pro,multi,2,monthly,49.00,EUR,2026-01-01,2099-01-01,,false\n",
        c = company.as_str()
    );
    let batch = portal_tests::unique("contracts");
    let s3 = portal::store::documents::s3_client(
        &devstack::local::sdk_config(portal_tests::moto_url()),
        true,
    );
    for (name, body) in [
        ("contracts.csv", manifest.into_bytes()),
        ("READY", Vec::new()),
    ] {
        s3.put_object()
            .bucket(&portal.resources.buckets["InboxBucket"])
            .key(format!("inbox/{batch}/{name}"))
            .body(body.into())
            .send()
            .await
            .unwrap();
    }
    portal
        .inbox()
        .process(
            &portal_import::inbox::Marker::Ready {
                batch: batch.clone(),
            },
            std::time::Instant::now() + std::time::Duration::from_secs(600),
        )
        .await
        .unwrap();
    let result = s3
        .get_object()
        .bucket(&portal.resources.buckets["InboxBucket"])
        .key(format!("inbox/{batch}/result.json"))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    let result: serde_json::Value = serde_json::from_slice(&result).unwrap();
    assert_eq!(
        result["manifests"]["contracts"]["resolved"], 1,
        "{result:#}"
    );
    let list = browser.get("/api/contracts").await;
    let status_of = |id: &str| {
        list.json["requests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["status"].clone())
            .unwrap()
    };
    assert_eq!(status_of(&first), "done", "{list:?}");
    assert_eq!(
        status_of(&second),
        "pending",
        "carried out differently: support decides"
    );

    // The billing system refuses the other one on the bus.
    let event = json!({
        "version": "0", "id": "e1", "detail-type": "ContractChangeResolved", "source": "billing",
        "account": "000000000000", "time": "2026-12-05T13:00:00Z", "region": "eu-central-1",
        "resources": [],
        "detail": { "customer": company.as_str(), "request": second, "status": "rejected",
                    "reason": "Der Tarif erlaubt höchstens 20 Lizenzen." }
    });
    let handled = portal::contracts::resolved_event::handle(&portal.app_for_seeding, &event)
        .await
        .unwrap();
    assert!(
        matches!(
            handled,
            portal::contracts::resolved_event::Handled::Resolved { .. }
        ),
        "{handled:?}"
    );
    // Delivered again (EventBridge retries): nothing more happens.
    let again = portal::contracts::resolved_event::handle(&portal.app_for_seeding, &event)
        .await
        .unwrap();
    assert!(matches!(
        again,
        portal::contracts::resolved_event::Handled::Ignored(_)
    ));
    let list = browser.get("/api/contracts").await;
    let rejected = list.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == second.as_str())
        .unwrap()
        .clone();
    assert_eq!(rejected["status"], "rejected", "{list:?}");
    let notifications = browser.get("/api/notifications").await;
    let statuses = notifications.json["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "contract_status")
        .count();
    assert_eq!(statuses, 2, "{notifications:?}");
}
