//! Invoice-like PDFs for demo data: letterhead, addresses, line items, totals and VAT, written
//! with `pdf-writer` in the PDF base font Helvetica (WinAnsi encoding covers German text).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use portal::domain::documents::Money;
use portal::domain::lang::Lang;

pub struct LineItem {
    pub description: String,
    pub quantity: u32,
    pub unit_price: Money,
}

pub struct DocumentPdf {
    pub lang: Lang,
    /// e.g. "Rechnung" / "Invoice".
    pub title: String,
    pub number: String,
    pub issued: String,
    pub due: Option<String>,
    pub seller: Vec<String>,
    pub buyer: Vec<String>,
    pub customer_number: String,
    pub items: Vec<LineItem>,
    pub vat_percent: u32,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
    pub footer: Vec<String>,
}

/// Maps text to WinAnsiEncoding (Windows-1252); characters outside it become `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

/// `23.02.2026` in German, `2026-02-23` in English.
pub fn format_date(date: portal::domain::documents::Date, lang: Lang) -> String {
    match lang {
        Lang::De => format!("{:02}.{:02}.{:04}", date.day, date.month, date.year),
        Lang::En => date.to_string(),
    }
}

/// `1.234,56 €` in German, `€1,234.56` in English.
pub fn format_money(money: &Money, lang: Lang) -> String {
    let decimal = money.decimal();
    let (whole, cents) = decimal.split_once('.').unwrap_or((&decimal, "00"));
    let (sign, digits) = match whole.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", whole),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(if lang == Lang::De { '.' } else { ',' });
        }
        grouped.push(c);
    }
    let symbol = match money.currency.as_str() {
        "EUR" => "€".to_string(),
        other => other.to_string(),
    };
    match lang {
        Lang::De => format!("{sign}{grouped},{cents} {symbol}"),
        Lang::En => format!("{sign}{symbol}{grouped}.{cents}"),
    }
}

struct Page {
    content: Content,
}

impl Page {
    fn text(&mut self, font: &[u8], size: f32, x: f32, y: f32, text: &str) {
        self.content
            .begin_text()
            .set_font(Name(font), size)
            .next_line(x, y)
            .show(Str(&win_ansi(text)))
            .end_text();
    }

    /// Right-aligned text, with Helvetica's average glyph width as a close-enough measure.
    fn text_right(&mut self, font: &[u8], size: f32, right: f32, y: f32, text: &str) {
        let width = text.chars().count() as f32 * size * 0.52;
        self.text(font, size, right - width, y, text);
    }

    fn rule(&mut self, y: f32) {
        self.content
            .set_line_width(0.5)
            .move_to(56.0, y)
            .line_to(539.0, y)
            .stroke();
    }
}

pub fn render(doc: &DocumentPdf) -> Vec<u8> {
    let t = |de: &'static str, en: &'static str| doc.lang.pick(de, en);
    let mut page = Page {
        content: Content::new(),
    };
    // Letterhead band.
    page.content
        .set_fill_rgb(0.04, 0.33, 0.58)
        .rect(0.0, 800.0, 595.0, 42.0)
        .fill_nonzero()
        .set_fill_gray(1.0);
    page.text(
        b"F2",
        16.0,
        56.0,
        815.0,
        doc.seller.first().map(String::as_str).unwrap_or(""),
    );
    page.content.set_fill_gray(0.0);
    page.text(b"F1", 8.0, 56.0, 760.0, &doc.seller.join(" · "));
    for (i, line) in doc.buyer.iter().enumerate() {
        page.text(b"F1", 11.0, 56.0, 730.0 - i as f32 * 14.0, line);
    }
    let meta = [
        (t("Nummer", "Number"), doc.number.clone()),
        (t("Datum", "Date"), doc.issued.clone()),
        (
            t("Kundennummer", "Customer no."),
            doc.customer_number.clone(),
        ),
        (
            t("Fällig am", "Due"),
            doc.due.clone().unwrap_or_else(|| "–".into()),
        ),
    ];
    for (i, (label, value)) in meta.iter().enumerate() {
        let y = 730.0 - i as f32 * 14.0;
        page.text(b"F1", 10.0, 370.0, y, label);
        page.text_right(b"F1", 10.0, 539.0, y, value);
    }
    page.text(
        b"F2",
        18.0,
        56.0,
        630.0,
        &format!("{} {}", doc.title, doc.number),
    );

    let mut y = 595.0;
    page.text(b"F2", 10.0, 56.0, y, t("Pos.", "Item"));
    page.text(b"F2", 10.0, 90.0, y, t("Beschreibung", "Description"));
    page.text_right(b"F2", 10.0, 380.0, y, t("Menge", "Qty"));
    page.text_right(b"F2", 10.0, 460.0, y, t("Einzelpreis", "Unit price"));
    page.text_right(b"F2", 10.0, 539.0, y, t("Betrag", "Amount"));
    page.rule(y - 6.0);
    for (i, item) in doc.items.iter().enumerate() {
        y -= 20.0;
        let amount = Money {
            minor: item.unit_price.minor * item.quantity as i64,
            currency: item.unit_price.currency,
        };
        page.text(b"F1", 10.0, 56.0, y, &(i + 1).to_string());
        page.text(b"F1", 10.0, 90.0, y, &item.description);
        page.text_right(b"F1", 10.0, 380.0, y, &item.quantity.to_string());
        page.text_right(
            b"F1",
            10.0,
            460.0,
            y,
            &format_money(&item.unit_price, doc.lang),
        );
        page.text_right(b"F1", 10.0, 539.0, y, &format_money(&amount, doc.lang));
    }
    y -= 12.0;
    page.rule(y);
    let totals = [
        (t("Nettobetrag", "Net amount").to_string(), &doc.net, b"F1"),
        (
            format!("{} {} %", t("Umsatzsteuer", "VAT"), doc.vat_percent),
            &doc.tax,
            b"F1",
        ),
        (t("Gesamtbetrag", "Total").to_string(), &doc.gross, b"F2"),
    ];
    for (label, amount, font) in totals {
        y -= 18.0;
        page.text(font, 10.0, 330.0, y, &label);
        page.text_right(font, 10.0, 539.0, y, &format_money(amount, doc.lang));
    }
    for (i, line) in doc.footer.iter().enumerate() {
        page.text(b"F1", 8.0, 56.0, 80.0 - i as f32 * 11.0, line);
    }

    let (catalog, tree, page_id, regular, bold, content_id) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page_writer = pdf.page(page_id);
    page_writer
        .parent(tree)
        .media_box(Rect::new(0.0, 0.0, 595.0, 842.0))
        .contents(content_id);
    let mut resources = page_writer.resources();
    resources
        .fonts()
        .pair(Name(b"F1"), regular)
        .pair(Name(b"F2"), bold);
    resources.finish();
    page_writer.finish();
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.stream(content_id, &page.content.finish());
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_formatted_per_language() {
        let m = Money::parse("1234567.5", "EUR").unwrap();
        assert_eq!(format_money(&m, Lang::De), "1.234.567,50 €");
        assert_eq!(format_money(&m, Lang::En), "€1,234,567.50");
        assert_eq!(
            format_money(&Money::parse("-5", "CHF").unwrap(), Lang::De),
            "-5,00 CHF"
        );
    }

    #[test]
    fn a_rendered_document_is_a_pdf_with_german_text() {
        let eur = |a: &str| Money::parse(a, "EUR").unwrap();
        let bytes = render(&DocumentPdf {
            lang: Lang::De,
            title: "Rechnung".into(),
            number: "R-1".into(),
            issued: "2026-01-01".into(),
            due: None,
            seller: vec!["Muster GmbH".into(), "Straße 1".into()],
            buyer: vec!["Käufer AG".into()],
            customer_number: "10001".into(),
            items: vec![LineItem {
                description: "Lizenz „Pro“".into(),
                quantity: 2,
                unit_price: eur("50"),
            }],
            vat_percent: 19,
            net: eur("100"),
            tax: eur("19"),
            gross: eur("119"),
            footer: vec![],
        });
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.windows(5).any(|w| w == b"%%EOF"));
        assert_eq!(
            win_ansi("Straße „€“"),
            vec![b'S', b't', b'r', b'a', 0xdf, b'e', b' ', 0x84, 0x80, 0x93]
        );
    }
}
