//! Request hygiene of every endpoint: origin, content type, size, JSON shape, unknown fields,
//! unknown routes and methods, security headers on every answer, language of messages.

use portal_tests::TestPortal;
use serde_json::json;

/// Every state-changing route of the route table (so a new one is covered automatically).
fn state_changing() -> Vec<(&'static str, String)> {
    portal::routes::ROUTES
        .iter()
        .filter(|r| r.method != "GET" && r.function != portal::routes::FALLBACK_FUNCTION)
        .map(|r| (r.method, r.path.replace("{id}", "20260101-invoice-R-1")))
        .collect()
}

fn method(name: &str) -> reqwest::Method {
    name.parse().unwrap()
}

#[tokio::test]
async fn cross_site_and_origin_less_requests_are_refused_with_403() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for (verb, path) in state_changing() {
        let client = reqwest::Client::new();
        let url = format!("{}{path}", portal.base_url);
        let cross = client
            .request(method(verb), &url)
            .header("origin", "https://evil.example")
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(cross.status(), 403, "{verb} {path}");
        let none = client
            .request(method(verb), &url)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(none.status(), 403, "{verb} {path} without Origin");
        let fetch_cross = client
            .request(method(verb), &url)
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(fetch_cross.status(), 403);
    }
    // Sec-Fetch-Site: same-origin stands in for a missing Origin.
    let req = reqwest::Client::new()
        .post(format!("{}/api/auth/login-request", portal.base_url))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/json")
        .body(json!({ "email": "a@example.com" }).to_string());
    assert_eq!(browser.send(req).await.status, 202);
}

#[tokio::test]
async fn a_form_encoded_post_is_refused_with_415() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let req = browser
            .request(reqwest::Method::POST, "/api/auth/login-request")
            .header("content-type", content_type)
            .body("email=a%40example.com");
        let reply = browser.send(req).await;
        assert_eq!(
            (reply.status, reply.code()),
            (415, "unsupported_media_type"),
            "{content_type}"
        );
    }
}

/// The pipeline checks the body type of every state change before the handler (and before the
/// session): a cross-site form can only send form or text bodies, so none reaches a handler.
#[tokio::test]
async fn every_state_change_refuses_a_form_body_with_415_before_its_handler() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for (verb, path) in state_changing() {
        let req = browser
            .request(method(verb), &path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=a%40example.com");
        let reply = browser.send(req).await;
        assert_eq!(
            (reply.status, reply.code()),
            (415, "unsupported_media_type"),
            "{verb} {path}"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    let big = json!({ "email": "a".repeat(20_000) });
    let reply = browser.post("/api/auth/login-request", &big).await;
    assert_eq!((reply.status, reply.code()), (413, "payload_too_large"));
    let huge = "x".repeat(2 * 1024 * 1024);
    let req = browser
        .request(reqwest::Method::POST, "/api/auth/session")
        .header("content-type", "application/json")
        .body(huge);
    assert_eq!(browser.send(req).await.status, 413);
}

#[tokio::test]
async fn malformed_json_is_refused_with_400_naming_the_field() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for (body, field) in [
        (r#"{"email": "#, "email"),
        (r#"{"email": 42}"#, "email"),
        (r#"{"email": ["a@example.com"]}"#, "email"),
        (r#"{"email": {"nested": {"deeper": 1}}}"#, "email"),
        (
            r#"{"email": "a@example.com", "email": "b@example.com"}"#,
            "email",
        ),
        (r#"["a@example.com"]"#, ""),
        (r#"null"#, ""),
        (r#"{}"#, "email"),
    ] {
        let req = browser
            .request(reqwest::Method::POST, "/api/auth/login-request")
            .header("content-type", "application/json")
            .body(body);
        let reply = browser.send(req).await;
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(reply.code(), "invalid_json", "{body}");
        assert_eq!(reply.field(), field, "{body}");
        assert!(!reply.json["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn fields_a_caller_may_not_set_are_refused() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for (path, body) in [
        (
            "/api/auth/login-request",
            json!({ "email": "a@example.com", "customer_id": "10001" }),
        ),
        (
            "/api/auth/login-request",
            json!({ "email": "a@example.com", "role": "owner" }),
        ),
        ("/api/auth/session", json!({ "token": "x", "version": 3 })),
    ] {
        let reply = browser.post(path, &body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, "unknown_field"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_query_parameter_name_that_cannot_be_decoded_is_an_invalid_query() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _, _) = portal
        .member_session(
            "Query GmbH",
            portal::domain::lang::Lang::De,
            portal::domain::ids::Role::Owner,
        )
        .await;
    let reply = browser.get("/api/documents?%zz=1").await;
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_eq!(reply.json["error"]["code"], "invalid_query");
}

#[tokio::test]
async fn unknown_routes_get_404_and_wrong_methods_405_in_the_json_shape() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    let reply = browser.get("/api/nothing/here").await;
    assert_eq!((reply.status, reply.code()), (404, "not_found"));
    // No state change on GET: the login request only answers POST.
    let reply = browser.get("/api/auth/login-request").await;
    assert_eq!((reply.status, reply.code()), (405, "method_not_allowed"));
    assert_eq!(reply.header("allow"), Some("POST"));
    let req = browser.request(reqwest::Method::PATCH, "/api/auth/session");
    let reply = browser.send(req).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST, GET, DELETE"));
    for path in [
        "/api/..%2f..%2fetc%2fpasswd",
        "/api/%2e%2e/auth/session",
        "/api/auth/session%2fcustomer",
    ] {
        let reply = browser.get(path).await;
        assert_eq!(reply.status, 404, "{path}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_errors_included() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    let replies = vec![
        browser.get("/api/auth/session").await,
        browser.get("/api/nothing").await,
        browser
            .post("/api/auth/login-request", &json!({ "email": "bad" }))
            .await,
        browser
            .post(
                "/api/auth/login-request",
                &json!({ "email": "a@example.com" }),
            )
            .await,
    ];
    for reply in replies {
        let csp = reply.header("content-security-policy").expect("CSP");
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "script-src 'self'",
        ] {
            assert!(csp.contains(directive), "{csp}");
        }
        assert!(!csp.contains("unsafe-inline"));
        let hsts = reply.header("strict-transport-security").unwrap();
        let max_age: u64 = hsts
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("max-age=")
            .parse()
            .unwrap();
        assert!(max_age >= 31_536_000 && hsts.contains("includeSubDomains"));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        assert!(reply
            .header("content-type")
            .unwrap()
            .starts_with("application/json"));
    }
}

#[tokio::test]
async fn messages_follow_the_requests_language_german_by_default() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    let german = browser
        .post("/api/auth/login-request", &json!({ "email": "x" }))
        .await;
    assert!(german.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("gültige"));
    browser.lang = "en-GB,en;q=0.9";
    let english = browser
        .post("/api/auth/login-request", &json!({ "email": "x" }))
        .await;
    assert!(english.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("valid email"));
    assert_eq!(german.code(), english.code());
}

#[tokio::test]
async fn with_an_origin_secret_only_requests_through_cloudfront_are_served() {
    let portal =
        TestPortal::spawn_with(&[("ORIGIN_SECRET", "origin-secret-0123456789abcdef-0123456789")])
            .await;
    let mut browser = portal.browser();
    let direct = browser
        .post(
            "/api/auth/login-request",
            &json!({ "email": "a@example.com" }),
        )
        .await;
    assert_eq!((direct.status, direct.code()), (403, "cross_site_request"));
    let forged = browser
        .request(reqwest::Method::GET, "/api/auth/session")
        .header("x-origin-verify", "guess");
    assert_eq!(browser.send(forged).await.status, 403);
    let through_cloudfront = browser
        .request(reqwest::Method::POST, "/api/auth/login-request")
        .header(
            "x-origin-verify",
            "origin-secret-0123456789abcdef-0123456789",
        )
        .header("content-type", "application/json")
        .body(json!({ "email": "a@example.com" }).to_string());
    assert_eq!(browser.send(through_cloudfront).await.status, 202);
}
