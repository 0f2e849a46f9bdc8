//! Test support: a portal on a free port with its own tables in a shared moto server, a
//! simulated browser with a cookie jar, the mailbox, and a Lambda Runtime API harness.

pub mod browser;
pub mod faults;
pub mod logs;

pub use browser::{Browser, Reply};

use devstack::local::{self, LocalResources};
use devstack::mailbox::{Mail, Mailbox};
use devstack::moto::MotoServer;
use devstack::template::Template;
use portal::domain::email::EmailAddress;
use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal::store::directory::Company;
use portal::store::documents::Document;
use portal::{App, Clock, Config};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

static MOTO: OnceLock<MotoServer> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// One moto server per test binary, on a free port; it ends with the test process.
pub fn moto_url() -> &'static str {
    &MOTO
        .get_or_init(|| {
            let log = devstack::workspace_root().join("target/moto-tests.log");
            MotoServer::start(&devstack::moto::default_binary(), None, &log)
                .expect("moto_server starts (run `make setup` first)")
        })
        .url
}

pub fn template() -> Template {
    Template::load(&devstack::workspace_root().join("infra/template.yaml")).expect("template loads")
}

/// A unique name part for this test, so parallel tests never share tables or addresses.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}x{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct TestPortal {
    pub base_url: String,
    pub mailbox: Mailbox,
    pub clock: Clock,
    pub resources: LocalResources,
    pub env: HashMap<String, String>,
    pub app_for_seeding: App,
    /// Every AWS call the gateway's handlers made (seeding is not noted).
    pub calls: portal::store::calls::CallLog,
    tag: String,
}

impl TestPortal {
    /// A portal with the default limits and no response floor (tests stay fast).
    pub async fn spawn() -> TestPortal {
        TestPortal::spawn_with(&[]).await
    }

    pub async fn spawn_with(overrides: &[(&str, &str)]) -> TestPortal {
        TestPortal::spawn_via(moto_url(), overrides).await
    }

    /// A portal whose AWS calls go to `endpoint` (e.g. a proxy in front of the stand-in that a
    /// test can switch off).
    pub async fn spawn_via(endpoint: &str, overrides: &[(&str, &str)]) -> TestPortal {
        logs::capture();
        let moto = moto_url();
        let tag = unique("t");
        let sdk = local::sdk_config(endpoint);
        let resources = local::ensure_resources(&sdk, &template(), &format!("{tag}-"))
            .await
            .expect("local resources");
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let base_url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let upload_url = format!(
            "{base_url}/_dev/s3/{}",
            resources.buckets["DocumentsBucket"]
        );
        let inbox_uri = resources.inbox_uri();
        let mut all: Vec<(&str, &str)> = vec![
            ("PORTAL_BASE_URL", &base_url),
            ("UPLOAD_URL", &upload_url),
            ("LOGIN_RESPONSE_FLOOR_MS", "0"),
            ("S3_FORCE_PATH_STYLE", "true"),
            ("CURSOR_SECRET", "local-test-cursor-secret-0123456789abcdef"),
            ("INBOX_URI", &inbox_uri),
            ("OPS_EMAIL", "ops@example.com"),
            ("REPLY_MAILBOX", "support@reply.example.net"),
            ("SUPPORT_EMAIL", "support@example.com"),
        ];
        all.extend_from_slice(overrides);
        let env = resources.function_env(&template(), &all);
        let clock = Clock::system();
        let mut config = Config::from_map(&env).expect("test config is valid");
        // As each function at init: the payment key from its secret in the stand-in.
        portal::secrets::read_at_init(
            &mut config,
            &sdk,
            portal::routes::ROUTES.iter().flat_map(|r| r.secrets),
        )
        .await
        .expect("the secrets read at init");
        let calls = portal::store::calls::CallLog::default();
        let app = App::with_call_log(config.clone(), &sdk, clock.clone(), Some(calls.clone()));
        let mut gateway = devstack::gateway::Gateway::new(
            app,
            devstack::workspace_root().join("site/public"),
            Some(Mailbox::new(moto)),
        );
        gateway.trust_forwarded_for = true;
        gateway.local_s3 = Some(devstack::uploads::LocalS3::new(moto));
        tokio::spawn(devstack::gateway::serve(
            listener,
            Arc::new(gateway),
            std::future::pending(),
        ));
        TestPortal {
            base_url,
            mailbox: Mailbox::new(moto),
            clock: clock.clone(),
            resources,
            env,
            app_for_seeding: App::new(config, &sdk, clock),
            calls,
            tag,
        }
    }

    /// The import inbox over this portal's stores (what the `inbox-import` function runs),
    /// driven directly by the test; `work` is its scratch folder.
    pub fn inbox(&self) -> portal_import::inbox::Inbox<'_> {
        let config =
            portal_import::inbox::InboxConfig::from_lookup(|name| self.env.get(name).cloned())
                .expect("INBOX_URI and OPS_EMAIL");
        let work = std::env::temp_dir().join(unique("inbox-work"));
        std::fs::create_dir_all(&work).unwrap();
        portal_import::inbox::Inbox::new(
            &self.app_for_seeding,
            &local::sdk_config(moto_url()),
            config,
            work,
        )
    }

    /// The replies by mail over this portal's stores (what the `mail-reply` function runs),
    /// driven directly by the test.
    pub fn mail_replies(&self) -> portal::support::replies::MailReplies<'_> {
        let sdk = local::sdk_config(moto_url());
        portal::support::replies::MailReplies {
            app: &self.app_for_seeding,
            s3: portal::store::documents::s3_client(&sdk, true),
            bucket: self.resources.buckets["InboxBucket"].clone(),
            received: portal::store::received::ReceivedMails::new(
                aws_sdk_dynamodb::Client::new(&sdk),
                &self.app_for_seeding.config.portal_table,
            ),
        }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url)
    }

    /// Creates a company (id unique to this test) and returns its id.
    pub async fn add_company(&self, name: &str) -> CompanyId {
        let id = CompanyId::parse(&unique("c")).unwrap();
        self.app_for_seeding
            .directory
            .put_company(&self.company(&id, name))
            .await
            .unwrap();
        id
    }

    fn company(&self, id: &CompanyId, name: &str) -> Company {
        Company {
            id: id.clone(),
            number: id.as_str().to_string(),
            name: name.to_string(),
        }
    }

    /// Creates a login with an address unique to this test.
    pub async fn add_login(&self, lang: Lang, memberships: &[(&CompanyId, &str, Role)]) -> String {
        let email = format!("{}@example.com", unique(&format!("{}-u", self.tag)));
        let address = EmailAddress::parse(&email).unwrap();
        let directory = &self.app_for_seeding.directory;
        directory.put_login_profile(&address, lang).await.unwrap();
        for (id, name, role) in memberships {
            directory
                .put_membership(&address, &self.company(id, name), *role)
                .await
                .unwrap();
        }
        email
    }

    /// A login of one new company, as owner.
    pub async fn owner(&self) -> String {
        let company = self.add_company("Testfirma GmbH").await;
        self.add_login(Lang::De, &[(&company, "Testfirma GmbH", Role::Owner)])
            .await
    }

    /// Stores a document of `customer` with a PDF (and, if given, an XML file) in the bucket.
    pub async fn add_document(
        &self,
        company: &CompanyId,
        number: &str,
        issued: &str,
        pdf: Option<&[u8]>,
        xml: Option<&[u8]>,
    ) -> Document {
        use portal::domain::documents::*;
        let kind = DocumentKind::Invoice;
        let number = DocumentNumber::parse(number).unwrap();
        let issued = Date::parse(issued).unwrap();
        let doc = Document {
            id: DocumentId::new(issued, kind, &number),
            kind,
            number,
            issued,
            due: Some(issued),
            net: Money::parse("100.00", "EUR").unwrap(),
            tax: Money::parse("19.00", "EUR").unwrap(),
            gross: Money::parse("119.00", "EUR").unwrap(),
            status: DocumentStatus::Open,
            has_xml: xml.is_some(),
            proof: None,
            references: [("order".to_string(), "PO-7".to_string())].into(),
        };
        let app = &self.app_for_seeding;
        app.documents.put(company, &doc).await.unwrap();
        if let Some(bytes) = pdf {
            let key = object_key(company, &doc.id, "pdf");
            app.files
                .put(&key, bytes.to_vec(), "application/pdf")
                .await
                .unwrap();
        }
        if let Some(bytes) = xml {
            let key = object_key(company, &doc.id, "xml");
            app.files
                .put(&key, bytes.to_vec(), "application/xml")
                .await
                .unwrap();
        }
        doc
    }

    /// Puts a file into the documents bucket (e.g. an upload a browser made).
    pub async fn add_file(&self, key: &str, bytes: &[u8], content_type: &str) {
        self.app_for_seeding
            .files
            .put(key, bytes.to_vec(), content_type)
            .await
            .unwrap();
    }

    /// Stores a contract of `customer` as an import would: `term` monthly or yearly,
    /// `licence` single or multi, not cancelled, next billing on 2099-01-01.
    pub async fn add_contract(
        &self,
        company: &CompanyId,
        id: &str,
        term: portal::domain::contract::Term,
        licence: portal::domain::contract::Licence,
        seats: u32,
    ) {
        use portal::domain::documents::{Date, Money};
        let contract = portal::domain::contract::Contract {
            id: id.to_string(),
            plan: "Kundenportal Pro".to_string(),
            licence,
            seats,
            term,
            price: Money::parse("49.00", "EUR").unwrap(),
            started: Date::parse("2026-01-01").unwrap(),
            next_billing: Date::parse("2099-01-01").unwrap(),
            ends: None,
            cancelled: false,
        };
        self.app_for_seeding
            .contracts
            .put(company, &contract, self.clock.now())
            .await
            .unwrap();
    }

    /// What every route's sample request needs besides documents and members: a support
    /// request (written by `by`; its id is returned) whose answer holds one PDF (file `0-0`),
    /// and the monthly single-licence contract `V-1`.
    pub async fn add_route_samples(&self, company: &CompanyId, by: &str) -> String {
        self.add_contract(
            company,
            "V-1",
            portal::domain::contract::Term::Monthly,
            portal::domain::contract::Licence::Single,
            1,
        )
        .await;
        let request = self.add_support_request(company, by, "Matrix").await;
        self.add_answer_file(company, &request, "Gutschrift.pdf", b"%PDF-1.4\n")
            .await;
        request
    }

    /// Stores `bytes` as a PDF of a new answer to `request`, as support's reply mail does.
    pub async fn add_answer_file(
        &self,
        company: &CompanyId,
        request: &str,
        name: &str,
        bytes: &[u8],
    ) {
        use portal::domain::upload::FileType;
        use portal::store::support::{answer_file_key, Answer, AnswerFile, Status};
        let key = answer_file_key(company, request, "sample", 0, FileType::Pdf);
        self.add_file(&key, bytes, "application/pdf").await;
        let answer = Answer {
            at: self.clock.now(),
            text: "Anbei die Gutschrift.".into(),
            files: vec![AnswerFile {
                name: name.into(),
                file_type: FileType::Pdf,
                size: bytes.len() as u64,
                key,
            }],
        };
        let stored = self
            .app_for_seeding
            .support
            .answer(company, request, Status::Answered, Some(&answer), answer.at)
            .await
            .unwrap();
        assert!(stored, "the request exists");
    }

    /// Stores a support request of `customer` (as if `by` had written it) and returns its id.
    pub async fn add_support_request(
        &self,
        company: &CompanyId,
        by: &str,
        subject: &str,
    ) -> String {
        use portal::store::support::{self, Category, Status, SupportRequest};
        let now = self.clock.now();
        let request = SupportRequest {
            id: support::new_id(now),
            category: Category::Invoice,
            subject: subject.to_string(),
            text: "Bitte um Rückruf.".to_string(),
            document: None,
            status: Status::Open,
            created_at: now,
            created_by: by.to_string(),
            updated_at: now,
            answers: Vec::new(),
            attachment: None,
        };
        let activity = portal::store::company::NewActivity::new(company, now, "support_requested");
        self.app_for_seeding
            .support
            .create(company, &request, &activity)
            .await
            .unwrap();
        request.id
    }

    /// A new company with one login in `role`, logged in: (browser, company, address).
    pub async fn member_session(
        &self,
        company_name: &str,
        lang: Lang,
        role: Role,
    ) -> (Browser, CompanyId, String) {
        let company = self.add_company(company_name).await;
        let email = self
            .add_login(lang, &[(&company, company_name, role)])
            .await;
        let mut browser = self.browser();
        self.log_in(&mut browser, &email).await;
        (browser, company, email)
    }

    /// Waits for the `n`-th mail to `address` (mail is sent before the 202, so this is quick).
    pub async fn mail(&self, address: &str, n: usize) -> Mail {
        for _ in 0..50 {
            let mails = self.mailbox.to(address).await.unwrap();
            if mails.len() >= n {
                return mails[n - 1].clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail number {n} to {address}");
    }

    /// `portal-admin`'s stores for this portal's table and bucket (no mails, no notifier).
    pub fn admin_stores(&self) -> portal_admin::Stores {
        portal_admin::Stores::new(
            &local::sdk_config(moto_url()),
            &self.resources.tables["PortalTable"],
            &self.resources.buckets["DocumentsBucket"],
            true,
        )
    }

    /// The mail to `address` whose body contains `needle`, waiting for it up to 5 s (mails to
    /// a shared address such as support's come from every test).
    pub async fn mail_containing(&self, address: &str, needle: &str) -> Mail {
        for _ in 0..50 {
            let found = self
                .mailbox
                .to(address)
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.body.contains(needle));
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no mail to {address} containing {needle}");
    }

    /// The token of the revocation link mailed to support when `owner` became the first owner
    /// of a company by activation.
    pub async fn revocation_token(&self, owner: &str) -> String {
        let support = self.env["SUPPORT_EMAIL"].clone();
        for _ in 0..50 {
            let mails = self.mailbox.to(&support).await.unwrap();
            let link = mails
                .iter()
                .filter(|m| m.body.contains(owner))
                .find_map(|m| m.body.split("widerrufen/#").nth(1));
            if let Some(link) = link {
                return link
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no revocation link for {owner} in support's mail");
    }

    pub async fn mail_count(&self, address: &str) -> usize {
        self.mailbox.to(address).await.unwrap().len()
    }

    /// The token of the login link in the `n`-th mail.
    pub async fn token(&self, address: &str, n: usize) -> String {
        let link = self
            .mail(address, n)
            .await
            .login_link()
            .expect("mail has a link");
        link.split_once('#')
            .expect("token in fragment")
            .1
            .to_string()
    }

    /// Logs `address` in by link in `browser` and returns the session JSON.
    pub async fn log_in(&self, browser: &mut Browser, address: &str) -> serde_json::Value {
        let before = self.mail_count(address).await;
        let reply = browser
            .post(
                "/api/auth/login-request",
                &serde_json::json!({ "email": address }),
            )
            .await;
        assert_eq!(reply.status, 202, "{reply:?}");
        let token = self.token(address, before + 1).await;
        let reply = browser
            .post("/api/auth/session", &serde_json::json!({ "token": token }))
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        reply.json
    }
}
