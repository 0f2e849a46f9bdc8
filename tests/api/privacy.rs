//! The privacy notice states what the code does: every cookie the portal can set, the lifetimes
//! it enforces and the template's log retention appear in both language versions of the built
//! notice (site/public, which `make site` builds before the tests, from the demo values and the
//! template's defaults).

use std::path::{Path, PathBuf};

use portal::domain::session::{
    ABSOLUTE_TIMEOUT_SECONDS, IDLE_TIMEOUT_SECONDS, LOGIN_LIFETIME_SECONDS,
};
use portal::store::notifications::{DEVICE_SECONDS, KEEP_SECONDS};

/// The built notice per language: (language, HTML).
fn privacy_notices() -> Vec<(&'static str, String)> {
    let public = devstack::workspace_root().join("site/public");
    [
        ("de", "datenschutz/index.html"),
        ("en", "en/privacy/index.html"),
    ]
    .into_iter()
    .map(|(lang, file)| {
        let path = public.join(file);
        let html = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{}: {err} (run `make site` first)", path.display()));
        (lang, html)
    })
    .collect()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// Every cookie name in a `"__Host-…"` string literal of the portal's source, so a cookie added
/// later is covered without a change here.
fn cookie_names_in_the_source() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(
        &devstack::workspace_root().join("functions/portal/src"),
        &mut files,
    );
    let mut names: Vec<String> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (start, _) in text.match_indices("\"__Host-") {
            let name: String = text[start + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if name.len() > "__Host-".len() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.sort();
    names
}

#[test]
fn the_privacy_notice_names_every_cookie_the_portal_sets_in_both_languages() {
    let names = cookie_names_in_the_source();
    for constant in [
        portal::http::SESSION_COOKIE,
        portal::http::ATTEMPT_COOKIE,
        portal::http::DEVICE_COOKIE,
    ] {
        assert!(
            names.iter().any(|name| name == constant),
            "the source scan missed {constant}: {names:?}"
        );
    }
    for (lang, html) in privacy_notices() {
        for name in &names {
            assert!(
                html.contains(name.as_str()),
                "the {lang} privacy notice does not name the cookie {name}"
            );
        }
    }
}

#[test]
fn the_privacy_notice_states_the_log_retention_of_the_template_in_both_languages() {
    let days = portal_tests::template()
        .parameter_default("LogRetentionDays")
        .expect("LogRetentionDays has a default in infra/template.yaml");
    for (lang, html) in privacy_notices() {
        let phrase = if lang == "de" {
            format!("{days} Tage")
        } else {
            format!("{days} days")
        };
        assert!(
            html.contains(&phrase),
            "the {lang} privacy notice does not say “{phrase}”"
        );
    }
}

#[test]
fn the_privacy_notice_states_the_lifetimes_the_code_enforces_in_both_languages() {
    for (lang, html) in privacy_notices() {
        let (minutes, hours, days) = if lang == "de" {
            ("Minuten", "Stunden", "Tage")
        } else {
            ("minutes", "hours", "days")
        };
        let phrases = [
            format!("{} {minutes}", LOGIN_LIFETIME_SECONDS / 60),
            format!("{} {minutes}", IDLE_TIMEOUT_SECONDS / 60),
            format!("{} {hours}", ABSOLUTE_TIMEOUT_SECONDS / 3600),
            format!("{} {days}", KEEP_SECONDS / 86_400),
            format!("{} {days}", DEVICE_SECONDS / 86_400),
            format!("{} {days}", portal::auth::REVOCATION_DAYS),
        ];
        for phrase in phrases {
            assert!(
                html.contains(&phrase),
                "the {lang} privacy notice does not say “{phrase}”"
            );
        }
    }
}
