//! Free text from forms (names, address lines, references): trimmed, in Unicode NFC, of bounded
//! length, and free of characters that are invisible or change how text around them is shown.
//! Such characters let two names look identical while differing, hide text in invoices and CSV
//! exports (Trojan Source style bidi overrides), or break lines in mails and logs.

use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("empty")]
    Empty,
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("contains a control, bidi, zero-width or other invisible formatting character")]
    Forbidden,
}

/// The longest canonical decomposition of one character (e.g. U+1F82 "ᾂ" → 4 characters). Since
/// every input character decomposes to at least one character and every NFC character to at most
/// this many, an input of more than `max × 4` characters cannot come out at `max` or fewer: such
/// input is refused before it is normalised, so a megabyte of text costs nothing.
const MAX_DECOMPOSITION: usize = 4;

/// Optional free text: trimmed and in NFC; empty is allowed (`""` comes back).
pub fn clean_text(raw: &str, max_chars: usize) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > max_chars.saturating_mul(MAX_DECOMPOSITION) {
        return Err(TextError::TooLong { max: max_chars });
    }
    let text: String = trimmed.nfc().collect();
    // Counted in characters (Unicode scalar values), after NFC, so "e\u{301}" counts once.
    if text.chars().count() > max_chars {
        return Err(TextError::TooLong { max: max_chars });
    }
    if text.chars().any(forbidden) {
        return Err(TextError::Forbidden);
    }
    Ok(text)
}

/// Required free text: as [`clean_text`], and `Empty` when nothing is left after trimming.
pub fn required_text(raw: &str, max_chars: usize) -> Result<String, TextError> {
    let text = clean_text(raw, max_chars)?;
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(text)
}

/// Required text of several lines (a message to support): as [`required_text`], except that
/// line breaks stay (CR LF and CR become LF); tabs and every other control still do not.
pub fn required_multiline_text(raw: &str, max_chars: usize) -> Result<String, TextError> {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = unified.trim();
    if trimmed.chars().count() > max_chars.saturating_mul(MAX_DECOMPOSITION) {
        return Err(TextError::TooLong { max: max_chars });
    }
    let text: String = trimmed.nfc().collect();
    if text.chars().count() > max_chars {
        return Err(TextError::TooLong { max: max_chars });
    }
    if text.chars().any(|c| c != '\n' && forbidden(c)) {
        return Err(TextError::Forbidden);
    }
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(text)
}

/// Unicode general category Cf (format characters) as of Unicode 15.1. Covers the bidi controls
/// (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), the zero-width characters (U+200B–U+200D,
/// U+2060, U+FEFF), the soft hyphen and the emoji tag characters. Sorted, inclusive ranges.
const FORMAT_CHARACTERS: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Letters that render as nothing (Hangul fillers): outside old Hangul jamo sequences their one
/// use in a form is a name that looks blank but is not empty.
const INVISIBLE_LETTERS: &[char] = &['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}'];

fn forbidden(c: char) -> bool {
    // `is_control` is exactly general category Cc: C0 and C1 controls, NUL, TAB, CR, LF, DEL.
    c.is_control()
        // Line and paragraph separators break lines like CR/LF do, in mails and in JavaScript.
        || c == '\u{2028}'
        || c == '\u{2029}'
        || INVISIBLE_LETTERS.contains(&c)
        || FORMAT_CHARACTERS
            .binary_search_by(|&(first, last)| {
                if last < c {
                    std::cmp::Ordering::Less
                } else if first > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
}

#[cfg(test)]
mod tests {

    #[test]
    fn multiline_text_keeps_line_breaks_and_nothing_else_invisible() {
        use super::{required_multiline_text as m, TextError};
        assert_eq!(
            m(" Zeile 1\r\nZeile 2\rZeile 3 \n", 100),
            Ok("Zeile 1\nZeile 2\nZeile 3".into())
        );
        assert_eq!(m("\n \n", 100), Err(TextError::Empty));
        assert_eq!(m("a\tb", 100), Err(TextError::Forbidden));
        assert_eq!(m("a\u{202e}b", 100), Err(TextError::Forbidden));
        assert_eq!(m("a\u{2028}b", 100), Err(TextError::Forbidden));
        assert_eq!(
            m(&"x".repeat(101), 100),
            Err(TextError::TooLong { max: 100 })
        );
    }

    use super::*;

    #[test]
    fn text_is_trimmed_and_kept_otherwise() {
        assert_eq!(
            clean_text("  Beispiel Maschinenbau GmbH \t", 100).unwrap(),
            "Beispiel Maschinenbau GmbH"
        );
        assert_eq!(
            clean_text("Straße 1, 3. OG", 100).unwrap(),
            "Straße 1, 3. OG"
        );
        // Non-breaking and ideographic spaces around the text are whitespace too.
        assert_eq!(clean_text("\u{a0}Köln\u{3000}", 10).unwrap(), "Köln");
    }

    #[test]
    fn optional_text_may_be_empty_but_required_text_may_not() {
        assert_eq!(clean_text("", 10).unwrap(), "");
        assert_eq!(clean_text("   \n ", 10).unwrap(), "");
        assert_eq!(required_text("", 10), Err(TextError::Empty));
        assert_eq!(required_text(" \t\r\n ", 10), Err(TextError::Empty));
        assert_eq!(required_text(" a ", 10).unwrap(), "a");
    }

    #[test]
    fn emoji_are_allowed_in_free_text() {
        for raw in [
            "Danke 😀",
            "Team 👍🏽",        // skin tone modifier
            "Flagge 🇩🇪",      // regional indicators
            "Herz ❤\u{fe0f}", // variation selector 16
        ] {
            assert_eq!(clean_text(raw, 50).unwrap(), raw);
        }
    }

    #[test]
    fn emoji_joined_by_a_zero_width_joiner_are_rejected_with_it() {
        // The price of refusing U+200D everywhere: family and profession emoji sequences.
        assert_eq!(
            clean_text("👨\u{200d}👩\u{200d}👧", 50),
            Err(TextError::Forbidden)
        );
    }

    #[test]
    fn combining_marks_are_composed_to_nfc() {
        assert_eq!(clean_text("Caf\u{65}\u{301}", 10).unwrap(), "Café");
        assert_eq!(clean_text("A\u{30a}ngstr\u{f6}m", 10).unwrap(), "Ångström");
        // A mark with no precomposed form stays, and is allowed.
        assert_eq!(clean_text("q\u{307}", 10).unwrap(), "q\u{307}");
    }

    #[test]
    fn length_is_counted_in_characters_after_nfc() {
        let ten_accents = "e\u{301}".repeat(10);
        assert_eq!(clean_text(&ten_accents, 10).unwrap(), "é".repeat(10));
        assert_eq!(
            clean_text(&"é".repeat(11), 10),
            Err(TextError::TooLong { max: 10 })
        );
        // Multi-byte characters count once each.
        assert!(clean_text(&"ü".repeat(10), 10).is_ok());
        assert!(clean_text(&"😀".repeat(10), 10).is_ok());
    }

    #[test]
    fn a_ten_thousand_character_string_is_too_long() {
        let long = "a".repeat(10_000);
        assert_eq!(clean_text(&long, 140), Err(TextError::TooLong { max: 140 }));
        assert_eq!(
            required_text(&long, 1000),
            Err(TextError::TooLong { max: 1000 })
        );
        assert_eq!(clean_text(&long, 10_000).unwrap(), long);
    }

    #[test]
    fn the_early_length_refusal_never_refuses_text_that_would_fit() {
        // Four input characters that compose to one NFC character: still accepted at max 1.
        assert_eq!(
            clean_text("\u{3b1}\u{313}\u{300}\u{345}", 1).unwrap(),
            "\u{1f82}"
        );
        // And no character decomposes canonically to more than MAX_DECOMPOSITION characters.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert!(c.nfd().count() <= MAX_DECOMPOSITION, "{c:?}");
        }
    }

    #[test]
    fn nul_and_other_control_characters_are_rejected() {
        for raw in [
            "a\0b",
            "a\u{7}b",
            "a\u{1b}[31mb",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{9b}b",
        ] {
            assert_eq!(clean_text(raw, 50), Err(TextError::Forbidden), "{raw:?}");
        }
    }

    #[test]
    fn line_breaks_and_tabs_inside_the_text_are_rejected() {
        for raw in [
            "Zeile 1\r\nZeile 2",
            "a\nb",
            "a\rb",
            "a\tb",
            "a\u{2028}b",
            "a\u{2029}b",
        ] {
            assert_eq!(clean_text(raw, 50), Err(TextError::Forbidden), "{raw:?}");
        }
        // At the ends they are whitespace and trimmed away, as a pasted trailing CRLF is.
        assert_eq!(clean_text("Zeile 1\r\n", 50).unwrap(), "Zeile 1");
    }

    #[test]
    fn bidi_overrides_and_marks_are_rejected() {
        for c in [
            '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            let raw = format!("invoice{c}fdp.exe");
            assert_eq!(clean_text(&raw, 50), Err(TextError::Forbidden), "{c:?}");
        }
        // Right-to-left text itself is fine; only the invisible controls are refused.
        assert_eq!(clean_text("شركة مثال", 50).unwrap(), "شركة مثال");
        assert_eq!(clean_text("חברה לדוגמה", 50).unwrap(), "חברה לדוגמה");
    }

    #[test]
    fn zero_width_characters_are_rejected_even_at_the_ends() {
        for c in ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'] {
            for raw in [
                format!("Ex{c}ample"),
                format!("{c}Example"),
                format!("Example{c}"),
            ] {
                assert_eq!(clean_text(&raw, 50), Err(TextError::Forbidden), "{raw:?}");
            }
        }
        // A required field of nothing but a zero-width space is refused, not stored as "".
        assert_eq!(required_text("\u{200b}", 50), Err(TextError::Forbidden));
    }

    #[test]
    fn other_format_characters_and_invisible_letters_are_rejected() {
        for c in [
            '\u{ad}',    // soft hyphen
            '\u{600}',   // Arabic number sign
            '\u{180e}',  // Mongolian vowel separator
            '\u{2064}',  // invisible plus
            '\u{fff9}',  // interlinear annotation anchor
            '\u{1343f}', // Egyptian hieroglyph format control (Unicode 15)
            '\u{e0001}', // language tag
            '\u{e0041}', // tag latin capital letter A
            '\u{3164}',  // Hangul filler
        ] {
            let raw = format!("a{c}b");
            assert_eq!(clean_text(&raw, 50), Err(TextError::Forbidden), "{c:?}");
        }
    }

    #[test]
    fn the_format_character_table_is_sorted_for_binary_search() {
        for pair in FORMAT_CHARACTERS.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
        // Both ends of a range are in it, the neighbours are not.
        assert!(forbidden('\u{2066}') && forbidden('\u{206f}'));
        assert!(!forbidden('\u{2065}') && !forbidden('\u{2070}'));
        assert!(!forbidden('a') && !forbidden(' ') && !forbidden('\u{a0}'));
    }
}
