//! The new text of a reply: what the writer typed, without the quoted history and signature
//! their mail client added.
//!
//! Hand-written rules rather than a reply-parser crate: the one Rust crate for this
//! (`email_reply_parser` 0.1.2 of 2024, its only release, a port of Zapier's Python port of
//! GitHub's Ruby library) knows English only, does not join the attribution lines Gmail wraps,
//! and pulls in `regex` and `fancy-regex`. The portal needs German and English Outlook, Gmail, Apple
//! Mail and Thunderbird, which the rules below cover with fixtures for each.
//!
//! Where the new text ends (the first of these, on a line that is not itself quoted):
//! - a signature delimiter `-- ` (or `--`), or a device line such as "Von meinem iPhone
//!   gesendet" / "Sent from my iPhone";
//! - Outlook's separators "-----Original Message-----", "-----Ursprüngliche Nachricht-----" …;
//! - the header block of the quoted mail (Outlook, web mailers): three or more lines in a row
//!   of `From:`/`Von:`, `Sent:`/`Gesendet:`, `Date:`/`Datum:`, `To:`/`An:`, `Cc:`,
//!   `Subject:`/`Betreff:`, one of them the sender;
//! - an attribution, "On … wrote:" or "Am … schrieb …:" (Apple Mail: "Am … um … schrieb …:"),
//!   also wrapped over up to three lines as Gmail and Thunderbird do, when quoted lines follow
//!   it and nothing else does.
//!
//! Quoted lines (`>`) are dropped wherever they are: a writer who answers between the quoted
//! lines (Thunderbird's bottom posting) keeps the answers, without the attribution above them.

/// A text/plain body with CR LF as LF; with `format=flowed` (RFC 3676, `delete_space` being
/// its `delsp=yes`) the soft-wrapped lines joined again, so a wrapped attribution is one line.
pub fn plain_text(text: &str, flowed: Option<bool>) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    match flowed {
        Some(delete_space) => unflow(&text, delete_space),
        None => text,
    }
}

/// The new text in a body made text by [`plain_text`] or [`html_text`].
pub fn new_text(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let end = lines
        .iter()
        .enumerate()
        .position(|(i, line)| !is_quoted(line) && ends_new_text(&lines, i))
        .unwrap_or(lines.len());
    // answered_after[k]: an unquoted line with text comes at or after line k (before `end`).
    let mut answered_after = vec![false; end + 1];
    for k in (0..end).rev() {
        answered_after[k] =
            answered_after[k + 1] || (!is_quoted(lines[k]) && !lines[k].trim().is_empty());
    }
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < end {
        let line = lines[i];
        if is_quoted(line) {
            i += 1;
            continue;
        }
        if let Some(span) = attribution_at(&lines[i..end]) {
            let after = i + span;
            let next = (after..end).find(|&j| !lines[j].trim().is_empty());
            match next {
                None => break,
                Some(j) if is_quoted(lines[j]) => {
                    if answered_after[j] {
                        i = after;
                        continue;
                    }
                    break;
                }
                Some(_) => {}
            }
        }
        kept.push(line);
        i += 1;
    }
    while kept.last().is_some_and(|line| is_separator(line)) {
        kept.pop();
    }
    tidy(&kept)
}

/// Lines without trailing blanks, no blank lines at the start, at most one in a row elsewhere
/// (removing quoted lines leaves runs of them).
fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank_pending = false;
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if blank_pending {
            out.push('\n');
            blank_pending = false;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// An HTML body as text (clients send text/plain beside HTML almost always): cut at the first
/// quote or signature container the clients mark, then made text by mail-parser's converter
/// after every block end became a line break (the converter itself breaks lines at `<br>` and
/// `</p>` only).
pub fn html_text(html: &str) -> String {
    let html = &html[..html_new_part_end(html)];
    mail_parser::decoders::html::html_to_text(&break_blocks(html))
}

/// Quote and signature containers: Gmail, Outlook (desktop and web), Thunderbird, Apple Mail,
/// GMX and Web.de.
const HTML_CUT_MARKERS: [&str; 9] = [
    "<blockquote",
    "class=\"gmail_quote",
    "class=\"gmail_signature",
    "id=\"divrplyfwdmsg\"",
    "id=\"appendonsend\"",
    "id=\"signature\"",
    "class=\"moz-cite-prefix\"",
    "class=\"moz-signature\"",
    "name=\"quote\"",
];

fn html_new_part_end(html: &str) -> usize {
    // ASCII lower-casing keeps every byte offset.
    let lower = html.to_ascii_lowercase();
    HTML_CUT_MARKERS
        .iter()
        .filter_map(|marker| {
            let at = lower.find(marker)?;
            // An attribute marker cuts at the start of its tag.
            Some(if marker.starts_with('<') {
                at
            } else {
                lower[..at].rfind('<').unwrap_or(at)
            })
        })
        .min()
        .unwrap_or(html.len())
}

/// `<br>` before the end of every block element, so each block starts a line.
fn break_blocks(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut copied = 0;
    for (at, _) in lower.match_indices('<') {
        let tag = &lower[at..];
        let block_end = [
            "</div", "</li", "</tr", "</h1", "</h2", "</h3", "</h4", "<hr",
        ]
        .iter()
        .any(|start| tag.starts_with(start));
        if block_end {
            out.push_str(&html[copied..at]);
            out.push_str("<br>");
            copied = at;
        }
    }
    out.push_str(&html[copied..]);
    out
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Empty lines, and rows of `_`, `-`, `=` or `*` (Outlook's underscores above its header block).
fn is_separator(line: &str) -> bool {
    let line = line.trim();
    line.is_empty()
        || (line.chars().count() >= 5
            && line
                .chars()
                .all(|c| c == '_' || c == '-' || c == '=' || c == '*'))
}

fn ends_new_text(lines: &[&str], i: usize) -> bool {
    let line = lines[i];
    is_signature_delimiter(line)
        || is_device_signature(line)
        || is_original_message_separator(line)
        || is_header_block(&lines[i..])
}

fn is_signature_delimiter(line: &str) -> bool {
    line.trim_end() == "--"
}

fn is_device_signature(line: &str) -> bool {
    let line = line.trim().trim_end_matches('.').to_lowercase();
    if line.chars().count() > 60 {
        return false;
    }
    [
        "sent from my ",
        "sent from outlook",
        "get outlook for ",
        "gesendet von meinem ",
        "gesendet von outlook",
        "gesendet mit ",
    ]
    .iter()
    .any(|start| line.starts_with(start))
        || (line.starts_with("von meinem ") && line.ends_with(" gesendet"))
}

fn is_original_message_separator(line: &str) -> bool {
    let line = line.trim();
    if !(line.starts_with("---") && line.ends_with("---")) {
        return false;
    }
    let words = line.trim_matches('-').trim().to_lowercase();
    [
        "original message",
        "ursprüngliche nachricht",
        "original-nachricht",
        "originalnachricht",
        "forwarded message",
        "weitergeleitete nachricht",
    ]
    .contains(&words.as_str())
}

/// The block of header fields naming the quoted mail: at least three lines in a row, one of
/// them `From:`/`Von:` (Outlook starts with it, web mailers such as GMX with `Gesendet:`).
/// Gmail's text part writes the names bold (`*From:*`).
fn is_header_block(lines: &[&str]) -> bool {
    let mut fields = 0;
    let mut has_sender = false;
    for line in lines.iter().take(8) {
        let line = line.trim().replace('*', "").to_lowercase();
        let Some(name) = HEADER_FIELDS.iter().find(|name| line.starts_with(*name)) else {
            break;
        };
        fields += 1;
        has_sender |= *name == "from:" || *name == "von:";
    }
    fields >= 3 && has_sender
}

const HEADER_FIELDS: [&str; 11] = [
    "from:",
    "von:",
    "sent:",
    "gesendet:",
    "date:",
    "datum:",
    "to:",
    "an:",
    "cc:",
    "subject:",
    "betreff:",
];

/// How many lines (1 to 3) an attribution starting at `lines[0]` takes, if one does.
fn attribution_at(lines: &[&str]) -> Option<usize> {
    let first = lines.first()?.trim().to_lowercase();
    if first.is_empty() {
        return None;
    }
    if is_attribution(&first) || is_short_attribution(&first) {
        return Some(1);
    }
    if !(first.starts_with("on ") || first.starts_with("am ")) {
        return None;
    }
    let mut joined = first;
    for (n, line) in lines.iter().enumerate().skip(1).take(2) {
        if line.trim().is_empty() || is_quoted(line) {
            return None;
        }
        joined.push(' ');
        joined.push_str(&line.trim().to_lowercase());
        if is_attribution(&joined) {
            return Some(n + 1);
        }
    }
    None
}

/// "On Mon, Nov 23, 2026 at 7:40 AM Kundenportal <portal@example.net> wrote:",
/// "Am Mo., 23. Nov. 2026 um 07:40 Uhr schrieb Kundenportal <portal@example.net>:".
fn is_attribution(lower: &str) -> bool {
    lower.chars().count() <= 300
        && lower.chars().any(|c| c.is_ascii_digit())
        && ((lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("am ") && lower.contains(" schrieb") && lower.ends_with(':')))
}

/// "Anna Schmidt schrieb:" / "Anna Schmidt wrote:" (older Thunderbird).
fn is_short_attribution(lower: &str) -> bool {
    lower.chars().count() <= 80 && (lower.ends_with(" schrieb:") || lower.ends_with(" wrote:"))
}

/// RFC 3676: a line ending in a space continues on the next line of the same quote depth;
/// one leading space is stuffing. The signature delimiter `-- ` is never flowed.
fn unflow(text: &str, delete_space: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for line in text.split('\n') {
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        let flowed = content.ends_with(' ') && content != "-- ";
        let piece = if flowed && delete_space {
            &content[..content.len() - 1]
        } else {
            content
        };
        let mut current = match open.take() {
            Some((open_depth, joined)) if open_depth == depth => joined,
            Some((open_depth, joined)) => {
                out.push(quoted(open_depth, &joined));
                String::new()
            }
            None => String::new(),
        };
        current.push_str(piece);
        if flowed {
            open = Some((depth, current));
        } else {
            out.push(quoted(depth, &current));
        }
    }
    if let Some((depth, joined)) = open {
        out.push(quoted(depth, &joined));
    }
    out.join("\n")
}

fn quoted(depth: usize, content: &str) -> String {
    if depth == 0 {
        content.to_string()
    } else {
        format!("{} {content}", ">".repeat(depth))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_new_text(text: &str, flowed: Option<bool>) -> String {
        new_text(&plain_text(text, flowed))
    }

    fn html_new_text(html: &str) -> String {
        new_text(&html_text(html))
    }

    #[test]
    fn top_posted_replies_keep_only_the_new_text() {
        let gmail = "Erledigt, die Gutschrift ist unterwegs.\n\nAm Mo., 23. Nov. 2026 um 07:40 Uhr schrieb Kundenportal <\nportal@example.net>:\n\n> Neue Anfrage\n> aus dem Portal\n";
        assert_eq!(
            plain_new_text(gmail, None),
            "Erledigt, die Gutschrift ist unterwegs."
        );
        let english = "Done.\n\nOn Mon, Nov 23, 2026 at 7:40 AM Kundenportal <portal@example.net>\nwrote:\n\n> New request\n";
        assert_eq!(plain_new_text(english, None), "Done.");
    }

    #[test]
    fn answers_between_quoted_lines_are_kept() {
        let text = "Am 23.11.26 um 07:40 schrieb Kundenportal:\n> Frage eins?\n\nAntwort eins.\n\n> Frage zwei?\n\nAntwort zwei.\n\n-- \nMax Muster\n";
        assert_eq!(plain_new_text(text, None), "Antwort eins.\n\nAntwort zwei.");
    }

    #[test]
    fn a_sentence_that_looks_like_an_attribution_stays_when_no_quote_follows() {
        let text = "Am 12.03. schrieb uns Ihr Kollege:\nBitte die Adresse ändern.\n";
        assert_eq!(
            plain_new_text(text, None),
            "Am 12.03. schrieb uns Ihr Kollege:\nBitte die Adresse ändern."
        );
    }

    #[test]
    fn outlook_header_blocks_and_separators_end_the_new_text() {
        let de = "Hallo,\r\n\r\nist erledigt.\r\n\r\n________________________________\r\nVon: Kundenportal <portal@example.net>\r\nGesendet: Montag, 23. November 2026 07:40\r\nAn: Support <support@example.net>\r\nBetreff: Anfrage\r\n\r\nalt\r\n";
        assert_eq!(plain_new_text(de, None), "Hallo,\n\nist erledigt.");
        let en = "Done.\n\n-----Original Message-----\nFrom: Kundenportal\nSent: Monday\nTo: Support\nSubject: x\n";
        assert_eq!(plain_new_text(en, None), "Done.");
        let de = "Erledigt.\n\n-----Ursprüngliche Nachricht-----\nalt\n";
        assert_eq!(plain_new_text(de, None), "Erledigt.");
        let web = "Erledigt.\n\nGesendet: Montag, 23. November 2026 um 07:40 Uhr\nVon: Kundenportal\nAn: support@example.net\nBetreff: x\n";
        assert_eq!(plain_new_text(web, None), "Erledigt.");
        let bold = "Done.\n\n*From:* Kundenportal\n*Sent:* Monday\n*To:* Support\n";
        assert_eq!(plain_new_text(bold, None), "Done.");
        let not_a_block = "From: our side nothing is missing.\nThanks\n";
        assert_eq!(
            plain_new_text(not_a_block, None),
            "From: our side nothing is missing.\nThanks"
        );
    }

    #[test]
    fn signatures_and_device_lines_end_the_new_text() {
        assert_eq!(plain_new_text("Ja.\n-- \nMax\n", None), "Ja.");
        assert_eq!(
            plain_new_text("Ja.\n\nVon meinem iPhone gesendet\n\n> Am …\n", None),
            "Ja."
        );
        assert_eq!(
            plain_new_text("Yes.\n\nSent from my iPhone\n", None),
            "Yes."
        );
        assert_eq!(
            plain_new_text("Ja.\n> -- \n> sig\nNoch was.\n", None),
            "Ja.\nNoch was."
        );
    }

    #[test]
    fn flowed_lines_are_joined_before_the_rules_run() {
        let text = "Die Rechnung ist \nkorrigiert.\n\nAm 23.11.26 um 07:40 schrieb Kundenportal \n<portal@example.net>:\n> Neue \n> Anfrage\n-- \nMax\n";
        assert_eq!(
            plain_new_text(text, Some(false)),
            "Die Rechnung ist korrigiert."
        );
        assert_eq!(unflow("a \nb\n>> c \n>> d\n>e", false), "a b\n>> c d\n> e");
        assert_eq!(unflow("a \nb", true), "ab");
        assert_eq!(unflow(" >not a quote", false), ">not a quote");
    }

    #[test]
    fn html_bodies_are_cut_at_quote_containers_and_keep_their_lines() {
        let html = "<html><body><div dir=\"ltr\"><div>Hallo Frau Schmidt,</div><div><br></div><div>die Rechnung ist <b>korrigiert</b>.</div><p>Gr&uuml;&szlig;e<br>Max</p></div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">Am Mo. schrieb X:</div><blockquote>alt</blockquote></div></body></html>";
        let text = html_new_text(html);
        assert_eq!(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>(),
            [
                "Hallo Frau Schmidt,",
                "die Rechnung ist korrigiert.",
                "Grüße",
                "Max"
            ]
        );
        let outlook = "<div>Done.</div><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> x</div>";
        assert_eq!(html_new_text(outlook).trim(), "Done.");
    }
}
