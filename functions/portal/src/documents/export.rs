//! `GET /api/documents/export`: the filtered list as CSV for spreadsheets.
//!
//! UTF-8 with a byte-order mark (Excel then reads umlauts right); `separator=semicolon` (the
//! default for German) also writes decimal commas, as German Excel expects; text cells starting
//! with `=`, `+`, `-`, `@`, tab or CR get a leading `'` so no spreadsheet runs them as formulas.

use super::{Filters, MAX_PAGE};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::lang::Lang;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::store::documents::Document;
use bytes::Bytes;
use http::{HeaderValue, StatusCode};

/// The export stops here; larger histories are exported per year.
pub const MAX_ROWS: usize = 50_000;

/// Neutralises a text cell against formula injection.
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

pub fn to_csv(documents: &[Document], lang: Lang, semicolon: bool) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(if semicolon { b';' } else { b',' })
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let t = |de: &'static str, en: &'static str| lang.pick(de, en);
    let header = [
        t("Art", "Type"),
        t("Nummer", "Number"),
        t("Datum", "Date"),
        t("Fällig", "Due"),
        t("Netto", "Net"),
        t("Steuer", "Tax"),
        t("Brutto", "Gross"),
        t("Währung", "Currency"),
        "Status",
        t("Referenzen", "References"),
    ];
    let amount = |money: &crate::domain::documents::Money| {
        let text = money.decimal();
        if semicolon {
            text.replace('.', ",")
        } else {
            text
        }
    };
    let write = |writer: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        writer
            .write_record(row)
            .expect("writing to memory cannot fail");
    };
    write(&mut writer, &header.map(str::to_string));
    for doc in documents {
        let references: Vec<String> = doc
            .references
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        write(
            &mut writer,
            &[
                doc.kind.label(lang).to_string(),
                safe_cell(doc.number.as_str()),
                doc.issued.to_string(),
                doc.due.map(|d| d.to_string()).unwrap_or_default(),
                amount(&doc.net),
                amount(&doc.tax),
                amount(&doc.gross),
                doc.gross.currency.as_str().to_string(),
                doc.status.label(lang).to_string(),
                safe_cell(&references.join(", ")),
            ],
        );
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

pub async fn export(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let allowed = ["kind", "status", "year", "month", "q", "separator"];
    let params = req.query_params(&allowed)?;
    let lang = req.lang();
    let semicolon = match params.get("separator").map(String::as_str) {
        None => lang == Lang::De,
        Some("semicolon") => true,
        Some("comma") => false,
        Some(_) => {
            return Err(ApiError::InvalidQuery {
                field: "separator".into(),
            })
        }
    };
    let mut filters = Filters::parse_with(&req, &allowed)?;
    filters.query.limit = MAX_PAGE;
    let mut documents = Vec::new();
    match &filters.search {
        Some(term) => {
            let found = app
                .documents
                .search(&caller.company, term, MAX_PAGE)
                .await?;
            documents.extend(found.into_iter().filter(|d| filters.admits(d)));
        }
        None => loop {
            let page = app.documents.list(&caller.company, &filters.query).await?;
            documents.extend(page.documents);
            match page.next {
                Some(next) if documents.len() < MAX_ROWS => filters.query.after = Some(next),
                _ => break,
            }
        },
    }
    let mut response = ApiResponse::new(StatusCode::OK);
    response.body = Bytes::from(to_csv(&documents, lang, semicolon));
    response.headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    response.headers.insert(
        http::header::CONTENT_DISPOSITION,
        HeaderValue::from_static(match lang {
            Lang::De => "attachment; filename=\"Dokumente.csv\"",
            Lang::En => "attachment; filename=\"documents.csv\"",
        }),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for (raw, safe) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("R-1", "R-1"),
        ] {
            assert_eq!(safe_cell(raw), safe);
        }
    }
}
