//! `portal-admin`: imports from manifests and the demo data, against the stand-in.

use portal_admin::import::{self, ImportError, Kind, Options, Summary};
use portal_admin::Stores;
use portal_tests::{unique, TestPortal};
use std::path::{Path, PathBuf};

fn stores(portal: &TestPortal) -> Stores {
    portal.admin_stores()
}

fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(unique("portal-import-"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn pdf(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n%%EOF\n").into_bytes()
}

async fn run(stores: &Stores, kind: Kind, path: &Path) -> Result<Summary, ImportError> {
    import::run(
        stores,
        kind,
        path,
        &Options {
            files: None,
            skip_invalid: false,
        },
    )
    .await
}

fn counts(s: &Summary) -> (usize, usize, usize) {
    (s.created, s.updated, s.unchanged)
}

#[tokio::test]
async fn an_import_lands_completely_and_running_it_again_changes_nothing() {
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let dir = folder();
    let email = format!("{}@example.com", unique("import-"));
    let companies = write(
        &dir,
        "customers.csv",
        "customer_id,number,name\n20001,20001,Import GmbH\n20002,20002,Zweite Import AG\n"
            .as_bytes(),
    );
    let logins = write(
        &dir,
        "logins.csv",
        format!("email,customer_id,role,language\n{email},20001,owner,de\n").as_bytes(),
    );
    write(&dir, "r1.pdf", &pdf("r1"));
    write(&dir, "r2.pdf", &pdf("r2"));
    write(&dir, "g1.pdf", &pdf("g1"));
    write(&dir, "r1.xml", b"<?xml version=\"1.0\"?><Invoice/>");
    let documents = write(
        &dir,
        "documents.csv",
        "customer_id;kind;number;issued;due;net;tax;gross;currency;status;pdf;xml;order;commission\n\
         20001;invoice;R-2026-0001;2026-01-15;2026-01-29;100.00;19.00;119.00;EUR;paid;r1.pdf;r1.xml;PO-1;Lager Nord\n\
         20001;invoice;R-2026-0002;2026-02-15;;200.00;38.00;238.00;EUR;open;r2.pdf;;;\n\
         20001;credit_note;G-2026-0001;2026-02-20;;-10.00;-1.90;-11.90;EUR;paid;g1.pdf;;;\n"
            .as_bytes(),
    );
    assert_eq!(
        counts(&run(&stores, Kind::Companies, &companies).await.unwrap()),
        (2, 0, 0)
    );
    assert_eq!(
        counts(&run(&stores, Kind::Logins, &logins).await.unwrap()),
        (1, 0, 0)
    );
    assert_eq!(
        counts(&run(&stores, Kind::Documents, &documents).await.unwrap()),
        (3, 0, 0)
    );

    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let list = browser.get("/api/documents").await;
    let numbers: Vec<&str> = list.json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, vec!["G-2026-0001", "R-2026-0002", "R-2026-0001"]);
    let first = &list.json["documents"][2];
    assert_eq!(first["references"]["commission"], "Lager Nord");
    assert!(first["links"]["xml"].is_string());
    let reply = browser.get(first["links"]["pdf"].as_str().unwrap()).await;
    let bytes = reqwest::get(reply.header("location").unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), pdf("r1").as_slice());

    // The same import again: nothing changes.
    assert_eq!(
        counts(&run(&stores, Kind::Companies, &companies).await.unwrap()),
        (0, 0, 2)
    );
    assert_eq!(
        counts(&run(&stores, Kind::Logins, &logins).await.unwrap()),
        (0, 0, 1)
    );
    assert_eq!(
        counts(&run(&stores, Kind::Documents, &documents).await.unwrap()),
        (0, 0, 3)
    );
    // A corrected PDF counts as an update of that one document.
    write(&dir, "r2.pdf", &pdf("r2 corrected"));
    assert_eq!(
        counts(&run(&stores, Kind::Documents, &documents).await.unwrap()),
        (0, 1, 2)
    );
}

#[tokio::test]
async fn a_broken_manifest_reports_each_bad_line_and_imports_nothing() {
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let dir = folder();
    let companies = write(
        &dir,
        "customers.csv",
        b"customer_id,number,name\n30001,30001,Gut GmbH\n",
    );
    run(&stores, Kind::Companies, &companies).await.unwrap();
    write(&dir, "ok.pdf", &pdf("ok"));
    write(&dir, "fake.pdf", b"<html>not a pdf</html>");
    let documents = write(
        &dir,
        "documents.csv",
        "customer_id,kind,number,issued,due,net,tax,gross,currency,status,pdf\n\
         30001,invoice,R-1,2026-01-15,,100.00,19.00,119.00,EUR,open,ok.pdf\n\
         30001,invoice,R-2,2026-02-30,,100.00,19.00,119.00,EUR,open,ok.pdf\n\
         30001,invoice,R-3,2026-02-01,,100.00,19.00,120.00,EUR,open,ok.pdf\n\
         30001,invoice,R-4,2026-02-01,,1.234,0,1.234,EUR,open,ok.pdf\n\
         30001,invoice,R-5,2026-02-01,,1,0,1,EUR,open,missing.pdf\n\
         30001,invoice,R-6,2026-02-01,,1,0,1,EUR,open,fake.pdf\n\
         30001,invoice,R-7,2026-02-01,,1,0,1,EUR,open,../ok.pdf\n\
         99999,invoice,R-8,2026-02-01,,1,0,1,EUR,open,ok.pdf\n\
         30001,invoice,R-1,2026-01-15,,100.00,19.00,119.00,EUR,open,ok.pdf\n\
         30001,rechnung,R-9,2026-02-01,,1,0,1,EUR,bezahlt,ok.pdf\n"
            .as_bytes(),
    );
    let errors = match run(&stores, Kind::Documents, &documents).await {
        Err(ImportError::Invalid(errors)) => errors,
        other => panic!("{other:?}"),
    };
    let found: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    for expected in [
        (3, "issued"),
        (4, "gross"),
        (5, "net"),
        (6, "pdf"),
        (7, "pdf"),
        (8, "pdf"),
        (9, "customer_id"),
        (10, "row"),
        (11, "kind"),
        (11, "status"),
    ] {
        assert!(
            found.contains(&expected),
            "missing {expected:?} in {found:?}"
        );
    }
    assert!(
        !found.iter().any(|(line, _)| *line == 2),
        "line 2 is fine: {found:?}"
    );
    assert!(
        errors[0].to_string().contains("documents.csv:"),
        "{}",
        errors[0]
    );
    let company = portal::domain::ids::CompanyId::parse("30001").unwrap();
    let page = stores
        .documents
        .list(
            &company,
            &portal::store::documents::ListQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(page.documents.is_empty(), "nothing was imported");
    // With --skip-invalid the good row lands.
    let summary = import::run(
        &stores,
        Kind::Documents,
        &documents,
        &Options {
            files: None,
            skip_invalid: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(summary.created, 1);
    assert!(summary.skipped >= 9);
}

#[tokio::test]
async fn jsonl_manifests_work_like_csv() {
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let dir = folder();
    let companies = write(
        &dir,
        "customers.jsonl",
        b"{\"customer_id\":\"40001\",\"number\":\"40001\",\"name\":\"Json GmbH\"}\n",
    );
    write(&dir, "a.pdf", &pdf("a"));
    let documents = write(
        &dir,
        "documents.jsonl",
        b"{\"customer_id\":\"40001\",\"kind\":\"offer\",\"number\":\"AN-1\",\"issued\":\"2026-03-01\",\"net\":\"10\",\"tax\":\"1.90\",\"gross\":\"11.90\",\"currency\":\"EUR\",\"status\":\"open\",\"pdf\":\"a.pdf\"}\n\
          {\"customer_id\":\"40001\",\"kind\":\"offer\",\"number\":\"AN-2\",\"issued\":\"2026-03-01\",\"net\":\"10\",\"tax\":\"1.90\",\"gross\":\"11.90\",\"currency\":\"EUR\",\"status\":\"open\",\"pdf\":\"a.pdf\",\"unknown\":1}\n",
    );
    run(&stores, Kind::Companies, &companies).await.unwrap();
    let errors = match run(&stores, Kind::Documents, &documents).await {
        Err(ImportError::Invalid(errors)) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    assert!(errors[0].message.contains("unknown"), "{}", errors[0]);
}

#[tokio::test]
async fn demo_data_has_real_pdfs_and_seeding_twice_changes_nothing() {
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let first = portal_admin::demo::seed(&stores, 2026, 11).await.unwrap();
    assert!(first.created >= 50, "{first:?}");
    let second = portal_admin::demo::seed(&stores, 2026, 11).await.unwrap();
    assert_eq!((second.created, second.updated), (0, 0));
    assert_eq!(second.unchanged, first.created);
    let company = portal::domain::ids::CompanyId::parse("10001").unwrap();
    let page = stores
        .documents
        .list(
            &company,
            &portal::store::documents::ListQuery {
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let newest = &page.documents[0];
    assert_eq!(
        newest.status,
        portal::domain::documents::DocumentStatus::Open
    );
    let key = portal::domain::documents::object_key(&company, &newest.id, "pdf");
    let bytes = stores.files.get(&key).await.unwrap().unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn the_sample_manifests_in_the_docs_import_cleanly() {
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let dir = devstack::workspace_root().join("docs/examples/import");
    for (kind, file, created) in [
        (Kind::Companies, "customers.csv", 2),
        (Kind::Logins, "logins.csv", 4),
        (Kind::Documents, "documents.csv", 4),
        (Kind::Documents, "documents.jsonl", 1),
        (Kind::Contracts, "contracts.csv", 3),
    ] {
        let summary = run(&stores, kind, &dir.join(file)).await.unwrap();
        assert_eq!(summary.created, created, "{file}");
    }
    let again = run(&stores, Kind::Contracts, &dir.join("contracts.csv"))
        .await
        .unwrap();
    assert_eq!(
        again.unchanged, 3,
        "re-importing unchanged contracts writes nothing"
    );
    let bad = write(
        &folder(),
        "c.csv",
        b"customer_id,contract_id,plan,licence,seats,term,price,currency,started,next_billing,ends,cancelled\n\
          50001,V/1,Pro,single,2,weekly,-,EUR,2026-13-01,2026-12-01,,maybe\n",
    );
    let Err(ImportError::Invalid(errors)) = run(&stores, Kind::Contracts, &bad).await else {
        panic!("an invalid contract row is refused");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "contract_id",
            "term",
            "price",
            "started",
            "cancelled",
            "seats"
        ]
    );
}

#[tokio::test]
async fn a_new_imported_invoice_is_announced_to_the_invoice_addresses_once_unless_switched_off() {
    let portal = TestPortal::spawn().await;
    let mut stores = stores(&portal);
    let sdk = devstack::local::sdk_config(portal_tests::moto_url());
    stores.notifier = Some(portal_admin::notify::Notifier::new(
        &sdk,
        "Kundenportal <portal@example.com>",
        &portal.base_url,
    ));
    let dir = folder();
    let accounts = format!("rechnung-{}@example.com", unique("n"));
    run(
        &stores,
        Kind::Companies,
        &write(
            &dir,
            "c.csv",
            b"customer_id,number,name\n60001,60001,Notiz GmbH\n60002,60002,Still GmbH\n",
        ),
    )
    .await
    .unwrap();
    let quiet = format!("quiet-{accounts}");
    for (id, email, notify) in [("60001", &accounts, true), ("60002", &quiet, false)] {
        let data = portal::store::company::BillingData {
            legal_name: "X".into(),
            invoice_emails: vec![email.clone()],
            notify_new_invoices: notify,
            ..Default::default()
        };
        portal
            .app_for_seeding
            .companies
            .save_billing(
                &portal::domain::ids::CompanyId::parse(id).unwrap(),
                &data,
                0,
                "test",
                1,
                &portal::store::company::NewActivity::new(
                    &portal::domain::ids::CompanyId::parse(id).unwrap(),
                    1,
                    "billing_imported",
                ),
            )
            .await
            .unwrap();
    }
    write(&dir, "r.pdf", &pdf("r"));
    let documents = write(
        &dir,
        "d.csv",
        b"customer_id,kind,number,issued,net,tax,gross,currency,status,pdf\n\
          60001,invoice,R-77,2026-04-01,100,19,119,EUR,open,r.pdf\n\
          60001,offer,AN-77,2026-04-01,100,19,119,EUR,open,r.pdf\n\
          60002,invoice,R-78,2026-04-01,100,19,119,EUR,open,r.pdf\n",
    );
    let summary = run(&stores, Kind::Documents, &documents).await.unwrap();
    assert_eq!(summary.notified, 1);
    let mail = portal.mail(&accounts, 1).await;
    assert!(mail.subject.contains("R-77"), "{}", mail.subject);
    assert!(mail
        .body
        .contains(&format!("{}/portal/dokumente/", portal.base_url)));
    assert!(mail.attachments.is_empty(), "never the PDF itself");
    assert_eq!(
        run(&stores, Kind::Documents, &documents)
            .await
            .unwrap()
            .notified,
        0
    );
    assert_eq!(portal.mail_count(&accounts).await, 1);
    assert_eq!(portal.mail_count(&quiet).await, 0);
    let (events, _) = portal
        .app_for_seeding
        .companies
        .activity(
            &portal::domain::ids::CompanyId::parse("60001").unwrap(),
            None,
            10,
        )
        .await
        .unwrap();
    assert!(events
        .iter()
        .any(|e| e.fields.get("event").map(String::as_str) == Some("invoice_notified")));
}

#[tokio::test]
async fn erasing_a_customer_removes_its_data_files_and_logins_but_nothing_of_other_companies() {
    use portal::domain::email::EmailAddress;
    use portal::domain::ids::Role;
    use portal::domain::lang::Lang;
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let gone = portal.add_company("Weg GmbH").await;
    let stays = portal.add_company("Bleibt GmbH").await;
    let only_gone = portal
        .add_login(Lang::De, &[(&gone, "Weg GmbH", Role::Owner)])
        .await;
    let both = portal
        .add_login(
            Lang::De,
            &[
                (&gone, "Weg GmbH", Role::Billing),
                (&stays, "Bleibt GmbH", Role::Owner),
            ],
        )
        .await;
    portal
        .add_document(
            &gone,
            "R-1",
            "2026-01-01",
            Some(b"%PDF-1.4\n"),
            Some(b"<x/>"),
        )
        .await;
    portal
        .add_document(&gone, "R-1", "2026-01-01", Some(b"%PDF-1.4\n% v2\n"), None)
        .await;
    let kept = portal
        .add_document(&stays, "R-9", "2026-01-01", Some(b"%PDF-1.4\n"), None)
        .await;

    let request = portal
        .add_support_request(&gone, &only_gone, "Weg damit")
        .await;
    // A file support sent with an answer goes too.
    portal
        .add_answer_file(&gone, &request, "Antwort.pdf", b"%PDF-1.4 answer\n")
        .await;
    let answer_file = portal::store::support::answer_file_key(
        &gone,
        &request,
        "sample",
        0,
        portal::domain::upload::FileType::Pdf,
    );
    // A proof of payment its people uploaded goes too; support can fetch it before.
    let upload = format!("uploads/{gone}/proof/x/0123456789abcdef0123456789abcdef");
    portal
        .add_file(&upload, b"%PDF-1.4 proof\n", "application/pdf")
        .await;
    let saved = folder().join("beleg.pdf");
    let path = portal_admin::files::get(&stores, &upload, Some(&saved))
        .await
        .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), b"%PDF-1.4 proof\n");
    for bad in [
        "../etc/passwd",
        "uploads/../documents/x",
        "other/x",
        "uploads//x",
    ] {
        let err = portal_admin::files::get(&stores, bad, Some(&saved))
            .await
            .unwrap_err();
        assert!(err.contains("no file key"), "{bad}: {err}");
    }
    let note = |to: &str, about: &portal::domain::ids::CompanyId, name: &str| {
        portal::store::notifications::NewNotification {
            to: EmailAddress::parse(to).unwrap(),
            kind: portal::store::notifications::Kind::NewInvoice,
            at: 100,
            company: Some((about.clone(), name.to_string())),
            subject: "20260101-invoice-R-1".into(),
            detail: "R-1".into(),
        }
    };
    let notifications = &portal.app_for_seeding.notifications;
    for n in [
        note(&only_gone, &gone, "Weg GmbH"),
        note(&both, &gone, "Weg GmbH"),
        note(&both, &stays, "Bleibt GmbH"),
    ] {
        notifications.add(&n).await.unwrap();
    }

    let dry = stores.eraser.erase(&gone, true).await.unwrap();
    assert_eq!((dry.memberships, dry.logins), (2, 1), "{dry:?}");
    assert!(dry.company_items >= 4 && dry.file_versions >= 4, "{dry:?}");
    let app = &portal.app_for_seeding;
    assert!(
        app.directory.get_company(&gone).await.unwrap().is_some(),
        "a dry run erases nothing"
    );

    let erased = stores.eraser.erase(&gone, false).await.unwrap();
    assert_eq!(erased, dry);
    assert!(app.directory.get_company(&gone).await.unwrap().is_none());
    let only = EmailAddress::parse(&only_gone).unwrap();
    assert!(app.directory.find_login(&only).await.unwrap().is_none());
    let login = app
        .directory
        .find_login(&EmailAddress::parse(&both).unwrap())
        .await
        .unwrap()
        .expect("a login of another company stays");
    assert_eq!(login.memberships.len(), 1);
    assert_eq!(login.memberships[0].company_id, stays);
    assert_eq!(
        stores.eraser.erase(&gone, true).await.unwrap(),
        Default::default()
    );
    let (left, _) = notifications
        .list(&EmailAddress::parse(&both).unwrap())
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].company.as_deref(), Some(stays.as_str()));
    let (none, _) = notifications.list(&only).await.unwrap();
    assert!(none.is_empty());
    assert!(stores
        .support
        .all(None)
        .await
        .unwrap()
        .iter()
        .all(|r| r.company != gone));
    assert!(
        !app.files.exists(&upload).await.unwrap(),
        "uploads are erased"
    );
    assert!(
        !app.files.exists(&answer_file).await.unwrap(),
        "answer files are erased"
    );
    // The other company is untouched.
    assert_eq!(app.directory.team(&stays).await.unwrap().members.len(), 1);
    let key = portal::domain::documents::object_key(&stays, &kept.id, "pdf");
    assert!(app.files.exists(&key).await.unwrap());
}

#[tokio::test]
async fn the_same_import_run_twice_in_parallel_leaves_no_duplicates() {
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let dir = folder();
    let companies = write(
        &dir,
        "customers.csv",
        b"customer_id,number,name\n20101,20101,Parallel GmbH\n",
    );
    run(&stores, Kind::Companies, &companies).await.unwrap();
    let mut manifest = String::from(
        "customer_id;kind;number;issued;due;net;tax;gross;currency;status;pdf;xml;order;commission\n",
    );
    for i in 0..30 {
        write(&dir, &format!("p{i}.pdf"), &pdf(&format!("p{i}")));
        manifest.push_str(&format!(
            "20101;invoice;P-{i:04};2026-03-{:02};;100.00;19.00;119.00;EUR;paid;p{i}.pdf;;;\n",
            i % 28 + 1
        ));
    }
    let documents = write(&dir, "documents.csv", manifest.as_bytes());
    let (a, b) = tokio::join!(
        run(&stores, Kind::Documents, &documents),
        run(&stores, Kind::Documents, &documents)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    // Both runs finish; each handles all 30 rows (created by one, found by the other).
    assert_eq!(a.skipped + b.skipped, 0);
    for s in [&a, &b] {
        assert_eq!(s.created + s.updated + s.unchanged, 30, "{s:?}");
    }
    assert!(a.created + b.created >= 30, "{a:?} {b:?}");
    let mut browser = portal.browser();
    let email = format!("{}@example.com", unique("parallel-"));
    let logins = write(
        &dir,
        "logins.csv",
        format!("email,customer_id,role\n{email},20101,owner\n").as_bytes(),
    );
    run(&stores, Kind::Logins, &logins).await.unwrap();
    portal.log_in(&mut browser, &email).await;
    let list = browser.get("/api/documents?limit=100").await;
    let mut numbers: Vec<&str> = list.json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_str().unwrap())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 30, "{}", list.json);
    assert_eq!(list.json["documents"].as_array().unwrap().len(), 30);
    // Running it once more changes nothing.
    let again = run(&stores, Kind::Documents, &documents).await.unwrap();
    assert_eq!(counts(&again), (0, 0, 30));
}
