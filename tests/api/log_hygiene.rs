//! No token, code, session id, cookie or unmasked address in any log line of a full login.

use portal_tests::{logs, TestPortal};
use serde_json::json;

#[tokio::test]
async fn a_full_login_leaves_no_secret_or_address_in_the_logs() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let attempt = browser.cookie("__Host-portal_attempt").unwrap().to_string();
    let mail = portal.mail(&email, 1).await;
    let code = mail.login_code().unwrap();
    let token = portal.token(&email, 1).await;
    browser
        .post("/api/auth/login-link", &json!({ "token": token }))
        .await;
    browser
        .post("/api/auth/session", &json!({ "code": "00000000" }))
        .await;
    browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    let session = browser.cookie("__Host-portal_session").unwrap().to_string();
    browser.get("/api/auth/session").await;
    browser.delete("/api/auth/session").await;
    browser
        .post(
            "/api/auth/login-request",
            &json!({ "email": "broken\r\nBcc: x@example.com" }),
        )
        .await;

    let logs = logs::captured();
    assert!(
        logs.contains("\"status\":202"),
        "request lines are captured"
    );
    assert!(
        logs.contains(&portal::domain::email::mask(&email)),
        "masked addresses are fine"
    );
    for secret in [&token, &code, &attempt, &session, &email] {
        assert!(!logs.contains(secret.as_str()), "a secret reached the log");
    }
    assert!(
        !logs.contains(&code[..4]) || !logs.contains(&format!("{} {}", &code[..4], &code[4..]))
    );
}

#[tokio::test]
async fn a_refused_code_is_logged_as_a_metric_the_template_counts() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let reply = browser
        .post("/api/auth/session", &json!({ "code": "00000000" }))
        .await;
    assert_eq!(reply.status, 401, "{reply:?}");
    let logs = logs::captured();
    assert!(
        logs.contains("\"metric\":\"login_code_failed\""),
        "a refused code is counted"
    );
    let template =
        std::fs::read_to_string(devstack::workspace_root().join("infra/template.yaml")).unwrap();
    assert!(
        template.contains(r#"FilterPattern: '{ $.fields.metric = "login_code_failed" }'"#)
            && template.contains("FailedLoginCodesAlarm:"),
        "the template counts and alarms on it"
    );
}
