//! VAT identification numbers of the EU member states, Switzerland (UID with MWST/TVA/IVA) and
//! the United Kingdom (GB, and XI for Northern Ireland under the Windsor Framework): the format
//! of each country and, where the algorithm is published and unambiguous, the check digits.
//! Offline only: whether a number is *registered* is for VIES or the national services to say.

use super::address::Country;
use std::fmt;

/// A normalised VAT ID: prefix and national number, upper case, without separators, e.g.
/// `DE136695976`, `EL094259216`, `CHE116281710`, `GB980780684`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VatId(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VatError {
    #[error("not in the format of a VAT ID of its country")]
    Format,
    #[error("wrong check digit")]
    Checksum,
    #[error("unknown or unsupported country prefix")]
    UnknownCountry,
}

/// Longer input is no VAT ID, however it is spaced; refused before any work is done on it.
const MAX_RAW_LEN: usize = 64;

impl VatId {
    /// Trims, upper-cases and drops spaces, dots and hyphens (`DE 136.695.976`,
    /// `CHE-116.281.710 MWST`), then checks prefix, format and, where known, check digits.
    /// Greece's prefix is `EL`; `GR…` is refused as an unknown prefix.
    pub fn parse(raw: &str) -> Result<VatId, VatError> {
        if raw.len() > MAX_RAW_LEN {
            return Err(VatError::Format);
        }
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        // `+` and `*` occur in old Irish numbers; the national rules refuse them elsewhere.
        if !compact
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'*')
        {
            return Err(VatError::Format);
        }
        if let Some(rest) = compact.strip_prefix("CHE") {
            let number = ["MWST", "TVA", "IVA"]
                .iter()
                .find_map(|suffix| rest.strip_suffix(suffix))
                .unwrap_or(rest);
            switzerland(number)?;
            return Ok(VatId(format!("CHE{number}")));
        }
        if compact.len() < 2 || !compact.as_bytes()[..2].iter().all(u8::is_ascii_uppercase) {
            return Err(VatError::Format);
        }
        let (prefix, number) = compact.split_at(2);
        match prefix {
            "AT" => austria(number),
            "BE" => belgium(number),
            "BG" => digits(number, &[9, 10]).map(drop),
            "CY" => cyprus(number),
            "CZ" => digits(number, &[8, 9, 10]).map(drop),
            "DE" => germany(number),
            "DK" => denmark(number),
            "EE" => digits(number, &[9]).map(drop),
            "EL" => digits(number, &[9]).map(drop),
            "ES" => spain(number),
            "FI" => finland(number),
            "FR" => france(number),
            "HR" => croatia(number),
            "HU" => digits(number, &[8]).map(drop),
            "IE" => ireland(number),
            "IT" => italy(number),
            "LT" => digits(number, &[9, 12]).map(drop),
            "LU" => luxembourg(number),
            "LV" => digits(number, &[11]).map(drop),
            "MT" => digits(number, &[8]).map(drop),
            "NL" => netherlands(number),
            "PL" => poland(number),
            "PT" => portugal(number),
            "RO" => digits(number, &[2, 3, 4, 5, 6, 7, 8, 9, 10]).map(drop),
            "SE" => sweden(number),
            "SI" => slovenia(number),
            "SK" => digits(number, &[10]).map(drop),
            "GB" | "XI" => united_kingdom(number),
            _ => Err(VatError::UnknownCountry),
        }?;
        Ok(VatId(compact))
    }

    /// The normalised ID, prefix included: what is stored and printed on invoices.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `DE`, `EL`, `CHE`, `GB`, `XI`, …
    pub fn prefix(&self) -> &str {
        // No EU prefix is `CH`, so a leading `CHE` is always the Swiss one.
        let len = if self.0.starts_with("CHE") { 3 } else { 2 };
        &self.0[..len]
    }

    /// Whether a company in `country` may hold this ID. Greece's prefix is EL, Switzerland's CHE.
    /// Northern Ireland has no ISO country code of its own (XI is user-assigned), so its XI IDs
    /// fit GB addresses; the Isle of Man is in the UK VAT area (GB IDs) and Monaco in the French
    /// one (FR IDs).
    pub fn fits_country(&self, country: &Country) -> bool {
        match (self.prefix(), country.as_str()) {
            ("EL", "GR") | ("CHE", "CH") | ("XI", "GB") | ("GB", "IM") | ("FR", "MC") => true,
            // Covers every EU member state and GB; EL, CHE and XI are no ISO country codes.
            (prefix, country) => prefix == country,
        }
    }
}

impl fmt::Debug for VatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VatId({})", self.0)
    }
}

impl fmt::Display for VatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The digits of `number` if it is all digits of one of the lengths; all zeros is no one's
/// number (and would pass most weighted checksums).
fn digits(number: &str, lengths: &[usize]) -> Result<Vec<u32>, VatError> {
    if !lengths.contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VatError::Format);
    }
    let digits: Vec<u32> = number.bytes().map(|b| u32::from(b - b'0')).collect();
    if digits.iter().all(|&d| d == 0) {
        return Err(VatError::Format);
    }
    Ok(digits)
}

fn check(valid: bool) -> Result<(), VatError> {
    if valid {
        Ok(())
    } else {
        Err(VatError::Checksum)
    }
}

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// The digits as one number (at most 12 digits are ever passed).
fn value(digits: &[u32]) -> u64 {
    digits.iter().fold(0, |n, &d| n * 10 + u64::from(d))
}

/// Luhn: from the right, every second digit doubled (digit sum), total divisible by 10.
fn luhn_valid(digits: &[u32]) -> bool {
    luhn_sum(digits).is_multiple_of(10)
}

fn luhn_sum(digits: &[u32]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                (2 * d) / 10 + (2 * d) % 10
            } else {
                d
            }
        })
        .sum()
}

/// ISO 7064 MOD 11,10 (hybrid system): the last digit checks all before it.
fn iso7064_mod11_10_valid(digits: &[u32]) -> bool {
    let (body, last) = digits.split_at(digits.len() - 1);
    let mut product = 10;
    for d in body {
        let mut sum = (d + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    (11 - product) % 10 == last[0]
}

/// `U` and 8 digits; the last checks the first seven (alternating weights 1 and 2 with digit
/// sums, plus 4).
fn austria(number: &str) -> Result<(), VatError> {
    let d = number.strip_prefix('U').ok_or(VatError::Format)?;
    let d = digits(d, &[8])?;
    let sum: u32 = d[..7]
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                (2 * x) / 10 + (2 * x) % 10
            } else {
                x
            }
        })
        .sum();
    check((10 - (sum + 4) % 10) % 10 == d[7])
}

/// 10 digits starting with 0 or 1 (the enterprise number); the last two are 97 minus the first
/// eight modulo 97.
fn belgium(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[10])?;
    if d[0] > 1 {
        return Err(VatError::Format);
    }
    check(97 - value(&d[..8]) % 97 == value(&d[8..]))
}

/// 8 digits and a letter (the check letter's algorithm is not published by Cyprus).
fn cyprus(number: &str) -> Result<(), VatError> {
    let (body, letter) = number.split_at(number.len().saturating_sub(1));
    digits(body, &[8])?;
    if letter.len() == 1 && letter.as_bytes()[0].is_ascii_uppercase() {
        Ok(())
    } else {
        Err(VatError::Format)
    }
}

/// 9 digits, the first not 0; ISO 7064 MOD 11,10.
fn germany(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[9])?;
    if d[0] == 0 {
        return Err(VatError::Format);
    }
    check(iso7064_mod11_10_valid(&d))
}

/// 8 digits (CVR) with weights 2, 7, 6, 5, 4, 3, 2, 1: the sum is divisible by 11.
fn denmark(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[8])?;
    check(weighted(&d, &[2, 7, 6, 5, 4, 3, 2, 1]).is_multiple_of(11))
}

/// 9 characters: the first and the last may be letters. Four kinds, told apart by the first:
/// a digit (DNI of a Spanish citizen: 8 digits and a check letter), X/Y/Z (NIE of a foreigner:
/// the letter counts as 0/1/2 in the DNI algorithm), K/L/M (special NIFs: DNI algorithm on the
/// 7 digits), or an entity letter (CIF: a Luhn check written as a digit or as the letter
/// `JABCDEFGHI`[digit]; which entity types use which form is not consistently documented, so
/// either is accepted). Any other first letter is no Spanish NIF.
fn spain(number: &str) -> Result<(), VatError> {
    const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let b = number.as_bytes();
    if b.len() != 9 || !b[1..8].iter().all(u8::is_ascii_digit) {
        return Err(VatError::Format);
    }
    let (first, last) = (b[0], b[8]);
    let middle = value(
        &b[1..8]
            .iter()
            .map(|&c| u32::from(c - b'0'))
            .collect::<Vec<_>>(),
    );
    let dni_letter = |n: u64| DNI_LETTERS[(n % 23) as usize];
    if !(last.is_ascii_digit() || last.is_ascii_uppercase()) {
        return Err(VatError::Format);
    }
    match first {
        b'0'..=b'9' | b'X' | b'Y' | b'Z' | b'K' | b'L' | b'M' if last.is_ascii_digit() => {
            Err(VatError::Format)
        }
        b'0'..=b'9' => check(last == dni_letter(u64::from(first - b'0') * 10_000_000 + middle)),
        b'X' | b'Y' | b'Z' => {
            check(last == dni_letter(u64::from(first - b'X') * 10_000_000 + middle))
        }
        b'K' | b'L' | b'M' => check(last == dni_letter(middle)),
        b'A' | b'B' | b'C' | b'D' | b'E' | b'F' | b'G' | b'H' | b'J' | b'N' | b'P' | b'Q'
        | b'R' | b'S' | b'U' | b'V' | b'W' => {
            let d: Vec<u32> = b[1..8].iter().map(|&c| u32::from(c - b'0')).collect();
            // The check digit that makes "7 digits + check" Luhn-valid.
            let mut with_zero = d.clone();
            with_zero.push(0);
            let digit = (10 - luhn_sum(&with_zero) % 10) % 10;
            check(last == b'0' + digit as u8 || last == b"JABCDEFGHI"[digit as usize])
        }
        _ => Err(VatError::Format),
    }
}

/// 8 digits (Y-tunnus); weights 7, 9, 10, 5, 8, 4, 2, remainder 0 → 0, 1 → never issued,
/// otherwise 11 minus the remainder.
fn finland(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[8])?;
    let check_digit = match weighted(&d[..7], &[7, 9, 10, 5, 8, 4, 2]) % 11 {
        0 => 0,
        1 => return Err(VatError::Checksum),
        r => 11 - r,
    };
    check(check_digit == d[7])
}

/// Two key characters and the 9-digit SIREN. A numeric key is (12 + 3 × (SIREN mod 97)) mod 97;
/// alphanumeric keys (digits and letters without I and O, issued to newer registrations) use an
/// algorithm that is not officially published, so they are checked for format only.
fn france(number: &str) -> Result<(), VatError> {
    const KEY_CHARACTERS: &str = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    if number.len() != 11 || !number.is_ascii() {
        return Err(VatError::Format);
    }
    let (key, siren) = number.split_at(2);
    if !key.chars().all(|c| KEY_CHARACTERS.contains(c)) {
        return Err(VatError::Format);
    }
    let siren = digits(siren, &[9])?;
    match key.parse::<u64>() {
        Ok(key) => check((12 + 3 * (value(&siren) % 97)) % 97 == key),
        Err(_) => Ok(()),
    }
}

/// 11 digits (OIB); ISO 7064 MOD 11,10 as for Germany.
fn croatia(number: &str) -> Result<(), VatError> {
    check(iso7064_mod11_10_valid(&digits(number, &[11])?))
}

/// 7 digits and a check letter, optionally a second letter (A–I or W) since 2013; or the old
/// form: digit, letter or `+`/`*`, 5 digits, check letter. Format only.
fn ireland(number: &str) -> Result<(), VatError> {
    let b = number.as_bytes();
    let check_letter = |c: u8| (b'A'..=b'W').contains(&c);
    let ok = match b.len() {
        8 if b[..7].iter().all(u8::is_ascii_digit) => check_letter(b[7]),
        8 => {
            b[0].is_ascii_digit()
                && (b[1].is_ascii_uppercase() || b[1] == b'+' || b[1] == b'*')
                && b[2..7].iter().all(u8::is_ascii_digit)
                && check_letter(b[7])
        }
        9 => {
            b[..7].iter().all(u8::is_ascii_digit)
                && check_letter(b[7])
                && ((b'A'..=b'I').contains(&b[8]) || b[8] == b'W')
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(VatError::Format)
    }
}

/// 11 digits (partita IVA): Luhn over all of them.
fn italy(number: &str) -> Result<(), VatError> {
    check(luhn_valid(&digits(number, &[11])?))
}

/// 8 digits: the last two are the first six modulo 89.
fn luxembourg(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[8])?;
    check(value(&d[..6]) % 89 == value(&d[6..]))
}

/// 9 digits, `B`, 2 digits (01–99). Valid if either the RSIN/BSN "elfproef" holds on the 9 digits
/// (weights 9…2 and −1, divisible by 11) or, for the IDs issued to sole proprietors since 2020,
/// ISO 7064 MOD 97-10 on the whole ID with its `NL` prefix (letters as 10–35) leaves 1.
fn netherlands(number: &str) -> Result<(), VatError> {
    if number.len() != 12 || number.as_bytes()[9] != b'B' {
        return Err(VatError::Format);
    }
    let (body, suffix) = (&number[..9], &number[10..]);
    let d = digits(body, &[9])?;
    digits(suffix, &[2])?;
    let elfproef = {
        let sum = weighted(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) as i64 - i64::from(d[8]);
        sum % 11 == 0
    };
    let mod97 = format!("NL{number}").chars().fold(0u64, |rest, c| {
        let v = u64::from(c.to_digit(36).expect("checked above: digits and B"));
        if v < 10 {
            (rest * 10 + v) % 97
        } else {
            (rest * 100 + v) % 97
        }
    }) == 1;
    check(elfproef || mod97)
}

/// 10 digits (NIP); weights 6, 5, 7, 2, 3, 4, 5, 6, 7, the sum modulo 11 is the last digit.
fn poland(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[10])?;
    check(weighted(&d[..9], &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11 == d[9])
}

/// 9 digits (NIF); weights 9…2, check 11 minus the sum modulo 11, 10 and 11 written 0.
fn portugal(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[9])?;
    let check_digit = match 11 - weighted(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) % 11 {
        10 | 11 => 0,
        c => c,
    };
    check(check_digit == d[8])
}

/// 12 digits: the 10-digit organisation or personal number (Luhn) and `01`.
fn sweden(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[12])?;
    if d[10..] != [0, 1] {
        return Err(VatError::Format);
    }
    check(luhn_valid(&d[..10]))
}

/// 8 digits, the first not 0; weights 8…2, check 11 minus the sum modulo 11 (10 → 0; 11 is
/// never issued).
fn slovenia(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[8])?;
    if d[0] == 0 {
        return Err(VatError::Format);
    }
    let check_digit = match 11 - weighted(&d[..7], &[8, 7, 6, 5, 4, 3, 2]) % 11 {
        11 => return Err(VatError::Checksum),
        10 => 0,
        c => c,
    };
    check(check_digit == d[7])
}

/// UID: 9 digits, the last checking the first eight (eCH-0097: weights 5, 4, 3, 2, 7, 6, 5, 4,
/// 11 minus the sum modulo 11, 11 → 0; 10 is never issued).
fn switzerland(number: &str) -> Result<(), VatError> {
    let d = digits(number, &[9])?;
    let check_digit = (11 - weighted(&d[..8], &[5, 4, 3, 2, 7, 6, 5, 4]) % 11) % 11;
    check(check_digit == d[8])
}

/// 9 digits, or 12 for a branch (the last three name the branch), or `GD` + 000–499 (government
/// departments) or `HA` + 500–999 (health authorities). The first seven digits weighted 8…2 plus
/// the two check digits are 0 modulo 97 ("mod 97"), or, for numbers issued since November 2009
/// (from 100 0000 on), 42 modulo 97 ("9755": 55 added before the remainder).
fn united_kingdom(number: &str) -> Result<(), VatError> {
    for (kind, range) in [("GD", 0..=499), ("HA", 500..=999)] {
        if let Some(rest) = number.strip_prefix(kind) {
            // Not `digits`: GD000 is all zeros and still a department's number.
            let ok = rest.len() == 3
                && rest.bytes().all(|b| b.is_ascii_digit())
                && rest.parse().is_ok_and(|n: u32| range.contains(&n));
            return if ok { Ok(()) } else { Err(VatError::Format) };
        }
    }
    let d = digits(number, &[9, 12])?;
    let remainder = (weighted(&d[..7], &[8, 7, 6, 5, 4, 3, 2]) as u64 + value(&d[7..9])) % 97;
    check(remainder == 0 || (remainder == 42 && value(&d[..3]) >= 100))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(raw: &str) -> String {
        VatId::parse(raw)
            .unwrap_or_else(|e| panic!("{raw:?} refused: {e}"))
            .as_str()
            .to_string()
    }

    fn error(raw: &str) -> VatError {
        match VatId::parse(raw) {
            Ok(id) => panic!("{raw:?} accepted as {id:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn input_is_normalised_to_prefix_and_number() {
        assert_eq!(valid(" de 136 695 976 "), "DE136695976");
        assert_eq!(valid("DE-136.695.976"), "DE136695976");
        assert_eq!(valid("atu\u{a0}13585627"), "ATU13585627");
        assert_eq!(valid("nl 8225.69.759 b01"), "NL822569759B01");
    }

    #[test]
    fn oversized_empty_and_garbled_input_is_a_format_error() {
        for raw in [
            "",
            "   ",
            "D",
            "123456789",
            "DE13669597/6",
            "DE: 136695976",
            "DE１３６６９５９７６",
            "DE136695976\0",
            "DE136\u{200b}695976",
        ] {
            assert_eq!(error(raw), VatError::Format, "{raw:?}");
        }
        assert_eq!(error(&format!("DE{}", " ".repeat(100))), VatError::Format);
    }

    #[test]
    fn unknown_prefixes_are_refused_including_gr_for_greece() {
        for raw in [
            "GR094259216",
            "US123456789",
            "NO123456789MVA",
            "CH116281710",
            "XX1",
        ] {
            assert_eq!(error(raw), VatError::UnknownCountry, "{raw:?}");
        }
        assert_eq!(valid("EL 094259216"), "EL094259216");
    }

    #[test]
    fn austrian_ids_are_u_and_eight_digits_with_a_check_digit() {
        assert_eq!(valid("ATU 142 43 102"), "ATU14243102");
        assert_eq!(valid("ATU13585627"), "ATU13585627");
        assert_eq!(error("ATU14343102"), VatError::Checksum);
        assert_eq!(error("ATU13585637"), VatError::Checksum);
        assert_eq!(error("AT13585627"), VatError::Format);
        assert_eq!(error("ATU1358562"), VatError::Format);
    }

    #[test]
    fn belgian_ids_are_ten_digits_from_0_or_1_with_mod_97() {
        assert_eq!(valid("BE 0407.139.583"), "BE0407139583");
        assert_eq!(valid("BE0428759497"), "BE0428759497");
        assert_eq!(error("BE0406139583"), VatError::Checksum);
        assert_eq!(error("BE0428759496"), VatError::Checksum);
        assert_eq!(error("BE428759497"), VatError::Format);
        assert_eq!(error("BE2428759497"), VatError::Format);
    }

    #[test]
    fn german_ids_carry_an_iso_7064_mod_11_10_check_digit() {
        assert_eq!(valid("DE136695976"), "DE136695976");
        assert_eq!(valid("DE 811 363 057"), "DE811363057");
        assert_eq!(error("DE136695977"), VatError::Checksum);
        assert_eq!(error("DE125014855"), VatError::Checksum);
        assert_eq!(error("DE011125440"), VatError::Format);
        assert_eq!(error("DE13669597"), VatError::Format);
        assert_eq!(error("DE1366959760"), VatError::Format);
    }

    #[test]
    fn danish_ids_are_eight_digits_divisible_by_11_when_weighted() {
        assert_eq!(valid("DK 13 58 56 28"), "DK13585628");
        assert_eq!(valid("DK-27630308"), "DK27630308");
        assert_eq!(error("DK13585629"), VatError::Checksum);
        assert_eq!(error("DK10159817"), VatError::Checksum);
    }

    #[test]
    fn spanish_cif_dni_and_nie_are_checked() {
        // CIF of entities, with a check digit or a check letter.
        assert_eq!(valid("ES A-28184661"), "ESA28184661");
        assert_eq!(valid("ES Q-2818015-F"), "ESQ2818015F");
        assert_eq!(valid("ESB64717838"), "ESB64717838");
        assert_eq!(error("ESA28184662"), VatError::Checksum);
        assert_eq!(error("ESQ2818016F"), VatError::Checksum);
        // DNI of citizens and NIE of foreigners.
        assert_eq!(valid("ES 54362315K"), "ES54362315K");
        assert_eq!(valid("ES X-5253868-R"), "ESX5253868R");
        assert_eq!(valid("ESY5277343F"), "ESY5277343F");
        assert_eq!(valid("ESZ5277343K"), "ESZ5277343K");
        assert_eq!(error("ES54362415K"), VatError::Checksum);
        assert_eq!(error("ESX5253869R"), VatError::Checksum);
        // Formats: both ends digits, an unused first letter, wrong length.
        assert_eq!(error("ES123456789"), VatError::Format);
        assert_eq!(error("ESI2818015F"), VatError::Format);
        assert_eq!(error("ESX52538681"), VatError::Format);
        assert_eq!(error("ESA2818466"), VatError::Format);
    }

    #[test]
    fn finnish_ids_carry_a_mod_11_check_digit() {
        assert_eq!(valid("FI 20774740"), "FI20774740");
        assert_eq!(valid("FI-22291240"), "FI22291240");
        assert_eq!(error("FI20774741"), VatError::Checksum);
        assert_eq!(error("FI20774840"), VatError::Checksum);
    }

    #[test]
    fn french_numeric_keys_are_checked_against_the_siren() {
        assert_eq!(valid("FR 40 303 265 045"), "FR40303265045");
        assert_eq!(valid("FR83404833048"), "FR83404833048");
        assert_eq!(error("FR40303265046"), VatError::Checksum);
        assert_eq!(error("FR 04409414264"), VatError::Checksum);
        // Alphanumeric keys: format only; I and O are never used.
        assert_eq!(valid("FR K 7399859412"), "FRK7399859412");
        assert_eq!(error("FRIO334175221"), VatError::Format);
        assert_eq!(error("FR4030326504"), VatError::Format);
    }

    #[test]
    fn croatian_ids_carry_an_iso_7064_mod_11_10_check_digit() {
        assert_eq!(valid("HR 33392005961"), "HR33392005961");
        assert_eq!(error("HR33392005962"), VatError::Checksum);
        assert_eq!(error("HR3339200596"), VatError::Format);
    }

    #[test]
    fn italian_ids_are_luhn_valid() {
        assert_eq!(valid("IT00743110157"), "IT00743110157");
        assert_eq!(valid("IT 00 595 000 217"), "IT00595000217");
        assert_eq!(error("IT00743110158"), VatError::Checksum);
        assert_eq!(error("IT00743120157"), VatError::Checksum);
        assert_eq!(error("IT00000000000"), VatError::Format);
    }

    #[test]
    fn luxembourg_ids_check_their_first_six_digits_modulo_89() {
        assert_eq!(valid("LU 150 274 42"), "LU15027442");
        assert_eq!(valid("LU 19979983"), "LU19979983");
        assert_eq!(error("LU15027443"), VatError::Checksum);
        assert_eq!(error("LU25027442"), VatError::Checksum);
    }

    #[test]
    fn dutch_ids_pass_the_elfproef_or_the_sole_proprietor_mod_97() {
        assert_eq!(valid("NL004495445B01"), "NL004495445B01");
        assert_eq!(valid("NL 806753742B01"), "NL806753742B01");
        assert_eq!(error("NL004495446B01"), VatError::Checksum);
        // Sole proprietors since 2020: fail the elfproef, pass MOD 97-10.
        assert_eq!(valid("NL000099998B57"), "NL000099998B57");
        assert_eq!(valid("NL002455799B11"), "NL002455799B11");
        assert_eq!(error("NL000099998B58"), VatError::Checksum);
        assert_eq!(error("NL002455789B11"), VatError::Checksum);
        // Format: the B, its two digits (not 00), nine digits before it.
        assert_eq!(error("NL001241643801"), VatError::Format);
        assert_eq!(error("NL009122746B00"), VatError::Format);
        assert_eq!(error("NL00449544B01"), VatError::Format);
        assert_eq!(error("NLB06753742B01"), VatError::Format);
    }

    #[test]
    fn polish_ids_carry_a_weighted_mod_11_check_digit() {
        assert_eq!(valid("PL 584-030-44-72"), "PL5840304472");
        assert_eq!(valid("PL5261025421"), "PL5261025421");
        assert_eq!(error("PL5840304473"), VatError::Checksum);
        assert_eq!(error("PL5261035421"), VatError::Checksum);
    }

    #[test]
    fn portuguese_ids_carry_a_mod_11_check_digit() {
        assert_eq!(valid("PT 501 964 843"), "PT501964843");
        assert_eq!(valid("PT 500 019 720"), "PT500019720");
        assert_eq!(error("PT501964844"), VatError::Checksum);
        assert_eq!(error("PT500029720"), VatError::Checksum);
    }

    #[test]
    fn swedish_ids_are_a_luhn_valid_number_and_01() {
        assert_eq!(valid("SE 556058115801"), "SE556058115801");
        assert_eq!(valid("SE-556666-4438-01"), "SE556666443801");
        assert_eq!(error("SE556058115901"), VatError::Checksum);
        assert_eq!(error("SE556058115802"), VatError::Format);
        assert_eq!(error("SE5560581158"), VatError::Format);
    }

    #[test]
    fn slovenian_ids_carry_a_mod_11_check_digit() {
        assert_eq!(valid("SI 50223054"), "SI50223054");
        assert_eq!(valid("SI-83815201"), "SI83815201");
        assert_eq!(error("SI50223055"), VatError::Checksum);
        assert_eq!(error("SI50233054"), VatError::Checksum);
        assert_eq!(error("SI05022305"), VatError::Format);
    }

    #[test]
    fn swiss_uids_carry_an_ech_0097_check_digit_and_drop_the_vat_suffix() {
        assert_eq!(valid("CHE-100.155.212"), "CHE100155212");
        assert_eq!(valid("CHE-116.281.710 MWST"), "CHE116281710");
        assert_eq!(valid("che 116.281.710 tva"), "CHE116281710");
        assert_eq!(valid("CHE-116.281.710 IVA"), "CHE116281710");
        assert_eq!(error("CHE-100.155.213"), VatError::Checksum);
        assert_eq!(error("CHE-116.281.711 MWST"), VatError::Checksum);
        assert_eq!(error("CHE-116.281.71"), VatError::Format);
        assert_eq!(error("CHE-116.281.710 VAT"), VatError::Format);
    }

    #[test]
    fn uk_ids_pass_mod_97_or_9755_and_government_ids_their_ranges() {
        assert_eq!(valid("GB 980 7806 84"), "GB980780684");
        assert_eq!(valid("GB 002 4257 28"), "GB002425728");
        assert_eq!(error("GB980780685"), VatError::Checksum);
        assert_eq!(error("GB802311781"), VatError::Checksum);
        // 9755, for numbers from 100 0000 on.
        assert_eq!(valid("GB 100 1950 75"), "GB100195075");
        assert_eq!(valid("GB340804329"), "GB340804329");
        assert_eq!(error("GB100195076"), VatError::Checksum);
        // Branch traders: the check covers the first nine digits.
        assert_eq!(valid("GB 242 3380 87 388"), "GB242338087388");
        assert_eq!(error("GB242338088388"), VatError::Checksum);
        // Government departments and health authorities.
        assert_eq!(valid("GBGD100"), "GBGD100");
        assert_eq!(valid("GBGD000"), "GBGD000");
        assert_eq!(valid("GBHA501"), "GBHA501");
        assert_eq!(error("GBGD600"), VatError::Format);
        assert_eq!(error("GBHA201"), VatError::Format);
        assert_eq!(error("GB9807806842"), VatError::Format);
        // Northern Ireland: the same numbers under XI.
        assert_eq!(valid("XI 980 7806 84"), "XI980780684");
        assert_eq!(error("XI980780685"), VatError::Checksum);
    }

    #[test]
    fn format_only_countries_check_length_and_characters() {
        for raw in [
            "BG 175 074 752",
            "BG7523169263",
            "CY 10259033P",
            "CZ 25123891",
            "CZ 640903926",
            "CZ 6306150004",
            "EE 100 931 558",
            "HU 12892312",
            "IE 6433435F",
            "IE 6433435IH",
            "IE 8D79739I",
            "IE 1+23456W",
            "LT 119511515",
            "LT 100001919017",
            "LV 40003521600",
            "MT 1167-9112",
            "RO 18547290",
            "RO 24",
            "SK 2022193459",
        ] {
            assert!(VatId::parse(raw).is_ok(), "{raw:?}");
        }
        for raw in [
            "BG12345678",
            "CY102590333",
            "CZ1234567",
            "EE12345678",
            "EL12345678",
            "HU1234567",
            "IE6433435",
            "IE6433435FZ",
            "IE+123456W",
            "IE1234567X",
            "LT1234567890",
            "LV1234567890",
            "MT1234567",
            "RO1",
            "RO12345678901",
            "SK123456789",
            "CZ0000000000",
        ] {
            assert_eq!(error(raw), VatError::Format, "{raw:?}");
        }
        // `+` and `*` belong to old Irish numbers only.
        assert_eq!(error("DE13669597+"), VatError::Format);
    }

    #[test]
    fn the_prefix_is_two_letters_or_che() {
        let prefix = |raw: &str| VatId::parse(raw).unwrap().prefix().to_string();
        assert_eq!(prefix("DE136695976"), "DE");
        assert_eq!(prefix("EL094259216"), "EL");
        assert_eq!(prefix("CHE116281710"), "CHE");
        assert_eq!(prefix("GB980780684"), "GB");
        assert_eq!(prefix("XI980780684"), "XI");
        assert_eq!(
            VatId::parse("DE136695976").unwrap().to_string(),
            "DE136695976"
        );
    }

    #[test]
    fn an_id_fits_its_own_country_and_greece_switzerland_and_northern_ireland_by_their_rules() {
        let fits = |raw: &str, country: &str| {
            VatId::parse(raw)
                .unwrap()
                .fits_country(&Country::parse(country).unwrap())
        };
        assert!(fits("DE136695976", "DE"));
        assert!(!fits("DE136695976", "AT"));
        assert!(fits("ATU13585627", "AT"));
        assert!(fits("EL094259216", "GR"));
        assert!(!fits("EL094259216", "DE"));
        assert!(fits("CHE116281710", "CH"));
        assert!(!fits("CHE116281710", "LI"));
        assert!(fits("GB980780684", "GB"));
        assert!(fits("XI980780684", "GB"));
        assert!(!fits("XI980780684", "IE"));
        assert!(fits("GB980780684", "IM"));
        assert!(fits("FR40303265045", "MC"));
        assert!(!fits("FR40303265045", "BE"));
        assert!(!fits("GB980780684", "US"));
        // Every EU prefix but Greece's is its country's ISO code.
        for (raw, country) in [
            ("BE0407139583", "BE"),
            ("BG175074752", "BG"),
            ("CY10259033P", "CY"),
            ("CZ25123891", "CZ"),
            ("DK13585628", "DK"),
            ("EE100931558", "EE"),
            ("ESA28184661", "ES"),
            ("FI20774740", "FI"),
            ("HR33392005961", "HR"),
            ("HU12892312", "HU"),
            ("IE6433435F", "IE"),
            ("IT00743110157", "IT"),
            ("LT119511515", "LT"),
            ("LU15027442", "LU"),
            ("LV40003521600", "LV"),
            ("MT11679112", "MT"),
            ("NL004495445B01", "NL"),
            ("PL5261025421", "PL"),
            ("PT501964843", "PT"),
            ("RO18547290", "RO"),
            ("SE556058115801", "SE"),
            ("SI50223054", "SI"),
            ("SK2022193459", "SK"),
        ] {
            assert!(fits(raw, country), "{raw} {country}");
            assert!(!fits(raw, "DE"), "{raw} DE");
        }
    }
}
