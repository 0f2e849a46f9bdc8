// End-to-end in English, short: Claire (viewer at Nordlicht) signs in via /en/login/ with the
// code, sees the documents, and the company page shows no billing form for her role.
import { BASE, flow, assert, assertEqual, newContext, screenshot, waitForMail, mailTo, loginCode, settled, axeCheck } from "../lib/harness.mjs";

const CLAIRE = "claire.martin@example.org";
const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
const text = async (page, selector) => (await page.locator(selector).innerText()).trim();

export default async function e2eEnglish(browser) {
  const context = await newContext(browser, { lang: "en" });
  const page = await context.newPage();
  const asked = []; // the API paths this page requested
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  const step = flow("EN sign-in and viewer (Claire)", page);

  await step("Sign in with the code from the email", async () => {
    await page.goto("/en/login/");
    await page.getByLabel("Email address").fill(CLAIRE);
    await page.getByRole("button", { name: "Send sign-in link" }).click();
    await visible(page, "#code-step");
    assert((await text(page, "#sent-message")).length > 0, "sent note shown");
    const mail = await waitForMail(mailTo(CLAIRE), `to ${CLAIRE}`);
    assert(/sign/i.test(mail.subject), `English mail subject: ${mail.subject}`);
    await page.locator("#code").fill(loginCode(mail));
    await page.locator("#code-form").getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${BASE}/en/portal/`);
    await visible(page, "#company");
    assertEqual(await text(page, "#user-email"), CLAIRE, "signed-in address");
    assertEqual(await text(page, "#company-name"), "Nordlicht Studio AG", "company");
    assertEqual(await text(page, "#company-role"), "Viewer", "role");
    await screenshot(page, "en-portal-claire");
  });

  await step("Overview as a viewer: open invoices and chart, no activity card", async () => {
    await settled(page);
    assert(await page.locator("#activity").isHidden(), "activity card hidden for a viewer");
    assert(asked.includes("/api/documents/statistics"), "the overview loaded its cards");
    assert(!asked.includes("/api/account/activity"), "the activity log is not even asked for");
    const invoices = page.locator("#invoices-list > li");
    assert((await invoices.count()) >= 1, "open invoices listed");
    assert((await invoices.first().locator("a", { hasText: /^PDF/ }).count()) === 1, "PDF link");
    assert(!(await invoices.first().getByRole("button").count()), "no send or pay buttons on the overview");
    assertEqual(await page.getByRole("link", { name: "All open invoices" }).getAttribute("href"), "/en/portal/documents/?kind=invoice&status=open", "link to all open invoices");
    await visible(page, "#chart");
    assertEqual(await page.locator("#stats-rows tr").count(), 12, "table alternative: a row per month");
    assert((await text(page, "#stats-total")).length > 0, "the year's total");
    assert(!(await page.getByText("More features are coming soon").count()), "no 'more features' line");
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page wider than 320 px by ${overflow} px`);
    await screenshot(page, "en-portal-overview-viewer-320");
    await page.setViewportSize({ width: 1280, height: 900 });
    await axeCheck(page, "/en/portal/ (viewer overview)");
  });

  await step("Documents: list with downloads", async () => {
    await page.getByRole("link", { name: "Documents", exact: true }).first().click();
    await page.waitForURL(`${BASE}/en/portal/documents/`);
    await visible(page, "#results");
    const count = await page.locator("#doc-rows tr").count();
    assert(count > 0, "documents listed");
    assert(/^\d+ documents/.test(await text(page, "#list-summary")), `summary: ${await text(page, "#list-summary")}`);
    assert((await page.locator("#doc-rows tr").first().locator("a", { hasText: /^PDF/ }).count()) === 1, "PDF link in the first row");
    await screenshot(page, "en-documents");
  });

  await step("Company page: viewer sees no billing form", async () => {
    await page.goto("/en/portal/company/");
    await visible(page, "#billing-denied");
    assert(await page.locator("#billing-form").isHidden(), "billing form hidden");
    await visible(page, "#team-self");
    assert((await text(page, "#team-self")).includes(CLAIRE), "who she is");
    await screenshot(page, "en-company-viewer");
  });
  await context.close();
}
