//! Paying an open invoice: the EPC QR code ("GiroCode", EPC069-12 version 002) for SEPA credit
//! transfers, and an optional link to a payment provider.

use super::documents::{DocumentNumber, Money};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PayeeError {
    #[error(
        "payee name must be 1 to 70 characters (at most 210 bytes as UTF-8) without line breaks"
    )]
    Name,
    #[error("not a valid IBAN")]
    Iban,
    #[error("not a valid BIC (8 or 11 letters and digits)")]
    Bic,
}

/// Who receives transfers, from configuration; valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payee {
    name: String,
    iban: String,
    bic: Option<String>,
}

impl Payee {
    pub fn parse(name: &str, iban: &str, bic: Option<&str>) -> Result<Payee, PayeeError> {
        let name = name.trim();
        // 70 characters is EPC069-12's limit; 210 bytes keeps the whole payload within its 331
        // bytes however long the other fields are (see the test with every field at its longest).
        if name.is_empty()
            || name.chars().count() > 70
            || name.len() > 210
            || name.chars().any(char::is_control)
        {
            return Err(PayeeError::Name);
        }
        use iban::IbanLike;
        let iban: iban::Iban = iban.parse().map_err(|_| PayeeError::Iban)?;
        let bic = match bic.map(str::trim).filter(|b| !b.is_empty()) {
            None => None,
            Some(bic) => {
                let ok = (bic.len() == 8 || bic.len() == 11)
                    && bic
                        .bytes()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                    && bic.bytes().take(6).all(|c| c.is_ascii_uppercase());
                if !ok {
                    return Err(PayeeError::Bic);
                }
                Some(bic.to_string())
            }
        };
        Ok(Payee {
            name: name.to_string(),
            iban: iban.electronic_str().to_string(),
            bic,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn iban(&self) -> &str {
        &self.iban
    }

    pub fn bic(&self) -> Option<&str> {
        self.bic.as_deref()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotPayable {
    #[error("EPC QR codes carry euro amounts only")]
    Currency,
    #[error("amount outside 0.01 to 999999999.99")]
    Amount,
}

/// The EPC069-12 v002 payload: 11 lines joined by LF (BCD, 002, 1 = UTF-8, SCT, BIC, name,
/// IBAN, `EUR<amount>`, purpose, structured reference, unstructured reference = the invoice
/// number). Trailing empty lines are dropped, as the standard allows.
pub fn epc_payload(
    payee: &Payee,
    amount: &Money,
    number: &DocumentNumber,
) -> Result<String, NotPayable> {
    if amount.currency.as_str() != "EUR" {
        return Err(NotPayable::Currency);
    }
    if !(1..=99_999_999_999).contains(&amount.minor) {
        return Err(NotPayable::Amount);
    }
    let lines = [
        "BCD".to_string(),
        "002".to_string(),
        "1".to_string(),
        "SCT".to_string(),
        payee.bic().unwrap_or("").to_string(),
        payee.name().to_string(),
        payee.iban().to_string(),
        format!("EUR{}", amount.decimal()),
        String::new(),
        String::new(),
        number.as_str().to_string(),
    ];
    Ok(lines.join("\n").trim_end_matches('\n').to_string())
}

/// The payload as a QR code in SVG (error correction M, as EPC069-12 requires).
pub fn qr_svg(payload: &str) -> String {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .expect("an EPC payload (at most 331 bytes) fits a QR code");
    code.render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build()
}

/// `data:image/svg+xml;base64,…` for an `<img>` (allowed by the CSP's `img-src 'self' data:`).
pub fn svg_data_url(svg: &str) -> String {
    format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg))
}

/// A payment link from a template such as `https://pay.example.com/?ref={number}&amount={amount}`:
/// placeholders `{number}`, `{amount}` and `{currency}`, each percent-encoded.
pub fn payment_link(template: &str, number: &DocumentNumber, amount: &Money) -> String {
    template
        .replace("{number}", &encode(number.as_str()))
        .replace("{amount}", &encode(&amount.decimal()))
        .replace("{currency}", &encode(amount.currency.as_str()))
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payee() -> Payee {
        Payee::parse(
            "Beispiel Software GmbH",
            "DE89 3704 0044 0532 0130 00",
            Some("COBADEFFXXX"),
        )
        .unwrap()
    }

    #[test]
    fn the_payload_follows_epc069_12_version_002_line_by_line() {
        let amount = Money::parse("119.00", "EUR").unwrap();
        let number = DocumentNumber::parse("R-2026-0042").unwrap();
        let payload = epc_payload(&payee(), &amount, &number).unwrap();
        let lines: Vec<&str> = payload.split('\n').collect();
        assert_eq!(
            lines,
            vec![
                "BCD",
                "002",
                "1",
                "SCT",
                "COBADEFFXXX",
                "Beispiel Software GmbH",
                "DE89370400440532013000",
                "EUR119.00",
                "",
                "",
                "R-2026-0042"
            ]
        );
        assert!(payload.len() <= 331);
        assert!(!payload.contains('\r'));
    }

    #[test]
    fn the_bic_may_be_left_out_in_version_002() {
        let payee = Payee::parse("A", "DE89370400440532013000", None).unwrap();
        let payload = epc_payload(
            &payee,
            &Money::parse("0.01", "EUR").unwrap(),
            &DocumentNumber::parse("1").unwrap(),
        )
        .unwrap();
        assert_eq!(payload.split('\n').nth(4), Some(""));
    }

    #[test]
    fn only_euro_amounts_within_the_limits_are_payable() {
        let number = DocumentNumber::parse("R-1").unwrap();
        assert_eq!(
            epc_payload(&payee(), &Money::parse("5", "CHF").unwrap(), &number),
            Err(NotPayable::Currency)
        );
        assert_eq!(
            epc_payload(&payee(), &Money::parse("0", "EUR").unwrap(), &number),
            Err(NotPayable::Amount)
        );
        assert_eq!(
            epc_payload(&payee(), &Money::parse("-5", "EUR").unwrap(), &number),
            Err(NotPayable::Amount)
        );
        assert_eq!(
            epc_payload(
                &payee(),
                &Money::parse("1000000000.00", "EUR").unwrap(),
                &number
            ),
            Err(NotPayable::Amount)
        );
        assert!(epc_payload(
            &payee(),
            &Money::parse("999999999.99", "EUR").unwrap(),
            &number
        )
        .is_ok());
    }

    #[test]
    fn the_longest_payload_stays_within_the_standards_331_bytes() {
        // Every field at the longest it may be: 70 three-byte characters, a 33-character IBAN,
        // an 11-character BIC, the largest amount and a 40-character invoice number.
        let payee = Payee::parse(
            &"€".repeat(70),
            "RU0304452522540817810538091310419",
            Some("COBADEFFXXX"),
        )
        .unwrap();
        let amount = Money::parse("999999999.99", "EUR").unwrap();
        let number = DocumentNumber::parse(&"R".repeat(40)).unwrap();
        let payload = epc_payload(&payee, &amount, &number).unwrap();
        assert!(payload.len() <= 331, "{} bytes", payload.len());
        // Four-byte characters would pass the character count, so the bytes are limited too.
        assert_eq!(
            Payee::parse(&"😀".repeat(70), "DE89370400440532013000", None),
            Err(PayeeError::Name)
        );
    }

    #[test]
    fn payee_data_is_validated() {
        assert_eq!(
            Payee::parse("", "DE89370400440532013000", None),
            Err(PayeeError::Name)
        );
        assert_eq!(
            Payee::parse(&"x".repeat(71), "DE89370400440532013000", None),
            Err(PayeeError::Name)
        );
        assert_eq!(
            Payee::parse("A\nB", "DE89370400440532013000", None),
            Err(PayeeError::Name)
        );
        assert_eq!(
            Payee::parse("A", "DE89370400440532013001", None),
            Err(PayeeError::Iban)
        );
        assert_eq!(
            Payee::parse("A", "DE89370400440532013000", Some("cobadeff")),
            Err(PayeeError::Bic)
        );
    }

    #[test]
    fn the_qr_code_is_an_svg_and_the_link_is_encoded() {
        let svg = qr_svg("BCD\n002");
        assert!(svg.contains("<svg"));
        assert!(svg_data_url(&svg).starts_with("data:image/svg+xml;base64,"));
        let link = payment_link(
            "https://pay.example.com/?ref={number}&amount={amount}&c={currency}",
            &DocumentNumber::parse("R/2026.1").unwrap(),
            &Money::parse("10.5", "EUR").unwrap(),
        );
        assert_eq!(
            link,
            "https://pay.example.com/?ref=R%2F2026.1&amount=10.50&c=EUR"
        );
    }
}

/// Bank details stored for a company are sealed with AES-256-GCM under the payment data key
/// (read at init from its secret, see `crate::secrets`), on top of the table's own encryption: a table export, a backup or a
/// person with read access to the table sees no IBAN. The company id is the associated data, so a
/// sealed IBAN copied to another company's item does not open. Format: base64url(nonce ‖ ct).
pub mod sealed {
    use base64::Engine;
    use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};

    fn key(secret: &[u8]) -> LessSafeKey {
        // The configured secret (≥ 32 characters) is hashed to the 256-bit key.
        let digest = ring::digest::digest(&ring::digest::SHA256, secret);
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, digest.as_ref()).expect("32-byte key"))
    }

    pub fn seal(secret: &[u8], company: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        crate::domain::secret::fill_random(&mut nonce);
        let mut data = plain.as_bytes().to_vec();
        key(secret)
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(company.as_bytes()),
                &mut data,
            )
            .expect("sealing cannot fail for short data");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(out)
    }

    /// `None` when the data was changed, belongs to another company or another key.
    pub fn open(secret: &[u8], company: &str, sealed: &str) -> Option<String> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sealed)
            .ok()?;
        if bytes.len() < NONCE_LEN + 16 {
            return None;
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let mut data = data.to_vec();
        let plain = key(secret)
            .open_in_place(
                Nonce::try_assume_unique_for_key(nonce).ok()?,
                Aad::from(company.as_bytes()),
                &mut data,
            )
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }

    /// `DE89 **** **** **** **30 00`: country and check digits and the last four characters.
    pub fn mask(iban: &str) -> String {
        let chars: Vec<char> = iban.chars().filter(|c| !c.is_whitespace()).collect();
        let n = chars.len();
        let shown: String = chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < 4 || i + 4 >= n { *c } else { '*' })
            .collect();
        shown
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[cfg(test)]
    mod tests {
        const KEY: &[u8] = b"0123456789abcdef0123456789abcdef-test";

        #[test]
        fn an_iban_opens_only_for_its_company_and_key_and_never_shows_in_the_sealed_form() {
            let iban = "DE89370400440532013000";
            let sealed = super::seal(KEY, "10001", iban);
            assert!(!sealed.contains("3704") && !sealed.contains(iban));
            assert_ne!(
                sealed,
                super::seal(KEY, "10001", iban),
                "a fresh nonce each time"
            );
            assert_eq!(super::open(KEY, "10001", &sealed).as_deref(), Some(iban));
            assert_eq!(super::open(KEY, "10002", &sealed), None);
            assert_eq!(
                super::open(
                    b"another key of at least thirty-two chars",
                    "10001",
                    &sealed
                ),
                None
            );
            let mut tampered = sealed.clone().into_bytes();
            let last = tampered.len() - 1;
            tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
            assert_eq!(
                super::open(KEY, "10001", &String::from_utf8(tampered).unwrap()),
                None
            );
            assert_eq!(super::open(KEY, "10001", "short"), None);
        }

        #[test]
        fn the_masked_iban_keeps_country_check_digits_and_the_last_four() {
            assert_eq!(
                super::mask("DE89370400440532013000"),
                "DE89 **** **** **** **30 00"
            );
            assert_eq!(super::mask("NL91ABNA0417164300"), "NL91 **** **** **43 00");
        }
    }
}
