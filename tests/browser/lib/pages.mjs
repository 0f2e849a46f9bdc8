// What the built site consists of: every HTML page in site/public (both languages, help centre,
// guides, portal pages, whatever is added later) plus the sitemap, and the static scan for
// resources from other origins.
import fs from "node:fs";
import path from "node:path";
import { SITE } from "./harness.mjs";

/** All files below `dir` whose name passes `keep`, as paths relative to `dir` with "/". */
export function walk(dir, keep) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, keep).map((p) => `${entry.name}/${p}`));
    else if (keep(entry.name)) out.push(entry.name);
  }
  return out.sort();
}

/** The <loc> paths of site/public/sitemap.xml and the origin they are written with. */
export function sitemap() {
  const file = path.join(SITE, "sitemap.xml");
  if (!fs.existsSync(file)) return { origin: null, paths: [] };
  const xml = fs.readFileSync(file, "utf8");
  const locs = [...xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
  const urls = locs.map((loc) => new URL(loc));
  return { origin: urls[0]?.origin ?? null, paths: urls.map((u) => u.pathname) };
}

/**
 * Every page: {path, file, lang, kind} with kind "portal" (needs a session: the page has the
 * data-login-url hook of the portal scripts), "login", "confirm", "404" or "static".
 * Zola's alias redirect stubs (meta refresh) are not pages and left out.
 */
export function discoverPages() {
  const pages = [];
  for (const rel of walk(SITE, (name) => name.endsWith(".html"))) {
    const html = fs.readFileSync(path.join(SITE, rel), "utf8");
    if (/<meta\s+http-equiv=["']?refresh/i.test(html)) continue;
    let urlPath;
    if (rel === "404.html") urlPath = "/404-browser-test-missing-page/";
    else if (rel.endsWith("/index.html") || rel === "index.html") urlPath = `/${rel.slice(0, -"index.html".length)}`;
    else urlPath = `/${rel}`;
    const lang = (html.match(/<html[^>]*\slang=["']?([a-zA-Z-]+)/) || [])[1] || "?";
    let kind = "static";
    if (rel === "404.html") kind = "404";
    else if (/\sid=["']login["']/.test(html)) kind = "login";
    else if (/\sid=["']confirm["']/.test(html)) kind = "confirm";
    else if (/\sdata-login-url=/.test(html)) kind = "portal";
    pages.push({ path: urlPath, file: rel, lang, kind });
  }
  return pages;
}

// ---- Static scan for third-party resources ---------------------------------------------------

const REMOTE = /^\s*(?:https?:)?\/\/|^\s*wss?:\/\//i;

/** Attributes that make the browser load (or send to) the URL in them, per tag ("*" = any). */
const LOADING_ATTRS = ["src", "srcset", "data", "poster", "action", "formaction", "background", "manifest", "ping", "imagesrcset"];

function attributes(tagText) {
  const attrs = {};
  for (const m of tagText.matchAll(/([:\w-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    attrs[m[1].toLowerCase()] = m[3] ?? m[4] ?? m[5] ?? "";
  }
  return attrs;
}

// Each finding: {url, what}. A URL on the site's own origin (base_url) is not third-party.
function cssFindings(css) {
  const found = [];
  for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) if (REMOTE.test(m[2])) found.push({ url: m[2], what: `url(${m[2]})` });
  for (const m of css.matchAll(/@import\s+(?:url\()?\s*['"]?([^'");\s]+)/gi)) if (REMOTE.test(m[1])) found.push({ url: m[1], what: `@import ${m[1]}` });
  return found;
}

function jsFindings(js) {
  const found = [];
  const url = "((?:https?:|wss?:)?//[^`'\"\\s]+)";
  const patterns = [
    `\\bfetch\\(\\s*[\`'"]${url}`,
    `\\.(?:src|action)\\s*=\\s*[\`'"]${url}`,
    `\\bimport\\s*\\(\\s*[\`'"]${url}`,
    `\\bfrom\\s*[\`'"]${url}`,
    `\\bimportScripts\\(\\s*[\`'"]${url}`,
    `\\bnew\\s+(?:Worker|SharedWorker|WebSocket|EventSource)\\(\\s*[\`'"]${url}`,
    `\\bsendBeacon\\(\\s*[\`'"]${url}`,
    `\\.open\\(\\s*[\`'"][A-Z]+[\`'"]\\s*,\\s*[\`'"]${url}`,
    `@import\\s+(?:url\\()?\\s*[\`'"]${url}`,
  ].map((source) => new RegExp(source, "g"));
  for (const re of patterns) for (const m of js.matchAll(re)) found.push({ url: m[1], what: m[0].slice(0, 120) });
  return found;
}

/**
 * Resource loads from other origins in one file's text ("html", "css" or "js"). URLs on
 * `ownOrigin` (the site's base_url, e.g. <link rel=canonical>) are allowed; so is <a href>
 * to anywhere (a plain link loads nothing).
 */
export function thirdPartyFindings(kind, text, ownOrigin) {
  const own = (url) => ownOrigin && (url === ownOrigin || url.startsWith(`${ownOrigin}/`));
  return findings(kind, text).filter((f) => !own(f.url.trim())).map((f) => f.what);
}

function findings(kind, text) {
  if (kind === "css") return cssFindings(text);
  if (kind === "js") return jsFindings(text);
  const found = [];
  const scripts = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]);
  const styles = [...text.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]);
  for (const js of scripts) found.push(...jsFindings(js));
  for (const css of styles) found.push(...cssFindings(css));
  const markup = text.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/gi, "$1</script>").replace(/<!--[\s\S]*?-->/g, "");
  for (const m of markup.matchAll(/<([a-zA-Z][\w-]*)\b([^>]*)>/g)) {
    const tag = m[1].toLowerCase();
    const attrs = attributes(m[2]);
    for (const name of LOADING_ATTRS) {
      if (!(name in attrs)) continue;
      const urls = name.endsWith("srcset") ? attrs[name].split(",").map((s) => s.trim().split(/\s+/)[0]) : [attrs[name]];
      for (const url of urls) if (REMOTE.test(url)) found.push({ url, what: `<${tag} ${name}="${url}">` });
    }
    if ("href" in attrs && REMOTE.test(attrs.href) && tag !== "a" && tag !== "area") {
      found.push({ url: attrs.href, what: `<${tag}${attrs.rel ? ` rel="${attrs.rel}"` : ""} href="${attrs.href}">` });
    }
    if ("style" in attrs) found.push(...cssFindings(attrs.style));
    const refresh = tag === "meta" && /refresh/i.test(attrs["http-equiv"] || "") && (attrs.content || "").match(/url=\s*['"]?([^'"\s]+)/i);
    if (refresh && REMOTE.test(refresh[1])) found.push({ url: refresh[1], what: `<meta http-equiv=refresh content="${attrs.content}">` });
  }
  return found;
}
