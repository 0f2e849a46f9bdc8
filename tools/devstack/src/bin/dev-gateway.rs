//! `make run`: the AWS stand-in, schema and demo data, and the dev gateway on 127.0.0.1:8080.

use devstack::{
    gateway, local, mailbox::Mailbox, moto, template::Template, workspace_root, DevError,
};
use std::sync::Arc;

fn port_from_env(name: &str, default: u16) -> Result<u16, DevError> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(raw) => raw
            .parse()
            .map_err(|_| DevError::msg(format!("{name}={raw} is not a port number"))),
    }
}

/// The same environment for `cargo lambda watch --env-file .local/lambda.env`.
fn write_lambda_env(
    path: &std::path::Path,
    env: &std::collections::HashMap<String, String>,
    moto_url: &str,
) -> Result<(), DevError> {
    let mut all: Vec<(String, String)> = env.clone().into_iter().collect();
    all.extend([
        ("AWS_ENDPOINT_URL".into(), moto_url.into()),
        ("AWS_REGION".into(), local::REGION.into()),
        ("AWS_ACCESS_KEY_ID".into(), "local".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "local".into()),
    ]);
    all.sort();
    let lines: Vec<String> = all
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").map_err(DevError::io("writing .local/lambda.env"))
}

async fn run() -> Result<(), DevError> {
    let root = workspace_root();
    let port = port_from_env("PORT", 8080)?;
    let moto_port = port_from_env("MOTO_PORT", 5555)?;
    moto::ensure_port_free(port, "PORT")?;
    let base_url = format!("http://127.0.0.1:{port}");
    let site_dir = root.join("site/public");
    if !site_dir.join("index.html").is_file() {
        return Err(DevError::msg(
            "site/public is missing: run `make site` (or `make run`) first",
        ));
    }

    std::fs::create_dir_all(root.join(".local")).map_err(DevError::io("creating .local"))?;
    println!("▸ Starting the AWS stand-in (moto) on 127.0.0.1:{moto_port} …");
    let moto = moto::MotoServer::start(
        &moto::default_binary(),
        Some(moto_port),
        &root.join(".local/moto.log"),
    )?;

    println!("▸ Creating tables, bucket and SES sender from infra/template.yaml …");
    let template = Template::load(&root.join("infra/template.yaml"))?;
    let sdk = local::sdk_config(&moto.url);
    let resources = local::ensure_resources(&sdk, &template, "portal-local-").await?;
    let upload_url = format!(
        "{base_url}/_dev/s3/{}",
        resources.buckets["DocumentsBucket"]
    );
    let inbox_uri = resources.inbox_uri();
    let env = resources.function_env(
        &template,
        &[
            ("PORTAL_BASE_URL", &base_url),
            ("UPLOAD_URL", &upload_url),
            ("S3_FORCE_PATH_STYLE", "true"),
            (
                "CURSOR_SECRET",
                "local-dev-cursor-secret-not-for-production",
            ),
            ("SUPPORT_EMAIL", "support@example.com"),
            ("INBOX_URI", &inbox_uri),
            ("OPS_EMAIL", "ops@example.com"),
            ("INBOX_BUCKET", &resources.buckets["InboxBucket"]),
            // Replies by mail, with SES receiving emulated (`devstack::watch`).
            ("REPLY_MAILBOX", "support@reply.example.com"),
            ("PAYMENT_PROVIDER_URL", "https://pay.example.com/konto"),
            ("PAYEE_NAME", "Kundenportal Demo GmbH"),
            ("PAYEE_IBAN", "DE89370400440532013000"),
            ("PAYEE_BIC", "COBADEFFXXX"),
        ],
    );
    let mut config = portal::Config::from_map(&env).map_err(|e| DevError::msg(e.to_string()))?;
    // One process serves every route: it reads every secret a function reads at init.
    portal::secrets::read_at_init(
        &mut config,
        &sdk,
        portal::routes::ROUTES.iter().flat_map(|r| r.secrets),
    )
    .await
    .map_err(|e| DevError::msg(e.to_string()))?;
    write_lambda_env(&root.join(".local/lambda.env"), &env, &moto.url)?;
    let app = portal::App::new(config.clone(), &sdk, portal::Clock::system());
    // What S3 notifications start on AWS: the inbox import, fed by a watcher of the bucket.
    devstack::watch::spawn_inbox(config.clone(), &sdk, &env, root.join(".local/inbox-work"))?;
    // And the replies SES stores under mail/, fed by a watcher the same way.
    devstack::watch::spawn_replies(
        config.clone(),
        &sdk,
        resources.buckets["InboxBucket"].clone(),
    )?;

    println!("▸ Seeding demo data (companies, logins, documents with PDFs) …");
    let stores = portal_admin::Stores::new(
        &sdk,
        &resources.tables["PortalTable"],
        &resources.buckets["DocumentsBucket"],
        true,
    );
    let today = portal::domain::documents::date_of(app.clock.now());
    let summary = portal_admin::demo::seed(&stores, today.year, today.month)
        .await
        .map_err(|e| DevError::msg(format!("seeding demo data: {e}")))?;
    println!(
        "  {} documents created, {} updated, {} unchanged",
        summary.created, summary.updated, summary.unchanged
    );

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|_| {
            DevError::msg(format!(
                "port {port} is already in use; choose another with PORT=<port>"
            ))
        })?;
    let mut gw = gateway::Gateway::new(app, site_dir, Some(Mailbox::new(&moto.url)));
    gw.print_login_mails = true;
    gw.local_s3 = Some(devstack::uploads::LocalS3::new(&moto.url));
    gw.local_replies = Some(gateway::LocalReplies {
        s3: portal::store::documents::s3_client(&sdk, true),
        bucket: resources.buckets["InboxBucket"].clone(),
        from: "support@example.com".into(),
    });

    println!("\n{}", portal_admin::demo::describe());
    println!("  Portal & Hilfe-Center:  {base_url}/");
    println!("  Anmelden / sign in:     {base_url}/anmelden/");
    println!("  Dokumente / documents:  {base_url}/portal/dokumente/");
    println!("  Unternehmen / company:  {base_url}/portal/unternehmen/");
    println!("  Dev-Postfach / mailbox: {base_url}/_dev/mail");
    println!("  Import-Inbox:           {inbox_uri}<batch>/ (READY last; docs/operations.md)");
    println!("  Antworten per Mail:     support's mails in the dev mailbox have a reply button");
    println!("\n  Strg-C / Ctrl-C beendet alles. Login links are also printed here.\n");

    gateway::serve(listener, Arc::new(gw), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    println!("\n▸ Stopping …");
    moto.stop();
    Ok(())
}

#[tokio::main]
async fn main() {
    portal::telemetry::init();
    if let Err(err) = run().await {
        eprintln!("\nmake run: {err}");
        std::process::exit(1);
    }
}
