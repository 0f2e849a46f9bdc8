// End-to-end in German: sign in by link and by code, the company picker, documents (filter,
// paging, search, PDF download, forward by email, pay), billing data (validation error, 412
// conflict both ways), inviting a colleague who then signs in, signing out.
import fs from "node:fs";
import {
  BASE, MOTO, flow, assert, assertEqual, newContext, screenshot, waitForMail, mailTo, mails, loginLink, loginCode,
  pageFetch, axeCheck, settled,
} from "../lib/harness.mjs";

const ANNA = "anna.schmidt@example.com";
const BEN = "ben.keller@example.com";
const COLLEAGUE = "neu.kollegin@example.com";
const ACCOUNTANT = "steuerbuero@example.net";

const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
const hidden = (page, selector) => page.locator(selector).waitFor({ state: "hidden" });
const text = async (page, selector) => (await page.locator(selector).innerText()).trim();
const rows = (page) => page.locator("#doc-rows tr");

/** Waits until the documents list shows a settled answer (list or empty note). */
async function listSettled(page) {
  await page.waitForFunction(() => {
    const results = document.getElementById("results");
    const empty = document.getElementById("list-empty");
    return document.getElementById("list-loading").hidden && !results.hasAttribute("aria-busy") && (!results.hidden || !empty.hidden);
  });
}

export default async function e2eGerman(browser) {
  // ---- Anna: sign in by link ----------------------------------------------------------------
  const anna = await newContext(browser);
  const page = await anna.newPage();
  let step = flow("DE Anmeldung per Link (Anna)", page);

  await step("Anmeldelink anfordern", async () => {
    await page.goto("/anmelden/");
    await page.getByLabel("E-Mail-Adresse").fill(ANNA);
    await page.getByRole("button", { name: "Anmeldelink senden" }).click();
    await visible(page, "#code-step");
    assert((await text(page, "#sent-message")).includes("E-Mail"), "the sent note names the mail");
    await screenshot(page, "de-login-sent");
  });

  let link = null;
  await step("Link aus der E-Mail öffnen: Bestätigungsseite", async () => {
    const mail = await waitForMail(mailTo(ANNA), `to ${ANNA}`);
    link = loginLink(mail);
    assert(link.startsWith(`${BASE}/anmelden/bestaetigen/#`), `login link points to the confirm page: ${link}`);
    await page.goto(link);
    await visible(page, "#ask");
    assertEqual(await text(page, "#ask-email"), ANNA, "confirm page names the address");
    assert(!page.url().includes("#"), "the token is gone from the address bar");
    await screenshot(page, "de-confirm");
    await axeCheck(page, "/anmelden/bestaetigen/ (Link geprüft)");
  });

  await step("Bestätigen: Portal zeigt Person und Firma", async () => {
    await page.getByRole("button", { name: "Ja, jetzt anmelden" }).click();
    await page.waitForURL(`${BASE}/portal/`);
    await visible(page, "#portal-session");
    assertEqual(await text(page, "#user-email"), ANNA, "signed-in address");
    assertEqual(await text(page, "#company-name"), "Beispiel Maschinenbau GmbH", "active company");
    assertEqual(await text(page, "#company-role"), "Inhaber/in", "role");
    assert(await page.locator("#switch-company").isHidden(), "no company switch with one company");
    await screenshot(page, "de-portal-anna");
  });

  await step("Übersicht: offene Rechnungen mit PDF, letzte Aktivitäten, Monatsdiagramm", async () => {
    await settled(page);
    // Open invoices: at most five, each with its PDF link; the link to all of them.
    const invoices = page.locator("#invoices-list > li");
    const n = await invoices.count();
    assert(n >= 1 && n <= 5, `open invoices listed: ${n}`);
    assert(await page.locator("#invoices-empty").isHidden(), "no empty note");
    const statuses = await invoices.locator(".status").allInnerTexts();
    assert(statuses.every((s) => ["offen", "überfällig"].includes(s.trim())), `statuses: ${statuses.join(", ")}`);
    const pdf = invoices.first().locator("a", { hasText: /^PDF/ });
    const href = await pdf.getAttribute("href");
    assert(/^\/api\/documents\/[^/]+\/pdf$/.test(href), `PDF link ${href}`);
    const [download] = await Promise.all([page.waitForEvent("download"), pdf.click()]);
    const bytes = fs.readFileSync(await download.path());
    assertEqual(bytes.subarray(0, 5).toString("latin1"), "%PDF-", "file starts with");
    const all = page.getByRole("link", { name: "Alle offenen Rechnungen" });
    assertEqual(await all.getAttribute("href"), "/portal/dokumente/?kind=invoice&status=open", "link to all open invoices");
    // Recent activity: her own sign-in, at most five entries, the link to the company page.
    // The demo data has entries of its own (billing data imported), so wait for the first.
    await page.locator("#activity-list > li").first().waitFor({ state: "visible" });
    const entries = await page.locator("#activity-list > li").allInnerTexts();
    assert(entries.length <= 5, `activity entries: ${entries.length}`);
    assert(entries.some((e) => e.includes("Anmeldung") && e.includes(ANNA)), `her sign-in in the activity: ${entries.join(" | ")}`);
    assertEqual(await page.getByRole("link", { name: "Alle Aktivitäten" }).getAttribute("href"), "/portal/unternehmen/#activity-heading", "link to the activity");
    // Chart of the current year with its table for screen readers.
    await visible(page, "#chart");
    assertEqual(await page.locator("#chart").getAttribute("aria-hidden"), "true", "bars hidden from screen readers");
    assertEqual(await page.locator("#stats-rows tr").count(), 12, "table alternative: a row per month");
    assert((await page.locator("#stats-caption").textContent()).includes(String(new Date().getFullYear())), "the current year");
    assert(!(await page.getByText("Weitere Funktionen folgen").count()), "no 'more features' line");
    await screenshot(page, "de-portal-overview");
  });

  await step("Übersicht bei 320 px: nichts ragt heraus", async () => {
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page wider than 320 px by ${overflow} px`);
    await screenshot(page, "de-portal-overview-320");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step("Übersicht: Aktivitäten verweigert (403) → Karte fehlt; Diagrammfehler → Erneut versuchen", async () => {
    const refuse = (route) => route.fulfill({ status: 403, contentType: "application/json", body: '{"error":{"code":"forbidden","message":"Keine Berechtigung."}}' });
    const fail = (route) => route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"code":"unavailable","message":"Gerade nicht erreichbar."}}' });
    await page.route("**/api/account/activity", refuse);
    await page.route("**/api/documents/statistics", fail);
    try {
      await page.reload();
      await visible(page, "#spending-failed");
      await settled(page);
      assert(await page.locator("#activity").isHidden(), "activity card left out on 403");
      assertEqual(await page.getByRole("alert").filter({ hasText: "Keine Berechtigung" }).count(), 0, "no error for the 403");
      assert((await text(page, "#spending-load-error")).includes("Gerade nicht erreichbar"), "chart error shown");
      assert((await page.locator("#invoices-list > li").count()) >= 1, "the invoices card loads on its own");
      await page.unroute("**/api/documents/statistics", fail);
      await page.locator("#spending").getByRole("button", { name: "Erneut versuchen" }).click();
      await visible(page, "#chart");
      assert(await page.locator("#spending-failed").isHidden(), "error gone after retry");
      assertEqual(await page.locator("#stats-rows tr").count(), 12, "chart after retry");
    } finally {
      await page.unrouteAll();
    }
  });

  await step("Derselbe Link ein zweites Mal: abgelehnt, neuer Link angeboten", async () => {
    const other = await newContext(browser);
    const p = await other.newPage();
    await p.goto(link);
    await visible(p, "#link-error");
    await visible(p, "#new-link");
    assert(await p.locator("#ask").isHidden(), "no confirm button for a used link");
    await screenshot(p, "de-confirm-used-link");
    await other.close();
  });

  // ---- Ben: sign in by code, company picker --------------------------------------------------
  const ben = await newContext(browser);
  const benPage = await ben.newPage();
  step = flow("DE Anmeldung per Code + Firmenauswahl (Ben)", benPage);

  await step("Code-Schritt; ungültiger Code wird erklärt", async () => {
    await benPage.goto("/anmelden/");
    await benPage.getByLabel("E-Mail-Adresse").fill(BEN);
    await benPage.getByRole("button", { name: "Anmeldelink senden" }).click();
    await visible(benPage, "#code-step");
    await benPage.getByLabel("8-stelliger Code aus der E-Mail").fill("1234");
    await benPage.locator("#code-form").getByRole("button", { name: "Anmelden" }).click();
    await visible(benPage, "#code-error");
    assert((await text(benPage, "#code-error")).includes("8-stelligen Code"), "code error explains the format");
    assertEqual(await benPage.getByLabel("8-stelliger Code aus der E-Mail").getAttribute("aria-invalid"), "true", "code input marked invalid");
    await screenshot(benPage, "de-login-code-error");
    await axeCheck(benPage, "/anmelden/ (Code-Schritt mit Fehler)");
  });

  await step("Code aus der E-Mail (mit Leerzeichen) eingeben: Firmenauswahl", async () => {
    const mail = await waitForMail(mailTo(BEN), `to ${BEN}`);
    await benPage.getByLabel("8-stelliger Code aus der E-Mail").fill(loginCode(mail));
    await benPage.locator("#code-form").getByRole("button", { name: "Anmelden" }).click();
    await benPage.waitForURL(`${BASE}/portal/`);
    await visible(benPage, "#chooser");
    const choices = benPage.locator("#chooser-list button");
    assertEqual(await choices.count(), 2, "companies to choose from");
    const names = (await choices.allInnerTexts()).join(" | ");
    assert(names.includes("Beispiel Maschinenbau GmbH") && names.includes("Nordlicht Studio AG"), `choices: ${names}`);
    await screenshot(benPage, "de-portal-chooser");
    await axeCheck(benPage, "/portal/ (Firmenauswahl)");
  });

  await step("Nordlicht Studio AG wählen", async () => {
    await benPage.locator("#chooser-list button", { hasText: "Nordlicht Studio AG" }).click();
    await visible(benPage, "#company");
    assertEqual(await text(benPage, "#company-name"), "Nordlicht Studio AG", "active company");
    assertEqual(await text(benPage, "#company-role"), "Inhaber/in", "role at Nordlicht");
    assert(await benPage.locator("#chooser").isHidden(), "chooser closed");
    await screenshot(benPage, "de-portal-ben-nordlicht");
  });

  await step("Firma wechseln zu Beispiel Maschinenbau (Buchhaltung)", async () => {
    await settled(benPage);
    const pdfLinks = () => benPage.locator("#invoices-list a", { hasText: /^PDF/ }).evaluateAll((links) => links.map((a) => a.getAttribute("href")).join(" "));
    const before = await pdfLinks();
    assert(before, "Nordlicht's open invoices on the overview");
    await benPage.getByRole("button", { name: "Firma wechseln" }).click();
    await visible(benPage, "#chooser");
    await benPage.locator("#chooser-list button", { hasText: "Beispiel Maschinenbau GmbH" }).click();
    await benPage.locator("#company-name", { hasText: "Beispiel Maschinenbau GmbH" }).waitFor();
    assertEqual(await text(benPage, "#company-role"), "Buchhaltung", "role at Beispiel Maschinenbau");
    await settled(benPage);
    const after = await pdfLinks();
    assert(after && after !== before, "the overview's invoices follow the choice");
    assert(await benPage.locator("#activity").isVisible(), "billing sees the activity");
    await benPage.goto("/portal/dokumente/");
    await listSettled(benPage);
    assertEqual(await text(benPage, "#company-name"), "Beispiel Maschinenbau GmbH", "documents page follows the choice");
    await benPage.goto("/portal/unternehmen/");
    await visible(benPage, "#billing-form");
    await visible(benPage, "#team-self");
    assert(await benPage.locator("#team-manage").isHidden(), "billing role does not manage the team");
    await screenshot(benPage, "de-company-ben-billing");
  });
  await ben.close();

  // ---- Anna: documents -----------------------------------------------------------------------
  step = flow("DE Dokumente (Anna)", page);
  let total = 0;
  let firstNumber = "";

  await step("Liste: 25 Dokumente, Zusammenfassung", async () => {
    await page.goto("/portal/dokumente/");
    await listSettled(page);
    assertEqual(await rows(page).count(), 25, "first page");
    assertEqual(await text(page, "#list-summary"), "25 Dokumente – weitere mit „Weitere laden“", "summary");
    firstNumber = (await rows(page).first().locator(".doc-number").innerText()).trim();
    await screenshot(page, "de-documents");
  });

  await step("Weitere laden", async () => {
    await page.getByRole("button", { name: "Weitere laden" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#doc-rows tr").length > 25);
    total = await rows(page).count();
    const more = await page.locator("#load-more").isVisible();
    assert(more || (await text(page, "#list-summary")) === `${total} Dokumente`, `summary after loading all: ${await text(page, "#list-summary")}`);
  });

  await step("Filter: Art Rechnung, Status bezahlt (in der Adresszeile)", async () => {
    await page.getByLabel("Art").selectOption({ label: "Rechnung" });
    await page.getByLabel("Status").selectOption({ label: "Bezahlt" });
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await page.waitForURL(/\?kind=invoice&status=paid$/);
    await listSettled(page);
    const kinds = await rows(page).locator(".doc-kind").allInnerTexts();
    const statuses = await rows(page).locator(".status").allInnerTexts();
    assert(kinds.length > 0, "some paid invoices");
    assert(kinds.every((k) => k.trim() === "Rechnung"), `kinds: ${kinds.join(", ")}`);
    assert(statuses.every((s) => s.trim() === "bezahlt"), `statuses: ${statuses.join(", ")}`);
    await screenshot(page, "de-documents-filtered");
    await page.reload();
    await listSettled(page);
    assertEqual(await page.getByLabel("Art").inputValue(), "invoice", "filter kept after reload");
    assertEqual(await rows(page).count(), kinds.length, "same list after reload");
  });

  await step("Suche nach Nummer; leere Suche; Filter zurücksetzen", async () => {
    await page.getByRole("button", { name: "Filter zurücksetzen" }).click();
    await page.waitForURL(`${BASE}/portal/dokumente/`);
    await listSettled(page);
    await page.getByLabel("Suche").fill(firstNumber);
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await page.locator("#list-summary", { hasText: "Treffer" }).waitFor();
    await listSettled(page);
    assertEqual(await rows(page).count(), 1, `hits for ${firstNumber}`);
    assertEqual(await text(page, "#list-summary"), `1 Treffer für „${firstNumber}“`, "summary");
    await page.getByLabel("Suche").fill("ZZ-KEINE");
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await visible(page, "#list-empty");
    assert((await text(page, "#list-empty-text")).startsWith("Zu „ZZ-KEINE“ wurde nichts gefunden"), "empty search note");
    await screenshot(page, "de-documents-nothing-found");
    await axeCheck(page, "/portal/dokumente/ (leere Suche)");
    await page.locator("#empty-reset").click();
    await page.locator("#list-summary", { hasText: "25 Dokumente" }).waitFor();
    assertEqual(await rows(page).count(), 25, "list after reset");
  });

  let downloaded = null;
  await step("PDF herunterladen: Dateiname und %PDF-", async () => {
    const row = rows(page).first();
    const number = (await row.locator(".doc-number").innerText()).trim();
    const kind = (await row.locator(".doc-kind").innerText()).trim();
    const [download] = await Promise.all([page.waitForEvent("download"), row.locator("a", { hasText: /^PDF/ }).click()]);
    const file = await download.path();
    const bytes = fs.readFileSync(file);
    assertEqual(bytes.subarray(0, 5).toString("latin1"), "%PDF-", "file starts with");
    assert(bytes.length > 500, `PDF size ${bytes.length}`);
    const prefix = { Rechnung: "Rechnung", Gutschrift: "Gutschrift" }[kind];
    if (prefix) assertEqual(download.suggestedFilename(), `${prefix}-${number}.pdf`, "file name");
    else assert(download.suggestedFilename().endsWith(`${number}.pdf`), `file name ${download.suggestedFilename()}`);
    downloaded = { number, kind, size: bytes.length };
    const from = new URL(download.url()).origin;
    assert([new URL(BASE).origin, new URL(MOTO).origin].includes(from), `download from ${from} (presigned URL of the local S3)`);
  });

  await step("Per E-Mail weiterleiten: Dialog, Bestätigung, Mail mit PDF", async () => {
    const before = (await mails()).length;
    const row = rows(page).first();
    await row.getByRole("button", { name: /^Per E-Mail weiterleiten/ }).click();
    await visible(page, "#send-dialog");
    assert((await text(page, "#send-doc")).includes(downloaded.number), "dialog names the document");
    await axeCheck(page, "/portal/dokumente/ (Dialog Weiterleiten)");
    await page.getByLabel("E-Mail-Adresse des Empfängers").fill(ACCOUNTANT);
    await page.locator("#send-note").fill("Bitte ablegen. Danke!");
    await page.locator("#send-form").getByRole("button", { name: "Senden" }).click();
    await visible(page, "#send-done");
    assert((await text(page, "#send-message")).length > 0, "sent note");
    await screenshot(page, "de-documents-sent");
    const mail = await waitForMail((m, i, all) => all.length > before && mailTo(ACCOUNTANT)(m), `to ${ACCOUNTANT}`);
    const pdf = (mail.attachments || []).find(([name]) => name.endsWith(".pdf"));
    assert(pdf, `mail has a PDF attachment: ${JSON.stringify(mail.attachments)}`);
    assert(pdf[0].includes(downloaded.number), `attachment ${pdf[0]} is the document ${downloaded.number}`);
    assert((mail.raw || mail.body).includes("Bitte ablegen"), "the note is in the mail");
    await page.locator("#send-done").getByRole("button", { name: "Schließen" }).click();
    await hidden(page, "#send-dialog");
  });

  await step("Bezahlen: GiroCode und Bankdaten einer offenen Rechnung", async () => {
    await page.getByLabel("Status").selectOption({ label: "Offen" });
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await page.waitForURL(/status=open/);
    await listSettled(page);
    const pay = rows(page).getByRole("button", { name: /^Bezahlen/ }).first();
    await pay.click();
    await visible(page, "#pay-content");
    await visible(page, "#pay-qr img");
    assertEqual(await text(page, "#pay-iban"), "DE89 3704 0044 0532 0130 00", "IBAN grouped");
    await screenshot(page, "de-documents-pay");
    await axeCheck(page, "/portal/dokumente/ (Dialog Bezahlen)");
    await page.keyboard.press("Escape");
    await hidden(page, "#pay-dialog");
  });

  // ---- Anna: billing data --------------------------------------------------------------------
  step = flow("DE Rechnungsdaten (Anna)", page);

  await step("Formular mit den gespeicherten Daten", async () => {
    await page.goto("/portal/unternehmen/");
    await visible(page, "#billing-form");
    assert((await page.locator("#b-legal-name").inputValue()).length > 0, "legal name filled");
    assert((await page.locator("#b-city").inputValue()).length > 0, "city filled");
    await settled(page);
    await screenshot(page, "de-company");
  });

  await step("Validierungsfehler: PLZ mit 3 Stellen", async () => {
    // The country is locked after the first invoice; German postal codes have five digits.
    assertEqual(await page.locator("#b-country").inputValue(), "DE", "country");
    await page.getByLabel("PLZ").fill("123");
    await page.locator("#billing-form").getByRole("button", { name: "Speichern" }).click();
    await visible(page, "#billing-error");
    await visible(page, "#b-postal-code-error");
    assertEqual(await page.locator("#b-postal-code").getAttribute("aria-invalid"), "true", "postal code marked invalid");
    assert(await page.locator("#b-postal-code").evaluate((el) => el === document.activeElement), "focus on the invalid field");
    await screenshot(page, "de-billing-validation");
    await axeCheck(page, "/portal/unternehmen/ (Validierungsfehler)");
  });

  await step("Korrigieren und speichern: „Gespeichert.“, nach Neuladen noch da", async () => {
    await page.locator("#b-postal-code").fill("70173");
    await page.locator("#b-po-reference").fill("PO-2026-BROWSER");
    await page.locator("#billing-form").getByRole("button", { name: "Speichern" }).click();
    await page.locator("#billing-saved", { hasText: "Gespeichert." }).waitFor();
    assert(await page.locator("#b-postal-code-error").count() === 0, "field message gone");
    await page.reload();
    await visible(page, "#billing-form");
    assertEqual(await page.locator("#b-postal-code").inputValue(), "70173", "postal code stored");
    assertEqual(await page.locator("#b-po-reference").inputValue(), "PO-2026-BROWSER", "PO reference stored");
  });

  /** Someone else changes the billing data meanwhile (same session, straight to the API). */
  async function changeElsewhere(city) {
    const current = await pageFetch(page, "GET", "/api/account/billing");
    assertEqual(current.status, 200, "GET /api/account/billing");
    const b = current.body;
    const body = {
      legal_name: b.legal_name,
      address: { ...b.address, city },
      vat_id: b.vat_id || "",
      invoice_emails: b.invoice_emails || [],
      po_reference: b.po_reference || "",
      notify_new_invoices: Boolean(b.notify_new_invoices),
    };
    const put = await pageFetch(page, "PUT", "/api/account/billing", { body, headers: { "If-Match": current.etag } });
    assertEqual(put.status, 200, `PUT elsewhere: ${JSON.stringify(put.body)}`);
  }

  await step("412: geändert in der Zwischenzeit → „Meine Eingaben trotzdem speichern“", async () => {
    const myCity = await page.locator("#b-city").inputValue();
    await changeElsewhere("Hamburg");
    await page.locator("#b-po-reference").fill("PO-MEINE-EINGABE");
    await page.locator("#billing-form").getByRole("button", { name: "Speichern" }).click();
    await visible(page, "#billing-conflict");
    assert((await text(page, "#billing-conflict")).includes("Jemand anderes hat diese Daten inzwischen geändert"), "conflict text");
    assert((await text(page, "#billing-current")).includes("Hamburg"), "conflict box shows the current city");
    await screenshot(page, "de-billing-conflict");
    await axeCheck(page, "/portal/unternehmen/ (Konflikt 412)");
    await page.getByRole("button", { name: "Meine Eingaben trotzdem speichern" }).click();
    await page.locator("#billing-saved", { hasText: "Gespeichert." }).waitFor();
    assert(await page.locator("#billing-conflict").isHidden(), "conflict box closed");
    const stored = await pageFetch(page, "GET", "/api/account/billing");
    assertEqual(stored.body.po_reference, "PO-MEINE-EINGABE", "my PO reference stored");
    assertEqual(stored.body.address.city, myCity, "my city (the form's) stored");
  });

  await step("412 → „Aktuellen Stand übernehmen“", async () => {
    await changeElsewhere("Bremen");
    await page.locator("#b-po-reference").fill("PO-VERWORFEN");
    await page.locator("#billing-form").getByRole("button", { name: "Speichern" }).click();
    await visible(page, "#billing-conflict");
    await page.getByRole("button", { name: "Aktuellen Stand übernehmen" }).click();
    await hidden(page, "#billing-conflict");
    assertEqual(await page.locator("#b-city").inputValue(), "Bremen", "form shows the current city");
    assertEqual(await page.locator("#b-po-reference").inputValue(), "PO-MEINE-EINGABE", "form shows the current PO reference");
    await page.locator("#billing-form").getByRole("button", { name: "Speichern" }).click();
    await page.locator("#billing-saved", { hasText: "Gespeichert." }).waitFor();
  });

  // ---- Anna invites a colleague, who signs in -------------------------------------------------
  step = flow("DE Kollegin einladen (Anna → neue Kollegin)", page);

  await step("Einladen: Bestätigung und Eintrag in der Liste", async () => {
    await visible(page, "#team-manage");
    const before = await page.locator("#team-list > li").count();
    await page.locator("#invite-form").getByLabel("E-Mail-Adresse").fill(COLLEAGUE);
    await page.locator("#i-role").selectOption("billing");
    await page.locator("#i-language").selectOption("de");
    await page.getByRole("button", { name: "Einladung senden" }).click();
    await visible(page, "#invite-done");
    assertEqual(await text(page, "#invite-done"), `Die Einladung an ${COLLEAGUE} ist unterwegs.`, "invite note");
    await page.waitForFunction((n) => document.querySelectorAll("#team-list > li").length === n + 1, before);
    assert((await page.locator("#team-list").innerText()).includes(COLLEAGUE), "colleague listed");
    await screenshot(page, "de-team-invited");
  });

  await step("Kollegin öffnet den Link aus der Einladung und ist angemeldet", async () => {
    const mail = await waitForMail(mailTo(COLLEAGUE), `to ${COLLEAGUE}`);
    const colleague = await newContext(browser);
    const p = await colleague.newPage();
    try {
      await colleagueSignsIn(p, mail);
    } catch (error) {
      await screenshot(p, "FAILED-colleague").catch(() => {});
      throw error;
    } finally {
      await colleague.close();
    }
  });

  async function colleagueSignsIn(p, mail) {
    await p.goto(loginLink(mail));
    await visible(p, "#ask");
    assertEqual(await text(p, "#ask-email"), COLLEAGUE, "confirm page names the colleague");
    await p.getByRole("button", { name: "Ja, jetzt anmelden" }).click();
    await p.waitForURL(`${BASE}/portal/`);
    await visible(p, "#company");
    assertEqual(await text(p, "#user-email"), COLLEAGUE, "signed in as the colleague");
    assertEqual(await text(p, "#company-name"), "Beispiel Maschinenbau GmbH", "colleague's company");
    assertEqual(await text(p, "#company-role"), "Buchhaltung", "colleague's role");
    await screenshot(p, "de-portal-colleague");
  }

  // ---- Anna signs out -----------------------------------------------------------------------
  step = flow("DE Abmelden (Anna)", page);
  await step("Abmelden führt zur Anmeldung; Portal danach nur mit neuer Anmeldung", async () => {
    await page.goto("/portal/");
    await visible(page, "#portal-session");
    await page.getByRole("button", { name: "Abmelden" }).click();
    await page.waitForURL(`${BASE}/anmelden/`);
    await visible(page, "#email-form");
    await screenshot(page, "de-signed-out");
    assertEqual((await pageFetch(page, "GET", "/api/auth/session")).status, 401, "session after sign-out");
    await page.goto("/portal/dokumente/?kind=invoice");
    await page.waitForURL(`${BASE}/anmelden/?next=${encodeURIComponent("/portal/dokumente/?kind=invoice")}`);
  });
  await anna.close();
}
