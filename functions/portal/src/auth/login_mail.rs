//! The login mail, German or English, as text and HTML.

use crate::domain::email::EmailAddress;
use crate::domain::lang::Lang;
use crate::domain::secret::{LoginCode, Secret};
use crate::http::escape_html as escape;
use crate::store::mail::OutgoingMail;

/// The confirm page of each language; the token travels in the fragment, so it never reaches a
/// server log or a Referer header.
pub fn confirm_url(base_url: &str, lang: Lang, token: &Secret) -> String {
    let path = lang.pick("/anmelden/bestaetigen/", "/en/login/confirm/");
    format!("{base_url}{path}#{}", token.expose())
}

pub fn compose(
    base_url: &str,
    to: &EmailAddress,
    token: &Secret,
    code: &LoginCode,
    lang: Lang,
) -> OutgoingMail {
    let link = confirm_url(base_url, lang, token);
    let code = code.grouped();
    let t = |de: &'static str, en: &'static str| lang.pick(de, en);
    let subject = t(
        "Ihr Anmeldelink für das Kundenportal",
        "Your sign-in link for the customer portal",
    )
    .to_string();
    let greeting = t("Guten Tag,", "Hello,");
    let intro = t(
        "Sie haben gerade eine Anmeldung beim Kundenportal angefordert. Öffnen Sie diesen Link und bestätigen Sie dort mit einem Klick:",
        "You have just asked to sign in to the customer portal. Open this link and confirm there with one click:",
    );
    let code_intro = t(
        "Lesen Sie diese E-Mail auf einem anderen Gerät? Dann geben Sie im Browser, in dem Sie die Anmeldung angefordert haben, diesen Code ein:",
        "Reading this email on another device? Then enter this code in the browser where you asked to sign in:",
    );
    let validity = t(
        "Link und Code gelten 15 Minuten und nur einmal.",
        "The link and the code are valid for 15 minutes and can be used once.",
    );
    let not_you = t(
        "Sie haben keine Anmeldung angefordert? Dann müssen Sie nichts tun: Ohne Klick auf den Link oder Eingabe des Codes passiert nichts, und Ihr Zugang bleibt geschützt. Leiten Sie diese E-Mail bitte nicht weiter.",
        "You did not ask to sign in? Then there is nothing to do: without a click on the link or the code, nothing happens and your access stays protected. Please do not forward this email.",
    );
    let button = t("Anmeldung bestätigen", "Confirm sign-in");
    let signature = t("Ihr Kundenportal", "Your customer portal");
    let text = format!(
        "{greeting}\n\n{intro}\n\n{link}\n\n{code_intro}\n\n    {code}\n\n{validity}\n\n{not_you}\n\n{signature}\n"
    );
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
<body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b\">\
<p>{greeting}</p><p>{intro}</p>\
<p><a href=\"{link_attr}\" style=\"display:inline-block;padding:12px 20px;background:#0b5394;color:#fff;text-decoration:none;border-radius:6px\">{button}</a></p>\
<p style=\"font-size:13px;color:#555\">{link_text}</p>\
<p>{code_intro}</p><p style=\"font-size:24px;letter-spacing:4px;font-weight:bold\">{code}</p>\
<p>{validity}</p><p style=\"color:#555\">{not_you}</p><p>{signature}</p>\
<p style=\"font-size:12px;color:#777\">{to_line}</p></body></html>",
        lang = lang.code(),
        subject = escape(&subject),
        link_attr = escape(&link),
        link_text = escape(&link),
        to_line = escape(&format!(
            "{} {}",
            t("Gesendet an", "Sent to"),
            to.as_str()
        )),
    );
    OutgoingMail {
        to: to.clone(),
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_carries_the_token_in_the_fragment_of_the_configured_origin() {
        let token = Secret::generate();
        let url = confirm_url("https://portal.example.com", Lang::De, &token);
        assert_eq!(
            url,
            format!(
                "https://portal.example.com/anmelden/bestaetigen/#{}",
                token.expose()
            )
        );
        assert!(confirm_url("https://p.example", Lang::En, &token).contains("/en/login/confirm/#"));
    }

    #[test]
    fn the_mail_explains_link_code_and_what_to_do_if_unrequested() {
        let to = EmailAddress::parse("anna@example.com").unwrap();
        let token = Secret::generate();
        let code = LoginCode::parse("12345678").unwrap();
        let de = compose("https://p.example", &to, &token, &code, Lang::De);
        assert!(de.text.contains("1234 5678"));
        assert!(de.text.contains(token.expose()));
        assert!(de.text.contains("nichts tun"));
        assert!(de.html.contains("Anmeldung bestätigen"));
        let en = compose("https://p.example", &to, &token, &code, Lang::En);
        assert!(en.subject.starts_with("Your sign-in link"));
        assert!(en.text.contains("did not ask"));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
