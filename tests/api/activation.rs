//! Activation for existing customers: customer number + invoice number + gross amount.

use portal::domain::ids::{CustomerId, Role};
use portal::domain::lang::Lang;
use portal_tests::{Browser, Reply, TestPortal};
use serde_json::{json, Value};

fn claim(email: &str, customer: &CustomerId, invoice: &str, amount: &str) -> Value {
    json!({
        "email": email,
        "customer_number": customer.as_str(),
        "invoice_number": invoice,
        "gross_amount": amount,
    })
}

async fn activate(browser: &mut Browser, body: &Value) -> Reply {
    browser.post("/api/auth/activate", body).await
}

/// A company with invoice R-2026-0042 over 119,00 € (and nobody with access).
async fn company(portal: &TestPortal, name: &str) -> CustomerId {
    let id = portal.add_company(name).await;
    portal
        .add_document(&id, "R-2026-0042", "2026-03-01", Some(b"%PDF-1.4 x"), None)
        .await;
    id
}

fn fresh_address(_portal: &TestPortal, who: &str) -> String {
    format!("{}@example.com", portal_tests::unique(who))
}

#[tokio::test]
async fn the_first_person_to_activate_a_company_without_logins_becomes_its_owner() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Aktiv GmbH").await;
    let email = fresh_address(&portal, "erste");
    let mut browser = portal.browser();
    let reply = activate(&mut browser, &claim(&email, &id, "R-2026-0042", "119,00 €")).await;
    assert_eq!(reply.status, 202, "{reply:?}");
    assert!(browser.cookie("__Host-portal_attempt").is_some());

    portal.log_in(&mut browser, &email).await;
    let session = browser.get("/api/auth/session").await;
    assert_eq!(session.json["customers"][0]["role"], "owner", "{session:?}");
    let activity = browser.get("/api/account/activity").await;
    assert!(activity.text.contains("access_activated"), "{activity:?}");
}

#[tokio::test]
async fn a_further_person_becomes_viewer_and_the_owners_are_told_by_mail() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Zweit GmbH").await;
    let owner = portal
        .add_login(Lang::En, &[(&id, "Zweit GmbH", Role::Owner)])
        .await;
    let email = fresh_address(&portal, "zweite");
    let mut browser = portal.browser();
    let reply = activate(&mut browser, &claim(&email, &id, "r-2026-0042", "119.00")).await;
    assert_eq!(reply.status, 202, "{reply:?}");
    let notice = portal.mail(&owner, 1).await;
    assert!(notice.subject.contains("New access"), "{}", notice.subject);
    assert!(notice.body.contains(&email), "{}", notice.body);
    assert!(notice.body.contains("/en/portal/team/"));

    portal.log_in(&mut browser, &email).await;
    let session = browser.get("/api/auth/session").await;
    assert_eq!(session.json["customers"][0]["role"], "viewer");
    assert_eq!(browser.get("/api/documents").await.status, 200);
    assert_eq!(browser.get("/api/account/billing").await.status, 403);
}

#[tokio::test]
async fn every_mismatch_answers_exactly_like_a_match_and_changes_nothing() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Gleich GmbH").await;
    let other = company(&portal, "Andere GmbH").await;
    let mut matched = portal.browser();
    let good = activate(
        &mut matched,
        &claim(&fresh_address(&portal, "gut"), &id, "R-2026-0042", "119,00"),
    )
    .await;
    for (what, email, customer, invoice, amount) in [
        (
            "wrong amount",
            fresh_address(&portal, "a"),
            &id,
            "R-2026-0042",
            "118,99",
        ),
        (
            "unknown invoice",
            fresh_address(&portal, "b"),
            &id,
            "R-2026-0043",
            "119,00",
        ),
        (
            "invoice of another company",
            fresh_address(&portal, "c"),
            &other,
            "R-2026-0042x",
            "119,00",
        ),
        (
            "unknown customer",
            fresh_address(&portal, "d"),
            &CustomerId::parse("nobody-here").unwrap(),
            "R-2026-0042",
            "119,00",
        ),
    ] {
        let mut browser = portal.browser();
        let reply = activate(&mut browser, &claim(&email, customer, invoice, amount)).await;
        assert_eq!(reply.status, good.status, "{what}");
        assert_eq!(reply.json, good.json, "{what}");
        let names = |r: &Reply| -> Vec<String> {
            r.set_cookies()
                .iter()
                .map(|c| c.split('=').next().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&reply), names(&good), "{what}");
        assert_eq!(portal.mail_count(&email).await, 0, "{what}: no mail");
    }
    let mut browser = portal.browser();
    let reply = browser
        .post(
            "/api/auth/login-request",
            &json!({ "email": fresh_address(&portal, "a") }),
        )
        .await;
    assert_eq!(reply.status, 202);
}

#[tokio::test]
async fn an_existing_member_keeps_their_role_and_just_gets_a_login_mail() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Bleib GmbH").await;
    let billing = portal
        .add_login(Lang::De, &[(&id, "Bleib GmbH", Role::Billing)])
        .await;
    let mut browser = portal.browser();
    let reply = activate(&mut browser, &claim(&billing, &id, "R-2026-0042", "119")).await;
    assert_eq!(reply.status, 202);
    portal.log_in(&mut browser, &billing).await;
    let session = browser.get("/api/auth/session").await;
    assert_eq!(session.json["customers"][0]["role"], "billing");
}

#[tokio::test]
async fn malformed_fields_are_named_in_the_users_language() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    browser.lang = "en";
    let reply = activate(
        &mut browser,
        &json!({ "email": "nope", "customer_number": "", "invoice_number": "#1", "gross_amount": "viel" }),
    )
    .await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, "validation_failed"),
        "{reply:?}"
    );
    let fields = reply.fields();
    assert_eq!(
        fields,
        ["email", "customer_number", "invoice_number", "gross_amount"]
    );
    assert!(reply.text.contains("invoice total"), "{}", reply.text);
    let unknown = activate(
        &mut browser,
        &json!({ "email": "a@example.com", "extra": 1 }),
    )
    .await;
    assert_eq!(unknown.status, 400);
}

#[tokio::test]
async fn guessing_is_stopped_per_customer_number_even_from_many_addresses() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Rate GmbH").await;
    let mut statuses = Vec::new();
    for n in 0..7 {
        let mut browser = portal.browser();
        browser.forwarded_for = Some(format!("198.51.100.{n}"));
        let reply = activate(
            &mut browser,
            &claim(
                &fresh_address(&portal, "r"),
                &id,
                "R-2026-0042",
                &format!("{n},00"),
            ),
        )
        .await;
        statuses.push(reply.status);
        if reply.status == 429 {
            assert!(reply.header("retry-after").is_some());
        }
    }
    assert_eq!(statuses, [202, 202, 202, 202, 202, 429, 429]);
}
