//! Invitation mails: a colleague added to a company gets a login link right away (the link works
//! like any login link: single use, 15 minutes; afterwards they request links themselves).

use super::login_mail::confirm_url;
use crate::app::App;
use crate::domain::email::EmailAddress;
use crate::domain::lang::Lang;
use crate::domain::secret::{LoginCode, Secret};
use crate::domain::session::LOGIN_LIFETIME_SECONDS;
use crate::error::ApiError;
use crate::http::escape_html as escape;
use crate::store::auth::PendingLogin;
use crate::store::mail::OutgoingMail;

pub async fn send_invitation(
    app: &App,
    to: &EmailAddress,
    lang: Lang,
    company: &str,
    inviter: &EmailAddress,
) -> Result<(), ApiError> {
    let token = Secret::generate();
    // No browser asked for this login, so the code part is bound to an attempt nobody holds.
    let attempt_hash = Secret::generate().hash();
    app.auth
        .put_pending_login(&PendingLogin {
            link_hash: token.hash(),
            code_hash: LoginCode::generate().hash_for(&attempt_hash),
            attempt_hash,
            email: Some(to.clone()),
            next: None,
            lang,
            expires_at: app.clock.now() + LOGIN_LIFETIME_SECONDS,
            activation: None,
        })
        .await?;
    let link = confirm_url(&app.config.base_url, lang, &token);
    let login_page = format!(
        "{}{}",
        app.config.base_url,
        lang.pick("/anmelden/", "/en/login/")
    );
    let subject = match lang {
        Lang::De => format!("Einladung zum Kundenportal von {company}"),
        Lang::En => format!("Invitation to the customer portal of {company}"),
    };
    let intro = match lang {
        Lang::De => format!(
            "{} hat Sie in das Kundenportal von {company} eingeladen. Dort finden Sie Rechnungen und Dokumente Ihres Unternehmens.",
            inviter.as_str()
        ),
        Lang::En => format!(
            "{} has invited you to the customer portal of {company}, where you find your company's invoices and documents.",
            inviter.as_str()
        ),
    };
    let action = lang.pick(
        "Mit diesem Link melden Sie sich gleich an (gültig 15 Minuten, einmal):",
        "This link signs you in right away (valid for 15 minutes, once):",
    );
    let later = match lang {
        Lang::De => format!("Später melden Sie sich ohne Passwort an: Adresse eingeben auf {login_page}, Link per E-Mail erhalten."),
        Lang::En => format!("Later you sign in without a password: enter your address at {login_page} and get a link by email."),
    };
    let not_expected = lang.pick(
        "Sie kennen diese Person nicht? Dann ignorieren Sie diese E-Mail einfach.",
        "You do not know this person? Then simply ignore this email.",
    );
    let text = format!("{intro}\n\n{action}\n{link}\n\n{later}\n\n{not_expected}\n");
    let html = format!(
        "<!doctype html><html lang=\"{}\"><body><p>{}</p><p>{}</p><p><a href=\"{}\">{}</a></p><p>{}</p><p>{}</p></body></html>",
        lang.code(),
        escape(&intro),
        escape(action),
        escape(&link),
        escape(lang.pick("Jetzt anmelden", "Sign in now")),
        escape(&later),
        escape(not_expected)
    );
    app.mailer
        .send(OutgoingMail {
            to: to.clone(),
            subject,
            text,
            html,
        })
        .await?;
    Ok(())
}
