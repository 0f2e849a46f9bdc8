//! Faults at the edges: what the client sees and what the logs say when a dependency fails.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
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
