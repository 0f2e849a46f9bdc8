//! Faults at the edges: what the client sees and what the logs say when a dependency fails.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::faults::{Fault, FaultProxy};
use portal_tests::{logs, TestPortal};
use serde_json::json;

#[tokio::test]
async fn a_login_mail_that_ses_refuses_still_answers_202_and_logs_an_error_with_a_metric() {
    // The stand-in refuses mail from a sender identity that is not verified, as SES does.
    let portal =
        TestPortal::spawn_with(&[("MAIL_FROM", "Portal <portal@not-verified.example.net>")]).await;
    let company = portal.add_company("Fehler GmbH").await;
    let email = portal
        .add_login(Lang::De, &[(&company, "Fehler GmbH", Role::Owner)])
        .await;
    let mut browser = portal.browser();
    let reply = browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    assert_eq!(reply.status, 202, "{reply:?}");
    let unknown = browser
        .post(
            "/api/auth/login-request",
            &json!({ "email": "niemand@example.com" }),
        )
        .await;
    assert_eq!(
        (reply.json["message"].clone(), reply.set_cookies().len()),
        (unknown.json["message"].clone(), unknown.set_cookies().len()),
        "a known address whose mail failed looks like any other"
    );
    assert_eq!(portal.mail_count(&email).await, 0);
    let masked = portal::domain::email::EmailAddress::parse(&email)
        .unwrap()
        .masked();
    let logs = logs::captured();
    let line = logs
        .lines()
        .find(|l| l.contains("login_mail_failed") && l.contains(&masked))
        .expect("an error line with the metric for this address");
    assert!(line.contains("\"level\":\"ERROR\""), "{line}");
    assert!(!line.contains(&email), "the address is masked: {line}");
}

/// A TCP proxy in front of the stand-in that can be switched off: while off it closes every
/// connection at once, like an unreachable service.
struct Switch {
    url: String,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Switch {
    async fn start(target: &str) -> Switch {
        use std::sync::atomic::Ordering;
        let target = target.trim_start_matches("http://").to_string();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let flag = up.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Switch { url, up }
    }

    fn set(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn with_the_aws_stand_in_unreachable_requests_get_503_with_retry_after_and_recover() {
    let switch = Switch::start(portal_tests::moto_url()).await;
    let portal = TestPortal::spawn_via(&switch.url, &[]).await;
    let company = portal.add_company("Ausfall GmbH").await;
    let email = portal
        .add_login(Lang::De, &[(&company, "Ausfall GmbH", Role::Owner)])
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    assert_eq!(browser.get("/api/documents").await.status, 200);

    switch.set(false);
    for path in [
        "/api/documents",
        "/api/auth/session",
        "/api/account/billing",
    ] {
        let reply = browser.get(path).await;
        assert_eq!(reply.status, 503, "{path}: {reply:?}");
        assert!(reply.header("retry-after").is_some(), "{path}");
        assert!(reply.json["error"]["code"].is_string(), "{path}: {reply:?}");
        assert!(
            !reply.text.contains("dispatch") && !reply.text.contains("127.0.0.1"),
            "no internals: {}",
            reply.text
        );
    }
    let down = browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    assert_eq!(down.status, 503, "{down:?}");

    switch.set(true);
    assert_eq!(browser.get("/api/documents").await.status, 200);
    assert_eq!(browser.get("/api/auth/session").await.status, 200);
}

async fn put_billing(
    browser: &mut portal_tests::Browser,
    city: &str,
    version: &str,
) -> portal_tests::Reply {
    let body = json!({
        "legal_name": "Drossel GmbH",
        "address": { "line1": "Hauptstraße 1", "line2": "", "postal_code": "10115", "city": city, "country": "de" },
        "vat_id": "",
        "invoice_emails": ["rechnung@example.com"],
        "po_reference": ""
    });
    let req = browser
        .request(reqwest::Method::PUT, "/api/account/billing")
        .header("content-type", "application/json")
        .header("if-match", version)
        .body(body.to_string());
    browser.send(req).await
}

#[tokio::test]
async fn a_short_burst_of_dynamodb_throttling_is_retried_with_backoff_and_invisible_to_the_client()
{
    let proxy = FaultProxy::start(portal_tests::moto_url()).await;
    let portal = TestPortal::spawn_via(&proxy.url, &[]).await;
    let (mut browser, _, _) = portal
        .member_session("Drossel GmbH", Lang::De, Role::Owner)
        .await;
    for fault in [Fault::Throttling, Fault::ServerError] {
        proxy.clear();
        proxy.fail("*", fault, Some(2));
        let reply = browser.get("/api/documents").await;
        assert_eq!(reply.status, 200, "{fault:?}: {reply:?}");
        assert_eq!(
            proxy.injected().len(),
            2,
            "{fault:?}: both faults were met and retried"
        );
    }
}

#[tokio::test]
async fn persistent_throttling_or_5xx_on_a_write_ends_in_503_with_retry_after_and_no_partial_write()
{
    let proxy = FaultProxy::start(portal_tests::moto_url()).await;
    let portal = TestPortal::spawn_via(&proxy.url, &[]).await;
    let (mut browser, _, _) = portal
        .member_session("Drossel GmbH", Lang::De, Role::Owner)
        .await;
    let before = browser.get("/api/account/billing").await;
    assert_eq!(before.header("etag"), Some("\"0\""));
    let activity_before = browser.get("/api/account/activity").await.json["events"].clone();

    for fault in [Fault::Throttling, Fault::ServerError] {
        proxy.clear();
        proxy.fail("TransactWriteItems", fault, None);
        let reply = put_billing(&mut browser, "Hamburg", "\"0\"").await;
        assert_eq!(reply.status, 503, "{fault:?}: {reply:?}");
        assert!(reply.header("retry-after").is_some(), "{fault:?}");
        assert_eq!(reply.code(), "unavailable", "{reply:?}");
        assert!(!reply.text.contains("Throttling") && !reply.text.contains("InternalServerError"));
        assert_eq!(
            proxy.injected().len(),
            3,
            "{fault:?}: the SDK's standard retry tried three times"
        );
        proxy.clear();
        let after = browser.get("/api/account/billing").await;
        assert_eq!(
            after.header("etag"),
            Some("\"0\""),
            "{fault:?}: nothing was saved"
        );
        assert_eq!(after.json["address"], before.json["address"]);
        assert_eq!(
            browser.get("/api/account/activity").await.json["events"],
            activity_before,
            "{fault:?}: no activity entry for a change that did not happen"
        );
    }

    // A team change fails as a whole too: no membership, no invitation mail.
    proxy.fail("TransactWriteItems", Fault::Throttling, None);
    let invite = browser
        .post(
            "/api/team/members",
            &json!({ "email": "neu@example.com", "role": "viewer" }),
        )
        .await;
    assert_eq!(invite.status, 503, "{invite:?}");
    proxy.clear();
    let team = browser.get("/api/team/members").await;
    assert!(!team.text.contains("neu@example.com"), "{team:?}");
    assert_eq!(portal.mail_count("neu@example.com").await, 0);

    // With DynamoDB back, the same version saves.
    let saved = put_billing(&mut browser, "Hamburg", "\"0\"").await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(saved.header("etag"), Some("\"1\""));
}

#[tokio::test]
async fn a_login_whose_session_cannot_be_stored_gets_503_and_its_link_still_works_afterwards() {
    let proxy = FaultProxy::start(portal_tests::moto_url()).await;
    let portal = TestPortal::spawn_via(&proxy.url, &[]).await;
    let company = portal.add_company("Anmelde GmbH").await;
    let email = portal
        .add_login(Lang::De, &[(&company, "Anmelde GmbH", Role::Owner)])
        .await;
    let mut browser = portal.browser();
    let requested = browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    assert_eq!(requested.status, 202);
    let token = portal.token(&email, 1).await;

    proxy.fail("TransactWriteItems", Fault::ServerError, None);
    let failed = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!(failed.status, 503, "{failed:?}");
    assert!(
        failed
            .set_cookies()
            .iter()
            .all(|c| !c.starts_with("__Host-portal_session=")),
        "no session cookie: {failed:?}"
    );
    proxy.clear();

    let redeemed = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!(
        redeemed.status, 200,
        "the link was not used up: {redeemed:?}"
    );
    assert_eq!(browser.get("/api/documents").await.status, 200);
    let again = portal
        .browser()
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!(again.code(), "link_invalid", "now it is used: {again:?}");
}
