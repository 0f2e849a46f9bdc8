//! Sessions: cookie attributes, fixation, logout, idle and absolute timeouts, company choice.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::TestPortal;
use serde_json::json;

const SESSION: &str = "__Host-portal_session";

#[tokio::test]
async fn the_session_cookie_is_a_host_cookie_with_every_protection() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let token = portal.token(&email, 1).await;
    let reply = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    let cookie = reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with(SESSION))
        .expect("session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.to_ascii_lowercase().contains("domain="));
    let id = browser.cookie(SESSION).unwrap();
    assert!(id.len() >= 43, "256-bit id");
}

#[tokio::test]
async fn a_cookie_planted_before_login_is_never_adopted() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    // The attacker's own, valid session …
    let mut attacker = portal.browser();
    portal.log_in(&mut attacker, &portal.owner().await).await;
    let planted = attacker.cookie(SESSION).unwrap().to_string();
    // … planted in the victim's browser before the victim logs in.
    let mut victim = portal.browser();
    victim.cookies.insert(SESSION.into(), planted.clone());
    portal.log_in(&mut victim, &email).await;
    let fresh = victim.cookie(SESSION).unwrap();
    assert_ne!(fresh, planted);
    assert_eq!(
        victim.get("/api/auth/session").await.json["email"],
        email.as_str()
    );
    // The planted session is gone server-side.
    assert_eq!(attacker.get("/api/auth/session").await.status, 401);
}

#[tokio::test]
async fn a_made_up_session_id_is_not_accepted() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    browser.cookies.insert(
        SESSION.into(),
        portal::domain::secret::Secret::generate().expose().into(),
    );
    assert_eq!(browser.get("/api/auth/session").await.status, 401);
    browser
        .cookies
        .insert(SESSION.into(), "../../etc/passwd".into());
    let reply = browser.get("/api/auth/session").await;
    assert_eq!((reply.status, reply.code()), (401, "unauthenticated"));
}

#[tokio::test]
async fn after_logout_the_old_cookie_is_worthless() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let old = browser.cookie(SESSION).unwrap().to_string();
    assert_eq!(browser.delete("/api/auth/session").await.status, 204);
    assert!(browser.cookie(SESSION).is_none(), "cookie cleared");
    browser.cookies.insert(SESSION.into(), old);
    assert_eq!(browser.get("/api/auth/session").await.status, 401);
}

#[tokio::test]
async fn thirty_idle_minutes_end_a_session() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    portal.clock.advance(29 * 60);
    assert_eq!(browser.get("/api/auth/session").await.status, 200);
    portal.clock.advance(29 * 60);
    assert_eq!(
        browser.get("/api/auth/session").await.status,
        200,
        "activity renews"
    );
    portal.clock.advance(30 * 60);
    assert_eq!(browser.get("/api/auth/session").await.status, 401);
}

#[tokio::test]
async fn twelve_hours_end_a_session_however_active() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    for _ in 0..(12 * 3 - 1) {
        portal.clock.advance(20 * 60);
        assert_eq!(browser.get("/api/auth/session").await.status, 200);
    }
    portal.clock.advance(20 * 60);
    assert_eq!(browser.get("/api/auth/session").await.status, 401);
}

#[tokio::test]
async fn a_login_of_two_companies_chooses_which_one_to_act_for() {
    let portal = TestPortal::spawn().await;
    let first = portal.add_company("Erste GmbH").await;
    let second = portal.add_company("Zweite AG").await;
    let email = portal
        .add_login(
            Lang::De,
            &[
                (&first, "Erste GmbH", Role::Billing),
                (&second, "Zweite AG", Role::Owner),
            ],
        )
        .await;
    let mut browser = portal.browser();
    let session = portal.log_in(&mut browser, &email).await;
    assert!(session["customer"].is_null());
    assert_eq!(session["customers"].as_array().unwrap().len(), 2);

    let reply = browser
        .put(
            "/api/auth/session/customer",
            &json!({ "customer_id": second.as_str() }),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["customer"]["name"], "Zweite AG");
    assert_eq!(reply.json["customer"]["role"], "owner");
    assert_eq!(
        browser.get("/api/auth/session").await.json["customer"]["id"],
        second.as_str()
    );

    // A company the login does not belong to, and malformed ids, are simply not found.
    let foreign = portal.add_company("Fremd KG").await;
    for id in [foreign.as_str(), "../10001", "%2e%2e%2f10001", "a/b"] {
        let reply = browser
            .put("/api/auth/session/customer", &json!({ "customer_id": id }))
            .await;
        assert_eq!(reply.status, 404, "{id}");
    }
    let reply = browser
        .put(
            "/api/auth/session/customer",
            &json!({ "customer_id": first.as_str(), "role": "owner" }),
        )
        .await;
    assert_eq!((reply.status, reply.code()), (400, "unknown_field"));
}

#[tokio::test]
async fn choosing_a_company_needs_a_session() {
    let portal = TestPortal::spawn().await;
    let reply = portal
        .browser()
        .put(
            "/api/auth/session/customer",
            &json!({ "customer_id": "10001" }),
        )
        .await;
    assert_eq!(reply.status, 401);
}
