//! Where to go after login: only a path on this site, never another origin.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextPath(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a same-site path")]
pub struct UnsafeNext;

impl NextPath {
    /// A single leading `/`, printable ASCII, no backslash, no `@`, no encoded slash or
    /// backslash, no second leading slash: `//evil`, `/\evil`, `/@evil`, `javascript:` all fail.
    pub fn parse(raw: &str) -> Result<Self, UnsafeNext> {
        let lower = raw.to_ascii_lowercase();
        let ok = raw.len() <= 512
            && raw.starts_with('/')
            && !raw.starts_with("//")
            && raw.chars().all(|c| c.is_ascii_graphic())
            && !raw.contains(['\\', '@'])
            && !lower.contains("%2f")
            && !lower.contains("%5c")
            && !lower.contains("%40")
            && !lower.contains("%09")
            && !lower.contains("%0a")
            && !lower.contains("%0d");
        if ok {
            Ok(NextPath(raw.to_string()))
        } else {
            Err(UnsafeNext)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_paths_are_accepted() {
        for raw in [
            "/",
            "/portal/",
            "/en/portal/?tab=documents#top",
            "/portal/rechnungen/",
        ] {
            assert!(NextPath::parse(raw).is_ok(), "{raw}");
        }
    }

    #[test]
    fn open_redirects_are_rejected() {
        for raw in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "@evil.example",
            "/@evil.example",
            "evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "/ /evil",
            "/\tevil",
            "",
        ] {
            assert!(NextPath::parse(raw).is_err(), "accepted {raw:?}");
        }
        assert!(NextPath::parse(&format!("/{}", "a".repeat(600))).is_err());
    }
}
