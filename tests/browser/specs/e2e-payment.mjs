// End-to-end: the company page's payment method (SEPA direct debit). German, Anna (owner): no
// bank account yet and the payment provider's link (new window, said so); an invalid IBAN gets the
// server's message at the field; a valid one with the mandate shows only the masked IBAN and who
// gave the mandate when, and the full IBAN is nowhere on the page (not after a reload, not in the
// activity log); a change made meanwhile gives the conflict box (412) like billing data. English:
// the section's labels and texts. Claire (viewer) gets no section and never asks for it.
import { flow, assert, assertEqual, newContext, screenshot, signInViaApi, pageFetch, axeCheck, settled } from "../lib/harness.mjs";

const ANNA = "anna.schmidt@example.com";
const CLAIRE = "claire.martin@example.org";
const IBAN = "DE89 3704 0044 0532 0130 00";
const MASKED = "DE89 **** **** **** **30 00";
const PROVIDER = "https://pay.example.com/konto";

const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
const hidden = (page, selector) => page.locator(selector).waitFor({ state: "hidden" });
const text = async (page, selector) => (await page.locator(selector).innerText()).trim();
const save = (page, name) => page.locator("#payment-form").getByRole("button", { name }).click();

/** Neither the page's markup and text nor any input holds the IBAN's middle digits. */
async function assertNoFullIban(page, where) {
  const found = await page.evaluate(
    (digits) =>
      document.documentElement.outerHTML.includes(digits) ||
      document.body.innerText.replace(/\s+/g, "").includes(digits.replace(/\s+/g, "")) ||
      [...document.querySelectorAll("input")].some((input) => input.value.includes(digits)),
    "3704 0044",
  );
  assert(!found, `the full IBAN is on the page (${where})`);
}

export default async function e2ePayment(browser) {
  await german(browser);
  await viewer(browser);
}

async function german(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const step = flow("DE Zahlungsweise (Anna)", page);

  await step("Abschnitt „Zahlungsweise“: keine Bankverbindung, Link zum Zahlungsanbieter", async () => {
    await signInViaApi(page, ANNA);
    await page.goto("/portal/unternehmen/");
    await visible(page, "#payment-form");
    await settled(page);
    assertEqual(await page.getByRole("heading", { name: "Zahlungsweise", level: 2 }).count(), 1, "section heading");
    assert(await page.locator("#toc-payment").getByRole("link", { name: "Zahlungsweise" }).isVisible(), "entry in the contents");
    assertEqual(await text(page, "#payment-none"), "Keine Bankverbindung hinterlegt.", "nothing stored yet");
    const link = page.getByRole("link", { name: "Kreditkarte oder PayPal beim Zahlungsanbieter verwalten" });
    assertEqual(await link.getAttribute("href"), PROVIDER, "provider link");
    assertEqual(await link.getAttribute("target"), "_blank", "opens a new window");
    assertEqual(await link.getAttribute("rel"), "noopener noreferrer", "rel");
    const hint = await link.getAttribute("aria-describedby");
    assertEqual(await text(page, `#${hint}`), "Öffnet in einem neuen Fenster.", "the new window is announced");
    const iban = page.getByLabel("IBAN", { exact: true });
    assertEqual(await iban.getAttribute("autocomplete"), "off", "IBAN autocomplete");
    assertEqual(await iban.getAttribute("inputmode"), "text", "IBAN inputmode");
    assertEqual(await page.locator("#p-mandate").getAttribute("required"), "", "the mandate is required");
    const mandate = await text(page, "#p-mandate-text");
    for (const words of ["ermächtigen den Betreiber dieses Portals", "weisen wir unser Kreditinstitut an", "acht Wochen", "Belastungsdatum", "Bedingungen"]) {
      assert(mandate.includes(words), `mandate text names “${words}”`);
    }
    await screenshot(page, "de-payment-empty");
  });

  await step("Ungültige IBAN → Meldung des Servers am Feld", async () => {
    await page.getByLabel("Kontoinhaber/in", { exact: true }).fill("Beispiel Maschinenbau GmbH");
    await page.getByLabel("IBAN", { exact: true }).fill("DE00 1234 5678 9012 3456 78");
    await page.getByLabel("Ich erteile dieses SEPA-Lastschriftmandat für das oben angegebene Konto.").check();
    await save(page, "Bankverbindung speichern");
    await visible(page, "#p-iban-error");
    assert((await text(page, "#p-iban-error")).includes("IBAN"), `message: ${await text(page, "#p-iban-error")}`);
    const iban = page.locator("#p-iban");
    assertEqual(await iban.getAttribute("aria-invalid"), "true", "IBAN marked invalid");
    assert((await iban.getAttribute("aria-describedby")).includes("p-iban-error"), "message linked to the field");
    assert(await iban.evaluate((el) => el === document.activeElement), "focus on the IBAN");
    await visible(page, "#payment-error");
    assertEqual(await page.locator("#p-holder-error").count(), 0, "no message at the holder");
    assertEqual(await text(page, "#payment-none"), "Keine Bankverbindung hinterlegt.", "still nothing stored");
    await screenshot(page, "de-payment-invalid-iban");
    await axeCheck(page, "/portal/unternehmen/ (Zahlungsweise, ungültige IBAN)");
  });

  await step("Gültige IBAN mit Mandat → nur maskiert angezeigt, nie vollständig", async () => {
    await page.getByLabel("IBAN", { exact: true }).fill(IBAN);
    await save(page, "Bankverbindung speichern");
    await page.locator("#payment-saved", { hasText: "Gespeichert." }).waitFor();
    await visible(page, "#payment-account");
    assertEqual(await text(page, "#payment-iban"), MASKED, "masked IBAN");
    assertEqual(await text(page, "#payment-holder"), "Beispiel Maschinenbau GmbH", "holder");
    assertEqual(await text(page, "#payment-bic"), "–", "no BIC");
    const given = await text(page, "#payment-mandate");
    assert(given.startsWith("Mandat erteilt am ") && given.endsWith(`von ${ANNA}`), `mandate line: ${given}`);
    assert(await page.locator("#payment-none").isHidden(), "no “nothing stored” note");
    assertEqual(await page.locator("#p-iban-error").count(), 0, "field message gone");
    assertEqual(await page.locator("#p-iban").inputValue(), "", "IBAN input emptied");
    assert(!(await page.locator("#p-mandate").isChecked()), "mandate box reset for the next change");
    assert((await text(page, "#payment-view")).includes("nie wieder an"), "says the full IBAN is never shown again");
    await assertNoFullIban(page, "after saving");
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page wider than 320 px by ${overflow} px`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    await visible(page, "#payment-account");
    await settled(page);
    assertEqual(await text(page, "#payment-iban"), MASKED, "masked IBAN after a reload");
    const activity = page.locator("#activity-list > li", { hasText: "Bankverbindung für Lastschrift hinterlegt" });
    await activity.first().waitFor();
    assert((await activity.first().innerText()).includes(MASKED), "the activity log names the masked IBAN");
    await assertNoFullIban(page, "after a reload");
    await screenshot(page, "de-payment-saved");
    await axeCheck(page, "/portal/unternehmen/ (Zahlungsweise gespeichert)");
  });

  await step("Konflikt 412: inzwischen geändert → aktueller Stand, dann meine Eingaben", async () => {
    const current = await pageFetch(page, "GET", "/api/account/payment");
    assertEqual(current.status, 200, "GET /api/account/payment");
    const put = await pageFetch(page, "PUT", "/api/account/payment", {
      body: { holder: "Beispiel Maschinenbau GmbH Finanzen", iban: "GB82 WEST 1234 5698 7654 32", bic: null, mandate: true },
      headers: { "If-Match": current.etag },
    });
    assertEqual(put.status, 200, "changed meanwhile");
    await page.getByLabel("IBAN", { exact: true }).fill(IBAN);
    await page.locator("#p-mandate").check();
    await save(page, "Bankverbindung speichern");
    await visible(page, "#payment-conflict");
    assert((await text(page, "#payment-conflict")).includes("Jemand anderes hat diese Daten inzwischen geändert"), "conflict text");
    const shown = await text(page, "#payment-current");
    assert(shown.includes("GB82 ****") && shown.includes("Finanzen"), `conflict box shows the current account: ${shown}`);
    await axeCheck(page, "/portal/unternehmen/ (Zahlungsweise, Konflikt 412)");
    await page.locator("#payment-reapply").click();
    await page.locator("#payment-saved", { hasText: "Gespeichert." }).waitFor();
    assert(await page.locator("#payment-conflict").isHidden(), "conflict box closed");
    assertEqual(await text(page, "#payment-iban"), MASKED, "my account stored");
    const stored = await pageFetch(page, "GET", "/api/account/payment");
    assertEqual(stored.body.sepa.iban, MASKED, "stored on the server");
    assertEqual(stored.body.sepa.holder, "Beispiel Maschinenbau GmbH", "my holder");
    await assertNoFullIban(page, "after the conflict");
  });

  await step("Englisch: Beschriftungen des Abschnitts", async () => {
    await page.goto("/en/portal/company/");
    await visible(page, "#payment-account");
    await settled(page);
    assertEqual(await page.getByRole("heading", { name: "Payment method", level: 2 }).count(), 1, "heading");
    assert(await page.locator("#toc-payment").getByRole("link", { name: "Payment method" }).isVisible(), "contents entry");
    assertEqual(await page.locator("#payment-account dt").allInnerTexts().then((t) => t.join(" | ")), "Account holder | IBAN | BIC", "list labels");
    assertEqual(await text(page, "#payment-iban"), MASKED, "masked IBAN");
    assert((await text(page, "#payment-mandate")).startsWith("Mandate given on "), "mandate line");
    assertEqual(await page.getByRole("heading", { name: "Bank account for direct debit", level: 3 }).count(), 1, "form heading");
    for (const label of ["Account holder", "IBAN", "BIC (optional)", "I give this SEPA direct debit mandate for the account above."]) {
      assertEqual(await page.getByLabel(label, { exact: true }).count(), 1, `field “${label}”`);
    }
    assert((await text(page, "#p-mandate-text")).includes("eight weeks"), "English mandate text");
    assertEqual(await page.locator("#payment-form legend").innerText(), "SEPA direct debit mandate", "mandate legend");
    assertEqual(await page.getByRole("link", { name: "Manage card or PayPal at our payment provider" }).getAttribute("href"), PROVIDER, "provider link");
    assertEqual(await text(page, "#payment-provider-hint"), "Opens in a new window.", "new window hint");
    assertEqual(await page.locator("#payment-form").getByRole("button", { name: "Save bank account" }).count(), 1, "submit");
    await assertNoFullIban(page, "English page");
    await screenshot(page, "en-payment");
  });
  await context.close();
}

async function viewer(browser) {
  const context = await newContext(browser, { lang: "en" });
  const page = await context.newPage();
  const asked = [];
  page.on("request", (request) => asked.push(new URL(request.url()).pathname));
  const step = flow("EN payment method hidden for a viewer (Claire)", page);
  await step("No payment section, not even requested", async () => {
    await signInViaApi(page, CLAIRE, { loginPath: "/en/login/" });
    await page.goto("/en/portal/company/");
    await visible(page, "#billing-denied");
    await settled(page);
    await hidden(page, "#payment");
    assert(await page.locator("#toc-payment").isHidden(), "no contents entry");
    assert(!asked.includes("/api/account/payment"), "the payment details are not asked for");
    assert(!asked.some((path) => path.includes("company-payment")), "the section's script is not loaded");
  });
  await context.close();
}
