//! One schema, one route table: the template, the code's expectations and the local stand-in
//! must agree.

use portal::routes::ROUTES;
use portal::schema::TABLES;
use portal_tests::{template, TestPortal};

#[test]
fn the_template_defines_exactly_the_tables_the_stores_expect() {
    let tables = template().tables();
    assert_eq!(tables.len(), TABLES.len(), "{tables:?}");
    for spec in TABLES {
        let table = tables
            .iter()
            .find(|t| t.logical_id == spec.logical_id)
            .unwrap_or_else(|| panic!("{} is not in the template", spec.logical_id));
        assert_eq!(
            table.key("HASH"),
            Some(spec.partition_key),
            "{}",
            spec.logical_id
        );
        assert_eq!(table.key("RANGE"), spec.sort_key, "{}", spec.logical_id);
        assert_eq!(
            table.ttl_attribute.as_deref(),
            spec.ttl_attribute,
            "{}",
            spec.logical_id
        );
    }
}

#[test]
fn every_function_gets_the_table_names_from_the_template() {
    let env = template().function_environment();
    for spec in TABLES {
        assert_eq!(
            env.get(spec.env),
            Some(&devstack::template::EnvValue::Ref(
                spec.logical_id.to_string()
            )),
            "{}",
            spec.env
        );
    }
}

#[test]
fn the_template_has_exactly_the_routes_of_the_route_table() {
    let mut ours: Vec<(String, String, String)> = ROUTES
        .iter()
        .map(|r| {
            (
                r.function.to_string(),
                r.method.to_string(),
                r.path.to_string(),
            )
        })
        .collect();
    ours.sort();
    let theirs: Vec<(String, String, String)> = template()
        .routes()
        .into_iter()
        .map(|r| (r.function, r.method, r.path))
        .collect();
    assert_eq!(ours, theirs);
    // One package holds the function binaries: exactly one `[[bin]]` per route, without a test
    // harness, each running (and so linking) its own route only.
    let package = devstack::workspace_root().join("functions/lambdas");
    let manifest = std::fs::read_to_string(package.join("Cargo.toml")).unwrap();
    let bins: Vec<&str> = manifest
        .split("[[bin]]")
        .skip(1)
        .map(|bin| {
            assert!(
                bin.contains("test = false"),
                "a [[bin]] with a test harness: {bin}"
            );
            bin.lines()
                .find_map(|l| l.strip_prefix("name = \""))
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or_else(|| panic!("a [[bin]] without a name: {bin}"))
        })
        .collect();
    // … and one per event-triggered function.
    let mut functions: Vec<&str> = ROUTES
        .iter()
        .map(|r| r.function)
        .chain(
            portal::routes::triggered::TRIGGERED
                .iter()
                .map(|t| t.function),
        )
        .collect();
    functions.sort();
    let mut listed = bins.clone();
    listed.sort();
    assert_eq!(
        listed, functions,
        "functions/lambdas/Cargo.toml and the route table (routes and triggered functions)"
    );
    for route in ROUTES {
        let source = format!("src/bin/{}.rs", route.function);
        let main = std::fs::read_to_string(package.join(&source))
            .unwrap_or_else(|_| panic!("functions/lambdas/{source} is missing"));
        let own = format!("lambda::run(&portal::routes::{})", route.name);
        assert!(
            main.contains(&own),
            "functions/lambdas/{source} must call {own}"
        );
        let event = devstack::workspace_root()
            .join("tests/events")
            .join(format!("{}.json", route.function));
        assert!(
            event.exists(),
            "tests/events/{}.json is missing",
            route.function
        );
    }
}

#[tokio::test]
async fn the_local_tables_match_the_template() {
    let portal = TestPortal::spawn().await;
    let sdk = devstack::local::sdk_config(portal_tests::moto_url());
    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    for table in template().tables() {
        let name = &portal.resources.tables[&table.logical_id];
        let described = dynamo
            .describe_table()
            .table_name(name)
            .send()
            .await
            .unwrap();
        let described = described.table.unwrap();
        let keys: Vec<(String, String)> = described
            .key_schema()
            .iter()
            .map(|k| {
                (
                    k.attribute_name().to_string(),
                    k.key_type().as_str().to_string(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = table
            .key_schema
            .iter()
            .map(|k| (k.name.clone(), k.key_type.clone()))
            .collect();
        assert_eq!(keys, expected, "{name}");
        let mut local_indexes: Vec<String> = described
            .global_secondary_indexes()
            .iter()
            .map(|i| i.index_name().unwrap_or_default().to_string())
            .collect();
        local_indexes.sort();
        let mut template_indexes: Vec<String> = table
            .global_indexes
            .iter()
            .map(|i| i.name.clone())
            .collect();
        template_indexes.sort();
        assert_eq!(local_indexes, template_indexes, "{name}");
        let ttl = dynamo
            .describe_time_to_live()
            .table_name(name)
            .send()
            .await
            .unwrap();
        let ttl_attribute = ttl
            .time_to_live_description()
            .and_then(|d| d.attribute_name())
            .map(str::to_string);
        assert_eq!(ttl_attribute, table.ttl_attribute, "{name}");
    }
}

#[test]
fn the_template_functions_are_generated_from_the_route_table() {
    let path = devstack::workspace_root().join("infra/template.yaml");
    let current = std::fs::read_to_string(path).unwrap();
    let generated = devstack::infra::regenerate(&current).unwrap();
    assert!(
        generated == current,
        "infra/template.yaml differs from the route table: run `make template`"
    );
}

#[test]
fn cloudfront_sends_the_same_content_security_policy_as_the_functions() {
    let path = devstack::workspace_root().join("infra/template.yaml");
    let template = std::fs::read_to_string(path).unwrap();
    let ours = portal::http::security_headers()
        .iter()
        .find(|(name, _)| *name == "content-security-policy")
        .unwrap()
        .1;
    let line = template
        .lines()
        .find(|l| l.trim_start().starts_with("ContentSecurityPolicy: !Sub \""))
        .expect("the response headers policy sets a CSP");
    let theirs = line
        .split_once(": !Sub")
        .unwrap()
        .1
        .trim()
        .trim_matches('"');
    // Pages may also send uploads straight to the documents bucket (presigned POSTs, UPLOAD_URL);
    // locally that is the dev gateway itself, so 'self' covers it.
    let ours = ours.replace(
        "connect-src 'self';",
        "connect-src 'self' https://${DocumentsBucket.RegionalDomainName};",
    );
    assert_eq!(theirs, ours);
}

#[test]
fn the_openapi_description_has_exactly_the_routes_of_the_route_table() {
    let path = devstack::workspace_root().join("docs/openapi.yaml");
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut documented: Vec<(String, String, String)> = Vec::new();
    for (path, item) in spec["paths"].as_mapping().expect("paths") {
        for (method, operation) in item.as_mapping().unwrap() {
            let method = method.as_str().unwrap();
            if ["get", "put", "post", "delete", "patch", "head", "options"].contains(&method) {
                documented.push((
                    operation["operationId"].as_str().unwrap_or("?").to_string(),
                    method.to_uppercase(),
                    path.as_str().unwrap().to_string(),
                ));
            }
        }
    }
    documented.sort();
    let mut ours: Vec<(String, String, String)> = ROUTES
        .iter()
        .filter(|r| r.function != portal::routes::FALLBACK_FUNCTION)
        .map(|r| (r.function.into(), r.method.into(), r.path.into()))
        .collect();
    ours.sort();
    assert_eq!(
        documented, ours,
        "docs/openapi.yaml and the route table differ"
    );
}

/// What the pipeline answers for a route follows from its declaration, so the description must
/// say so: 429 where limits are declared, 401 where a session is needed, 415 where a body is.
#[test]
fn the_openapi_description_documents_what_the_pipeline_answers() {
    let path = devstack::workspace_root().join("docs/openapi.yaml");
    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut missing = Vec::new();
    for route in ROUTES
        .iter()
        .filter(|r| r.function != portal::routes::FALLBACK_FUNCTION)
    {
        let operation = &spec["paths"][route.path][route.method.to_lowercase()];
        let documents = |status: &str| !operation["responses"][status].is_null();
        let mut expected = Vec::new();
        if !route.limits.is_empty() {
            expected.push("429");
        }
        if route.access() != portal::routes::Access::Public {
            expected.push("401");
        }
        if route.changes_state() {
            expected.extend(["403", "415"]);
        }
        for status in expected {
            if !documents(status) {
                missing.push(format!("{} {}", route.function, status));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/openapi.yaml lacks these answers of the pipeline: {missing:?}"
    );
}

#[test]
fn the_documented_rate_limits_are_the_declared_ones() {
    use portal::routes::{Against, Count, Window};
    let doc =
        std::fs::read_to_string(devstack::workspace_root().join("docs/architecture.md")).unwrap();
    let table = doc
        .split("## Rate limits")
        .nth(1)
        .expect("docs/architecture.md has a Rate limits section");
    // (function, scope, limit column) for every row.
    let mut documented = Vec::new();
    for row in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let (functions, scope, limit, against) =
            (cells[1], cells[2].trim_matches('`'), cells[4], cells[5]);
        for function in functions.split(", ") {
            documented.push((function.trim_matches('`'), scope, limit, against));
        }
    }
    let mut declared = 0;
    for route in ROUTES {
        for limit in route.limits {
            declared += 1;
            let row = documented
                .iter()
                .find(|(f, s, _, _)| *f == route.function && *s == limit.scope)
                .unwrap_or_else(|| {
                    panic!(
                        "docs/architecture.md lacks the limit {} of {}",
                        limit.scope, route.function
                    )
                });
            let expected = match (limit.count, limit.window) {
                (Count::Fixed(n), Window::Seconds(3600)) => format!("{n} an hour"),
                (Count::Fixed(n), Window::Seconds(86_400)) => format!("{n} a day"),
                (Count::Fixed(n), Window::Login) => {
                    format!("{n} per `LOGIN_LIMIT_WINDOW_SECONDS`")
                }
                (Count::LoginPerIp, _) => "`LOGIN_LIMIT_PER_IP`".into(),
                (Count::LoginPerEmail, _) => "`LOGIN_LIMIT_PER_EMAIL`".into(),
                other => panic!("teach this test how docs/architecture.md writes {other:?}"),
            };
            assert!(
                row.2.starts_with(&expected),
                "{} {}: the docs say {:?}, the table {expected}",
                route.function,
                limit.scope,
                row.2
            );
            let against = match limit.against {
                Against::Guessing => "guessing",
                Against::Flooding => "flooding",
            };
            assert_eq!(row.3, against, "{} {}", route.function, limit.scope);
        }
    }
    assert_eq!(
        declared,
        documented.len(),
        "docs/architecture.md lists limits no route declares"
    );
}

/// Every request header a handler or the pipeline reads reaches the API through CloudFront: the
/// origin request policy forwards a list, and a header missing there is silently absent in
/// production (the new-browser notice named no browser without `User-Agent`).
#[test]
fn cloudfront_forwards_every_header_the_portal_reads() {
    let template =
        std::fs::read_to_string(devstack::workspace_root().join("infra/template.yaml")).unwrap();
    let policy = template
        .split("ApiOriginRequestPolicy:")
        .nth(1)
        .and_then(|p| p.split("\n\n").next())
        .expect("the template has ApiOriginRequestPolicy");
    let forwarded: Vec<String> = policy
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(str::to_ascii_lowercase)
        .collect();
    let mut read = std::collections::BTreeSet::new();
    let src = devstack::workspace_root().join("functions/portal/src");
    let mut folders = vec![src];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // Reply mails' headers (`Auto-Submitted`, …) are read there, not HTTP headers.
                if !path.ends_with("domain/reply") {
                    folders.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split("header(\"").skip(1) {
                    let name = part.split('"').next().unwrap_or("");
                    if !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    {
                        read.insert(name.to_ascii_lowercase());
                    }
                }
            }
        }
    }
    // Set by CloudFront itself as an origin custom header, not a viewer's header.
    read.remove("x-origin-verify");
    assert!(
        read.contains("user-agent") && read.contains("origin"),
        "{read:?}"
    );
    for header in &read {
        assert!(
            forwarded.contains(header),
            "infra/template.yaml's ApiOriginRequestPolicy does not forward {header}, which the portal reads"
        );
    }
    assert!(
        forwarded.len() <= 10,
        "CloudFront forwards at most 10 listed headers"
    );
}

/// Each secret reaches exactly the functions whose route declares it: not the others (nor all
/// of them through `Globals`), where anyone allowed `lambda:GetFunctionConfiguration` could
/// read it.
#[test]
fn each_secret_is_in_the_environment_of_exactly_the_functions_that_declare_it() {
    let text =
        std::fs::read_to_string(devstack::workspace_root().join("infra/template.yaml")).unwrap();
    let template: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let globals = &template["Globals"]["Function"]["Environment"]["Variables"];
    for secret in [
        portal::routes::RouteSecret::CursorKey,
        portal::routes::RouteSecret::PaymentDataKey,
        portal::routes::RouteSecret::ReplyKey,
    ] {
        let variable = secret.variable();
        assert!(globals[variable].is_null(), "{variable} is in Globals");
        for route in ROUTES {
            let name = format!("{}Function", devstack::infra::logical_name(route.function));
            let has = !template["Resources"][name.as_str()]["Properties"]["Environment"]
                ["Variables"][variable]
                .is_null();
            assert_eq!(
                has,
                route.secrets.contains(&secret),
                "{variable} in {}'s environment",
                route.function
            );
        }
        for triggered in portal::routes::triggered::TRIGGERED {
            let name = format!(
                "{}Function",
                devstack::infra::logical_name(triggered.function)
            );
            let has = !template["Resources"][name.as_str()]["Properties"]["Environment"]
                ["Variables"][variable]
                .is_null();
            assert_eq!(
                has,
                triggered.secrets.contains(&secret),
                "{variable} in {}'s environment",
                triggered.function
            );
        }
    }
    // The IBAN key is in no function's configuration: its function gets the secret's ARN and
    // may read that one secret (at init), nothing else.
    assert!(
        !text.contains("resolve:secretsmanager:${PaymentDataKey}"),
        "the IBAN key must not be resolved into any environment"
    );
    let function = &template["Resources"]["AccountPaymentUpdateFunction"]["Properties"];
    let arn = &function["Environment"]["Variables"]["PAYMENT_DATA_KEY_SECRET_ARN"];
    assert_eq!(
        serde_yaml::to_string(arn).unwrap().trim(),
        "!Ref PaymentDataKey"
    );
    let statements = serde_yaml::to_string(&function["Policies"]).unwrap();
    assert!(
        statements.contains("secretsmanager:GetSecretValue")
            && statements.contains("!Ref PaymentDataKey"),
        "{statements}"
    );
    // Only the functions that declare a secret read at init may read one (each its own).
    let readers = ROUTES
        .iter()
        .filter(|r| {
            r.secrets
                .iter()
                .any(|s| s.delivery() == portal::routes::SecretDelivery::ReadAtInit)
        })
        .count()
        + portal::routes::triggered::TRIGGERED
            .iter()
            .filter(|t| {
                t.secrets
                    .iter()
                    .any(|s| s.delivery() == portal::routes::SecretDelivery::ReadAtInit)
            })
            .count();
    assert_eq!(
        text.matches("Action: [secretsmanager:GetSecretValue]")
            .count(),
        readers,
        "only the functions that read a secret at init"
    );
    assert!(!text.contains("resolve:secretsmanager:${ReplyKey}"));
    let payment: Vec<&str> = ROUTES
        .iter()
        .filter(|r| {
            r.secrets
                .contains(&portal::routes::RouteSecret::PaymentDataKey)
        })
        .map(|r| r.function)
        .collect();
    assert_eq!(
        payment,
        ["account-payment-update"],
        "only the function that seals IBANs"
    );
}
