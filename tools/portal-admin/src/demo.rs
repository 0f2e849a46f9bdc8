//! `portal-admin demo`: deterministic demo data: two companies, three logins (one belonging to
//! both), and a few years of documents per company with real PDFs. Idempotent: a second run
//! reports every row as unchanged. `make run` seeds the local stack with it.

use crate::import::{count, write_document, Summary};
use crate::pdf::{self, DocumentPdf, LineItem};
use crate::Stores;
use portal::domain::documents::{
    Date, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
};
use portal::domain::email::EmailAddress;
use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal::store::company::NewActivity;
use portal::store::directory::Company;
use portal::store::documents::Document;
use portal::store::StoreError;

pub struct DemoLogin {
    pub email: &'static str,
    pub lang: Lang,
    /// (customer id, role)
    pub memberships: &'static [(&'static str, Role)],
    pub note: &'static str,
}

/// (id, customer number, legal name, address lines)
pub const DEMO_COMPANIES: &[(&str, &str, &str, &[&str])] = &[
    (
        "10001",
        "10001",
        "Beispiel Maschinenbau GmbH",
        &["Industriestraße 12", "70565 Stuttgart", "Deutschland"],
    ),
    (
        "10002",
        "10002",
        "Nordlicht Studio AG",
        &["Hafenkante 3", "20457 Hamburg", "Deutschland"],
    ),
];

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        email: "anna.schmidt@example.com",
        lang: Lang::De,
        memberships: &[("10001", Role::Owner)],
        note: "Inhaberin bei Beispiel Maschinenbau GmbH",
    },
    DemoLogin {
        email: "ben.keller@example.com",
        lang: Lang::De,
        memberships: &[("10001", Role::Billing), ("10002", Role::Owner)],
        note: "gehört zu beiden Firmen (Buchhaltung / Inhaber)",
    },
    DemoLogin {
        email: "claire.martin@example.org",
        lang: Lang::En,
        memberships: &[("10002", Role::Viewer)],
        note: "English-speaking viewer at Nordlicht Studio AG",
    },
];

const SELLER: &[&str] = &[
    "Kundenportal Demo GmbH",
    "Musterstraße 1",
    "10115 Berlin",
    "USt-IdNr. DE123456789",
];

fn company(id: &str) -> Company {
    let (id, number, name, _) = DEMO_COMPANIES
        .iter()
        .find(|c| c.0 == id)
        .expect("demo membership names a demo company");
    Company {
        id: CompanyId::parse(id).expect("demo id is valid"),
        number: number.to_string(),
        name: name.to_string(),
    }
}

/// A small deterministic pseudo-random sequence (demo data must be the same on every run).
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

const PRODUCTS: &[(&str, &str, i64)] = &[
    (
        "Softwarelizenz Pro (Monat)",
        "Software licence Pro (month)",
        4900,
    ),
    ("Support-Paket Standard", "Support package standard", 12900),
    ("Zusätzlicher Arbeitsplatz", "Additional seat", 1500),
    ("Schulung (halber Tag)", "Training (half day)", 39000),
    ("Cloud-Speicher 100 GB", "Cloud storage 100 GB", 900),
];

struct Spec {
    kind: DocumentKind,
    issued: Date,
    status: DocumentStatus,
    items: Vec<(usize, u32)>,
    with_xml: bool,
    sequence: u32,
}

/// The documents of one company for the 26 months up to `this_year`-`this_month`.
fn specs(company: usize, this_year: u16, this_month: u8) -> Vec<Spec> {
    let mut random = Sequence(company as u64 + 7);
    let mut specs = Vec::new();
    let (mut year, mut month) = (this_year, this_month);
    for back in 0..26u32 {
        let items = (0..1 + random.next(3) as usize)
            .map(|_| {
                (
                    random.next(PRODUCTS.len() as u64) as usize,
                    1 + random.next(4) as u32,
                )
            })
            .collect();
        let status = match (company, back) {
            (_, 0) => DocumentStatus::Open,
            (0, 1) => DocumentStatus::Overdue,
            _ => DocumentStatus::Paid,
        };
        let issued = Date::parse(&format!("{year:04}-{month:02}-{:02}", 1 + random.next(27)))
            .expect("valid day");
        specs.push(Spec {
            kind: DocumentKind::Invoice,
            issued,
            status,
            items,
            with_xml: back < 3,
            sequence: 26 - back,
        });
        let extra = match back {
            2 => Some(DocumentKind::DeliveryNote),
            4 => Some(DocumentKind::CreditNote),
            7 => Some(DocumentKind::Offer),
            12 => Some(DocumentKind::Contract),
            15 => Some(DocumentKind::CreditNote),
            _ => None,
        };
        if let Some(kind) = extra {
            specs.push(Spec {
                kind,
                issued: Date::parse(&format!("{year:04}-{month:02}-28")).expect("valid day"),
                // Only invoices and credit notes get paid; the other papers stay "open".
                status: if kind == DocumentKind::CreditNote {
                    DocumentStatus::Paid
                } else {
                    DocumentStatus::Open
                },
                items: vec![(random.next(PRODUCTS.len() as u64) as usize, 1)],
                with_xml: false,
                sequence: 26 - back,
            });
        }
        if month == 1 {
            month = 12;
            year -= 1;
        } else {
            month -= 1;
        }
    }
    specs
}

fn prefix(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Invoice => "R",
        DocumentKind::CreditNote => "G",
        DocumentKind::Order => "AU",
        DocumentKind::Offer => "AN",
        DocumentKind::DeliveryNote => "LS",
        DocumentKind::Return => "RT",
        DocumentKind::Contract => "V",
    }
}

/// Two weeks after `issued` (months counted as 28 days: good enough for demo due dates).
fn two_weeks_after(issued: Date) -> Date {
    let (mut year, mut month, mut day) = (issued.year, issued.month, issued.day + 14);
    if day > 28 {
        day -= 28;
        month += 1;
        if month > 12 {
            month = 1;
            year += 1;
        }
    }
    Date::parse(&format!("{year:04}-{month:02}-{day:02}")).expect("valid day")
}

fn build(company: usize, spec: &Spec, lang: Lang) -> (Document, Vec<u8>, Option<Vec<u8>>) {
    let (_, number, name, address) = DEMO_COMPANIES[company];
    let eur = |minor: i64| Money {
        minor,
        currency: portal::domain::documents::Currency::parse("EUR").expect("EUR"),
    };
    let sign = if spec.kind == DocumentKind::CreditNote {
        -1
    } else {
        1
    };
    let items: Vec<LineItem> = spec
        .items
        .iter()
        .map(|(product, quantity)| {
            let (de, en, cents) = PRODUCTS[*product];
            LineItem {
                description: lang.pick(de, en).to_string(),
                quantity: *quantity,
                unit_price: eur(sign * cents),
            }
        })
        .collect();
    let net: i64 = items
        .iter()
        .map(|i| i.unit_price.minor * i.quantity as i64)
        .sum();
    let tax = (net * 19 + if net >= 0 { 50 } else { -50 }) / 100;
    let doc_number = DocumentNumber::parse(&format!(
        "{}-{}-{}{:03}",
        prefix(spec.kind),
        spec.issued.year,
        company + 1,
        spec.sequence
    ))
    .expect("valid demo number");
    let due = (spec.kind == DocumentKind::Invoice).then(|| two_weeks_after(spec.issued));
    let document = Document {
        id: DocumentId::new(spec.issued, spec.kind, &doc_number),
        kind: spec.kind,
        number: doc_number.clone(),
        issued: spec.issued,
        due,
        net: eur(net),
        tax: eur(tax),
        gross: eur(net + tax),
        status: spec.status,
        has_xml: spec.with_xml,
        proof: None,
        references: [(
            "order".to_string(),
            format!("PO-{}-{:03}", number, spec.sequence),
        )]
        .into(),
    };
    let mut buyer = vec![name.to_string()];
    buyer.extend(address.iter().map(|l| l.to_string()));
    let pdf = pdf::render(&DocumentPdf {
        lang,
        title: spec.kind.label(lang).to_string(),
        number: doc_number.as_str().to_string(),
        issued: pdf::format_date(spec.issued, lang),
        due: due.map(|d| pdf::format_date(d, lang)),
        seller: SELLER.iter().map(|s| s.to_string()).collect(),
        buyer,
        customer_number: number.to_string(),
        items,
        vat_percent: 19,
        net: document.net,
        tax: document.tax,
        gross: document.gross,
        footer: vec![
            lang.pick(
                "Zahlbar innerhalb von 14 Tagen ohne Abzug. Bankverbindung: IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX",
                "Payable within 14 days without deduction. Bank: IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX",
            )
            .to_string(),
            "Kundenportal Demo GmbH · Amtsgericht Berlin HRB 000000 · Demo data".to_string(),
        ],
    });
    let xml = spec.with_xml.then(|| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">\n  <ID>{}</ID>\n  <IssueDate>{}</IssueDate>\n  <DocumentCurrencyCode>EUR</DocumentCurrencyCode>\n  <LegalMonetaryTotal><PayableAmount currencyID=\"EUR\">{}</PayableAmount></LegalMonetaryTotal>\n</Invoice>\n",
            doc_number.as_str(),
            spec.issued,
            document.gross.decimal()
        )
        .into_bytes()
    });
    (document, pdf, xml)
}

/// Seeds companies, logins and documents relative to `today` (`YYYY`, `MM`).
pub async fn seed(stores: &Stores, this_year: u16, this_month: u8) -> Result<Summary, StoreError> {
    let mut summary = Summary::default();
    for (id, ..) in DEMO_COMPANIES {
        stores.directory.put_company(&company(id)).await?;
    }
    for login in DEMO_LOGINS {
        let email = EmailAddress::parse(login.email).expect("demo address is valid");
        stores
            .directory
            .put_login_profile(&email, login.lang)
            .await?;
        for (id, role) in login.memberships {
            stores
                .directory
                .put_membership(&email, &company(id), *role)
                .await?;
        }
    }
    let now = crate::now();
    for (id, _, name, address) in DEMO_COMPANIES {
        let company = CompanyId::parse(id).expect("demo id is valid");
        if stores.companies.billing(&company).await?.is_none() {
            let (postal_code, city) = address[1].split_once(' ').expect("demo address has a city");
            let data = portal::store::company::BillingData {
                legal_name: name.to_string(),
                line1: address[0].to_string(),
                postal_code: postal_code.to_string(),
                city: city.to_string(),
                country: "DE".to_string(),
                vat_id: if *id == "10001" {
                    "DE136695976".to_string()
                } else {
                    String::new()
                },
                invoice_emails: vec![format!("rechnungen-{id}@example.com")],
                ..Default::default()
            };
            stores
                .companies
                .save_billing(
                    &company,
                    &data,
                    0,
                    "portal-admin demo",
                    now,
                    &NewActivity::new(&company, now, "billing_imported").with("by", "portal-admin"),
                )
                .await?;
        }
    }
    seed_contracts(stores, this_year, this_month, now).await?;
    for (index, (id, ..)) in DEMO_COMPANIES.iter().enumerate() {
        let company_id = CompanyId::parse(id).expect("demo id is valid");
        let lang = Lang::De;
        for spec in specs(index, this_year, this_month) {
            let (document, pdf, xml) = build(index, &spec, lang);
            let mut files = vec![("pdf", pdf)];
            if let Some(xml) = xml {
                files.push(("xml", xml));
            }
            let outcome = write_document(stores, &company_id, &document, files).await?;
            count(&mut summary, outcome);
        }
    }
    Ok(summary)
}

/// The table `make run` prints so a person knows whom to log in as.
pub fn describe() -> String {
    let mut out = String::from("Demo-Zugänge / demo logins:\n");
    for login in DEMO_LOGINS {
        let roles: Vec<String> = login
            .memberships
            .iter()
            .map(|(id, role)| format!("{} ({id}) als {}", company(id).name, role.code()))
            .collect();
        out.push_str(&format!(
            "  {:<28} [{}] {}\n      {}\n",
            login.email,
            login.lang.code(),
            login.note,
            roles.join(", ")
        ));
    }
    out
}

/// Contracts for the demo companies: a yearly multi licence and a monthly add-on at Beispiel
/// Maschinenbau, a monthly single licence at Nordlicht (billed next month).
async fn seed_contracts(
    stores: &Stores,
    this_year: u16,
    this_month: u8,
    now: u64,
) -> Result<(), StoreError> {
    use portal::domain::contract::{Contract, Licence, Term};
    use portal::domain::documents::{Date, Money};
    let (next_year, next_month) = if this_month == 12 {
        (this_year + 1, 1)
    } else {
        (this_year, this_month + 1)
    };
    let date = |year: u16, month: u8, day: u8| Date { year, month, day };
    let contracts = [
        (
            "10001",
            Contract {
                id: "V-10001-PRO".into(),
                plan: "Kundenportal Pro".into(),
                licence: Licence::Multi,
                seats: 5,
                term: Term::Yearly,
                price: Money::parse("1490.00", "EUR").expect("demo price"),
                started: date(this_year - 1, 3, 1),
                next_billing: date(this_year + 1, 3, 1),
                ends: None,
                cancelled: false,
            },
        ),
        (
            "10001",
            Contract {
                id: "V-10001-ARCHIV".into(),
                plan: "Archiv-Speicher 100 GB".into(),
                licence: Licence::Single,
                seats: 1,
                term: Term::Monthly,
                price: Money::parse("9.90", "EUR").expect("demo price"),
                started: date(this_year - 1, 1, 15),
                next_billing: date(next_year, next_month, 15),
                ends: None,
                cancelled: false,
            },
        ),
        (
            "10002",
            Contract {
                id: "V-10002-BASIC".into(),
                plan: "Kundenportal Basic".into(),
                licence: Licence::Single,
                seats: 1,
                term: Term::Monthly,
                price: Money::parse("29.00", "EUR").expect("demo price"),
                started: date(this_year - 1, 5, 1),
                next_billing: date(next_year, next_month, 1),
                ends: None,
                cancelled: false,
            },
        ),
    ];
    for (company, contract) in contracts {
        let company = CompanyId::parse(company).expect("demo id is valid");
        stores.contracts.put(&company, &contract, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_documents_add_up_and_are_deterministic() {
        let first: Vec<(Document, Vec<u8>, Option<Vec<u8>>)> = specs(0, 2026, 11)
            .iter()
            .map(|s| build(0, s, Lang::De))
            .collect();
        let again: Vec<Document> = specs(0, 2026, 11)
            .iter()
            .map(|s| build(0, s, Lang::De).0)
            .collect();
        assert_eq!(first.iter().map(|d| d.0.clone()).collect::<Vec<_>>(), again);
        assert!(first.len() >= 26);
        for (doc, pdf, _) in &first {
            assert_eq!(
                doc.net.minor + doc.tax.minor,
                doc.gross.minor,
                "{}",
                doc.number.as_str()
            );
            assert!(pdf.starts_with(b"%PDF-"));
        }
        let credit = first
            .iter()
            .find(|d| d.0.kind == DocumentKind::CreditNote)
            .unwrap();
        assert!(credit.0.gross.minor < 0);
        assert_eq!(first[0].0.status, DocumentStatus::Open);
        assert_eq!(first[1].0.status, DocumentStatus::Overdue);
    }
}
