// End-to-end: activating portal access without an invitation (/anmelden/freischalten/ and
// /en/login/activate/, POST /api/auth/activate). Both demo companies already have logins
// (tools/portal-admin/src/demo.rs), so a new address activated for Nordlicht Studio AG
// (customer number 10002) becomes a viewer once the login mail is redeemed, and only then is the
// owner Ben told by mail (an activation changes nothing before that). The demo invoice
// numbers carry the current year, so the invoice (number and gross total) is looked up through
// the documents API as Claire, Nordlicht's viewer, instead of being written down here.
import {
  BASE, flow, assert, assertEqual, newContext, screenshot, waitForMail, mailTo, mails, loginCode, signInViaApi,
  pageFetch, axeCheck,
} from "../lib/harness.mjs";

const CUSTOMER_NUMBER = "10002"; // Nordlicht Studio AG in demo.rs
const COMPANY = "Nordlicht Studio AG";
const OWNER = "ben.keller@example.com"; // Nordlicht's owner in demo.rs
const CLAIRE = "claire.martin@example.org";
const NEW_DE = "neu.einkauf@example.net";
const NEW_EN = "new.purchasing@example.net";

const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
const text = async (page, selector) => (await page.locator(selector).innerText()).trim();

/** "1234.56" (the API's amount) as printed on a German invoice: "1.234,56". */
const germanAmount = (amount) => {
  const [whole, cents] = amount.split(".");
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ".")},${cents}`;
};

/** The newest invoice of Nordlicht Studio AG: {number, gross}, read as its viewer Claire. */
async function nordlichtInvoice(browser) {
  const context = await newContext(browser, { lang: "en" });
  try {
    const page = await context.newPage();
    await signInViaApi(page, CLAIRE, { loginPath: "/en/login/" });
    const session = await pageFetch(page, "GET", "/api/auth/session");
    assertEqual(session.body?.customer?.id, CUSTOMER_NUMBER, "Claire's company");
    const list = await pageFetch(page, "GET", "/api/documents?kind=invoice&limit=1");
    assertEqual(list.status, 200, "documents of Nordlicht");
    const invoice = list.body.documents[0];
    assert(invoice && invoice.kind === "invoice" && /^\d+\.\d{2}$/.test(invoice.gross), `an invoice with a gross total: ${JSON.stringify(invoice)}`);
    return { number: invoice.number, gross: invoice.gross };
  } finally {
    await context.close();
  }
}

/** The input `#id` shows `message` next to it: marked invalid and described by message and hint. */
async function assertFieldError(page, id, message) {
  await visible(page, `#${id}-error`);
  assert((await text(page, `#${id}-error`)).includes(message), `message at #${id}: ${await text(page, `#${id}-error`)}`);
  const input = page.locator(`#${id}`);
  assertEqual(await input.getAttribute("aria-invalid"), "true", `#${id} aria-invalid`);
  const described = (await input.getAttribute("aria-describedby")).split(/\s+/);
  assert(described.includes(`${id}-error`) && described.includes(`${id}-hint`), `#${id} aria-describedby: ${described.join(" ")}`);
}

async function fill(page, labels, values) {
  for (const [label, value] of labels.map((l, i) => [l, values[i]])) await page.getByLabel(label, { exact: true }).fill(value);
}

export default async function e2eActivation(browser) {
  // ---- German: a new address for Nordlicht, signed in with the code ---------------------------
  const context = await newContext(browser);
  const page = await context.newPage();
  const step = flow("DE Zugang freischalten (neue Adresse bei Nordlicht)", page);
  const labels = ["E-Mail-Adresse", "Kundennummer", "Rechnungsnummer", "Rechnungsbetrag (brutto)"];
  let invoice = null;

  await step("Echte Rechnung aus den Demodaten (Nummer und Bruttobetrag)", async () => {
    invoice = await nordlichtInvoice(browser);
    return `${invoice.number}, ${germanAmount(invoice.gross)} €`;
  });

  await step("Anmeldeseite verlinkt die Freischaltung", async () => {
    await page.goto("/anmelden/");
    await page.getByRole("link", { name: "Noch keinen Zugang? Mit Kunden- und Rechnungsnummer freischalten" }).click();
    await page.waitForURL(`${BASE}/anmelden/freischalten/`);
    await visible(page, "#activate-form");
    assertEqual(await page.locator("#gross-amount").getAttribute("inputmode"), "decimal", "amount keyboard");
    assertEqual(await page.locator("#email").getAttribute("autocomplete"), "email", "email autocomplete");
    assert((await text(page, "#customer-number-hint")).includes("oben auf jeder Rechnung"), "where the customer number is");
  });

  await step("Ungültiger Betrag: deutsche Meldung am Feld, Fokus dort", async () => {
    await fill(page, labels, [NEW_DE, CUSTOMER_NUMBER, invoice.number, "zwölf Euro"]);
    await page.getByRole("button", { name: "Zugang freischalten" }).click();
    await assertFieldError(page, "gross-amount", "Bitte geben Sie den Rechnungsbetrag (brutto) ein");
    assert((await text(page, "#activate-error")).includes("Bitte prüfen Sie die markierten Angaben"), "summary above the button");
    for (const id of ["email", "customer-number", "invoice-number"]) {
      assertEqual(await page.locator(`#${id}`).getAttribute("aria-invalid"), null, `#${id} not marked`);
    }
    assertEqual(await page.evaluate(() => document.activeElement?.id), "gross-amount", "focus on the amount");
    await screenshot(page, "de-activate-invalid-amount");
    await axeCheck(page, "/anmelden/freischalten/ (Feldfehler)");
  });

  await step("Bei 320 px: nichts ragt heraus", async () => {
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page wider than 320 px by ${overflow} px`);
    await screenshot(page, "de-activate-320");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step("Richtige Angaben: 202, neutrale Meldung, Code-Schritt", async () => {
    await page.getByLabel("Rechnungsbetrag (brutto)").fill(germanAmount(invoice.gross));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${BASE}/api/auth/activate` && r.request().method() === "POST"),
      page.getByRole("button", { name: "Zugang freischalten" }).click(),
    ]);
    assertEqual(response.status(), 202, "status");
    const body = await response.json();
    assertEqual(body.expires_in, 900, "expires_in");
    await visible(page, "#code-step");
    assert(await page.locator("#activate-form").isHidden(), "the form makes way for the code step");
    const sent = await text(page, "#sent-message");
    assert(sent.includes(body.message), `the server's message is shown: ${sent}`);
    assert(sent.startsWith("Wenn die Angaben zu einer unserer Rechnungen passen"), `German, neutral: ${sent}`);
    assertEqual(await page.locator(".field-error").count(), 0, "field errors gone");
    assertEqual(await page.evaluate(() => document.activeElement?.id), "sent-message", "focus on the message");
    await screenshot(page, "de-activate-sent");
    await axeCheck(page, "/anmelden/freischalten/ (Code-Schritt)");
  });

  await step("Code aus der E-Mail: Portal zeigt die Firma, Rolle Nur lesen", async () => {
    const mail = await waitForMail(mailTo(NEW_DE), `to ${NEW_DE}`);
    assert(mail.subject.includes("Anmeldelink"), `German login mail: ${mail.subject}`);
    const early = (await mails()).filter((m) => mailTo(OWNER)(m) && m.body.includes(NEW_DE));
    assertEqual(early.length, 0, "mails to the owner before the login mail is redeemed");
    await page.locator("#code").fill(loginCode(mail));
    await page.locator("#code-form").getByRole("button", { name: "Anmelden" }).click();
    await page.waitForURL(`${BASE}/portal/`);
    await visible(page, "#company");
    assertEqual(await text(page, "#user-email"), NEW_DE, "signed-in address");
    assertEqual(await text(page, "#company-name"), COMPANY, "company");
    assertEqual(await text(page, "#company-role"), "Nur lesen", "role");
    await screenshot(page, "de-activate-portal");
  });

  await step("Inhaber Ben erfährt es per E-Mail (erst nach der Anmeldung)", async () => {
    const mail = await waitForMail((m) => mailTo(OWNER)(m) && m.body.includes(NEW_DE), `to ${OWNER} about ${NEW_DE}`);
    assert(mail.subject.includes(COMPANY), `subject names the company: ${mail.subject}`);
  });
  await context.close();

  // ---- English: field error in English, and a wrong amount gets the same answer, no mail -------
  const en = await newContext(browser, { lang: "en" });
  const enPage = await en.newPage();
  const enStep = flow("EN activation (errors and the neutral answer)", enPage);
  const enLabels = ["Email address", "Customer number", "Invoice number", "Invoice total (gross)"];

  await enStep("The sign-in page links the activation", async () => {
    await enPage.goto("/en/login/");
    await enPage.getByRole("link", { name: "No access yet? Activate it with your customer and invoice number" }).click();
    await enPage.waitForURL(`${BASE}/en/login/activate/`);
    await visible(enPage, "#activate-form");
  });

  await enStep("Invalid amount: English message at the field", async () => {
    await fill(enPage, enLabels, [NEW_EN, CUSTOMER_NUMBER, invoice?.number ?? "R-1", "1.234.56,7"]);
    await enPage.getByRole("button", { name: "Activate access" }).click();
    await assertFieldError(enPage, "gross-amount", "Please enter the invoice total (gross)");
    assert((await text(enPage, "#activate-error")).includes("Please check the marked fields"), "summary in English");
    await screenshot(enPage, "en-activate-invalid-amount");
  });

  await enStep("A wrong amount gets the same neutral answer and no mail", async () => {
    const known = new Set((await mails()).map((m) => m.id));
    await enPage.getByLabel("Invoice total (gross)").fill("1.00");
    const [response] = await Promise.all([
      enPage.waitForResponse((r) => r.url() === `${BASE}/api/auth/activate`),
      enPage.getByRole("button", { name: "Activate access" }).click(),
    ]);
    assertEqual(response.status(), 202, "status");
    await visible(enPage, "#code-step");
    assert((await text(enPage, "#sent-message")).startsWith("If the details match one of our invoices"), "English, neutral");
    assert(await enPage.locator("#gross-amount").isHidden(), "the form makes way for the code step");
    // The mail of a match is sent before the answer, so the mailbox already holds it if there is one.
    const fresh = (await mails()).filter((m) => !known.has(m.id));
    assertEqual(fresh.filter(mailTo(NEW_EN)).length, 0, "mails to the address");
    assertEqual(fresh.filter(mailTo(OWNER)).length, 0, "mails to the owner");
    await enPage.getByRole("button", { name: "Change the details" }).click();
    await visible(enPage, "#activate-form");
    assertEqual(await enPage.evaluate(() => document.activeElement?.id), "email", "back in the form, focus on the address");
    assertEqual(await enPage.locator("#customer-number").inputValue(), CUSTOMER_NUMBER, "the details are kept");
  });
  await en.close();
}
