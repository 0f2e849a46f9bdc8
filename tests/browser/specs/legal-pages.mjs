// The imprint and the privacy notice (issue #18): every kind of page links both from its footer,
// in its language, and the links lead to pages that answer 200, show the operator's details
// from operator.toml (make site writes them to site/data/operator.json; here the demo values)
// and are axe clean. The help centre's contact box and the header's logo come from the same file.
import fs from "node:fs";
import path from "node:path";
import { ROOT, BASE, check, flow, assert, assertEqual, newContext, screenshot, axeCheck, settled } from "../lib/harness.mjs";

const LEGAL = {
  de: { imprint: ["/impressum/", "Impressum"], privacy: ["/datenschutz/", "Datenschutz"] },
  en: { imprint: ["/en/imprint/", "Imprint"], privacy: ["/en/privacy/", "Privacy"] },
};

// One page of each kind per language: help centre start, an article, login, a portal page and
// the 404 page (which is German, with an English paragraph, for every missing address).
const SAMPLES = [
  { lang: "de", path: "/hilfe/", status: 200 },
  { lang: "de", path: "/hilfe/technik/cookies/", status: 200 },
  { lang: "de", path: "/anmelden/", status: 200 },
  { lang: "de", path: "/portal/", status: 200 },
  { lang: "de", path: "/gibt-es-nicht-legal-test/", status: 404 },
  { lang: "en", path: "/en/help/", status: 200 },
  { lang: "en", path: "/en/help/technical/cookies/", status: 200 },
  { lang: "en", path: "/en/login/", status: 200 },
  { lang: "en", path: "/en/portal/", status: 200 },
];

const operator = () => JSON.parse(fs.readFileSync(path.join(ROOT, "site/data/operator.json"), "utf8"));

/** The footer's legal links as the page has them: [{href, name}]. */
const footerLinks = (page) =>
  page.locator("footer nav a").evaluateAll((links) => links.map((a) => ({ href: a.getAttribute("href"), name: a.textContent.trim() })));

export default async function legalPages(browser) {
  const details = operator();

  // Scripts off: a portal page without a session would otherwise move on to the login page
  // before its footer is read. The footer is the same markup either way.
  const plain = await browser.newContext({ baseURL: BASE, javaScriptEnabled: false });
  for (const sample of SAMPLES) {
    await check(`${sample.path} [${sample.lang}] links imprint and privacy notice in its footer`, async () => {
      const page = await plain.newPage();
      const response = await page.goto(sample.path);
      assertEqual(response.status(), sample.status, `status of ${sample.path}`);
      const lang = sample.status === 404 ? "de" : sample.lang;
      const expected = [LEGAL[lang].imprint, LEGAL[lang].privacy].map(([href, name]) => ({ href, name }));
      assertEqual(JSON.stringify(await footerLinks(page)), JSON.stringify(expected), "footer links");
      for (const { href } of expected) {
        const target = await page.request.get(href);
        assertEqual(target.status(), 200, `status of ${href} (linked from ${sample.path})`);
      }
      await page.close();
    });
  }
  await plain.close();

  for (const lang of ["de", "en"]) {
    const context = await newContext(browser, { lang });
    const page = await context.newPage();
    const steps = flow(`Imprint and privacy notice (${lang})`, page);
    const [imprintPath, imprintName] = LEGAL[lang].imprint;
    const [privacyPath, privacyName] = LEGAL[lang].privacy;

    await steps("The footer's imprint link opens the imprint with the operator's details", async () => {
      await page.goto(lang === "de" ? "/hilfe/" : "/en/help/");
      await page.locator("footer").getByRole("link", { name: imprintName, exact: true }).click();
      await page.waitForURL(`${BASE}${imprintPath}`);
      await settled(page, { quiet: false });
      assertEqual(await page.evaluate(() => document.documentElement.lang), lang, "html lang");
      const main = await page.locator("main").innerText();
      const company = details.company;
      for (const value of [company.legal_name, company.street, company.city, company.country[lang], company.register_court, company.register_number, company.vat_id, company.email, ...company.managing_directors]) {
        assert(main.includes(value), `the imprint shows “${value}”`);
      }
      assertEqual(await page.locator(`footer a[href="${imprintPath}"]`).getAttribute("aria-current"), "page", "footer marks the imprint as current");
      if (details.demo) assert((await page.locator("main .notice").count()) === 1, "demo values are marked as such");
      await screenshot(page, `legal-imprint-${lang}`);
      await axeCheck(page, `${imprintPath} (imprint)`);
    });

    await steps("The privacy notice names the controller, the cookies and where the data is", async () => {
      await page.locator("footer").getByRole("link", { name: privacyName, exact: true }).click();
      await page.waitForURL(`${BASE}${privacyPath}`);
      await settled(page, { quiet: false });
      assertEqual(await page.evaluate(() => document.documentElement.lang), lang, "html lang");
      const main = await page.locator("main").innerText();
      for (const value of [details.company.legal_name, details.privacy.contact_email, details.facts.aws_region, "__Host-portal_session", "TDDDG"]) {
        assert(main.includes(value), `the privacy notice shows “${value}”`);
      }
      const days = `${details.facts.log_retention_days} ${lang === "de" ? "Tage" : "days"}`;
      assert(main.includes(days), `the privacy notice states the log retention (“${days}”)`);
      await screenshot(page, `legal-privacy-${lang}`);
      await axeCheck(page, `${privacyPath} (privacy notice)`);
    });

    await steps("Header logo and the help centre's contact box come from operator.toml", async () => {
      await page.goto(lang === "de" ? "/hilfe/technik/cookies/" : "/en/help/technical/cookies/");
      await settled(page, { quiet: false });
      const logo = page.locator("header .brand-logo");
      assertEqual(await logo.getAttribute("alt"), details.company.legal_name, "logo's text alternative");
      assert(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), "the logo loads");
      const box = page.locator(".help-contact");
      assertEqual(await box.locator(`a[href="mailto:${details.support.email}"]`).count(), 1, "support email link");
      assertEqual(await box.locator(`a[href="tel:${details.support.phone_link}"]`).count(), 1, "support phone link");
      assert((await box.innerText()).includes(details.support.hours[lang]), "support hours");
    });
    await context.close();
  }
}
