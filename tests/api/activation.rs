//! Activation for existing customers: customer number + invoice number + gross amount.

use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal_tests::{Browser, Reply, TestPortal};
use serde_json::{json, Value};

fn claim(email: &str, company: &CompanyId, invoice: &str, amount: &str) -> Value {
    json!({
        "email": email,
        "customer_number": company.as_str(),
        "invoice_number": invoice,
        "gross_amount": amount,
    })
}

async fn activate(browser: &mut Browser, body: &Value) -> Reply {
    browser.post("/api/auth/activate", body).await
}

/// A company with invoice R-2026-0042 over 119,00 € (and nobody with access).
async fn company(portal: &TestPortal, name: &str) -> CompanyId {
    let id = portal.add_company(name).await;
    portal
        .add_document(&id, "R-2026-0042", "2026-03-01", Some(b"%PDF-1.4 x"), None)
        .await;
    id
}

fn fresh_address(_portal: &TestPortal, who: &str) -> String {
    format!("{}@example.com", portal_tests::unique(who))
}

/// Redeems the link of the `n`-th mail to `email` (an activation's login mail) in `browser`.
async fn redeem(portal: &TestPortal, browser: &mut Browser, email: &str, n: usize) -> Reply {
    let token = portal.token(email, n).await;
    browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await
}

/// The company's team as its owner sees it: the addresses.
async fn team(owner: &mut Browser) -> Vec<String> {
    let reply = owner.get("/api/team").await;
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.json["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_string())
        .collect()
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

    // Access begins when the address redeems the activation's link (it proves the mailbox).
    assert_eq!(redeem(&portal, &mut browser, &email, 1).await.status, 200);
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
    assert_eq!(redeem(&portal, &mut browser, &email, 1).await.status, 200);
    let notice = portal.mail(&owner, 1).await;
    assert!(notice.subject.contains("New access"), "{}", notice.subject);
    assert!(notice.body.contains(&email), "{}", notice.body);
    assert!(notice.body.contains("/en/portal/team/"));

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
    for (what, email, company, invoice, amount) in [
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
            &CompanyId::parse("nobody-here").unwrap(),
            "R-2026-0042",
            "119,00",
        ),
    ] {
        let mut browser = portal.browser();
        let reply = activate(&mut browser, &claim(&email, company, invoice, amount)).await;
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

#[tokio::test]
async fn an_activation_changes_nothing_in_the_team_until_its_link_is_redeemed() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Geduld GmbH").await;
    let owner = portal
        .add_login(Lang::De, &[(&id, "Geduld GmbH", Role::Owner)])
        .await;
    let mut owners_browser = portal.browser();
    portal.log_in(&mut owners_browser, &owner).await;
    let email = fresh_address(&portal, "never.clicked");
    let mut browser = portal.browser();
    let reply = activate(&mut browser, &claim(&email, &id, "R-2026-0042", "119,00")).await;
    assert_eq!(reply.status, 202);
    // A login mail is on its way, but nobody joined and no owner was told.
    assert_eq!(portal.mail_count(&email).await, 1);
    assert_eq!(team(&mut owners_browser).await, vec![owner.clone()]);
    assert_eq!(
        portal.mail_count(&owner).await,
        1,
        "only the owner's own login mail"
    );
    // Signing in by the usual login page does not work either: the address has no access yet.
    let mut other = portal.browser();
    other
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    assert_eq!(
        portal.mail_count(&email).await,
        1,
        "no login mail for a non-member"
    );

    assert_eq!(redeem(&portal, &mut browser, &email, 1).await.status, 200);
    let mut members = team(&mut owners_browser).await;
    members.sort();
    let mut expected = vec![owner.clone(), email.clone()];
    expected.sort();
    assert_eq!(members, expected);
    assert_eq!(portal.mail_count(&owner).await, 2, "now the owner is told");
}

#[tokio::test]
async fn a_removed_member_cannot_come_back_by_activation_only_by_invitation() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Raus GmbH").await;
    let owner = portal
        .add_login(Lang::De, &[(&id, "Raus GmbH", Role::Owner)])
        .await;
    let removed = portal
        .add_login(Lang::De, &[(&id, "Raus GmbH", Role::Viewer)])
        .await;
    let mut owners_browser = portal.browser();
    portal.log_in(&mut owners_browser, &owner).await;
    let member =
        portal::team::member_id(&portal::domain::email::EmailAddress::parse(&removed).unwrap());
    let reply = owners_browser
        .delete(&format!("/api/team/members/{member}"))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");

    // With an old invoice, the next minute: the same answer as a match, but no mail, no access.
    let mut matched = portal.browser();
    let good = activate(
        &mut matched,
        &claim(&fresh_address(&portal, "ok"), &id, "R-2026-0042", "119,00"),
    )
    .await;
    let mails = portal.mail_count(&removed).await;
    let mut browser = portal.browser();
    let reply = activate(&mut browser, &claim(&removed, &id, "R-2026-0042", "119,00")).await;
    assert_eq!((reply.status, &reply.json), (good.status, &good.json));
    assert_eq!(portal.mail_count(&removed).await, mails, "no mail");
    assert_eq!(team(&mut owners_browser).await, vec![owner.clone()]);

    // An owner's invitation brings her back.
    let reply = owners_browser
        .post(
            "/api/team/members",
            &json!({ "email": removed, "role": "viewer" }),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    let mut back = portal.browser();
    portal.log_in(&mut back, &removed).await;
    assert_eq!(back.get("/api/documents").await.status, 200);
}

#[tokio::test]
async fn a_member_removed_before_redeeming_her_activation_stays_out() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Knapp GmbH").await;
    let owner = portal
        .add_login(Lang::De, &[(&id, "Knapp GmbH", Role::Owner)])
        .await;
    let viewer = portal
        .add_login(Lang::De, &[(&id, "Knapp GmbH", Role::Viewer)])
        .await;
    let mut browser = portal.browser();
    let before = portal.mail_count(&viewer).await;
    activate(&mut browser, &claim(&viewer, &id, "R-2026-0042", "119,00")).await;
    let mut owners_browser = portal.browser();
    portal.log_in(&mut owners_browser, &owner).await;
    let member =
        portal::team::member_id(&portal::domain::email::EmailAddress::parse(&viewer).unwrap());
    owners_browser
        .delete(&format!("/api/team/members/{member}"))
        .await;
    let reply = redeem(&portal, &mut browser, &viewer, before + 1).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert_eq!(team(&mut owners_browser).await, vec![owner]);
}

#[tokio::test]
async fn a_first_owner_by_activation_is_reported_and_can_be_taken_back_within_14_days() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Weiter GmbH").await;
    // The company's invoice address, from earlier billing data.
    let invoices = fresh_address(&portal, "rechnungen");
    let data = portal::store::company::BillingData {
        legal_name: "Weiter GmbH".into(),
        invoice_emails: vec![invoices.clone()],
        ..Default::default()
    };
    let activity = portal::store::company::NewActivity::new(&id, 1, "billing_updated");
    portal
        .app_for_seeding
        .companies
        .save_billing(&id, &data, 0, "import", 1, &activity)
        .await
        .unwrap();
    let forwarded_to = fresh_address(&portal, "weitergeleitet");
    let mut browser = portal.browser();
    activate(
        &mut browser,
        &claim(&forwarded_to, &id, "R-2026-0042", "119,00"),
    )
    .await;
    assert_eq!(
        redeem(&portal, &mut browser, &forwarded_to, 1).await.status,
        200
    );
    assert_eq!(browser.get("/api/documents").await.status, 200);

    // The invoice address and support learn of it, with a link to take it back.
    let notice = portal.mail(&invoices, 1).await;
    assert!(notice.body.contains(&forwarded_to), "{}", notice.body);
    assert!(
        notice.body.contains("/anmelden/widerrufen/#"),
        "{}",
        notice.body
    );
    assert!(
        notice.body.contains("/en/login/revoke/#"),
        "{}",
        notice.body
    );
    assert!(notice.body.contains("14"), "{}", notice.body);
    let token = portal.revocation_token(&forwarded_to).await;
    assert!(notice.body.contains(&token), "the same link to both");

    let mut holder = portal.browser();
    let reply = holder
        .post("/api/auth/activation/revoke", &json!({ "token": token }))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    // Out at once, and not back by activation.
    assert_eq!(browser.get("/api/documents").await.status, 401);
    let mails = portal.mail_count(&forwarded_to).await;
    activate(
        &mut portal.browser(),
        &claim(&forwarded_to, &id, "R-2026-0042", "119,00"),
    )
    .await;
    assert_eq!(portal.mail_count(&forwarded_to).await, mails);
    // Single use.
    let again = holder
        .post("/api/auth/activation/revoke", &json!({ "token": token }))
        .await;
    assert_eq!((again.status, again.code()), (401, "link_invalid"));
}

#[tokio::test]
async fn a_revocation_link_expires_after_14_days() {
    let portal = TestPortal::spawn().await;
    let id = company(&portal, "Spaet GmbH").await;
    let email = fresh_address(&portal, "spaet");
    let mut browser = portal.browser();
    activate(&mut browser, &claim(&email, &id, "R-2026-0042", "119,00")).await;
    assert_eq!(redeem(&portal, &mut browser, &email, 1).await.status, 200);
    let token = portal.revocation_token(&email).await;
    portal
        .clock
        .advance(portal::auth::REVOCATION_DAYS as i64 * 86_400 + 60);
    let reply = portal
        .browser()
        .post("/api/auth/activation/revoke", &json!({ "token": token }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "link_expired"));
}
