//! The help centre's "Was this helpful?" endpoint: anonymous, same-origin, counted per article
//! in DynamoDB, rate-limited per client IP, no personal data.

use portal_tests::TestPortal;
use serde_json::json;

#[tokio::test]
async fn a_vote_is_counted_per_article_and_answers_204() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    let article = "/hilfe/anmeldung/link-abgelaufen/";
    for helpful in [true, true, false] {
        let reply = browser
            .post(
                "/api/help/feedback",
                &json!({ "article": article, "helpful": helpful }),
            )
            .await;
        assert_eq!(reply.status, 204, "{reply:?}");
        assert!(reply.set_cookies().is_empty(), "no cookie for feedback");
    }
    browser
        .post(
            "/api/help/feedback",
            &json!({ "article": "/en/help/sign-in/link-expired/", "helpful": true }),
        )
        .await;
    let counts = portal.app_for_seeding.feedback.all().await.unwrap();
    let row = counts.iter().find(|r| r.article == article).unwrap();
    assert_eq!((row.helpful, row.not_helpful), (2, 1));
    assert_eq!(counts.len(), 2);
}

#[tokio::test]
async fn feedback_for_other_paths_or_malformed_bodies_is_refused_in_the_callers_language() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for (body, code) in [
        (
            json!({ "article": "/portal/", "helpful": true }),
            "invalid_article",
        ),
        (
            json!({ "article": "https://evil.example/hilfe/x/", "helpful": true }),
            "invalid_article",
        ),
        (
            json!({ "article": "/hilfe/x/", "helpful": "yes" }),
            "invalid_json",
        ),
        (json!({ "article": "/hilfe/x/" }), "invalid_json"),
        (
            json!({ "article": "/hilfe/x/", "helpful": true, "email": "a@b.de" }),
            "unknown_field",
        ),
    ] {
        let reply = browser.post("/api/help/feedback", &body).await;
        assert_eq!(reply.status, 400, "{body}: {reply:?}");
        assert_eq!(reply.json["error"]["code"], code, "{body}: {reply:?}");
        assert!(reply.json["error"]["message"].as_str().unwrap().len() > 10);
    }
    assert!(portal
        .app_for_seeding
        .feedback
        .all()
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn one_client_can_vote_30_times_an_hour_then_gets_429_with_retry_after() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    browser.forwarded_for = Some("198.51.100.7".into());
    for i in 0..30 {
        let reply = browser
            .post(
                "/api/help/feedback",
                &json!({ "article": format!("/hilfe/frage-{i}/"), "helpful": true }),
            )
            .await;
        assert_eq!(reply.status, 204, "vote {i}: {reply:?}");
    }
    let reply = browser
        .post(
            "/api/help/feedback",
            &json!({ "article": "/hilfe/noch-eine/", "helpful": true }),
        )
        .await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.json["error"]["code"], "rate_limited");
    assert!(reply.headers.contains_key("retry-after"));
    // Another client is not affected.
    let mut other = portal.browser();
    other.forwarded_for = Some("198.51.100.8".into());
    let reply = other
        .post(
            "/api/help/feedback",
            &json!({ "article": "/hilfe/noch-eine/", "helpful": false }),
        )
        .await;
    assert_eq!(reply.status, 204);
}
