// End-to-end: support requests and notifications. German: Anna writes a request about one of her
// documents (a field error first), finds it in the list with the status "Offen", searches and
// filters, opens it (message with its line breaks, the document, no answer yet), and opens it
// from a link with ?id=; then the header counts her unread notifications, the notifications
// page shows the sign-in from this browser with what to do if it wasn't her, "mark all as read"
// clears the count (also after a reload), and each kind of notification reads as a sentence
// with its link. English: Claire (viewer) writes a request on /en/portal/requests/ and sees
// the notifications page in English. In both languages support then replies from the dev
// mailbox with a PDF (stored as SES stores a received mail, taken by the local mail-reply
// handler), and the customer sees the answer and downloads the file.
import fs from "node:fs";
import {
  BASE, flow, assert, assertEqual, newContext, screenshot, signInViaApi, pageFetch, axeCheck, settled,
} from "../lib/harness.mjs";

const ANNA = "anna.schmidt@example.com";
const CLAIRE = "claire.martin@example.org";

const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
const hidden = (page, selector) => page.locator(selector).waitFor({ state: "hidden" });
const text = async (page, selector) => (await page.locator(selector).innerText()).trim();
const items = (page) => page.locator("#request-list > li");

/** Waits until the requests list shows a settled answer (list or empty note). */
async function listSettled(page) {
  await page.waitForFunction(() => {
    const list = document.getElementById("request-list");
    return document.getElementById("list-loading").hidden && !list.hasAttribute("aria-busy") && (list.children.length > 0 || !document.getElementById("list-empty").hidden);
  });
}

/** A small PDF as support would attach it. */
const ANSWER_PDF = Buffer.from("%PDF-1.4\n% Antwort des Supports\n%%EOF\n", "latin1");

/**
 * Support replies to the mail about request `id` from the dev mailbox (its reply form, as a
 * mail program would reply) with `text` and `file` attached.
 */
async function replyFromDevMailbox(context, id, text, file) {
  const mailbox = await context.newPage();
  try {
    await mailbox.goto("/_dev/mail");
    const form = mailbox.locator("form", { has: mailbox.locator(`input[name="to"][value*="${id}"]`) }).first();
    await form.waitFor();
    await form.locator("textarea").fill(text);
    await form.locator('input[type="file"]').setInputFiles(file);
    const [stored] = await Promise.all([
      mailbox.waitForResponse((response) => response.url().endsWith("/_dev/mail/reply") && response.request().method() === "POST"),
      form.locator('button[type="submit"]').click(),
    ]);
    assertEqual(stored.status(), 303, "the reply is stored as SES would store it");
    await mailbox.waitForLoadState();
  } finally {
    await mailbox.close();
  }
}

/** The request the page opened (from its ?id= link). */
const opened = (page) => page.locator("#request-list > li", { has: page.locator('.request-toggle[aria-expanded="true"]') });

/** Opens request `id` at `path` until support's answer with a file is there (the watcher takes a reply within seconds). */
async function waitForAnsweredFile(page, path, id) {
  const started = Date.now();
  for (;;) {
    await page.goto(`${path}?id=${id}`);
    await listSettled(page);
    if ((await opened(page).locator(".request-files a").count()) > 0) return;
    assert(Date.now() - started < 30000, "support's answer appears within 30 s");
    await page.waitForTimeout(1000);
  }
}

/** Downloads the answer's file by its link: the name support gave it, the bytes it sent. */
async function downloadAnswerFile(page, name) {
  const link = opened(page).locator(".request-files a", { hasText: name });
  const href = await link.getAttribute("href");
  assert(/^\/api\/support\/requests\/[0-9]{12}-[0-9a-f]{8}\/files\/0-0$/.test(href), `file link ${href}`);
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  assertEqual(download.suggestedFilename(), name, "file name");
  assert(fs.readFileSync(await download.path()).equals(ANSWER_PDF), "the bytes support sent");
}

/** The header's notifications entry (its name carries the unread count). */
const bell = (page) => page.locator("#nav-notifications");

export default async function e2eRequests(browser) {
  await german(browser);
  await english(browser);
}

async function german(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const step = flow("DE Anfragen und Benachrichtigungen (Anna)", page);
  const subject = "Bestellnummer fehlt <b>Browsertest</b>";
  let documentLabel = "";
  let documentNumber = "";
  let requestId = "";

  await step("Anfragen-Seite: Navigation, Themen und Dokumente zur Auswahl", async () => {
    await signInViaApi(page, ANNA);
    await page.goto("/portal/anfragen/");
    await visible(page, "#requests-view");
    await settled(page);
    assertEqual(await page.getByRole("link", { name: "Anfragen", exact: true }).getAttribute("aria-current"), "page", "nav entry marked");
    assertEqual(await text(page, "#company-name"), "Beispiel Maschinenbau GmbH", "company");
    const topics = await page.locator("#r-category option").allInnerTexts();
    assertEqual(topics.join(" | "), "Bitte wählen … | Rechnung | Zahlung | Vertrag | Zugang und Anmeldung | Technisches Problem | Sonstiges", "topics");
    const docs = page.locator("#r-document option");
    assert((await docs.count()) > 10, `documents to choose from: ${await docs.count()}`);
    assertEqual((await docs.first().innerText()).trim(), "Kein bestimmtes Dokument", "first choice");
    assert(await page.locator("#list-empty").isVisible(), "no requests yet");
    await screenshot(page, "de-requests-empty");
  });

  await step("Feldfehler: Betreff nur aus Leerzeichen → Meldung am Feld", async () => {
    await page.getByLabel("Thema").selectOption({ label: "Rechnung" });
    await page.getByLabel("Betreff").fill("   ");
    await page.getByLabel("Ihre Nachricht").fill("Test");
    await page.getByRole("button", { name: "Anfrage senden" }).click();
    await visible(page, "#r-subject-error");
    assertEqual(await page.getByLabel("Betreff").getAttribute("aria-invalid"), "true", "subject marked invalid");
    assert((await page.getByLabel("Betreff").getAttribute("aria-describedby")).includes("r-subject-error"), "message linked to the field");
    assert(await page.locator("#r-subject").evaluate((el) => el === document.activeElement), "focus on the subject");
    await visible(page, "#request-error");
    await axeCheck(page, "/portal/anfragen/ (Feldfehler)");
  });

  await step("Anfrage mit Dokument senden: Bestätigung des Servers, „Offen“ in der Liste", async () => {
    const choice = page.locator("#r-document option").nth(1);
    documentLabel = (await choice.innerText()).trim();
    await page.getByLabel("Zu welchem Dokument? (optional)").selectOption({ index: 1 });
    const docId = await page.locator("#r-document").inputValue();
    const doc = await pageFetch(page, "GET", `/api/documents/${encodeURIComponent(docId)}`);
    assertEqual(doc.status, 200, "the chosen document");
    documentNumber = doc.body.number;
    assert(documentLabel.includes(documentNumber), `option names the number: ${documentLabel}`);
    await page.getByLabel("Betreff").fill(subject);
    await page.getByLabel("Ihre Nachricht").fill("Zeile eins\nZeile zwei\n\nNeuer Absatz");
    await page.getByRole("button", { name: "Anfrage senden" }).click();
    await visible(page, "#request-done");
    assertEqual(await text(page, "#request-done"), "Ihre Anfrage ist eingegangen. Sie sehen hier, sobald wir antworten.", "the server's message");
    assertEqual(await page.locator("#r-subject-error").count(), 0, "field message gone");
    assertEqual(await page.getByLabel("Betreff").inputValue(), "", "form emptied");
    await listSettled(page);
    assertEqual(await items(page).count(), 1, "listed");
    const first = items(page).first();
    assertEqual((await first.locator(".request-toggle").innerText()).trim(), subject, "subject shown as text");
    assertEqual(await first.locator(".request-toggle b").count(), 0, "no markup from the subject");
    assertEqual((await first.locator(".status").innerText()).trim(), "Offen", "status");
    assert((await first.locator(".request-meta").innerText()).includes(`Rechnung ·`) && (await first.locator(".request-meta").innerText()).includes(ANNA), "topic and writer");
    assertEqual(await text(page, "#list-summary"), "1 Anfrage", "summary");
    const listed = await pageFetch(page, "GET", "/api/support/requests");
    requestId = listed.body.requests[0].id;
    assertEqual(listed.body.requests[0].document, docId, "stored with the document");
    await screenshot(page, "de-requests-sent");
    await axeCheck(page, "/portal/anfragen/ (gesendet)");
  });

  await step("Suche und Statusfilter", async () => {
    await page.getByLabel("Suche").fill("browsertest");
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await page.locator("#list-summary", { hasText: "Treffer" }).waitFor();
    await listSettled(page);
    assertEqual(await text(page, "#list-summary"), "1 Treffer für „browsertest“", "search summary");
    assertEqual(await items(page).count(), 1, "hits");
    await page.getByLabel("Suche").fill("gibtesnicht");
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await visible(page, "#list-empty");
    assertEqual(await text(page, "#list-empty-text"), "Zu „gibtesnicht“ wurde keine Anfrage gefunden.", "empty search");
    await page.locator("#empty-reset").click();
    await page.locator("#list-summary", { hasText: "1 Anfrage" }).waitFor();
    await page.getByLabel("Status").selectOption({ label: "Beantwortet" });
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await visible(page, "#list-empty");
    assertEqual(await text(page, "#list-empty-text"), "Keine Anfragen mit diesem Status.", "nothing answered yet");
    await page.getByLabel("Status").selectOption({ label: "Offen" });
    await page.getByRole("button", { name: "Anzeigen" }).click();
    await page.locator("#list-summary", { hasText: "1 Anfrage" }).waitFor();
    assertEqual(await items(page).count(), 1, "open requests");
  });

  await step("Anfrage öffnen: Nachricht mit Zeilenumbrüchen, Dokument, noch keine Antwort", async () => {
    const toggle = items(page).first().locator(".request-toggle");
    await toggle.click();
    assertEqual(await toggle.getAttribute("aria-expanded"), "true", "opened");
    const body = items(page).first().locator(".request-body");
    await body.waitFor({ state: "visible" });
    const message = body.locator(".request-message .request-text");
    assertEqual(await message.innerText(), "Zeile eins\nZeile zwei\n\nNeuer Absatz", "line breaks kept");
    assertEqual(await message.evaluate((el) => getComputedStyle(el).whiteSpace), "pre-line", "white-space");
    const docLink = body.getByRole("link", { name: new RegExp(documentNumber) });
    assertEqual(await docLink.getAttribute("href"), `/portal/dokumente/?q=${encodeURIComponent(documentNumber)}`, "link to the document");
    assert((await body.innerText()).includes("Noch keine Antwort"), "no answer yet");
    assert((await body.innerText()).includes(requestId), "request number");
    await screenshot(page, "de-requests-detail");
    await axeCheck(page, "/portal/anfragen/ (Anfrage geöffnet)");
    await toggle.click();
    await body.waitFor({ state: "hidden" });
  });

  await step("Link mit ?id= öffnet die Anfrage; 320 px ohne Überbreite", async () => {
    await page.goto(`/portal/anfragen/?id=${requestId}`);
    await listSettled(page);
    const toggle = items(page).first().locator(".request-toggle");
    assertEqual(await toggle.getAttribute("aria-expanded"), "true", "opened from the link");
    assert(await toggle.evaluate((el) => el === document.activeElement), "focus on it");
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page wider than 320 px by ${overflow} px`);
    await screenshot(page, "de-requests-320");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step("Kopfzeile: Benachrichtigungen mit Zahl der ungelesenen", async () => {
    await settled(page);
    await page.getByRole("link", { name: /^Benachrichtigungen, \d+ ungelesen$/ }).waitFor();
    const name = await bell(page).getAttribute("aria-label");
    const n = Number(name.match(/(\d+) ungelesen/)[1]);
    assert(n >= 1, `unread: ${n}`);
    assertEqual((await bell(page).locator(".badge").innerText()).trim(), String(n), "badge shows the count");
    await bell(page).click();
    await page.waitForURL(`${BASE}/portal/benachrichtigungen/`);
    await visible(page, "#notes-view");
    assertEqual(await bell(page).getAttribute("aria-current"), "page", "entry marked on its page");
  });

  await step("Benachrichtigungen: neue Anmeldung, ungelesen markiert, Hinweis für fremde Anmeldungen", async () => {
    const device = page.locator("#note-list > li", { hasText: "Neue Anmeldung mit Chrome · Linux" }).first();
    await device.waitFor();
    assert((await device.getAttribute("class")).includes("note-unread"), "marked unread");
    assertEqual((await device.locator(".note-new").innerText()).trim(), "Neu", "visible mark");
    assert((await device.innerText()).includes("Waren Sie das nicht?"), "what to do if it wasn't her");
    assertEqual(await device.getByRole("link", { name: "Schreiben Sie uns eine Anfrage" }).getAttribute("href"), "/portal/anfragen/", "link to the requests page");
    assert(/^\d+ ungelesen$/.test(await text(page, "#notes-summary")), `summary: ${await text(page, "#notes-summary")}`);
    await screenshot(page, "de-notifications");
    await axeCheck(page, "/portal/benachrichtigungen/ (ungelesen)");
  });

  await step("„Alle als gelesen markieren“: Zahl weg, auch nach Neuladen", async () => {
    await page.getByRole("button", { name: "Alle als gelesen markieren" }).click();
    await page.locator("#notes-summary", { hasText: "Alles gelesen." }).waitFor();
    assertEqual(await page.locator("#note-list .note-unread").count(), 0, "no unread marks");
    assert(await bell(page).locator(".badge").isHidden(), "badge hidden");
    assertEqual(await bell(page).getAttribute("aria-label"), null, "name without a count");
    assert(await page.locator("#mark-read").isHidden(), "button gone");
    assert(await page.locator("#notes-heading").evaluate((el) => el === document.activeElement), "focus on the heading");
    const after = await pageFetch(page, "GET", "/api/notifications");
    assertEqual(after.body.unread, 0, "unread on the server");
    await page.goto("/portal/anfragen/");
    await visible(page, "#requests-view");
    await settled(page);
    assert(await bell(page).locator(".badge").isHidden(), "no badge on the next page");
    assertEqual(await page.getByRole("link", { name: "Benachrichtigungen", exact: true }).count(), 1, "entry named without a count");
  });

  await step("Jede Art als Satz mit Link; der Rechnungslink führt zur Rechnung", async () => {
    const docs = await pageFetch(page, "GET", "/api/documents?kind=invoice&limit=1");
    const invoice = docs.body.documents[0];
    const now = Math.floor(Date.now() / 1000);
    const notifications = [
      { id: "n3", kind: "new_invoice", at: now, customer: "10001", customer_name: "Beispiel Maschinenbau GmbH", subject: invoice.id, detail: invoice.number, unread: true },
      { id: "n2", kind: "request_status", at: now - 60, customer: "10001", customer_name: "Beispiel Maschinenbau GmbH", subject: requestId, detail: "answered", unread: true },
      { id: "n1", kind: "new_device", at: now - 120, customer: null, customer_name: null, subject: "", detail: "", unread: false },
    ];
    const fake = (route) =>
      route.request().method() === "GET"
        ? route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ notifications, unread: 2, more: false }) })
        : route.continue();
    await page.route("**/api/notifications", fake);
    try {
      await page.goto("/portal/benachrichtigungen/");
      await visible(page, "#notes-view");
      const lines = await page.locator("#note-list .note-text").allInnerTexts();
      const date = new Intl.DateTimeFormat("de", { dateStyle: "medium", timeZone: "Europe/Berlin" }).format(new Date(Number(requestId.slice(0, 12)) * 1000));
      assertEqual(lines[0].trim(), `Neue Rechnung ${invoice.number} für Beispiel Maschinenbau GmbH`, "new invoice");
      assertEqual(lines[1].trim(), `Ihre Anfrage vom ${date} für Beispiel Maschinenbau GmbH ist jetzt: Beantwortet`, "request status");
      assertEqual(lines[2].trim(), "Neue Anmeldung mit einem weiteren Browser", "sign-in without a browser name");
      assertEqual(await page.getByRole("link", { name: lines[1].trim() }).getAttribute("href"), `/portal/anfragen/?id=${requestId}`, "request link");
      assertEqual(await page.getByRole("link", { name: /^Benachrichtigungen, 2 ungelesen$/ }).count(), 1, "header count from the page's own answer");
      await screenshot(page, "de-notifications-kinds");
      await axeCheck(page, "/portal/benachrichtigungen/ (alle Arten)");
      await page.getByRole("link", { name: lines[0].trim() }).click();
      await page.waitForURL(`${BASE}/portal/dokumente/?q=${encodeURIComponent(invoice.number)}`);
      await page.locator("#list-summary", { hasText: "Treffer" }).waitFor();
      assertEqual((await page.locator("#doc-rows tr .doc-number").first().innerText()).trim(), invoice.number, "the invoice listed");
    } finally {
      await page.unrouteAll();
    }
  });

  await step("Support antwortet per Mail mit PDF: Antwort und Datei an der Anfrage", async () => {
    await replyFromDevMailbox(context, requestId, "Die Bestellnummer ist ergänzt, die korrigierte Rechnung hängt an.", {
      name: "Rechnung korrigiert.pdf",
      mimeType: "application/pdf",
      buffer: ANSWER_PDF,
    });
    await waitForAnsweredFile(page, "/portal/anfragen/", requestId);
    const first = opened(page);
    assertEqual((await first.locator(".status").innerText()).trim(), "Beantwortet", "status");
    const answer = first.locator(".request-answers > li").first();
    assertEqual((await answer.locator(".request-answer .request-text").innerText()).trim(), "Die Bestellnummer ist ergänzt, die korrigierte Rechnung hängt an.", "answer text");
    assert((await answer.innerText()).includes("1 Datei vom Support"), "files labelled");
    assertEqual((await answer.locator(".request-files li").innerText()).trim(), "Rechnung korrigiert.pdf (PDF, 1 KB)", "file with type and size");
    await screenshot(page, "de-requests-answer-file");
    await axeCheck(page, "/portal/anfragen/ (Antwort mit Datei)");
    await downloadAnswerFile(page, "Rechnung korrigiert.pdf");
  });
  await context.close();
}

async function english(browser) {
  const context = await newContext(browser, { lang: "en" });
  const page = await context.newPage();
  const step = flow("EN Requests and notifications (Claire)", page);

  await step("Requests page in English: labels, topics, write a request as a viewer", async () => {
    await signInViaApi(page, CLAIRE, { loginPath: "/en/login/" });
    await page.goto("/en/portal/requests/");
    await visible(page, "#requests-view");
    await settled(page);
    assertEqual(await page.locator("h1").innerText(), "Requests to support", "heading");
    const topics = await page.locator("#r-category option").allInnerTexts();
    assertEqual(topics.join(" | "), "Please choose … | Invoice | Payment | Contract | Access and sign-in | Technical problem | Something else", "topics");
    assertEqual((await page.locator("#f-status option").allInnerTexts()).join(" | "), "Any | Open | In progress | Answered | Closed", "statuses");
    await page.getByLabel("Topic").selectOption({ label: "Payment" });
    await page.getByLabel("Subject").fill("Paying by direct debit");
    await page.getByLabel("Your message").fill("Can we pay by direct debit?\nThanks");
    assertEqual(await page.getByLabel("Which document is it about? (optional)").inputValue(), "", "no document");
    await page.getByRole("button", { name: "Send request" }).click();
    await visible(page, "#request-done");
    assertEqual(await text(page, "#request-done"), "Your request has been received. You will see here when we answer.", "the server's message");
    await listSettled(page);
    const first = page.locator("#request-list > li").first();
    assertEqual((await first.locator(".status").innerText()).trim(), "Open", "status");
    await first.locator(".request-toggle").click();
    await first.locator(".request-body").waitFor({ state: "visible" });
    const body = await first.locator(".request-body").innerText();
    assert(body.includes("Message") && body.includes("No answer yet"), `detail in English: ${body}`);
    await screenshot(page, "en-requests");
    await axeCheck(page, "/en/portal/requests/ (request open)");
  });

  await step("Notifications in English: count in the header, the sign-in, mark all as read", async () => {
    await page.getByRole("link", { name: /^Notifications, \d+ unread$/ }).click();
    await page.waitForURL(`${BASE}/en/portal/notifications/`);
    await visible(page, "#notes-view");
    const device = page.locator("#note-list > li", { hasText: "New sign-in with Chrome · Linux" }).first();
    await device.waitFor();
    assert((await device.innerText()).includes("Wasn't that you?"), "hint in English");
    await page.getByRole("button", { name: "Mark all as read" }).click();
    await page.locator("#notes-summary", { hasText: "All read." }).waitFor();
    await hidden(page, "#nav-notifications .badge");
    await screenshot(page, "en-notifications");
  });
  await step("Support replies by mail with a PDF: answer and file on the request", async () => {
    const listed = await pageFetch(page, "GET", "/api/support/requests");
    const id = listed.body.requests.find((r) => r.subject === "Paying by direct debit").id;
    await replyFromDevMailbox(context, id, "Yes, add your account under Company → Payment.", {
      name: "Mandate form.pdf",
      mimeType: "application/pdf",
      buffer: ANSWER_PDF,
    });
    await waitForAnsweredFile(page, "/en/portal/requests/", id);
    const answer = opened(page).locator(".request-answers > li").first();
    assert((await answer.innerText()).includes("Answer from support"), "answer labelled in English");
    assert((await answer.innerText()).includes("1 file from support"), "files labelled in English");
    assertEqual((await answer.locator(".request-files li").innerText()).trim(), "Mandate form.pdf (PDF, 1 KB)", "file with type and size");
    await axeCheck(page, "/en/portal/requests/ (answer with a file)");
    await downloadAnswerFile(page, "Mandate form.pdf");
  });
  await context.close();
}
