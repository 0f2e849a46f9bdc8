//! Postal addresses: the country as an ISO 3166-1 alpha-2 code and the postal code in the format
//! of that country. Street and city are free text (see `text`).

use std::fmt;

/// An officially assigned ISO 3166-1 alpha-2 code, upper case. User-assigned codes (`XK` for
/// Kosovo, `XI` for Northern Ireland, `AA`, `QM`–`QZ`, `XA`–`XZ`, `ZZ`), reserved ones (`UK`,
/// `EU`) and withdrawn ones (`AN`, `YU`) are refused: other systems (tax, payment, shipping)
/// would not accept them either.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country(&'static str);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an ISO 3166-1 alpha-2 country code")]
pub struct CountryError;

/// The 249 officially assigned codes, sorted (searched by bisection).
const COUNTRIES: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

impl Country {
    /// `de`, ` De `, `DE` → `DE`.
    pub fn parse(raw: &str) -> Result<Country, CountryError> {
        let code = raw.trim();
        if code.len() != 2 {
            return Err(CountryError);
        }
        let code = code.to_ascii_uppercase();
        COUNTRIES
            .binary_search(&code.as_str())
            .map(|i| Country(COUNTRIES[i]))
            .map_err(|_| CountryError)
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.0)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PostalError {
    #[error("empty")]
    Empty,
    #[error("not a postal code of this country")]
    Format,
}

/// Longer input is no postal code anywhere; refused before any work is done on it.
const MAX_RAW_LEN: usize = 64;

/// The postal code, normalised (trimmed, upper case, inner whitespace collapsed to one space,
/// and into the national way of writing it where there is one: `1234 AB`, `SW1A 1AA`, `00-950`)
/// and checked against the format of `country`. Countries without a rule of their own take
/// 1–10 ASCII letters, digits, spaces and hyphens.
pub fn postal_code(country: &Country, raw: &str) -> Result<String, PostalError> {
    if raw.len() > MAX_RAW_LEN {
        return Err(PostalError::Format);
    }
    let code = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    if code.is_empty() {
        return Err(PostalError::Empty);
    }
    // No country writes its postal codes outside ASCII; this also makes byte slicing safe below.
    if !code.is_ascii() {
        return Err(PostalError::Format);
    }
    let valid = match country.as_str() {
        // Leitzonen 01–99: no German code starts with 00.
        "DE" => digits(&code, 5) && !code.starts_with("00"),
        // Austrian and Swiss codes run from 1000; Liechtenstein's 94xx are under LI.
        "AT" | "CH" => digits(&code, 4) && !code.starts_with('0'),
        // French codes start at 01000 (Corsica is 20xxx; 2A/2B are INSEE codes, not postal).
        "FR" => digits(&code, 5) && !code.starts_with("00"),
        // Italian codes include 00xxx (Rome).
        "IT" => digits(&code, 5),
        // The first two digits are the province, 01–52.
        "ES" => digits(&code, 5) && matches!(code[..2].parse::<u8>(), Ok(1..=52)),
        "NL" => return netherlands(&code),
        "PL" => return poland(&code),
        "GB" => return united_kingdom(&code),
        "US" => {
            let (zip, plus4) = code.split_once('-').unwrap_or((code.as_str(), "0000"));
            digits(zip, 5) && digits(plus4, 4)
        }
        _ => {
            (1..=10).contains(&code.len())
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-')
                && code.bytes().any(|b| b.is_ascii_alphanumeric())
        }
    };
    if valid {
        Ok(code)
    } else {
        Err(PostalError::Format)
    }
}

fn digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// `1234 AB` or `1234AB`, written `1234 AB`. The number starts at 1000; the letter pairs SA, SD
/// and SS are not used (for their connotations).
fn netherlands(code: &str) -> Result<String, PostalError> {
    let compact = code.replacen(' ', "", 1);
    let (number, letters) = compact.split_at(compact.len().min(4));
    let ok = (code.len() == 6 || code.as_bytes().get(4) == Some(&b' '))
        && digits(number, 4)
        && !number.starts_with('0')
        && letters.len() == 2
        && letters.bytes().all(|b| b.is_ascii_uppercase())
        && !matches!(letters, "SA" | "SD" | "SS");
    if ok {
        Ok(format!("{number} {letters}"))
    } else {
        Err(PostalError::Format)
    }
}

/// `00-950`; typed without the hyphen (`00950`) it is written with one.
fn poland(code: &str) -> Result<String, PostalError> {
    let (region, rest) = match code.split_once('-') {
        Some(parts) => parts,
        None if code.len() == 5 => code.split_at(2),
        None => return Err(PostalError::Format),
    };
    if digits(region, 2) && digits(rest, 3) {
        Ok(format!("{region}-{rest}"))
    } else {
        Err(PostalError::Format)
    }
}

/// UK postcodes (Royal Mail / BS 7666): an outward code of the forms A9, A99, AA9, AA99, A9A or
/// AA9A, then an inward code 9AA, written with one space between them (`SW1A 1AA`); typed without
/// the space they are accepted too. The letters allowed differ by position. `GIR 0AA` (Girobank)
/// is the one code outside the pattern.
fn united_kingdom(code: &str) -> Result<String, PostalError> {
    let compact: String = match code.split_once(' ') {
        None => code.to_string(),
        // A space only between outward and inward code.
        Some((outward, inward)) if inward.len() == 3 => format!("{outward}{inward}"),
        Some(_) => return Err(PostalError::Format),
    };
    if !(5..=7).contains(&compact.len()) {
        return Err(PostalError::Format);
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let formatted = format!("{outward} {inward}");
    if formatted == "GIR 0AA" {
        return Ok(formatted);
    }
    const FIRST: &str = "ABCDEFGHIJKLMNOPRSTUWYZ"; // not Q, V, X
    const SECOND: &str = "ABCDEFGHKLMNOPQRSTUVWXY"; // not I, J, Z
    const THIRD: &str = "ABCDEFGHJKPSTUW"; // the letter of A9A
    const FOURTH: &str = "ABEHMNPRVWXY"; // the letter of AA9A
    const INWARD: &str = "ABDEFGHJLNPQRSTUWXYZ"; // not C, I, K, M, O, V
    let o: Vec<char> = outward.chars().collect();
    let digit = |c: char| c.is_ascii_digit();
    let is = |set: &str, c: char| set.contains(c);
    let outward_ok = match o[..] {
        [a, b] => is(FIRST, a) && digit(b),
        [a, b, c] if digit(b) => is(FIRST, a) && (digit(c) || is(THIRD, c)),
        [a, b, c] => is(FIRST, a) && is(SECOND, b) && digit(c),
        [a, b, c, d] => is(FIRST, a) && is(SECOND, b) && digit(c) && (digit(d) || is(FOURTH, d)),
        _ => false,
    };
    let i: Vec<char> = inward.chars().collect();
    let inward_ok = digit(i[0]) && is(INWARD, i[1]) && is(INWARD, i[2]);
    if outward_ok && inward_ok {
        Ok(formatted)
    } else {
        Err(PostalError::Format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> Country {
        Country::parse(code).unwrap()
    }

    fn ok(code: &str, raw: &str) -> String {
        postal_code(&country(code), raw).unwrap_or_else(|e| panic!("{code} {raw:?} refused: {e}"))
    }

    fn refused(code: &str, raw: &str) {
        assert!(
            postal_code(&country(code), raw).is_err(),
            "{code} {raw:?} accepted"
        );
    }

    #[test]
    fn countries_are_parsed_from_any_case_and_written_in_upper_case() {
        for raw in ["DE", "de", "De", " dE "] {
            assert_eq!(Country::parse(raw).unwrap().as_str(), "DE");
        }
        assert_eq!(country("gb").to_string(), "GB");
        assert_eq!(format!("{:?}", country("ch")), "Country(CH)");
    }

    #[test]
    fn the_list_holds_exactly_the_249_assigned_codes_in_order() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0] < w[1]));
        for code in COUNTRIES {
            assert_eq!(country(code).as_str(), code);
        }
        // Assigned codes of all kinds: territories, recent additions, the uninhabited.
        for code in ["AX", "BQ", "CW", "SS", "SX", "PS", "AQ", "BV", "UM", "VA"] {
            assert!(Country::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn user_assigned_reserved_withdrawn_and_malformed_codes_are_refused() {
        for raw in [
            "XK", "XI", "XU", "AA", "QM", "QZ", "ZZ", "UK", "EU", "EL", "AN", "YU", "CS", "", "D",
            "DEU", "D1", "D E", "ÄT", "DE\0",
        ] {
            assert_eq!(Country::parse(raw), Err(CountryError), "{raw:?}");
        }
    }

    #[test]
    fn german_postal_codes_have_five_digits() {
        assert_eq!(ok("DE", " 10115 "), "10115");
        assert_eq!(ok("DE", "01067"), "01067");
        for raw in ["1011", "101155", "1O115", "00123", "D-10115", "10 115"] {
            refused("DE", raw);
        }
    }

    #[test]
    fn austrian_and_swiss_postal_codes_have_four_digits() {
        assert_eq!(ok("AT", "1010"), "1010");
        assert_eq!(ok("AT", "6020"), "6020");
        assert_eq!(ok("CH", "8001"), "8001");
        assert_eq!(ok("CH", "1200"), "1200");
        for raw in ["101", "10100", "0100", "A-1010", "1O10"] {
            refused("AT", raw);
            refused("CH", raw);
        }
    }

    #[test]
    fn dutch_postal_codes_are_written_with_one_space() {
        assert_eq!(ok("NL", "1234 AB"), "1234 AB");
        assert_eq!(ok("NL", "1234ab"), "1234 AB");
        assert_eq!(ok("NL", " 1012  js "), "1012 JS");
        for raw in [
            "0123 AB", "123 AB", "12345 AB", "1234 A", "1234 ABC", "1234 A1", "1234 SA", "1234 SD",
            "1234 SS", "1234-AB", "12 34AB", "AB 1234",
        ] {
            refused("NL", raw);
        }
    }

    #[test]
    fn french_and_italian_postal_codes_have_five_digits() {
        assert_eq!(ok("FR", "75008"), "75008");
        assert_eq!(ok("FR", "20000"), "20000");
        assert_eq!(ok("IT", "00184"), "00184");
        assert_eq!(ok("IT", "20121"), "20121");
        for raw in ["7500", "750080", "2A000", "F-75008"] {
            refused("FR", raw);
            refused("IT", raw);
        }
        refused("FR", "00100");
    }

    #[test]
    fn spanish_postal_codes_start_with_a_province_from_01_to_52() {
        assert_eq!(ok("ES", "28013"), "28013");
        assert_eq!(ok("ES", "01001"), "01001");
        assert_eq!(ok("ES", "52001"), "52001");
        for raw in ["00123", "53001", "99999", "2801", "280130"] {
            refused("ES", raw);
        }
    }

    #[test]
    fn polish_postal_codes_are_written_with_a_hyphen() {
        assert_eq!(ok("PL", "00-950"), "00-950");
        assert_eq!(ok("PL", "00950"), "00-950");
        for raw in ["00-95", "000-950", "00 950", "00_950", "0a-950", "0-0950"] {
            refused("PL", raw);
        }
    }

    #[test]
    fn uk_postcodes_follow_the_royal_mail_pattern() {
        for (raw, written) in [
            ("SW1A 1AA", "SW1A 1AA"),
            ("sw1a1aa", "SW1A 1AA"),
            (" ec1a  1bb ", "EC1A 1BB"),
            ("W1A 0AX", "W1A 0AX"),
            ("M1 1AE", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("gir 0aa", "GIR 0AA"),
            ("GIR0AA", "GIR 0AA"),
        ] {
            assert_eq!(ok("GB", raw), written);
        }
        for raw in [
            "SW1A 1A",  // inward code too short
            "SW1A1AAA", // too long
            "1AA 1AA",  // outward code starts with a digit
            "QA1 1AA",  // Q never comes first
            "AI1 1AA",  // I never comes second
            "W1I 0AX",  // I is not a third-position letter
            "EC1Z 1BB", // Z is not a fourth-position letter
            "SW1A 1CA", // C is not used in the inward code
            "SW1A 11A", // inward code is digit, letter, letter
            "SW 1A1AA", // space in the wrong place
            "SW1A-1AA", "GIR 0AB",
        ] {
            refused("GB", raw);
        }
    }

    #[test]
    fn us_zip_codes_have_five_digits_and_an_optional_plus_four() {
        assert_eq!(ok("US", "10001"), "10001");
        assert_eq!(ok("US", "20500-0003"), "20500-0003");
        for raw in [
            "1000",
            "100011",
            "10001-",
            "10001-123",
            "10001 0003",
            "1000A",
            "-0003",
        ] {
            refused("US", raw);
        }
    }

    #[test]
    fn other_countries_take_up_to_ten_letters_digits_spaces_and_hyphens() {
        assert_eq!(ok("IE", "d02 x285"), "D02 X285");
        assert_eq!(ok("CA", "K1A 0B1"), "K1A 0B1");
        assert_eq!(ok("BR", "01310-100"), "01310-100");
        assert_eq!(ok("JP", "100-0001"), "100-0001");
        assert_eq!(ok("LI", "9490"), "9490");
        for raw in [
            "12345678901",
            "-",
            "--",
            "10115;",
            "ÄÖ1",
            "1\u{200b}2",
            "#1",
        ] {
            refused("SE", raw);
        }
    }

    #[test]
    fn empty_and_oversized_input_is_refused_for_every_country() {
        for code in ["DE", "NL", "GB", "US", "PL", "SE"] {
            assert_eq!(postal_code(&country(code), "  "), Err(PostalError::Empty));
            assert_eq!(
                postal_code(&country(code), &"1".repeat(10_000)),
                Err(PostalError::Format)
            );
        }
    }
}
