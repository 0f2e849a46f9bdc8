//! Payment details: a bank account for SEPA direct debit, sealed in the table, shown masked.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::{logs, Browser, Reply, TestPortal};
use serde_json::{json, Value};

async fn put(browser: &mut Browser, body: &Value, version: Option<&str>) -> Reply {
    let mut req = browser
        .request(reqwest::Method::PUT, "/api/account/payment")
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(version) = version {
        req = req.header("if-match", version);
    }
    browser.send(req).await
}

fn account() -> Value {
    json!({ "holder": "Zahl GmbH", "iban": "de89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX", "mandate": true })
}

#[tokio::test]
async fn a_bank_account_is_stored_sealed_and_only_ever_shown_masked() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Zahl GmbH", Lang::De, Role::Billing)
        .await;
    let empty = browser.get("/api/account/payment").await;
    assert_eq!(empty.status, 200, "{empty:?}");
    assert_eq!(empty.json["sepa"], Value::Null);
    assert_eq!(empty.header("etag"), Some("\"0\""));

    let saved = put(&mut browser, &account(), Some("\"0\"")).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(saved.json["sepa"]["iban"], "DE89 **** **** **** **30 00");
    assert_eq!(saved.header("etag"), Some("\"1\""));
    let read = browser.get("/api/account/payment").await;
    assert_eq!(read.json["sepa"]["holder"], "Zahl GmbH");
    assert!(!read.text.contains("3704"), "{}", read.text);

    // The table holds the IBAN only sealed.
    let sdk = devstack::local::sdk_config(portal_tests::moto_url());
    let item = aws_sdk_dynamodb::Client::new(&sdk)
        .get_item()
        .table_name(&portal.env["PORTAL_TABLE"])
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("customer#{company}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("payment".into()),
        )
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let raw = format!("{item:?}");
    assert!(!raw.contains("370400440532013000"), "{raw}");
    let sealed = item["iban_sealed"].as_s().unwrap();
    // Sealed under the value of the secret the template names (read here straight from the
    // stand-in's Secrets Manager, as the function reads it at init).
    let key = aws_sdk_secretsmanager::Client::new(&sdk)
        .get_secret_value()
        .secret_id(&portal.env["PAYMENT_DATA_KEY_SECRET_ARN"])
        .send()
        .await
        .unwrap()
        .secret_string
        .unwrap();
    assert_eq!(
        portal::domain::payment::sealed::open(key.as_bytes(), company.as_str(), sealed).as_deref(),
        Some("DE89370400440532013000")
    );
    // Neither the logs nor the activity log show it.
    assert!(!logs::captured().contains("0532013000"));
    let activity = browser.get("/api/account/activity").await;
    assert!(activity.text.contains("payment_details_updated"));
    assert!(!activity.text.contains("0532013000"));

    // Optimistic locking as for billing data.
    let stale = put(&mut browser, &account(), Some("\"0\"")).await;
    assert_eq!((stale.status, stale.code()), (412, "version_conflict"));
    let missing = put(&mut browser, &account(), None).await;
    assert_eq!((missing.status, missing.code()), (428, "version_required"));
}

#[tokio::test]
async fn wrong_ibans_bics_and_a_missing_mandate_are_named_and_viewers_may_not_see_any_of_it() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _, _) = portal
        .member_session("Prüf GmbH", Lang::En, Role::Owner)
        .await;
    browser.lang = "en";
    let reply = put(
        &mut browser,
        &json!({ "holder": "", "iban": "DE89 3704 0044 0532 0130 01", "bic": "X1", "mandate": false }),
        Some("\"0\""),
    )
    .await;
    assert_eq!(reply.code(), "validation_failed", "{reply:?}");
    let fields = reply.fields();
    assert_eq!(
        fields,
        ["holder", "mandate"],
        "the first problem of the account, then the mandate"
    );
    for (iban, bic) in [
        ("DE89 3704 0044 0532 0130 01", None),
        ("DE89 3704 0044 0532 0130", None),
        ("XX89370400440532013000", None),
        ("DE89370400440532013000", Some("nope")),
    ] {
        let reply = put(
            &mut browser,
            &json!({ "holder": "Prüf GmbH", "iban": iban, "bic": bic, "mandate": true }),
            Some("\"0\""),
        )
        .await;
        assert_eq!(reply.code(), "validation_failed", "{iban} {bic:?}");
        assert!(
            reply.text.contains("IBAN") || reply.text.contains("BIC"),
            "{}",
            reply.text
        );
    }
    let extra = put(
        &mut browser,
        &json!({ "holder": "x", "iban": "DE89370400440532013000", "mandate": true, "card": "4111" }),
        Some("\"0\""),
    )
    .await;
    assert_eq!(extra.status, 400);

    let (mut viewer, _, _) = portal
        .member_session("Sicht GmbH", Lang::De, Role::Viewer)
        .await;
    assert_eq!(viewer.get("/api/account/payment").await.status, 403);
    assert_eq!(
        put(&mut viewer, &account(), Some("\"0\"")).await.status,
        403
    );
}

#[tokio::test]
async fn without_a_payment_data_key_nothing_is_stored_and_the_reason_is_given() {
    let portal = TestPortal::spawn_with(&[("PAYMENT_DATA_KEY_SECRET_ARN", "")]).await;
    let (mut browser, _, _) = portal
        .member_session("Ohne GmbH", Lang::De, Role::Owner)
        .await;
    let reply = put(&mut browser, &account(), Some("\"0\"")).await;
    assert_eq!(
        (reply.status, reply.code()),
        (409, "payment_details_unavailable")
    );
    assert_eq!(
        browser.get("/api/account/payment").await.json["sepa"],
        Value::Null
    );
}

/// A key secret that is too short, or that cannot be read, stops the function's init with the
/// variable's name and never the value (issue #19, item 4).
#[tokio::test]
async fn a_payment_key_secret_that_is_too_short_or_unreadable_stops_the_init_by_name() {
    use portal::routes::RouteSecret;
    let portal = TestPortal::spawn().await;
    let sdk = devstack::local::sdk_config(portal_tests::moto_url());
    let short = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(portal_tests::unique("short-key"))
        .secret_string("too-short-4711")
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    for arn in [short.clone(), format!("{short}-gone")] {
        let mut env = portal.env.clone();
        env.insert("PAYMENT_DATA_KEY_SECRET_ARN".into(), arn);
        let mut config = portal::Config::from_map(&env).unwrap();
        let err = portal::secrets::read_at_init(&mut config, &sdk, &[RouteSecret::PaymentDataKey])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("PAYMENT_DATA_KEY_SECRET_ARN"), "{err}");
        assert!(!err.contains("4711"), "{err}");
        assert!(config.payment_data_key.is_none());
    }
}
