//! `POST /api/help/feedback`: the help centre's "Was this helpful?" widget. Anonymous (no
//! session, no cookie), same-origin only, counted per article, rate-limited per client IP.

use crate::app::App;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use http::StatusCode;
use serde::Deserialize;

/// Where help articles live (German and English); feedback for any other path is refused, so
/// the counters cannot be filled with arbitrary keys.
const ARTICLE_PREFIXES: &[&str] = &["/hilfe/", "/anleitungen/", "/en/help/", "/en/guides/"];
const ARTICLE_MAX_LEN: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Feedback {
    article: String,
    helpful: bool,
}

/// A help-centre page path: one of the prefixes, then lowercase segments of `a-z`, `0-9` and
/// `-`, ending in `/` (the way Zola writes page URLs).
pub fn is_article_path(path: &str) -> bool {
    path.len() <= ARTICLE_MAX_LEN
        && path.ends_with('/')
        && ARTICLE_PREFIXES.iter().any(|p| path.starts_with(p))
        && path[1..path.len() - 1].split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

pub async fn feedback(app: &App, req: ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: Feedback = req.json()?;
    if !is_article_path(&body.article) {
        return Err(ApiError::invalid_field(
            "article",
            "invalid_article",
            "Zu dieser Seite können wir keine Bewertung speichern.",
            "We cannot store feedback for this page.",
        ));
    }
    app.feedback
        .count(&body.article, body.helpful, app.clock.now())
        .await?;
    Ok(ApiResponse::new(StatusCode::NO_CONTENT))
}

#[cfg(test)]
mod tests {
    use super::is_article_path;

    #[test]
    fn help_pages_are_articles() {
        for path in [
            "/hilfe/",
            "/hilfe/anmeldung/link-abgelaufen/",
            "/anleitungen/anmelden/",
            "/en/help/sign-in/link-expired/",
            "/en/guides/sign-in/",
        ] {
            assert!(is_article_path(path), "{path}");
        }
    }

    #[test]
    fn other_paths_are_not_articles() {
        let long = format!("/hilfe/{}/", "a".repeat(200));
        for path in [
            "",
            "/",
            "/portal/",
            "/hilfe",
            "/hilfe//x/",
            "/hilfe/../portal/",
            "/hilfe/Gross/",
            "/hilfe/a b/",
            "/hilfe/ä/",
            "/en/help/x?y/",
            "hilfe/x/",
            long.as_str(),
        ] {
            assert!(!is_article_path(path), "{path:?}");
        }
    }
}
