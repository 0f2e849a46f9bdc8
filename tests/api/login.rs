//! Login by link and by code, and the attack cases of SECURITY.md "Login links and codes".

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::{Browser, TestPortal};
use serde_json::json;

#[tokio::test]
async fn a_customer_logs_in_by_link_sees_who_they_are_and_logs_out() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();

    let reply = browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    assert_eq!(reply.status, 202);
    let mail = portal.mail(&email, 1).await;
    assert_eq!(mail.subject, "Ihr Anmeldelink für das Kundenportal");
    // Every mail ends with the operator's imprint and privacy notice (issue #18, part 3).
    for page in [
        "/impressum/",
        "/datenschutz/",
        "/en/imprint/",
        "/en/privacy/",
    ] {
        let url = format!("{}{page}", portal.base_url);
        assert!(mail.body.contains(&url), "{url} in {}", mail.body);
    }
    let link = mail.login_link().unwrap();
    assert!(
        link.starts_with(&format!("{}/anmelden/bestaetigen/#", portal.base_url)),
        "{link}"
    );
    let token = link.split_once('#').unwrap().1;

    let reply = browser
        .post("/api/auth/login-link", &json!({ "token": token }))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["email"], email.as_str());

    let reply = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json["email"], email.as_str());
    assert_eq!(reply.json["customer"]["role"], "owner");

    let me = browser.get("/api/auth/session").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json["customer"]["name"], "Testfirma GmbH");

    let reply = browser.delete("/api/auth/session").await;
    assert_eq!(reply.status, 204);
    assert_eq!(browser.get("/api/auth/session").await.status, 401);
}

#[tokio::test]
async fn a_code_logs_in_the_browser_that_asked_for_it() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let code = portal.mail(&email, 1).await.login_code().unwrap();
    let grouped = format!("{} {}", &code[..4], &code[4..]);
    let reply = browser
        .post("/api/auth/session", &json!({ "code": grouped }))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(browser.get("/api/auth/session").await.status, 200);
    assert!(
        browser.cookie("__Host-portal_attempt").is_none(),
        "attempt cookie is cleared"
    );
}

#[tokio::test]
async fn a_code_typed_into_another_browser_is_refused() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut asking = portal.browser();
    asking
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let code = portal.mail(&email, 1).await.login_code().unwrap();
    let mut other = portal.browser();
    let reply = other
        .post("/api/auth/session", &json!({ "code": code }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "code_invalid"));
    // A second attempt of its own does not make the first code valid there either.
    other
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let reply = other
        .post("/api/auth/session", &json!({ "code": code }))
        .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn a_code_allows_five_tries_and_then_none() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let code = portal.mail(&email, 1).await.login_code().unwrap();
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    for _ in 0..5 {
        let reply = browser
            .post("/api/auth/session", &json!({ "code": wrong }))
            .await;
        assert_eq!((reply.status, reply.code()), (401, "code_invalid"));
    }
    let reply = browser
        .post("/api/auth/session", &json!({ "code": code }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "code_exhausted"));
    let reply = browser
        .post("/api/auth/session", &json!({ "code": code }))
        .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer_and_only_known_ones_a_mail() {
    let portal = TestPortal::spawn().await;
    let known = portal.owner().await;
    let unknown = format!("nobody-{}", known);
    let mut a = portal.browser();
    let mut b = portal.browser();
    let known_reply = a
        .post("/api/auth/login-request", &json!({ "email": known }))
        .await;
    let unknown_reply = b
        .post("/api/auth/login-request", &json!({ "email": unknown }))
        .await;
    assert_eq!(known_reply.status, unknown_reply.status);
    assert_eq!(known_reply.text, unknown_reply.text);
    let names = |r: &portal_tests::Reply| {
        let mut names: Vec<String> = r.headers.keys().map(|k| k.to_string()).collect();
        names.retain(|n| n != "date");
        names.sort();
        names
    };
    assert_eq!(names(&known_reply), names(&unknown_reply));
    let shape = |r: &portal_tests::Reply| r.set_cookies()[0].split_once(';').unwrap().1.to_string();
    assert_eq!(shape(&known_reply), shape(&unknown_reply));
    assert_eq!(portal.mail_count(&known).await, 1);
    assert_eq!(portal.mail_count(&unknown).await, 0);
    // A code guessed for the unknown address behaves like a wrong code.
    let reply = b
        .post("/api/auth/session", &json!({ "code": "12345678" }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "code_invalid"));
}

#[tokio::test]
async fn the_response_floor_applies_to_known_and_unknown_addresses_alike() {
    let portal = TestPortal::spawn_with(&[("LOGIN_RESPONSE_FLOOR_MS", "300")]).await;
    let known = portal.owner().await;
    for email in [known.clone(), format!("x{known}")] {
        let started = std::time::Instant::now();
        let reply = portal
            .browser()
            .post("/api/auth/login-request", &json!({ "email": email }))
            .await;
        assert_eq!(reply.status, 202);
        assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    }
}

#[tokio::test]
async fn a_link_works_once() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let token = portal.token(&email, 1).await;
    assert_eq!(
        browser
            .post("/api/auth/session", &json!({ "token": token }))
            .await
            .status,
        200
    );
    let replay = portal
        .browser()
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!((replay.status, replay.code()), (401, "link_invalid"));
    let inspect = portal
        .browser()
        .post("/api/auth/login-link", &json!({ "token": token }))
        .await;
    assert_eq!(inspect.status, 401);
}

#[tokio::test]
async fn of_fifty_parallel_redemptions_exactly_one_gets_a_session() {
    let portal = TestPortal::spawn_with(&[("LOGIN_LIMIT_PER_IP", "1000")]).await;
    let email = portal.owner().await;
    portal
        .browser()
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let token = portal.token(&email, 1).await;
    let attempts = (0..50).map(|_| {
        let mut browser = portal.browser();
        let token = token.clone();
        tokio::spawn(async move {
            browser
                .post("/api/auth/session", &json!({ "token": token }))
                .await
                .status
        })
    });
    let statuses: Vec<u16> = futures_join(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 401),
        "{statuses:?}"
    );
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_link_just_past_its_fifteen_minutes_is_refused_while_its_item_still_exists() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let token = portal.token(&email, 1).await;
    portal.clock.advance(15 * 60);
    let reply = browser
        .post("/api/auth/login-link", &json!({ "token": token }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "link_expired"));
    let reply = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "link_expired"));
}

#[tokio::test]
async fn a_code_past_its_fifteen_minutes_is_refused() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let code = portal.mail(&email, 1).await.login_code().unwrap();
    portal.clock.advance(15 * 60 + 1);
    let reply = browser
        .post("/api/auth/session", &json!({ "code": code }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "code_invalid"));
}

#[tokio::test]
async fn opening_or_inspecting_a_link_consumes_nothing() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let link = portal.mail(&email, 1).await.login_link().unwrap();
    let token = link.split_once('#').unwrap().1.to_string();
    // What a mail scanner does: GET and HEAD of the link (the fragment never leaves the client).
    let page = link.split_once('#').unwrap().0.to_string();
    let client = reqwest::Client::new();
    client.get(&page).send().await.unwrap();
    client.head(&page).send().await.unwrap();
    for _ in 0..3 {
        let reply = browser
            .post("/api/auth/login-link", &json!({ "token": token }))
            .await;
        assert_eq!(reply.status, 200);
    }
    let reply = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn malformed_tokens_and_codes_are_refused_with_the_field_named() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    let good = portal_secret();
    for token in [
        good[..42].to_string(),
        format!("{good}="),
        format!("{good}A"),
        good.replace(|c: char| c.is_ascii_alphanumeric(), "+"),
        "%2e%2e%2f".repeat(5),
        String::new(),
    ] {
        let reply = browser
            .post("/api/auth/session", &json!({ "token": token }))
            .await;
        assert_eq!(
            (reply.status, reply.field()),
            (400, "token"),
            "{token}: {reply:?}"
        );
        let reply = browser
            .post("/api/auth/login-link", &json!({ "token": token }))
            .await;
        assert_eq!((reply.status, reply.field()), (400, "token"));
    }
    for code in ["1234", "abcdefgh", "123456789", "１２３４５６７８"] {
        let reply = browser
            .post("/api/auth/session", &json!({ "code": code }))
            .await;
        assert_eq!((reply.status, reply.field()), (400, "code"));
    }
    let both = browser
        .post(
            "/api/auth/session",
            &json!({ "code": "12345678", "token": good }),
        )
        .await;
    assert_eq!(both.status, 400);
    // A well-formed token nobody issued.
    let reply = browser
        .post("/api/auth/session", &json!({ "token": good }))
        .await;
    assert_eq!((reply.status, reply.code()), (401, "link_invalid"));
}

fn portal_secret() -> String {
    portal::domain::secret::Secret::generate()
        .expose()
        .to_string()
}

#[tokio::test]
async fn the_per_address_limit_answers_429_with_retry_after() {
    let portal = TestPortal::spawn_with(&[("LOGIN_LIMIT_PER_EMAIL", "3")]).await;
    let email = portal.owner().await;
    // One client: what it may ask for one address (other clients have their own share, see
    // `a_stranger_cannot_keep_a_person_from_signing_in`).
    for _ in 0..3 {
        let mut browser = portal.browser();
        browser.forwarded_for = Some("198.51.100.99".into());
        assert_eq!(
            browser
                .post("/api/auth/login-request", &json!({ "email": email }))
                .await
                .status,
            202
        );
    }
    let mut browser = portal.browser();
    browser.forwarded_for = Some("198.51.100.99".into());
    let reply = browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    assert_eq!((reply.status, reply.code()), (429, "rate_limited"));
    let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry));
    // Unknown addresses are limited just the same.
    let unknown = format!("z{email}");
    for _ in 0..3 {
        browser
            .post("/api/auth/login-request", &json!({ "email": unknown }))
            .await;
    }
    assert_eq!(
        browser
            .post("/api/auth/login-request", &json!({ "email": unknown }))
            .await
            .status,
        429
    );
    assert_eq!(portal.mail_count(&email).await, 3);
}

#[tokio::test]
async fn parallel_requests_for_one_address_respect_the_limit_exactly() {
    let portal = TestPortal::spawn_with(&[
        ("LOGIN_LIMIT_PER_EMAIL", "4"),
        ("LOGIN_LIMIT_PER_IP", "1000"),
    ])
    .await;
    let email = format!("parallel-{}", portal.owner().await);
    let handles = (0..12).map(|_| {
        let mut browser = portal.browser();
        let email = email.clone();
        tokio::spawn(async move {
            browser
                .post("/api/auth/login-request", &json!({ "email": email }))
                .await
                .status
        })
    });
    let statuses = futures_join(handles).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 202).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        8,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn the_per_ip_limit_answers_429() {
    let portal = TestPortal::spawn_with(&[("LOGIN_LIMIT_PER_IP", "3")]).await;
    let mut browser = portal.browser();
    browser.forwarded_for = Some("203.0.113.7".into());
    for n in 0..3 {
        let reply = browser
            .post(
                "/api/auth/login-request",
                &json!({ "email": format!("ip{n}@example.com") }),
            )
            .await;
        assert_eq!(reply.status, 202);
    }
    let reply = browser
        .post(
            "/api/auth/login-request",
            &json!({ "email": "ip9@example.com" }),
        )
        .await;
    assert_eq!(reply.status, 429);
    assert!(reply.header("retry-after").is_some());
    browser.forwarded_for = Some("203.0.113.8".into());
    let reply = browser
        .post(
            "/api/auth/login-request",
            &json!({ "email": "ip9@example.com" }),
        )
        .await;
    assert_eq!(reply.status, 202);
}

#[tokio::test]
async fn the_link_uses_the_configured_base_url_whatever_the_host_header_says() {
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    let req = browser
        .request(reqwest::Method::POST, "/api/auth/login-request")
        .header("content-type", "application/json")
        .header("host", "evil.example")
        .header("x-forwarded-host", "evil.example")
        .header("forwarded", "host=evil.example")
        .body(json!({ "email": email }).to_string());
    assert_eq!(browser.send(req).await.status, 202);
    let link = portal.mail(&email, 1).await.login_link().unwrap();
    assert!(link.starts_with(&portal.base_url), "{link}");
    assert!(!link.contains("evil"));
}

#[tokio::test]
async fn malicious_addresses_are_refused_with_the_field_named() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for email in [
        "a@example.com\r\nBcc: victim@example.com".to_string(),
        "a@example.com\nBcc:victim@example.com".to_string(),
        "\"quoted\"@example.com".to_string(),
        "a＠example.com".to_string(),
        "a@b@example.com".to_string(),
        "a\u{200b}@example.com".to_string(),
        "a@exam\u{202e}ple.com".to_string(),
        "a\u{0}@example.com".to_string(),
        "😀@example.com".to_string(),
        "e\u{301}@example.com".to_string(),
        "a".repeat(10_000),
        format!("{}@example.com", "a".repeat(250)),
    ] {
        let reply = browser
            .post("/api/auth/login-request", &json!({ "email": email }))
            .await;
        assert_eq!(
            (reply.status, reply.code(), reply.field()),
            (400, "invalid_email", "email"),
            "{email:?}"
        );
    }
}

#[tokio::test]
async fn only_same_site_paths_are_accepted_as_next_and_returned_after_login() {
    let portal = TestPortal::spawn().await;
    let mut browser = portal.browser();
    for next in [
        "//evil.example",
        "/\\evil.example",
        "@evil.example",
        "/@evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
    ] {
        let reply = browser
            .post(
                "/api/auth/login-request",
                &json!({ "email": "x@example.com", "next": next }),
            )
            .await;
        assert_eq!((reply.status, reply.field()), (400, "next"), "{next}");
    }
    let email = portal.owner().await;
    browser
        .post(
            "/api/auth/login-request",
            &json!({ "email": email, "next": "/portal/?tab=1" }),
        )
        .await;
    let token = portal.token(&email, 1).await;
    let reply = browser
        .post("/api/auth/session", &json!({ "token": token }))
        .await;
    assert_eq!(reply.json["next"], "/portal/?tab=1");
}

#[tokio::test]
async fn an_english_customer_gets_an_english_mail_and_a_german_one_a_german_mail() {
    let portal = TestPortal::spawn().await;
    let company = portal.add_company("Fjord Ltd").await;
    let english = portal
        .add_login(Lang::En, &[(&company, "Fjord Ltd", Role::Viewer)])
        .await;
    portal
        .browser()
        .post("/api/auth/login-request", &json!({ "email": english }))
        .await;
    let mail = portal.mail(&english, 1).await;
    assert_eq!(mail.subject, "Your sign-in link for the customer portal");
    assert!(mail.login_link().unwrap().contains("/en/login/confirm/#"));
    assert!(mail.body.contains("did not ask"));

    let german = portal.owner().await;
    let mut browser = portal.browser();
    browser.lang = "en";
    browser
        .post("/api/auth/login-request", &json!({ "email": german }))
        .await;
    let mail = portal.mail(&german, 1).await;
    assert!(
        mail.body.contains("Sie haben keine Anmeldung angefordert"),
        "the login's language wins"
    );
}

#[tokio::test]
async fn a_newer_link_leaves_the_older_one_usable_until_it_expires() {
    // Requesting again is what people do when a mail is slow; both links stay valid once each.
    let portal = TestPortal::spawn().await;
    let email = portal.owner().await;
    let mut browser = portal.browser();
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    browser
        .post("/api/auth/login-request", &json!({ "email": email }))
        .await;
    let first = portal.token(&email, 1).await;
    let second = portal.token(&email, 2).await;
    assert_ne!(first, second);
    let mut other = Browser::new(&portal.base_url);
    assert_eq!(
        other
            .post("/api/auth/session", &json!({ "token": first }))
            .await
            .status,
        200
    );
    assert_eq!(
        other
            .post("/api/auth/session", &json!({ "token": second }))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_stranger_cannot_keep_a_person_from_signing_in() {
    let portal = TestPortal::spawn_with(&[
        ("LOGIN_LIMIT_PER_EMAIL", "3"),
        ("LOGIN_LIMIT_PER_IP", "1000"),
        ("LOGIN_RESPONSE_FLOOR_MS", "0"),
    ])
    .await;
    let email = portal.owner().await;
    let ask = |client: String| {
        let mut browser = portal.browser();
        browser.forwarded_for = Some(client);
        let email = email.clone();
        async move {
            browser
                .post("/api/auth/login-request", &json!({ "email": email }))
                .await
                .status
        }
    };
    // A stranger uses up only their own client's share of the address …
    for _ in 0..3 {
        assert_eq!(ask("203.0.113.66".into()).await, 202);
    }
    assert_eq!(ask("203.0.113.66".into()).await, 429);
    // … and the person, from their own client, still gets a link.
    let before = portal.mail_count(&email).await;
    assert_eq!(ask("198.51.100.20".into()).await, 202);
    assert_eq!(portal.mail_count(&email).await, before + 1);
    // Locking the address takes many clients: 20 mails a window from all of them together.
    let mut sent = 4;
    for n in 0.. {
        let status = ask(format!("192.0.2.{n}")).await;
        if status == 429 {
            break;
        }
        sent += 1;
        assert!(sent <= 20, "more than 20 login mails in one window");
    }
    assert_eq!(sent, 20);
    let status = ask("2001:db8:77:1::1".into()).await;
    assert_eq!(status, 429, "the window's cap holds for every client");
}

#[tokio::test]
async fn no_address_gets_more_than_50_login_mails_a_day() {
    let portal = TestPortal::spawn_with(&[
        ("LOGIN_LIMIT_PER_IP", "1000"),
        ("LOGIN_RESPONSE_FLOOR_MS", "0"),
    ])
    .await;
    let email = portal.owner().await;
    // Stay clear of a day boundary: the daily window is the calendar day in UTC.
    let now = portal.clock.now();
    if now % 86_400 > 86_400 - 4 * 900 {
        portal.clock.advance(4 * 900);
    }
    let mut accepted = 0;
    let mut client = 0;
    for _window in 0..4 {
        for _ in 0..20 {
            client += 1;
            let mut browser = portal.browser();
            browser.forwarded_for = Some(format!("10.1.{}.{}", client / 250, client % 250));
            let reply = browser
                .post("/api/auth/login-request", &json!({ "email": email }))
                .await;
            if reply.status == 202 {
                accepted += 1;
            }
        }
        portal.clock.advance(900);
    }
    assert_eq!(accepted, 50, "50 login mails a day at most");
}
