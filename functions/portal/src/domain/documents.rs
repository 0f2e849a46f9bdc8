//! A company's documents: invoices, credit notes and the other business papers of B2B shops.
//! Every value that reaches a key, a file name or an S3 key is parsed here first.

use super::ids::CompanyId;
use super::lang::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
    Order,
    Offer,
    DeliveryNote,
    Return,
    Contract,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 7] = [
        DocumentKind::Invoice,
        DocumentKind::CreditNote,
        DocumentKind::Order,
        DocumentKind::Offer,
        DocumentKind::DeliveryNote,
        DocumentKind::Return,
        DocumentKind::Contract,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
            DocumentKind::Order => "order",
            DocumentKind::Offer => "offer",
            DocumentKind::DeliveryNote => "delivery_note",
            DocumentKind::Return => "return",
            DocumentKind::Contract => "contract",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The document type as people say it.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DocumentKind::Invoice => lang.pick("Rechnung", "Invoice"),
            DocumentKind::CreditNote => lang.pick("Gutschrift", "Credit note"),
            DocumentKind::Order => lang.pick("Auftrag", "Order"),
            DocumentKind::Offer => lang.pick("Angebot", "Offer"),
            DocumentKind::DeliveryNote => lang.pick("Lieferschein", "Delivery note"),
            DocumentKind::Return => lang.pick("Retoure", "Return"),
            DocumentKind::Contract => lang.pick("Vertrag", "Contract"),
        }
    }

    /// The word that starts a downloaded file's name, e.g. `Rechnung-R-2026-0042.pdf`.
    pub fn file_word(self, lang: Lang) -> &'static str {
        match self {
            DocumentKind::Invoice => lang.pick("Rechnung", "Invoice"),
            DocumentKind::CreditNote => lang.pick("Gutschrift", "Credit-note"),
            DocumentKind::Order => lang.pick("Auftrag", "Order"),
            DocumentKind::Offer => lang.pick("Angebot", "Offer"),
            DocumentKind::DeliveryNote => lang.pick("Lieferschein", "Delivery-note"),
            DocumentKind::Return => lang.pick("Retoure", "Return"),
            DocumentKind::Contract => lang.pick("Vertrag", "Contract"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    Open,
    Paid,
    Overdue,
    Cancelled,
}

impl DocumentStatus {
    pub const ALL: [DocumentStatus; 4] = [
        DocumentStatus::Open,
        DocumentStatus::Paid,
        DocumentStatus::Overdue,
        DocumentStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentStatus::Open => "open",
            DocumentStatus::Paid => "paid",
            DocumentStatus::Overdue => "overdue",
            DocumentStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<DocumentStatus> {
        DocumentStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DocumentStatus::Open => lang.pick("offen", "open"),
            DocumentStatus::Paid => lang.pick("bezahlt", "paid"),
            DocumentStatus::Overdue => lang.pick("überfällig", "overdue"),
            DocumentStatus::Cancelled => lang.pick("storniert", "cancelled"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid {0}")]
pub struct Invalid(pub &'static str);

/// A calendar date, `YYYY-MM-DD`, years 1970–9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(raw: &str) -> Result<Date, Invalid> {
        let err = Invalid("date");
        let b = raw.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err);
        }
        let number = |s: &str| -> Result<u16, Invalid> {
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().map_err(|_| err)
            } else {
                Err(err)
            }
        };
        let (year, month, day) = (number(&raw[..4])?, number(&raw[5..7])?, number(&raw[8..])?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(err),
        };
        if !(1970..=9999).contains(&year) || day == 0 || day > days {
            return Err(err);
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// `YYYYMMDD`: the sortable form used in ids and keys.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The calendar date (UTC) of a Unix timestamp (Howard Hinnant's `civil_from_days`).
pub fn date_of(unix_seconds: u64) -> Date {
    let days = (unix_seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    Date {
        year: year as u16,
        month: month as u8,
        day: day as u8,
    }
}

/// The calendar year (UTC) of a Unix timestamp.
pub fn year_of(unix_seconds: u64) -> u16 {
    date_of(unix_seconds).year
}

/// An amount in minor units (cents) with its ISO 4217 currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub fn parse(raw: &str) -> Result<Currency, Invalid> {
        let b = raw.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(Invalid("currency"))
        }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Money {
    /// Parses `1234.5`, `1234.56` or `-12` (a decimal point, at most two decimals).
    pub fn parse(amount: &str, currency: &str) -> Result<Money, Invalid> {
        let err = Invalid("amount");
        let (negative, digits) = match amount.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, amount),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let valid = !whole.is_empty()
            && whole.len() <= 13
            && fraction.len() <= 2
            && whole.bytes().all(|c| c.is_ascii_digit())
            && fraction.bytes().all(|c| c.is_ascii_digit())
            && !(digits.contains('.') && fraction.is_empty());
        if !valid {
            return Err(err);
        }
        let cents = format!("{fraction:0<2}");
        let minor: i64 =
            whole.parse::<i64>().map_err(|_| err)? * 100 + cents.parse::<i64>().map_err(|_| err)?;
        Ok(Money {
            minor: if negative { -minor } else { minor },
            currency: Currency::parse(currency)?,
        })
    }

    /// `1234.56`: the machine form used in JSON, CSV and payment payloads.
    pub fn decimal(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// An amount as a person types it, in minor units: `1.234,56`, `1234,56`, `1,234.56`,
/// `1234.56`, `1234`, with an optional `€`/`EUR` and spaces. The last `,` or `.` followed by one
/// or two digits is the decimal mark; every other one must separate groups of three digits.
pub fn amount_from_input(raw: &str) -> Result<i64, Invalid> {
    let err = Invalid("amount");
    let cleaned: String = raw
        .trim()
        .trim_start_matches('€')
        .trim_end_matches('€')
        .trim()
        .trim_end_matches("EUR")
        .trim_start_matches("EUR")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if cleaned.is_empty() || cleaned.len() > 20 {
        return Err(err);
    }
    let (whole, fraction) = match cleaned.rfind([',', '.']) {
        Some(at) if (2..=3).contains(&(cleaned.len() - at)) => (&cleaned[..at], &cleaned[at + 1..]),
        _ => (cleaned.as_str(), ""),
    };
    let groups: Vec<&str> = whole.split([',', '.']).collect();
    let grouped_well = groups.len() == 1
        || (groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3)
            && whole
                .chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                == 1
            && !fraction_uses(whole, fraction, &cleaned));
    let digits: String = groups.concat();
    if !grouped_well
        || digits.is_empty()
        || digits.len() > 13
        || !digits.bytes().all(|c| c.is_ascii_digit())
        || !fraction.bytes().all(|c| c.is_ascii_digit())
    {
        return Err(err);
    }
    let cents = format!("{fraction:0<2}");
    Ok(digits.parse::<i64>().map_err(|_| err)? * 100 + cents.parse::<i64>().map_err(|_| err)?)
}

/// True when the grouping mark of `whole` is the same character as the decimal mark.
fn fraction_uses(whole: &str, fraction: &str, cleaned: &str) -> bool {
    if fraction.is_empty() {
        return false;
    }
    let decimal = cleaned.as_bytes()[whole.len()];
    whole.bytes().any(|c| c == decimal)
}

/// A document number as the billing system prints it, e.g. `R-2026-0042`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(raw: &str) -> Result<DocumentNumber, Invalid> {
        let ok = (1..=40).contains(&raw.len())
            && raw
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-_./".contains(&c))
            && raw
                .bytes()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(DocumentNumber(raw.to_string()))
        } else {
            Err(Invalid("number"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as it may stand in a file name or id: `/` and `.` become `-`.
    pub fn file_safe(&self) -> String {
        self.0.replace(['/', '.'], "-")
    }
}

/// A document's id within its company: `<issue date YYYYMMDD>-<kind>-<file-safe number>`,
/// so ids sort by issue date and the sort key needs no second index for "newest first".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(String);

impl DocumentId {
    pub fn new(issued: Date, kind: DocumentKind, number: &DocumentNumber) -> DocumentId {
        DocumentId(format!(
            "{}-{}-{}",
            issued.compact(),
            kind.code(),
            number.file_safe()
        ))
    }

    /// Validates an id from a URL before any AWS call: charset, length, the date prefix.
    pub fn parse(raw: &str) -> Result<DocumentId, Invalid> {
        let err = Invalid("document id");
        let ok = (12..=80).contains(&raw.len())
            && raw
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            && raw.as_bytes()[8] == b'-';
        if !ok {
            return Err(err);
        }
        let date = &raw[..8];
        Date::parse(&format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..])).map_err(|_| err)?;
        Ok(DocumentId(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a document's PDF (or e-invoice XML) lives in the documents bucket. Built only from
/// validated parts, never from a client string.
pub fn object_key(company: &CompanyId, id: &DocumentId, extension: &str) -> String {
    format!("documents/{}/{}.{extension}", company.as_str(), id.as_str())
}

/// `Rechnung-R-2026-0042.pdf` / `Invoice-R-2026-0042.pdf`.
pub fn download_name(
    kind: DocumentKind,
    number: &DocumentNumber,
    lang: Lang,
    extension: &str,
) -> String {
    format!(
        "{}-{}.{extension}",
        kind.file_word(lang),
        number.file_safe()
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn amounts_are_read_as_people_type_them() {
        use super::amount_from_input as a;
        for (text, cents) in [
            ("1.234,56", 123456),
            ("1234,56", 123456),
            ("1,234.56", 123456),
            ("1234.56", 123456),
            ("1234", 123400),
            ("1.234", 123400),
            ("12,5", 1250),
            ("119,00 €", 11900),
            ("EUR 119.00", 11900),
            ("1 234,56", 123456),
            ("1.234.567,89", 123456789),
        ] {
            assert_eq!(a(text), Ok(cents), "{text}");
        }
        for bad in [
            "",
            "abc",
            "1,2,3",
            "1.23.4",
            "1.234.56,7",
            "-5",
            "1,234,56",
            "12.345,678",
            "1,234.567.8",
            "1.234,567",
        ] {
            assert!(a(bad).is_err(), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn dates_are_real_calendar_days() {
        assert_eq!(Date::parse("2024-02-29").unwrap().compact(), "20240229");
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "2026-01-32",
            "１９７０-01-01",
            "1969-12-31",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn years_of_timestamps() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(1_795_381_200), 2026); // 2026-11-22
        assert_eq!(year_of(1_798_761_599), 2026); // 2026-12-31T23:59:59Z
        assert_eq!(year_of(1_798_761_600), 2027);
        assert_eq!(year_of(951_782_400), 2000); // 2000-02-29
        assert_eq!(date_of(951_782_400).to_string(), "2000-02-29");
        assert_eq!(date_of(1_795_381_200).to_string(), "2026-11-22");
        assert_eq!(date_of(1_798_761_599).to_string(), "2026-12-31");
    }

    #[test]
    fn money_parses_two_decimals_at_most() {
        assert_eq!(Money::parse("1234.5", "EUR").unwrap().minor, 123450);
        assert_eq!(Money::parse("-0.07", "EUR").unwrap().decimal(), "-0.07");
        assert_eq!(Money::parse("19", "CHF").unwrap().decimal(), "19.00");
        for bad in [
            "1.234",
            "1,50",
            "",
            ".5",
            "5.",
            "1e3",
            "--1",
            "99999999999999",
        ] {
            assert!(Money::parse(bad, "EUR").is_err(), "{bad}");
        }
        assert!(Money::parse("1", "eur").is_err());
    }

    #[test]
    fn ids_sort_by_date_and_reject_traversal() {
        let number = DocumentNumber::parse("R/2026.0042").unwrap();
        let id = DocumentId::new(
            Date::parse("2026-03-15").unwrap(),
            DocumentKind::Invoice,
            &number,
        );
        assert_eq!(id.as_str(), "20260315-invoice-R-2026-0042");
        assert_eq!(DocumentId::parse(id.as_str()).unwrap(), id);
        for bad in [
            "../20260315-x",
            "%2e%2e%2f",
            "20260315-a/b",
            "20261399-invoice-1",
            "x",
            "20260315-invoice-1%2F2",
        ] {
            assert!(DocumentId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_and_file_names_are_built_from_validated_parts() {
        let company = CompanyId::parse("10001").unwrap();
        let number = DocumentNumber::parse("R-2026-0042").unwrap();
        let id = DocumentId::new(
            Date::parse("2026-03-15").unwrap(),
            DocumentKind::Invoice,
            &number,
        );
        assert_eq!(
            object_key(&company, &id, "pdf"),
            "documents/10001/20260315-invoice-R-2026-0042.pdf"
        );
        assert_eq!(
            download_name(DocumentKind::Invoice, &number, Lang::De, "pdf"),
            "Rechnung-R-2026-0042.pdf"
        );
        assert_eq!(
            download_name(DocumentKind::CreditNote, &number, Lang::En, "pdf"),
            "Credit-note-R-2026-0042.pdf"
        );
        assert!(DocumentNumber::parse("../x").is_err());
        assert!(DocumentNumber::parse("R 1").is_err());
    }
}
