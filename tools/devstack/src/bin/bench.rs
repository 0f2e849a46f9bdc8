//! `make bench`: measurements that back the portal's claims, written to docs/benchmarks.md and
//! docs/benchmarks.json. Goals are checked here (met / not met), never in `make test`.
//!
//! So far: the document list pages as cheaply for a customer with 20,000 documents as for one
//! with 20 (one query, the same number of items read, per page).

use devstack::{local, moto, template::Template, workspace_root, DevError};
use portal::domain::documents::{
    Currency, Date, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
};
use portal::domain::ids::CustomerId;
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
        references: [("order".to_string(), format!("PO-{n}"))].into(),
    }
}

struct Measurement {
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
    customer: &CustomerId,
    label: &str,
    history: usize,
    query: ListQuery,
) -> Result<Measurement, DevError> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let page = store
            .list(customer, &query)
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

async fn run() -> Result<(), DevError> {
    let root = workspace_root();
    std::fs::create_dir_all(root.join("target")).map_err(DevError::io("target"))?;
    println!("▸ Starting moto for the benchmark …");
    let moto = moto::MotoServer::start(
        &moto::default_binary(),
        None,
        &root.join("target/bench-moto.log"),
    )?;
    let template = Template::load(&root.join("infra/template.yaml"))?;
    let sdk = local::sdk_config(&moto.url);
    let resources = local::ensure_resources(&sdk, &template, "bench-").await?;
    let store = DocumentStore::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        &resources.tables["PortalTable"],
    );

    let mut results = Vec::new();
    for (id, count) in [("small", 20usize), ("large", 20_000usize)] {
        let customer = CustomerId::parse(id).expect("valid id");
        println!("▸ Loading {count} documents for the {id} customer …");
        let docs: Vec<Document> = (0..count).map(document).collect();
        for (i, chunk) in docs.chunks(2_000).enumerate() {
            store
                .put_many(&customer, chunk)
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
        results.push(measure(&store, &customer, "first page", count, page(None)).await?);
        let middle = docs[count / 2].id.clone();
        results.push(
            measure(
                &store,
                &customer,
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
        results.push(measure(&store, &customer, "open invoices (index)", count, open).await?);
    }
    moto.stop();

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
    let date = portal::domain::documents::date_of(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    );
    let machine = format!(
        "{} cores, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        std::env::consts::ARCH
    );

    let mut md = String::from("# Benchmarks\n\nWritten by `make bench`; do not edit by hand. ");
    md.push_str(&format!(
        "Measured on {date}, {machine}, against moto (the local DynamoDB stand-in).\n\n"
    ));
    md.push_str("## Document list: 20 vs 20,000 documents\n\n");
    md.push_str("Goal: a page costs one query and reads at most `limit + 1` items (here 26), however long the history.\n\n");
    md.push_str("| history | page | queries | items read | returned | median ms | min–max ms |\n|---:|---|---:|---:|---:|---:|---|\n");
    for r in &results {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.1} | {:.1}–{:.1} |\n",
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
        "\n**Goal {}.** Items read per page: {small_max} (20 documents) vs {large_max} (20,000 documents).\n\n",
        if met { "met" } else { "NOT met" }
    ));
    md.push_str("DynamoDB reads only the items a key-condition query returns, so its latency and cost per page follow the items read above. The milliseconds are moto's: it keeps a partition in memory and sorts it on every query, so its latency grows with the history where DynamoDB's does not.\n");
    std::fs::create_dir_all(root.join("docs")).map_err(DevError::io("docs"))?;
    std::fs::write(root.join("docs/benchmarks.md"), &md)
        .map_err(DevError::io("docs/benchmarks.md"))?;
    let json = serde_json::json!({
        "date": date.to_string(),
        "machine": machine,
        "document_list": {
            "goal_met": met,
            "results": results.iter().map(|r| serde_json::json!({
                "history": r.history, "page": r.label, "queries": r.queries, "items_read": r.items_read,
                "returned": r.returned, "median_ms": r.median_ms, "min_ms": r.min_ms, "max_ms": r.max_ms,
            })).collect::<Vec<_>>(),
        },
    });
    std::fs::write(
        root.join("docs/benchmarks.json"),
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(DevError::io("docs/benchmarks.json"))?;
    println!("\n{md}");
    println!("▸ Written to docs/benchmarks.md and docs/benchmarks.json");
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("make bench: {err}");
        std::process::exit(1);
    }
}
