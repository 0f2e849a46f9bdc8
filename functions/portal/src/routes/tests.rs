use super::*;
use http::Method;

#[test]
fn each_route_static_is_named_after_its_function() {
    // The binaries find their route by the static's name (`lambda::run(&routes::AUTH_REQUEST)`).
    for route in ROUTES {
        assert_eq!(
            route.name,
            route.function.to_uppercase().replace('-', "_"),
            "the static of {} is named {}",
            route.function,
            route.name
        );
    }
}

#[test]
fn every_function_has_exactly_one_route_and_a_distinct_name() {
    let mut names: Vec<_> = ROUTES.iter().map(|r| r.function).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), ROUTES.len());
}

#[test]
fn every_route_that_mails_publishes_or_stores_declares_a_rate_limit() {
    let unlimited: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.creates() && r.limits.is_empty())
        .map(|r| r.function)
        .collect();
    assert!(
        unlimited.is_empty(),
        "these routes send mail, publish events or create items without a declared limit: {unlimited:?}"
    );
}

#[test]
fn limits_count_only_what_the_route_knows() {
    for route in ROUTES {
        for limit in route.limits {
            match limit.per {
                Per::Login => assert_ne!(route.access(), Access::Public, "{}", route.function),
                Per::Company => assert!(
                    matches!(route.access(), Access::Company(_)),
                    "{}",
                    route.function
                ),
                Per::BodyEmail | Per::BodyEmailAndClient | Per::BodyCustomerNumber => {
                    assert_eq!(route.body, Body::Json, "{}", route.function)
                }
                Per::ClientIp => {}
            }
            assert!(!limit.scope.is_empty() && limit.scope.len() <= 32);
        }
    }
}

#[test]
fn only_state_changes_that_need_no_body_say_so() {
    for route in ROUTES {
        if let Body::Empty { reason } = route.body {
            assert!(route.changes_state(), "{}", route.function);
            assert!(!reason.is_empty(), "{}", route.function);
        }
    }
}

#[test]
fn permissions_add_the_session_and_the_counters_to_the_declared_grants() {
    let send = by_function("documents-send").unwrap();
    let auth = send
        .permissions()
        .into_iter()
        .find(|p| p.resource == Resource::AuthTable)
        .unwrap();
    assert!(
        auth.actions.contains("dynamodb:GetItem") && auth.actions.contains("dynamodb:UpdateItem")
    );
    let fallback = by_function(FALLBACK_FUNCTION).unwrap();
    assert!(fallback.permissions().is_empty());
}

#[test]
fn requests_resolve_to_their_route_or_the_fallback() {
    assert_eq!(
        resolve(&Method::GET, "/api/auth/session").function,
        "auth-session"
    );
    assert_eq!(
        resolve(&Method::DELETE, "/api/auth/session").function,
        "auth-logout"
    );
    assert_eq!(
        resolve(&Method::GET, "/api/auth/login-request").function,
        FALLBACK_FUNCTION
    );
    assert_eq!(
        resolve(&Method::GET, "/api/nothing").function,
        FALLBACK_FUNCTION
    );
    assert_eq!(
        resolve(&Method::GET, "/api/auth/session/").function,
        FALLBACK_FUNCTION
    );
}

#[test]
fn patterns_capture_single_segments_and_greedy_rests() {
    let route = Route {
        path: "/api/documents/{id}/pdf",
        ..Route::DEFAULTS
    };
    let params = route.match_path("/api/documents/R-1/pdf").unwrap();
    assert_eq!(params["id"], "R-1");
    assert!(route.match_path("/api/documents//pdf").is_none());
    assert!(route.match_path("/api/documents/a/b/pdf").is_none());
    let fallback = by_function(FALLBACK_FUNCTION).unwrap();
    assert_eq!(fallback.match_path("/api/a/b").unwrap()["proxy"], "a/b");
    assert!(fallback.match_path("/api/").is_none());
}

#[test]
fn a_known_path_with_another_method_lists_the_allowed_ones() {
    let req = ApiRequest::new(Method::PATCH, "/api/auth/session");
    match unmatched(&req) {
        ApiError::MethodNotAllowed { allow } => {
            assert_eq!(allow, vec!["POST", "GET", "DELETE"])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_function_without_a_secret_it_declares_must_not_start() {
    let mut env: std::collections::HashMap<String, String> = [
        ("PORTAL_BASE_URL", "https://portal.example.com"),
        ("AUTH_TABLE", "auth"),
        ("PORTAL_TABLE", "portal"),
        ("EVENT_BUS_NAME", "bus"),
        ("DOCUMENTS_BUCKET", "docs"),
        ("MAIL_FROM", "Portal <portal@example.com>"),
        ("SUPPORT_EMAIL", "support@example.com"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let config = crate::Config::from_map(&env).unwrap();
    assert_eq!(
        DOCUMENTS_LIST.missing_secret(&config),
        Some("CURSOR_SECRET")
    );
    assert_eq!(
        ACCOUNT_PAYMENT_UPDATE.missing_secret(&config),
        Some("PAYMENT_DATA_KEY_SECRET_ARN")
    );
    assert_eq!(DOCUMENTS_DETAIL.missing_secret(&config), None);
    env.insert("CURSOR_SECRET".into(), "c".repeat(32));
    let config = crate::Config::from_map(&env).unwrap();
    assert_eq!(DOCUMENTS_LIST.missing_secret(&config), None);
}

/// Only a route that reads a secret at init points at the Secrets Manager code, so the other
/// binaries do not link it.
#[test]
fn only_routes_that_read_a_secret_at_init_carry_the_reader() {
    for route in ROUTES {
        let reads = route
            .secrets
            .iter()
            .any(|s| s.delivery() == SecretDelivery::ReadAtInit);
        assert_eq!(route.read_at_init.is_some(), reads, "{}", route.function);
    }
    assert!(ACCOUNT_PAYMENT_UPDATE.read_at_init.is_some());
}
