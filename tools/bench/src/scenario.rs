//! The local stack in the benchmark's own process (moto, tables, demo data, the dev gateway
//! with an AWS call log) and the customer-login scenario the cost estimate prices: sign in by
//! link, look at the documents (list, statistics), download two PDFs, update the billing data.

use devstack::gateway::Gateway;
use devstack::mailbox::Mailbox;
use devstack::{local, moto, template::Template, workspace_root, DevError};
use portal::store::calls::{AwsCall, CallLog};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Stack {
    pub moto: moto::MotoServer,
    pub base_url: String,
    pub env: HashMap<String, String>,
    pub calls: CallLog,
    pub sdk: aws_config::SdkConfig,
    pub resources: local::LocalResources,
}

impl Stack {
    /// moto on a free port, the template's resources, demo data, the gateway on a free port.
    pub async fn start(prefix: &str) -> Result<Stack, DevError> {
        let root = workspace_root();
        let moto = moto::MotoServer::start(
            &moto::default_binary(),
            None,
            &root.join(format!("target/bench-{prefix}moto.log")),
        )?;
        let template = Template::load(&root.join("infra/template.yaml"))?;
        let sdk = local::sdk_config(&moto.url);
        let resources = local::ensure_resources(&sdk, &template, prefix).await?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(DevError::io("binding the gateway"))?;
        let port = listener
            .local_addr()
            .map_err(DevError::io("gateway"))?
            .port();
        let base_url = format!("http://127.0.0.1:{port}");
        let env = resources.function_env(
            &template,
            &[
                ("PORTAL_BASE_URL", &base_url),
                ("S3_FORCE_PATH_STYLE", "true"),
                (
                    "CURSOR_SECRET",
                    "local-bench-cursor-secret-0123456789abcdef",
                ),
                ("SUPPORT_EMAIL", "support@example.com"),
                ("LOGIN_RESPONSE_FLOOR_MS", "0"),
                ("LOGIN_LIMIT_PER_IP", "100000"),
                ("LOGIN_LIMIT_PER_EMAIL", "1000"),
            ],
        );
        let mut config =
            portal::Config::from_map(&env).map_err(|e| DevError::msg(e.to_string()))?;
        portal::secrets::read_at_init(
            &mut config,
            &sdk,
            portal::routes::ROUTES.iter().flat_map(|r| r.secrets),
        )
        .await
        .map_err(|e| DevError::msg(e.to_string()))?;
        let calls = CallLog::default();
        let app =
            portal::App::with_call_log(config, &sdk, portal::Clock::system(), Some(calls.clone()));
        let stores = portal_admin::Stores::new(
            &sdk,
            &resources.tables["PortalTable"],
            &resources.buckets["DocumentsBucket"],
            true,
        );
        let today = portal::domain::documents::date_of(app.clock.now());
        portal_admin::demo::seed(&stores, today.year, today.month)
            .await
            .map_err(|e| DevError::msg(format!("seeding demo data: {e}")))?;
        let gateway = Gateway::new(app, root.join("site/public"), Some(Mailbox::new(&moto.url)));
        tokio::spawn(devstack::gateway::serve(
            listener,
            Arc::new(gateway),
            std::future::pending(),
        ));
        Ok(Stack {
            moto,
            base_url,
            env,
            calls,
            sdk,
            resources,
        })
    }

    /// A logged-in session cookie (`name=value`) for `email` (a demo login).
    pub async fn session_cookie(&self, email: &str) -> Result<String, DevError> {
        let mut browser = Browser::new(&self.base_url);
        let (token, _) = browser.request_link(&self.moto.url, email).await?;
        browser
            .send(
                "POST",
                "/api/auth/session",
                Some(serde_json::json!({ "token": token })),
                None,
            )
            .await?;
        browser
            .cookies
            .get("__Host-portal_session")
            .map(|v| format!("__Host-portal_session={v}"))
            .ok_or_else(|| DevError::msg("no session cookie after redeeming the link"))
    }
}

/// A minimal browser: Origin, JSON, cookies.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: serde_json::Value,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: HashMap::new(),
        }
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        if_match: Option<&str>,
    ) -> Result<Reply, DevError> {
        let mut req = self
            .client
            .request(
                method.parse().expect("method"),
                format!("{}{path}", self.base),
            )
            .header("origin", &self.base)
            .header("accept-language", "de");
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        if let Some(tag) = if_match {
            req = req.header("if-match", tag);
        }
        if !self.cookies.is_empty() {
            let cookie: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header("cookie", cookie.join("; "));
        }
        let response = req
            .send()
            .await
            .map_err(|e| DevError::msg(format!("{method} {path}: {e}")))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for value in headers.get_all("set-cookie") {
            let pair = value.to_str().unwrap_or("").split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let text = response.text().await.unwrap_or_default();
        Ok(Reply {
            status,
            headers,
            json: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        })
    }

    /// Requests a login link for `email` and returns its token from the stand-in's mailbox, with
    /// how long the request itself took (not the wait for the mail).
    pub async fn request_link(
        &mut self,
        moto_url: &str,
        email: &str,
    ) -> Result<(String, Duration), DevError> {
        let mailbox = Mailbox::new(moto_url);
        let before = mailbox.to(email).await?.len();
        let at = Instant::now();
        self.send(
            "POST",
            "/api/auth/login-request",
            Some(serde_json::json!({ "email": email })),
            None,
        )
        .await?;
        let took = at.elapsed();
        for _ in 0..100 {
            let mails = mailbox.to(email).await?;
            if mails.len() > before {
                let link = mails[before]
                    .login_link()
                    .ok_or_else(|| DevError::msg("the login mail has no link"))?;
                return Ok((
                    link.split_once('#')
                        .map(|(_, t)| t.to_string())
                        .unwrap_or_default(),
                    took,
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(DevError::msg(format!("no login mail for {email}")))
    }
}

/// One step of the scenario as measured: the function, its wall time, its AWS calls.
pub struct Step {
    pub function: &'static str,
    pub status: u16,
    pub took: Duration,
    pub calls: Vec<AwsCall>,
    pub bytes: u64,
}

/// Runs the login scenario once for `email` and returns every API request it made.
pub async fn login_scenario(stack: &Stack, email: &str) -> Result<Vec<Step>, DevError> {
    login_scenario_at(&stack.base_url, &stack.moto.url, Some(&stack.calls), email).await
}

/// The login scenario against a portal at `base_url` whose mail goes to the stand-in at
/// `moto_url`; with `calls`, each step carries the AWS calls its function made.
pub async fn login_scenario_at(
    base_url: &str,
    moto_url: &str,
    calls: Option<&CallLog>,
    email: &str,
) -> Result<Vec<Step>, DevError> {
    let mut browser = Browser::new(base_url);
    let mut steps = Vec::new();
    let mut step = |function: &'static str, status: u16, took: Duration, bytes: u64| {
        let calls = calls
            .map(|log| log.take())
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.function == function)
            .collect();
        steps.push(Step {
            function,
            status,
            took,
            calls,
            bytes,
        });
    };
    if let Some(log) = calls {
        log.take();
    }
    let (token, took) = browser.request_link(moto_url, email).await?;
    step("auth-request", 202, took, 0);
    let at = Instant::now();
    let reply = browser
        .send(
            "POST",
            "/api/auth/login-link",
            Some(serde_json::json!({ "token": token })),
            None,
        )
        .await?;
    step("auth-inspect", reply.status, at.elapsed(), 0);
    let at = Instant::now();
    let reply = browser
        .send(
            "POST",
            "/api/auth/session",
            Some(serde_json::json!({ "token": token })),
            None,
        )
        .await?;
    if reply.status != 200 {
        return Err(DevError::msg(format!(
            "redeeming the link answered {}",
            reply.status
        )));
    }
    step("auth-redeem", reply.status, at.elapsed(), 0);
    // Three portal pages (overview, documents, company), each asks who is signed in.
    for path in [
        "/api/auth/session",
        "/api/documents",
        "/api/documents/statistics",
    ] {
        let at = Instant::now();
        let reply = browser.send("GET", path, None, None).await?;
        let function = portal::routes::resolve(&http::Method::GET, path).function;
        step(function, reply.status, at.elapsed(), 0);
        if path == "/api/documents" {
            let ids: Vec<String> = reply.json["documents"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["kind"] == "invoice")
                .filter_map(|d| d["id"].as_str().map(str::to_string))
                .take(2)
                .collect();
            for id in ids {
                let at = Instant::now();
                let reply = browser
                    .send("GET", &format!("/api/documents/{id}/pdf"), None, None)
                    .await?;
                let took = at.elapsed();
                let location = reply
                    .headers
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let pdf = reqwest::get(&location)
                    .await
                    .map_err(|e| DevError::msg(format!("downloading the PDF: {e}")))?
                    .bytes()
                    .await
                    .map(|b| b.len() as u64)
                    .unwrap_or(0);
                step("documents-pdf", reply.status, took, pdf);
            }
        }
    }
    for _ in 0..2 {
        let at = Instant::now();
        let reply = browser.send("GET", "/api/auth/session", None, None).await?;
        step("auth-session", reply.status, at.elapsed(), 0);
    }
    let at = Instant::now();
    let reply = browser
        .send("GET", "/api/account/billing", None, None)
        .await?;
    step("account-billing", reply.status, at.elapsed(), 0);
    let etag = reply
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("\"0\"")
        .to_string();
    let current = &reply.json;
    let billing = serde_json::json!({
        "legal_name": current["legal_name"],
        "address": current["address"],
        "vat_id": current["vat_id"],
        "invoice_emails": current["invoice_emails"],
        "po_reference": format!("PO-{}", etag.trim_matches('"')),
        "notify_new_invoices": current["notify_new_invoices"],
    });
    let at = Instant::now();
    let reply = browser
        .send("PUT", "/api/account/billing", Some(billing), Some(&etag))
        .await?;
    if reply.status != 200 {
        return Err(DevError::msg(format!(
            "the billing update answered {}: {}",
            reply.status, reply.json
        )));
    }
    step("account-billing-update", reply.status, at.elapsed(), 0);
    Ok(steps)
}
