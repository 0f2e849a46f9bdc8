//! Every declared rate limit bites: for each limit of each route, with its counter full, the
//! route's otherwise valid request answers 429 with `Retry-After` (from the pipeline, before
//! the handler runs).
//! (How the counters count is tested with real traffic in `login`, `help`, `documents` and
//! `uploads`; this walks the whole table, so a route or limit added later is covered too.)

use crate::authorization::sample;
use portal::domain::email::EmailAddress;
use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal::routes::{Per, ROUTES};
use portal_tests::{moto_url, TestPortal};
use serde_json::Value;

const CLIENT: &str = "198.51.100.50";

#[tokio::test]
async fn every_declared_limit_answers_429_when_its_counter_is_full() {
    let portal = TestPortal::spawn().await;
    let company = portal.add_company("Grenze GmbH").await;
    let doc = portal
        .add_document(
            &company,
            "R-1",
            "2026-01-01",
            Some(b"%PDF-1.4\n"),
            Some(b"<x/>"),
        )
        .await;
    let owner = portal
        .add_login(Lang::De, &[(&company, "Grenze GmbH", Role::Owner)])
        .await;
    let member = portal
        .add_login(Lang::De, &[(&company, "Grenze GmbH", Role::Viewer)])
        .await;
    let member_id = portal::team::member_id(&EmailAddress::parse(&member).unwrap());
    let request = portal.add_route_samples(&company, &member).await;
    let mut browser = portal.browser();
    browser.forwarded_for = Some(CLIENT.into());
    portal.log_in(&mut browser, &owner).await;
    let dynamo = aws_sdk_dynamodb::Client::new(&devstack::local::sdk_config(moto_url()));
    let table = portal.env["AUTH_TABLE"].clone();
    let config = &portal.app_for_seeding.config;

    let mut checked = 0;
    for route in ROUTES.iter().filter(|r| !r.limits.is_empty()) {
        let body =
            sample(route.function).unwrap_or_else(|| panic!("a sample for {}", route.function));
        let body: Value = serde_json::from_str(
            &body
                .to_string()
                .replace("__COMPANY__", company.as_str())
                .replace("__INVITEE__", &format!("limit-{owner}")),
        )
        .unwrap();
        let id = if route.function.starts_with("team-") {
            member_id.clone()
        } else if route.function.starts_with("support-") {
            request.clone()
        } else if route.function.starts_with("contracts-") {
            "V-1".to_string()
        } else {
            doc.id.as_str().to_string()
        };
        let path = route.path.replace("{id}", &id).replace("{file}", "0-0");
        for limit in route.limits {
            let email = body["email"]
                .as_str()
                .and_then(|e| EmailAddress::parse(e).ok());
            let key = match limit.per {
                Per::ClientIp => CLIENT.to_string(),
                Per::Login => owner.clone(),
                Per::Company => company.as_str().to_string(),
                Per::BodyEmail => email.unwrap().as_str().to_string(),
                Per::BodyEmailAndClient => format!("{} {CLIENT}", email.unwrap().as_str()),
                Per::BodyCustomerNumber => company.as_str().to_string(),
            };
            let window = limit.window_seconds(config);
            let now = portal.clock.now();
            let pk = portal::store::auth::rate_counter_key(limit.scope, &key, now - now % window);
            dynamo
                .put_item()
                .table_name(&table)
                .item("pk", aws_sdk_dynamodb::types::AttributeValue::S(pk.clone()))
                .item(
                    "hits",
                    aws_sdk_dynamodb::types::AttributeValue::N(limit.count(config).to_string()),
                )
                .send()
                .await
                .unwrap();
            let mut req = browser.request(route.method.parse().unwrap(), &path);
            if !body.is_null() {
                req = req
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            if route.method == "PUT" {
                req = req.header("if-match", "\"0\"");
            }
            let reply = browser.send(req).await;
            assert_eq!(
                (reply.status, reply.code()),
                (429, "rate_limited"),
                "{} with its {} counter full: {reply:?}",
                route.function,
                limit.scope
            );
            assert!(reply.header("retry-after").is_some());
            dynamo
                .delete_item()
                .table_name(&table)
                .key("pk", aws_sdk_dynamodb::types::AttributeValue::S(pk))
                .send()
                .await
                .unwrap();
            checked += 1;
        }
    }
    assert!(checked >= 25, "{checked}");
}
