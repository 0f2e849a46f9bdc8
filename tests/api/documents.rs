//! Documents: detail, PDF / XML downloads, and the data-access rules of SECURITY.md.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::TestPortal;

const PDF: &[u8] = b"%PDF-1.4\n% test document\n%%EOF\n";

async fn company_with_login(
    portal: &TestPortal,
    lang: Lang,
    role: Role,
) -> (portal::domain::ids::CompanyId, String) {
    let company = portal.add_company("Dokument GmbH").await;
    let email = portal
        .add_login(lang, &[(&company, "Dokument GmbH", role)])
        .await;
    (company, email)
}

#[tokio::test]
async fn a_customer_sees_the_details_of_its_own_document() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Dokument GmbH", Lang::De, Role::Viewer)
        .await;
    let doc = portal
        .add_document(&company, "R-2026-0042", "2026-03-15", Some(PDF), None)
        .await;
    let reply = browser
        .get(&format!("/api/documents/{}", doc.id.as_str()))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json["number"], "R-2026-0042");
    assert_eq!(reply.json["kind"], "invoice");
    assert_eq!(reply.json["gross"], "119.00");
    assert_eq!(reply.json["currency"], "EUR");
    assert_eq!(reply.json["status"], "open");
    assert_eq!(reply.json["references"]["order"], "PO-7");
    assert!(reply.json["links"]["xml"].is_null());
}

#[tokio::test]
async fn the_pdf_redirects_to_a_short_lived_url_with_the_real_bytes_and_a_german_name() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Dokument GmbH", Lang::De, Role::Billing)
        .await;
    let doc = portal
        .add_document(&company, "R-2026-0042", "2026-03-15", Some(PDF), None)
        .await;
    let reply = browser
        .get(&format!("/api/documents/{}/pdf", doc.id.as_str()))
        .await;
    assert_eq!(reply.status, 303, "{reply:?}");
    let location = reply.header("location").unwrap().to_string();
    assert!(location.contains("X-Amz-Expires=60"), "{location}");
    let download = reqwest::get(&location).await.unwrap();
    assert_eq!(download.status(), 200);
    let disposition = download
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(
        disposition,
        "attachment; filename=\"Rechnung-R-2026-0042.pdf\""
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
}

#[tokio::test]
async fn an_english_customer_downloads_an_english_file_name() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Dokument GmbH", Lang::En, Role::Owner)
        .await;
    let doc = portal
        .add_document(&company, "R-7", "2026-01-02", Some(PDF), None)
        .await;
    let reply = browser
        .get(&format!("/api/documents/{}/pdf", doc.id.as_str()))
        .await;
    let download = reqwest::get(reply.header("location").unwrap())
        .await
        .unwrap();
    assert_eq!(
        download.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"Invoice-R-7.pdf\""
    );
}

#[tokio::test]
async fn the_xml_is_offered_only_where_it_exists() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Dokument GmbH", Lang::De, Role::Viewer)
        .await;
    let with = portal
        .add_document(
            &company,
            "R-1",
            "2026-02-01",
            Some(PDF),
            Some(b"<Invoice/>"),
        )
        .await;
    let without = portal
        .add_document(&company, "R-2", "2026-02-02", Some(PDF), None)
        .await;
    let reply = browser
        .get(&format!("/api/documents/{}/xml", with.id.as_str()))
        .await;
    assert_eq!(reply.status, 303);
    let body = reqwest::get(reply.header("location").unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.as_ref(), b"<Invoice/>");
    let reply = browser
        .get(&format!("/api/documents/{}/xml", without.id.as_str()))
        .await;
    assert_eq!((reply.status, reply.code()), (404, "file_missing"));
    assert!(!reply.json["error"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_pdf_in_the_bucket_is_a_clear_404_not_a_500() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Dokument GmbH", Lang::De, Role::Viewer)
        .await;
    let doc = portal
        .add_document(&company, "R-3", "2026-02-03", None, None)
        .await;
    let reply = browser
        .get(&format!("/api/documents/{}/pdf", doc.id.as_str()))
        .await;
    assert_eq!((reply.status, reply.code()), (404, "file_missing"));
}

#[tokio::test]
async fn another_companys_document_is_exactly_as_unknown_as_a_made_up_one() {
    let portal = TestPortal::spawn().await;
    let (mut browser, mine, _) = portal
        .member_session("Dokument GmbH", Lang::De, Role::Owner)
        .await;
    let (theirs, _) = company_with_login(&portal, Lang::De, Role::Owner).await;
    portal
        .add_document(&mine, "R-2026-0001", "2026-03-01", Some(PDF), None)
        .await;
    let foreign = portal
        .add_document(&theirs, "R-2026-0002", "2026-03-01", Some(PDF), None)
        .await;
    let foreign_reply = browser
        .get(&format!("/api/documents/{}", foreign.id.as_str()))
        .await;
    // Sequential and guessed numbers next to the customer's own.
    let guessed = browser
        .get("/api/documents/20260301-invoice-R-2026-0003")
        .await;
    assert_eq!(foreign_reply.status, 404);
    assert_eq!(foreign_reply.text, guessed.text);
    for suffix in ["", "/pdf", "/xml"] {
        let reply = browser
            .get(&format!("/api/documents/{}{suffix}", foreign.id.as_str()))
            .await;
        assert_eq!((reply.status, reply.code()), (404, "not_found"), "{suffix}");
        assert!(reply.header("location").is_none());
    }
}

#[tokio::test]
async fn traversal_and_encoded_ids_are_not_found_before_any_lookup() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _, _) = portal
        .member_session("Dokument GmbH", Lang::De, Role::Owner)
        .await;
    for id in [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f20260301-invoice-R-1",
        "20260301-invoice-R-1%2Fpdf",
        "20260301-invoice-R-1%00",
        "..",
        "20269999-invoice-R-1",
        &"9".repeat(200),
    ] {
        for suffix in ["", "/pdf"] {
            let reply = browser.get(&format!("/api/documents/{id}{suffix}")).await;
            assert_eq!(reply.status, 404, "{id}{suffix}");
        }
    }
}

#[tokio::test]
async fn documents_need_a_session_and_a_chosen_company() {
    let portal = TestPortal::spawn().await;
    let first = portal.add_company("Eins GmbH").await;
    let second = portal.add_company("Zwei GmbH").await;
    let doc = portal
        .add_document(&first, "R-9", "2026-04-01", Some(PDF), None)
        .await;
    let path = format!("/api/documents/{}", doc.id.as_str());
    assert_eq!(portal.browser().get(&path).await.status, 401);
    let email = portal
        .add_login(
            Lang::De,
            &[
                (&first, "Eins GmbH", Role::Viewer),
                (&second, "Zwei GmbH", Role::Viewer),
            ],
        )
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let reply = browser.get(&path).await;
    assert_eq!((reply.status, reply.code()), (409, "no_customer_selected"));
    browser
        .put(
            "/api/auth/session/customer",
            &serde_json::json!({ "customer_id": first.as_str() }),
        )
        .await;
    assert_eq!(browser.get(&path).await.status, 200);
    browser
        .put(
            "/api/auth/session/customer",
            &serde_json::json!({ "customer_id": second.as_str() }),
        )
        .await;
    assert_eq!(
        browser.get(&path).await.status,
        404,
        "the other company's view"
    );
}

mod list {
    use super::*;
    use portal_tests::Browser;

    async fn logged_in_with_documents(
        portal: &TestPortal,
        count: usize,
    ) -> (Browser, portal::domain::ids::CompanyId) {
        let (company, email) = company_with_login(portal, Lang::De, Role::Viewer).await;
        for n in 0..count {
            let month = n % 12 + 1;
            let day = n / 12 + 1;
            portal
                .add_document(
                    &company,
                    &format!("R-{n:04}"),
                    &format!("2025-{month:02}-{day:02}"),
                    None,
                    None,
                )
                .await;
        }
        let mut browser = portal.browser();
        portal.log_in(&mut browser, &email).await;
        (browser, company)
    }

    fn numbers(reply: &portal_tests::Reply) -> Vec<String> {
        reply.json["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["number"].as_str().unwrap().to_string())
            .collect()
    }

    #[tokio::test]
    async fn pages_walk_the_whole_history_newest_first_without_gaps_or_repeats() {
        let portal = TestPortal::spawn().await;
        let (mut browser, _) = logged_in_with_documents(&portal, 30).await;
        let mut seen = Vec::new();
        let mut dates = Vec::new();
        let mut path = "/api/documents?limit=7".to_string();
        let mut pages = 0;
        loop {
            let reply = browser.get(&path).await;
            assert_eq!(reply.status, 200, "{reply:?}");
            pages += 1;
            seen.extend(numbers(&reply));
            dates.extend(
                reply.json["documents"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["issued"].as_str().unwrap().to_string()),
            );
            match reply.json["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/documents?limit=7&cursor={cursor}"),
                None => break,
            }
        }
        assert!(pages >= 5, "{pages} pages");
        assert_eq!(seen.len(), 30);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 30, "no repeats");
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "newest first");
        // The default page size is 25.
        let first = browser.get("/api/documents").await;
        assert_eq!(numbers(&first).len(), 25);
    }

    #[tokio::test]
    async fn filters_by_year_month_kind_status_and_search_use_their_own_pages() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company) = logged_in_with_documents(&portal, 24).await;
        portal
            .add_document(&company, "X-2026-1", "2026-01-05", None, None)
            .await;
        let march = browser.get("/api/documents?year=2025&month=3").await;
        assert_eq!(numbers(&march), vec!["R-0014", "R-0002"]);
        let year = browser.get("/api/documents?year=2026").await;
        assert_eq!(numbers(&year), vec!["X-2026-1"]);
        let invoices = browser
            .get("/api/documents?kind=invoice&status=open&limit=100")
            .await;
        assert_eq!(numbers(&invoices).len(), 25);
        let offers = browser.get("/api/documents?kind=offer").await;
        assert!(numbers(&offers).is_empty());
        let paid = browser.get("/api/documents?status=paid").await;
        assert!(numbers(&paid).is_empty());
        let by_number = browser.get("/api/documents?q=r-001").await;
        assert_eq!(numbers(&by_number).len(), 10);
        let by_reference = browser.get("/api/documents?q=PO-7&year=2026").await;
        assert_eq!(numbers(&by_reference), vec!["X-2026-1"]);
        // Paging with a filter keeps the filter.
        let page = browser.get("/api/documents?year=2025&limit=5").await;
        let cursor = page.json["next_cursor"].as_str().unwrap().to_string();
        let next = browser
            .get(&format!("/api/documents?year=2025&limit=5&cursor={cursor}"))
            .await;
        assert_eq!(numbers(&next).len(), 5);
        assert!(numbers(&next).iter().all(|n| n.starts_with("R-")));
    }

    #[tokio::test]
    async fn a_tampered_or_foreign_filter_cursor_is_refused() {
        let portal = TestPortal::spawn().await;
        let (mut browser, _) = logged_in_with_documents(&portal, 6).await;
        let page = browser.get("/api/documents?limit=2").await;
        let cursor = page.json["next_cursor"].as_str().unwrap().to_string();
        let mut forged = cursor.clone();
        forged.insert(3, 'A');
        for path in [
            format!("/api/documents?limit=2&cursor={forged}"),
            format!("/api/documents?limit=3&cursor={cursor}"),
            format!("/api/documents?limit=2&year=2025&cursor={cursor}"),
            "/api/documents?cursor=abc.def".to_string(),
        ] {
            let reply = browser.get(&path).await;
            assert_eq!(
                (reply.status, reply.code(), reply.field()),
                (400, "invalid_query", "cursor"),
                "{path}"
            );
        }
    }

    #[tokio::test]
    async fn bad_filters_are_refused_naming_the_parameter() {
        let portal = TestPortal::spawn().await;
        let (mut browser, _) = logged_in_with_documents(&portal, 1).await;
        for (query, field) in [
            ("kind=rechnung", "kind"),
            ("status=unpaid", "status"),
            ("year=99", "year"),
            ("year=2025&month=13", "month"),
            ("month=3", "month"),
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("year=2025&year=2026", "year"),
            ("customer_id=10001", "customer_id"),
        ] {
            let reply = browser.get(&format!("/api/documents?{query}")).await;
            assert_eq!(
                (reply.status, reply.field()),
                (400, field),
                "{query}: {reply:?}"
            );
        }
    }

    #[tokio::test]
    async fn the_list_shows_only_the_sessions_company() {
        let portal = TestPortal::spawn().await;
        let (mut browser, _) = logged_in_with_documents(&portal, 2).await;
        let (other, _) = company_with_login(&portal, Lang::De, Role::Owner).await;
        portal
            .add_document(&other, "FREMD-1", "2025-05-05", None, None)
            .await;
        let all = browser.get("/api/documents?limit=100").await;
        assert!(!numbers(&all).contains(&"FREMD-1".to_string()));
        let search = browser.get("/api/documents?q=fremd").await;
        assert!(numbers(&search).is_empty());
    }
}

mod payment {
    use super::*;
    use portal::domain::documents::{DocumentKind, DocumentStatus, Money};

    const PAYEE: &[(&str, &str)] = &[
        ("PAYEE_NAME", "Beispiel Software GmbH"),
        ("PAYEE_IBAN", "DE89 3704 0044 0532 0130 00"),
        ("PAYEE_BIC", "COBADEFFXXX"),
        (
            "PAYMENT_LINK_TEMPLATE",
            "https://pay.example.com/checkout?ref={number}&amount={amount}",
        ),
    ];

    #[tokio::test]
    async fn an_open_invoice_offers_a_giro_code_and_a_payment_link() {
        let portal = TestPortal::spawn_with(PAYEE).await;
        let (mut browser, company, _) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let doc = portal
            .add_document(&company, "R-2026-0042", "2026-03-15", None, None)
            .await;
        let reply = browser
            .get(&format!("/api/documents/{}/payment", doc.id.as_str()))
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let payload = reply.json["giro_code"]["payload"].as_str().unwrap();
        assert_eq!(
            payload,
            "BCD\n002\n1\nSCT\nCOBADEFFXXX\nBeispiel Software GmbH\nDE89370400440532013000\nEUR119.00\n\n\nR-2026-0042"
        );
        assert!(reply.json["giro_code"]["svg"]
            .as_str()
            .unwrap()
            .starts_with("data:image/svg+xml;base64,"));
        assert_eq!(
            reply.json["payment_link"],
            "https://pay.example.com/checkout?ref=R-2026-0042&amount=119.00"
        );
        let listed = browser.get("/api/documents").await;
        assert_eq!(
            listed.json["documents"][0]["links"]["payment"],
            format!("/api/documents/{}/payment", doc.id.as_str())
        );
    }

    #[tokio::test]
    async fn paid_cancelled_and_non_invoice_documents_are_not_payable() {
        let portal = TestPortal::spawn_with(PAYEE).await;
        let (mut browser, company, _) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let base = portal
            .add_document(&company, "R-1", "2026-03-15", None, None)
            .await;
        for (kind, status, number) in [
            (DocumentKind::Invoice, DocumentStatus::Paid, "R-2"),
            (DocumentKind::Invoice, DocumentStatus::Cancelled, "R-3"),
            (DocumentKind::CreditNote, DocumentStatus::Open, "G-1"),
        ] {
            let mut doc = base.clone();
            doc.kind = kind;
            doc.status = status;
            doc.number = portal::domain::documents::DocumentNumber::parse(number).unwrap();
            doc.id = portal::domain::documents::DocumentId::new(doc.issued, kind, &doc.number);
            portal
                .app_for_seeding
                .documents
                .put(&company, &doc)
                .await
                .unwrap();
            let reply = browser
                .get(&format!("/api/documents/{}/payment", doc.id.as_str()))
                .await;
            assert_eq!(
                (reply.status, reply.code()),
                (409, "not_payable"),
                "{number}"
            );
        }
        let mut swiss = base.clone();
        swiss.gross = Money::parse("50.00", "CHF").unwrap();
        swiss.number = portal::domain::documents::DocumentNumber::parse("CH-1").unwrap();
        swiss.id =
            portal::domain::documents::DocumentId::new(swiss.issued, swiss.kind, &swiss.number);
        portal
            .app_for_seeding
            .documents
            .put(&company, &swiss)
            .await
            .unwrap();
        let reply = browser
            .get(&format!("/api/documents/{}/payment", swiss.id.as_str()))
            .await;
        assert_eq!(
            reply.status, 200,
            "a CHF invoice still gets the payment link"
        );
        assert!(reply.json["giro_code"].is_null());
    }

    #[tokio::test]
    async fn without_payee_or_link_configured_nothing_is_offered() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company, _) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let doc = portal
            .add_document(&company, "R-5", "2026-03-15", None, None)
            .await;
        let reply = browser
            .get(&format!("/api/documents/{}/payment", doc.id.as_str()))
            .await;
        assert_eq!((reply.status, reply.code()), (409, "not_payable"));
        let listed = browser.get("/api/documents").await;
        assert!(listed.json["documents"][0]["links"]["payment"].is_null());
    }
}

mod export_and_statistics {
    use super::*;
    use portal::domain::documents::{
        DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
    };

    #[tokio::test]
    async fn the_csv_export_has_a_bom_german_separators_and_neutralised_formulas() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company, _) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let mut doc = portal
            .add_document(&company, "R-2026-0001", "2026-02-01", None, None)
            .await;
        doc.references = [(
            "order".to_string(),
            "=HYPERLINK(\"http://evil\")".to_string(),
        )]
        .into();
        portal
            .app_for_seeding
            .documents
            .put(&company, &doc)
            .await
            .unwrap();
        portal
            .add_document(&company, "R-2025-0009", "2025-06-01", None, None)
            .await;

        let reply = browser.get("/api/documents/export?year=2026").await;
        assert_eq!(reply.status, 200, "{reply:?}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/csv; charset=utf-8")
        );
        assert_eq!(
            reply.header("content-disposition"),
            Some("attachment; filename=\"Dokumente.csv\"")
        );
        assert!(reply.text.starts_with('\u{feff}'));
        let lines: Vec<&str> = reply.text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("Art;Nummer;Datum;"));
        assert!(lines[1].contains("Rechnung;R-2026-0001;2026-02-01;"));
        assert!(lines[1].contains(";119,00;EUR;offen;"));
        assert!(lines[1].contains("\"order: =HYPERLINK"), "{}", lines[1]);

        browser.lang = "en";
        let reply = browser.get("/api/documents/export?separator=comma").await;
        let lines: Vec<&str> = reply.text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("Type,Number,Date,"));
        assert!(lines[1].contains(",119.00,EUR,open,"));
        let reply = browser.get("/api/documents/export?separator=tab").await;
        assert_eq!((reply.status, reply.field()), (400, "separator"));
    }

    #[tokio::test]
    async fn a_reference_cell_starting_with_a_formula_sign_is_neutralised() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company, _) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let mut doc = portal
            .add_document(&company, "R-1", "2026-02-01", None, None)
            .await;
        doc.references = [("=cmd".to_string(), "x".to_string())].into();
        portal
            .app_for_seeding
            .documents
            .put(&company, &doc)
            .await
            .unwrap();
        let reply = browser.get("/api/documents/export").await;
        assert!(reply.text.contains(";'=cmd: x"), "{}", reply.text);
    }

    #[tokio::test]
    async fn statistics_sum_invoices_minus_credit_notes_per_month_and_year() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company, _) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let year = portal::domain::documents::year_of(portal.clock.now());
        let base = portal
            .add_document(&company, "R-1", &format!("{year}-01-10"), None, None)
            .await;
        portal
            .add_document(&company, "R-2", &format!("{year}-01-20"), None, None)
            .await;
        portal
            .add_document(&company, "R-3", &format!("{}-05-05", year - 1), None, None)
            .await;
        let variant = |kind: DocumentKind, status: DocumentStatus, number: &str, gross: &str| {
            let mut doc = base.clone();
            doc.kind = kind;
            doc.status = status;
            doc.number = DocumentNumber::parse(number).unwrap();
            doc.id = DocumentId::new(doc.issued, kind, &doc.number);
            doc.gross = Money::parse(gross, "EUR").unwrap();
            doc
        };
        let credit = variant(
            DocumentKind::CreditNote,
            DocumentStatus::Paid,
            "G-1",
            "19.00",
        );
        let cancelled = variant(
            DocumentKind::Invoice,
            DocumentStatus::Cancelled,
            "R-9",
            "1000.00",
        );
        let offer = variant(DocumentKind::Offer, DocumentStatus::Open, "A-1", "500.00");
        for doc in [credit, cancelled, offer] {
            portal
                .app_for_seeding
                .documents
                .put(&company, &doc)
                .await
                .unwrap();
        }
        let reply = browser.get("/api/documents/statistics").await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let years = reply.json["years"].as_array().unwrap();
        assert_eq!(years.len(), 3);
        assert_eq!(years[0]["year"], year);
        assert_eq!(years[0]["totals"][0]["gross"], "219.00");
        assert_eq!(years[0]["months"][0]["month"], 1);
        assert_eq!(years[0]["months"][0]["count"], 3);
        assert_eq!(years[1]["totals"][0]["gross"], "119.00");
        assert!(years[2]["months"].as_array().unwrap().is_empty());
    }
}

mod sending {
    use super::*;
    use mail_parser::{MessageParser, MimeHeaders};
    use serde_json::json;

    #[tokio::test]
    async fn a_document_is_mailed_with_its_pdf_attached_byte_for_byte() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company, email) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let pdf: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let doc = portal
            .add_document(&company, "R-2026-0042", "2026-03-15", Some(&pdf), None)
            .await;
        let accountant = format!("steuer-{email}");
        let reply = browser
            .post(
                &format!("/api/documents/{}/send", doc.id.as_str()),
                &json!({ "to": accountant, "note": "Bitte buchen.\nDanke!" }),
            )
            .await;
        assert_eq!(reply.status, 202, "{reply:?}");
        let mail = portal.mail(&accountant, 1).await;
        assert_eq!(mail.subject, "Rechnung R-2026-0042");
        assert_eq!(
            mail.attachments,
            vec![(
                "Rechnung-R-2026-0042.pdf".to_string(),
                "application/pdf".to_string(),
                pdf.len()
            )]
        );
        let raw = mail.raw.unwrap();
        let message = MessageParser::default().parse(raw.as_bytes()).unwrap();
        let attachment = message.attachments().next().unwrap();
        assert_eq!(attachment.contents(), pdf.as_slice());
        assert_eq!(
            attachment.attachment_name(),
            Some("Rechnung-R-2026-0042.pdf")
        );
        let reply_to = message
            .reply_to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_string();
        assert_eq!(reply_to, email);
        let text = message.body_text(0).unwrap().replace("\r\n", "\n");
        assert!(text.contains("Bitte buchen.\nDanke!"), "{text}");
        assert!(text.contains(&email));
    }

    #[tokio::test]
    async fn header_injection_in_the_address_and_hidden_characters_in_the_note_are_refused() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company, _) = portal
            .member_session("Dokument GmbH", Lang::De, Role::Viewer)
            .await;
        let doc = portal
            .add_document(&company, "R-1", "2026-03-15", Some(PDF), None)
            .await;
        let path = format!("/api/documents/{}/send", doc.id.as_str());
        for to in [
            "a@example.com\r\nBcc: victim@example.com",
            "a＠example.com",
            "\"x\"@example.com",
            "a@b@example.com",
        ] {
            let reply = browser.post(&path, &json!({ "to": to })).await;
            assert_eq!((reply.status, reply.field()), (400, "to"), "{to:?}");
        }
        let reply = browser
            .post(
                &path,
                &json!({ "to": "a@example.com", "note": "x\u{202e}y" }),
            )
            .await;
        assert_eq!((reply.status, reply.field()), (400, "note"));
        let reply = browser
            .post(
                &path,
                &json!({ "to": "a@example.com", "cc": "b@example.com" }),
            )
            .await;
        assert_eq!((reply.status, reply.code()), (400, "unknown_field"));
    }

    #[tokio::test]
    async fn a_foreign_document_cannot_be_sent_and_sending_is_rate_limited() {
        let portal = TestPortal::spawn().await;
        let (mut browser, company, email) = portal
            .member_session("Dokument GmbH", Lang::En, Role::Viewer)
            .await;
        let (other, _) = company_with_login(&portal, Lang::De, Role::Owner).await;
        let foreign = portal
            .add_document(&other, "F-1", "2026-03-15", Some(PDF), None)
            .await;
        let doc = portal
            .add_document(&company, "R-1", "2026-03-15", Some(PDF), None)
            .await;
        let reply = browser
            .post(
                &format!("/api/documents/{}/send", foreign.id.as_str()),
                &json!({ "to": "x@example.com" }),
            )
            .await;
        assert_eq!(reply.status, 404);
        let to = format!("limit-{email}");
        for _ in 0..20 {
            let reply = browser
                .post(
                    &format!("/api/documents/{}/send", doc.id.as_str()),
                    &json!({ "to": to }),
                )
                .await;
            assert_eq!(reply.status, 202, "{reply:?}");
        }
        let reply = browser
            .post(
                &format!("/api/documents/{}/send", doc.id.as_str()),
                &json!({ "to": to }),
            )
            .await;
        assert_eq!(reply.status, 429);
        assert!(reply.header("retry-after").is_some());
        let mail = portal.mail(&to, 1).await;
        assert_eq!(mail.subject, "Invoice R-1", "the sender's language");
        // Cross-site posts are refused like every state change.
        let req = reqwest::Client::new()
            .post(format!(
                "{}/api/documents/{}/send",
                portal.base_url,
                doc.id.as_str()
            ))
            .header("origin", "https://evil.example")
            .header("content-type", "application/json")
            .body(json!({ "to": "x@example.com" }).to_string());
        assert_eq!(browser.send(req).await.status, 403);
    }
}

#[tokio::test]
async fn a_download_link_opened_by_the_browser_shows_a_page_not_json_on_errors() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Dokument GmbH", Lang::De, Role::Viewer)
        .await;
    let doc = portal
        .add_document(&company, "R-1", "2026-01-01", None, None)
        .await;
    let path = format!("/api/documents/{}/pdf", doc.id.as_str());
    let req = browser
        .request(reqwest::Method::GET, &path)
        .header("sec-fetch-mode", "navigate");
    let reply = browser.send(req).await;
    assert_eq!(reply.status, 404);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(reply.text.contains("Zurück zum Portal"), "{}", reply.text);
    assert!(reply.header("content-security-policy").is_some());
    let mut stranger = portal.browser();
    let req = stranger
        .request(reqwest::Method::GET, &path)
        .header("sec-fetch-mode", "navigate");
    let reply = stranger.send(req).await;
    assert_eq!(reply.status, 401);
    assert!(reply.text.contains("href=\"/anmelden/\""));
    // Scripts (fetch) still get JSON.
    assert_eq!(browser.get(&path).await.code(), "file_missing");
}
