//! Import manifests: CSV (header row, `,` or `;`) or JSONL (one JSON object per line), read as a
//! stream and validated row by row into domain types (memory does not grow with the file). Every
//! problem names file, line and field. The files a row names are checked by
//! [`crate::files::FileSource`], in a folder or in the inbox alike.

use portal::domain::documents::{
    Date, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
};
use portal::domain::email::EmailAddress;
use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal::domain::text::{clean_text, required_text};
use portal::store::directory::Company;
use portal::store::documents::Document;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Component, Path};

/// Largest PDF or XML file an import accepts.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.line, self.field, self.message
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanyRow {
    #[serde(rename = "customer_id")]
    pub company_id: String,
    pub number: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractRow {
    #[serde(rename = "customer_id")]
    pub company_id: String,
    pub contract_id: String,
    pub plan: String,
    /// `single` or `multi`.
    pub licence: String,
    pub seats: String,
    /// `monthly` or `yearly`.
    pub term: String,
    /// Net price per term.
    pub price: String,
    pub currency: String,
    pub started: String,
    pub next_billing: String,
    #[serde(default)]
    pub ends: Option<String>,
    /// `true` when cancelled at the end of the term.
    #[serde(default)]
    pub cancelled: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRow {
    pub email: String,
    #[serde(rename = "customer_id")]
    pub company_id: String,
    pub role: String,
    #[serde(default)]
    pub language: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRow {
    #[serde(rename = "customer_id")]
    pub company_id: String,
    pub kind: String,
    pub number: String,
    pub issued: String,
    #[serde(default)]
    pub due: Option<String>,
    pub net: String,
    pub tax: String,
    pub gross: String,
    pub currency: String,
    pub status: String,
    /// File name of the PDF, relative to the files folder.
    pub pdf: String,
    #[serde(default)]
    pub xml: Option<String>,
    #[serde(default)]
    pub order: Option<String>,
    #[serde(default)]
    pub commission: Option<String>,
}

pub struct ValidLogin {
    pub email: EmailAddress,
    pub company: CompanyId,
    pub role: Role,
    pub lang: Lang,
}

pub struct ValidDocument {
    pub company: CompanyId,
    pub document: Document,
    /// The PDF's name inside the batch or files folder (checked: relative, no `..`).
    pub pdf: String,
    pub xml: Option<String>,
}

/// One manifest row with its line number, parsed or not.
pub type Row<T> = (u64, Result<T, RowError>);

/// Every row of a CSV or JSONL manifest with its line number, collected (small manifests and
/// the fuzz target; imports stream with [`rows`]).
pub fn read_rows<T: DeserializeOwned + Send + 'static>(path: &Path) -> Result<Vec<Row<T>>, String> {
    Ok(rows(path)?.collect())
}

/// The rows of a CSV or JSONL manifest with their line numbers, read as a stream: only the
/// current row is in memory. The format follows the extension (`.jsonl`, else CSV); a UTF-8 BOM
/// is skipped; a CSV's delimiter is `;` when its header has more `;` than `,`.
pub fn rows<T: DeserializeOwned + Send + 'static>(
    path: &Path,
) -> Result<Box<dyn Iterator<Item = Row<T>> + Send>, String> {
    let file = path.display().to_string();
    let mut reader = BufReader::with_capacity(
        64 * 1024,
        std::fs::File::open(path).map_err(|e| format!("{file}: {e}"))?,
    );
    if reader
        .fill_buf()
        .map_err(|e| format!("{file}: {e}"))?
        .starts_with(b"\xEF\xBB\xBF")
    {
        reader.consume(3);
    }
    let row_error = move |line: u64, field: &str, message: String| RowError {
        file: file.clone(),
        line,
        field: field.to_string(),
        message,
    };
    if path.extension().and_then(|e| e.to_str()) == Some("jsonl") {
        return Ok(Box::new(
            reader
                .lines()
                .enumerate()
                .map(|(i, line)| (i as u64 + 1, line))
                .filter(|(_, line)| !line.as_ref().is_ok_and(|l| l.trim().is_empty()))
                .map(move |(number, line)| {
                    let row = match line {
                        Ok(line) => {
                            let mut de = serde_json::Deserializer::from_str(&line);
                            T::deserialize(&mut de)
                                .map_err(|e| row_error(number, "row", e.to_string()))
                        }
                        Err(e) => Err(row_error(number, "row", e.to_string())),
                    };
                    (number, row)
                }),
        ));
    }
    let header = {
        let buffered = reader
            .fill_buf()
            .map_err(|e| row_error(1, "row", e.to_string()).to_string())?;
        let end = buffered
            .iter()
            .position(|b| *b == b'\n')
            .unwrap_or(buffered.len());
        String::from_utf8_lossy(&buffered[..end]).into_owned()
    };
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(Box::new(reader) as Box<dyn Read + Send>);
    let headers = csv
        .headers()
        .map_err(|e| row_error(1, "row", e.to_string()).to_string())?
        .clone();
    Ok(Box::new(csv.into_records().map(
        move |record| match record {
            Ok(record) => {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                let row = record
                    .deserialize::<T>(Some(&headers))
                    .map_err(|e| row_error(line, "row", e.to_string()));
                (line, row)
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                (line, Err(row_error(line, "row", e.to_string())))
            }
        },
    )))
}

/// Collects field errors of one row.
pub struct Checker<'a> {
    pub file: &'a str,
    pub line: u64,
    pub errors: Vec<RowError>,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a str, line: u64) -> Self {
        Checker {
            file,
            line,
            errors: Vec::new(),
        }
    }

    pub fn check<T, E>(&mut self, field: &str, result: Result<T, E>, message: &str) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(_) => {
                self.errors.push(RowError {
                    file: self.file.to_string(),
                    line: self.line,
                    field: field.to_string(),
                    message: message.to_string(),
                });
                None
            }
        }
    }
}

fn optional(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub fn validate_company(row: &CompanyRow, c: &mut Checker) -> Option<Company> {
    let id = c.check(
        "customer_id",
        CompanyId::parse(&row.company_id),
        "letters, digits, - and _, 1–40 characters",
    );
    let number = c.check(
        "number",
        DocumentNumber::parse(&row.number),
        "letters, digits, - _ . /, 1–40 characters",
    );
    let name = c.check(
        "name",
        required_text(&row.name, 200),
        "1–200 characters without control, bidi or zero-width characters",
    );
    Some(Company {
        id: id?,
        number: number?.as_str().to_string(),
        name: name?,
    })
}

pub fn validate_contract(
    row: &ContractRow,
    c: &mut Checker,
) -> Option<(CompanyId, portal::domain::contract::Contract)> {
    use portal::domain::contract::{Contract, Licence, Term, MAX_SEATS};
    use portal::domain::documents::{Date, Money};
    let company = c.check(
        "customer_id",
        CompanyId::parse(&row.company_id),
        "letters, digits, - and _, 1–40 characters",
    );
    let id = c.check(
        "contract_id",
        portal::store::contracts::valid_contract_id(&row.contract_id)
            .then(|| row.contract_id.clone())
            .ok_or(()),
        "letters, digits, - and _, 1–40 characters",
    );
    let plan = c.check(
        "plan",
        required_text(&row.plan, 100),
        "1–100 characters without control, bidi or zero-width characters",
    );
    let licence = c.check(
        "licence",
        Licence::from_code(row.licence.trim()).ok_or(()),
        "single or multi",
    );
    let seats = c.check(
        "seats",
        row.seats
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_SEATS).contains(n))
            .ok_or(()),
        "a whole number from 1 to 10000",
    );
    let term = c.check(
        "term",
        Term::from_code(row.term.trim()).ok_or(()),
        "monthly or yearly",
    );
    let price = c.check(
        "price",
        Money::parse(row.price.trim(), row.currency.trim()),
        "a decimal like 49.00 and an ISO currency like EUR",
    );
    let started = c.check("started", Date::parse(row.started.trim()), "YYYY-MM-DD");
    let next_billing = c.check(
        "next_billing",
        Date::parse(row.next_billing.trim()),
        "YYYY-MM-DD",
    );
    let ends = match row.ends.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => Some(None),
        Some(text) => c.check("ends", Date::parse(text).map(Some), "YYYY-MM-DD or empty"),
    };
    let cancelled = c.check(
        "cancelled",
        match row.cancelled.as_deref().map(str::trim).unwrap_or("") {
            "" | "false" | "no" | "0" => Ok(false),
            "true" | "yes" | "1" => Ok(true),
            _ => Err(()),
        },
        "true or false",
    );
    let licence = licence?;
    let seats = seats?;
    if licence == Licence::Single && seats != 1 {
        c.check::<(), ()>("seats", Err(()), "a single licence has 1 seat");
        return None;
    }
    Some((
        company?,
        Contract {
            id: id?,
            plan: plan?,
            licence,
            seats,
            term: term?,
            price: price?,
            started: started?,
            next_billing: next_billing?,
            ends: ends?,
            cancelled: cancelled?,
        },
    ))
}

pub fn validate_login(row: &LoginRow, c: &mut Checker) -> Option<ValidLogin> {
    let email = c.check(
        "email",
        EmailAddress::parse(&row.email),
        "not a valid email address",
    );
    let company = c.check(
        "customer_id",
        CompanyId::parse(&row.company_id),
        "letters, digits, - and _, 1–40 characters",
    );
    let role = c.check(
        "role",
        Role::from_code(row.role.trim()).ok_or(()),
        "owner, billing or viewer",
    );
    let lang = match optional(&row.language) {
        None => Some(Lang::De),
        Some(code) => c.check("language", Lang::from_code(code).ok_or(()), "de or en"),
    };
    Some(ValidLogin {
        email: email?,
        company: company?,
        role: role?,
        lang: lang?,
    })
}

/// A file named in a manifest: relative, inside the files folder or batch, no `..`. Whether it
/// exists, its size and its first bytes are checked by [`crate::files::FileSource::check`].
fn manifest_file(name: &str, c: &mut Checker, field: &str) -> Option<String> {
    let name = name.trim();
    let inside = !name.is_empty()
        && !name.contains('\\')
        && Path::new(name)
            .components()
            .all(|part| matches!(part, Component::Normal(_)));
    c.check(
        field,
        if inside { Ok(()) } else { Err(()) },
        "must be a file name inside the files folder",
    )?;
    Some(name.to_string())
}

pub fn validate_document(row: &DocumentRow, c: &mut Checker) -> Option<ValidDocument> {
    let company = c.check(
        "customer_id",
        CompanyId::parse(&row.company_id),
        "letters, digits, - and _, 1–40 characters",
    );
    let kind = c.check(
        "kind",
        DocumentKind::from_code(row.kind.trim()).ok_or(()),
        "invoice, credit_note, order, offer, delivery_note, return or contract",
    );
    let number = c.check(
        "number",
        DocumentNumber::parse(row.number.trim()),
        "letters, digits, - _ . /, 1–40 characters",
    );
    let issued = c.check(
        "issued",
        Date::parse(row.issued.trim()),
        "a date as YYYY-MM-DD",
    );
    let due = match optional(&row.due) {
        None => Some(None),
        Some(raw) => c.check("due", Date::parse(raw).map(Some), "a date as YYYY-MM-DD"),
    };
    let currency = row.currency.trim();
    let net = c.check(
        "net",
        Money::parse(row.net.trim(), currency),
        "an amount like 1234.56 with a currency like EUR",
    );
    let tax = c.check(
        "tax",
        Money::parse(row.tax.trim(), currency),
        "an amount like 1234.56 with a currency like EUR",
    );
    let gross = c.check(
        "gross",
        Money::parse(row.gross.trim(), currency),
        "an amount like 1234.56 with a currency like EUR",
    );
    if let (Some(net), Some(tax), Some(gross)) = (net, tax, gross) {
        c.check(
            "gross",
            if net.minor + tax.minor == gross.minor {
                Ok(())
            } else {
                Err(())
            },
            "must equal net + tax",
        );
    }
    let status = c.check(
        "status",
        DocumentStatus::from_code(row.status.trim()).ok_or(()),
        "open, paid, overdue or cancelled",
    );
    let pdf = manifest_file(&row.pdf, c, "pdf");
    let xml = match optional(&row.xml) {
        None => Some(None),
        Some(name) => manifest_file(name, c, "xml").map(Some),
    };
    let mut references = BTreeMap::new();
    for (name, value) in [("order", &row.order), ("commission", &row.commission)] {
        if let Some(value) = optional(value) {
            if let Some(value) = c.check(
                name,
                clean_text(value, 100),
                "at most 100 characters without control, bidi or zero-width characters",
            ) {
                references.insert(name.to_string(), value);
            }
        }
    }
    if !c.errors.is_empty() {
        return None;
    }
    let (kind, number, issued) = (kind?, number?, issued?);
    let xml = xml?;
    Some(ValidDocument {
        company: company?,
        document: Document {
            id: DocumentId::new(issued, kind, &number),
            kind,
            number,
            issued,
            due: due?,
            net: net?,
            tax: tax?,
            gross: gross?,
            status: status?,
            has_xml: xml.is_some(),
            proof: None,
            references,
        },
        pdf: pdf?,
        xml,
    })
}
