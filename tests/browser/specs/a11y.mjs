// axe-core (WCAG 2.0/2.1, A and AA) on every HTML page of the built site in both languages:
// the sitemap plus every other index.html in site/public (portal pages are noindex), so pages
// added later are picked up without a change here. Portal pages are opened signed in (as the
// owner Anna, so every section is filled), the rest signed out. Every page at desktop width; at
// phone width the portal, login and 404 pages, the start and section pages and one article per
// section (the layouts there differ; the articles share one template).
import fs from "node:fs";
import path from "node:path";
import { SITE, TIMEOUT, flow, check, assert, assertEqual, newContext, screenshot, signInViaApi, axeViolations, settled } from "../lib/harness.mjs";
import { discoverPages, sitemap } from "../lib/pages.mjs";

const VIEWPORTS = [
  { name: "desktop", size: { width: 1280, height: 900 } },
  { name: "phone", size: { width: 390, height: 844 } },
];

/** Portal pages: wait for what the page fills in after load (lists, forms, team). */
async function portalReady(page) {
  await settled(page);
  const root = await page.evaluate(() => document.querySelector("[data-login-url]")?.id);
  if (root === "documents") await page.locator("#doc-rows tr").first().waitFor({ state: "attached" });
  if (root === "company-page") {
    await page.locator("#billing-form").waitFor();
    await page.locator("#team-manage").waitFor();
    await page.locator("#payment-form").waitFor();
  }
  if (root === "portal") {
    await page.locator("#company").waitFor();
    await page.locator("#invoices-list > li").first().waitFor({ state: "attached" });
    await page.locator("#activity-list > li").first().waitFor({ state: "attached" });
    await page.locator("#stats-rows tr").first().waitFor({ state: "attached" });
  }
  if (root === "requests") await page.locator("#requests-view").waitFor();
  if (root === "notifications") await page.locator("#notes-view").waitFor();
  if (root === "contracts") await page.locator("#contract-list > li").first().waitFor({ state: "attached" });
  await settled(page);
}

/** Opens a page; when someone rebuilds site/public meanwhile (make site), waits for the file. */
async function open(page, entry) {
  let response = await page.goto(entry.path);
  if (response.status() === 404 && entry.kind !== "404") {
    const file = path.join(SITE, entry.file);
    const deadline = Date.now() + TIMEOUT;
    while (!fs.existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250)); // polling interval
    assert(fs.existsSync(file), `site/public/${entry.file} vanished during the run (site rebuilt without it?)`);
    response = await page.goto(entry.path);
  }
  assertEqual(response.status(), entry.kind === "404" ? 404 : 200, `status of ${entry.path}`);
}

/** The pages checked at phone width too (see the top of this file). */
function phonePages(pages) {
  const segments = (p) => p.path.split("/").filter(Boolean).filter((s, i) => !(i === 0 && s === "en"));
  const firstArticle = new Map();
  for (const p of pages) {
    const parts = segments(p);
    if (p.kind !== "static" || parts.length < 2) continue;
    const key = `${p.lang}/${parts[0]}`;
    if (!firstArticle.has(key)) firstArticle.set(key, p.path);
  }
  const chosen = new Set(firstArticle.values());
  return pages.filter((p) => p.kind !== "static" || segments(p).length <= 1 || chosen.has(p.path));
}

export default async function accessibility(browser) {
  const pages = discoverPages();
  const inSitemap = new Set(sitemap().paths);
  const counts = ["de", "en"].map((lang) => `${pages.filter((p) => p.lang === lang).length} ${lang}`).join(", ");
  await check(`pages found: ${pages.length} (${counts})`, () => {
    assert(pages.some((p) => p.kind === "portal" && p.lang === "de") && pages.some((p) => p.kind === "portal" && p.lang === "en"), "no portal pages found");
    assert(pages.some((p) => p.kind === "login"), "no login page found");
    return `${pages.map((p) => `${p.path}${inSitemap.has(p.path) ? "" : "*"}`).join(" ")}  (* = not in the sitemap)`;
  });

  await check("axe finds what it should (self-test on a spoiled copy of the start page)", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto("/");
    await page.evaluate(() => {
      const main = document.querySelector("main");
      const img = document.createElement("img");
      img.src = "/favicon.png";
      const input = document.createElement("input");
      input.type = "text";
      const faint = document.createElement("p");
      faint.textContent = "kaum lesbar";
      faint.style.cssText = "color:#ccc;background:#fff";
      main.append(img, input, faint);
    });
    const found = (await axeViolations(page)).join("\n");
    await context.close();
    for (const rule of ["image-alt", "label", "color-contrast"]) assert(found.includes(` · ${rule} (`), `axe did not report ${rule}:\n${found}`);
  });

  // One sign-in for both widths: the specs before already asked for several of Anna's login
  // mails, and the stack allows 5 per address in 15 minutes.
  let session;
  for (const viewport of VIEWPORTS) {
    const list = viewport.name === "phone" ? phonePages(pages) : pages;
    const anonymous = await newContext(browser, { viewport: viewport.size });
    const signedIn = await newContext(browser, { viewport: viewport.size, storageState: session });
    const guest = await anonymous.newPage();
    const owner = await signedIn.newPage();
    const ok = session
      ? true
      : await flow(`a11y ${viewport.name}`)("sign in as Anna for the portal pages", async () => {
          await signInViaApi(owner, "anna.schmidt@example.com");
          session = await signedIn.storageState();
        });
    for (const entry of list) {
      const page = entry.kind === "portal" ? owner : guest;
      if (entry.kind === "portal" && !ok) continue;
      const label = `${entry.path} [${entry.lang}${entry.kind === "static" ? "" : `, ${entry.kind}`}] ${viewport.name}`;
      await check(`axe · ${label}`, async () => {
        await open(page, entry);
        if (entry.kind === "portal") {
          await portalReady(page);
          assertEqual(new URL(page.url()).pathname, entry.path, "stays on the page (signed in)");
        } else {
          await settled(page, { quiet: false });
        }
        const lang = await page.evaluate(() => document.documentElement.lang);
        assertEqual(lang, entry.lang, "html lang");
        const slug = entry.path.replace(/^\/|\/$/g, "").replace(/[^a-zA-Z0-9]+/g, "-") || "start";
        await screenshot(page, `page-${slug}-${viewport.name}`);
        const lines = await axeViolations(page);
        assert(lines.length === 0, `${lines.length} violation(s):\n${lines.join("\n")}`);
      });
    }
    await anonymous.close();
    await signedIn.close();
  }
}
