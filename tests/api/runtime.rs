//! The deployable artefact itself: the built function binaries driven through the Lambda
//! Runtime API, with the API Gateway v2 events from `tests/events/`.

use devstack::runtime_api::{Outcome, RuntimeApi};
use portal_tests::TestPortal;
use std::path::PathBuf;
use std::process::Stdio;

fn binary(name: &str) -> PathBuf {
    // target/debug/deps/api-… → target/debug/<name>
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` first",
        path.display()
    );
    path
}

fn event(name: &str) -> serde_json::Value {
    let path = devstack::workspace_root()
        .join("tests/events")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn spawn(
    function: &str,
    env: &std::collections::HashMap<String, String>,
    runtime: &RuntimeApi,
) -> tokio::process::Child {
    tokio::process::Command::new(binary(function))
        .env_clear()
        .envs(env)
        .env("AWS_LAMBDA_RUNTIME_API", &runtime.address)
        .env("AWS_LAMBDA_FUNCTION_NAME", function)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", devstack::local::REGION)
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_ENDPOINT_URL", portal_tests::moto_url())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn the_built_functions_answer_api_gateway_events_through_the_runtime_api() {
    let portal = TestPortal::spawn().await;
    let mut env = portal.env.clone();
    env.insert("PORTAL_BASE_URL".into(), "http://127.0.0.1:8080".into());

    let mut runtime = RuntimeApi::start().await;
    let _session = spawn("auth-session", &env, &runtime);
    match runtime.invoke("req-1", &event("auth-session")).await {
        Outcome::Response(response) => {
            assert_eq!(response["statusCode"], 401, "{response}");
            let body: serde_json::Value =
                serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
            assert_eq!(body["error"]["code"], "unauthenticated");
            assert_eq!(response["headers"]["x-content-type-options"], "nosniff");
        }
        other => panic!("{other:?}"),
    }

    let mut runtime = RuntimeApi::start().await;
    let _request = spawn("auth-request", &env, &runtime);
    match runtime.invoke("req-2", &event("auth-request")).await {
        Outcome::Response(response) => {
            assert_eq!(response["statusCode"], 202, "{response}");
            let cookies = response["cookies"]
                .as_array()
                .expect("cookies in the v2 response");
            assert!(cookies[0]
                .as_str()
                .unwrap()
                .starts_with("__Host-portal_attempt="));
        }
        other => panic!("{other:?}"),
    }

    let mut runtime = RuntimeApi::start().await;
    let _fallback = spawn("api-fallback", &env, &runtime);
    match runtime.invoke("req-3", &event("api-fallback")).await {
        Outcome::Response(response) => assert_eq!(response["statusCode"], 404, "{response}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_function_with_a_missing_variable_refuses_to_start_and_names_it() {
    let portal = TestPortal::spawn().await;
    let mut env = portal.env.clone();
    env.remove("AUTH_TABLE");
    let runtime = RuntimeApi::start().await;
    let child = spawn("auth-session", &env, &runtime);
    let output = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("exits promptly")
        .unwrap();
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("AUTH_TABLE"), "{text}");
}

/// The function that seals IBANs reads its key at init from the secret its environment names
/// (issue #19, item 4): it starts and answers with the stand-in's secret, and refuses to start,
/// naming the variable, when the secret cannot be read. No other function is given the name.
#[tokio::test]
async fn the_payment_function_reads_its_key_from_secrets_manager_at_init() {
    let portal = TestPortal::spawn().await;
    let mut env = portal.env.clone();
    env.insert("PORTAL_BASE_URL".into(), "http://127.0.0.1:8080".into());
    assert!(
        env["PAYMENT_DATA_KEY_SECRET_ARN"].starts_with("arn:aws:secretsmanager:"),
        "the environment names the secret, it does not hold the key"
    );
    assert!(!env.contains_key("PAYMENT_DATA_KEY"));

    let mut runtime = RuntimeApi::start().await;
    let _function = spawn("account-payment-update", &env, &runtime);
    match runtime
        .invoke("req-1", &event("account-payment-update"))
        .await
    {
        // Started (the key was read); the made-up session of the event is refused.
        Outcome::Response(response) => assert_eq!(response["statusCode"], 401, "{response}"),
        other => panic!("{other:?}"),
    }

    env.insert(
        "PAYMENT_DATA_KEY_SECRET_ARN".into(),
        format!("{}-gone", env["PAYMENT_DATA_KEY_SECRET_ARN"]),
    );
    let runtime = RuntimeApi::start().await;
    let child = spawn("account-payment-update", &env, &runtime);
    let output = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("exits promptly")
        .unwrap();
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("PAYMENT_DATA_KEY_SECRET_ARN"), "{text}");
}
