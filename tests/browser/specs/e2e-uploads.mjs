// End-to-end: files customers upload. German, Ben (billing at Beispiel Maschinenbau): the
// documents page offers "Zahlungsnachweis hochladen" exactly for the invoices the API links a
// proof for; a file of 11 MB and a GIF are explained at once, before any request; the bucket's
// refusals are explained (a real one from the dev gateway's S3 policy check, and EntityTooLarge
// answered by the test); a PDF gets the server's confirmation, the invoice shows "Nachweis
// eingereicht am …" (also after a reload, on the server, in the activity log) and support gets a
// mail. English: the dialog's labels and message, and a viewer (the session answered by the test)
// sees the note but no upload and never loads its code. Requests page: a file that is too big is
// explained when chosen, a ".pdf" that is none is refused by the server at the file input, a PNG
// is attached and the request shows "Anhang: PNG, 1 KB" (in English "Attachment: …").
// Runs after the other flows: it adds a request to Beispiel Maschinenbau, whose empty list
// e2e-requests.mjs expects.
import { flow, assert, assertEqual, newContext, screenshot, signInViaApi, pageFetch, axeCheck, settled, waitForMail, mailTo } from "../lib/harness.mjs";

const BEN = "ben.keller@example.com";
const COMPANY = "Beispiel Maschinenbau GmbH";
const SUPPORT = "support@example.com";
const PROOF_API = /\/api\/documents\/[^/]+\/proof(\/upload)?$/;
const BUCKET = /\/_dev\/s3\//;

const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
const hidden = (page, selector) => page.locator(selector).waitFor({ state: "hidden" });
const text = async (page, selector) => (await page.locator(selector).innerText()).trim();
const rows = (page) => page.locator("#doc-rows tr");
const focused = (page, selector) => page.locator(selector).evaluate((el) => el === document.activeElement);

const pdf = (name = "kontoauszug.pdf") => ({ name, mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n") });
const png = (name = "bildschirmfoto.png") => ({ name, mimeType: "image/png", buffer: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1000, 1)]) });
const gif = (name = "beleg.gif") => ({ name, mimeType: "image/gif", buffer: Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1") });
const huge = (name = "scan-600dpi.pdf") => ({ name, mimeType: "application/pdf", buffer: Buffer.alloc(11 * 1024 * 1024, 0x25) });

/** Waits until the documents list shows a settled answer (list or empty note). */
async function listSettled(page) {
  await page.waitForFunction(() => {
    const results = document.getElementById("results");
    const empty = document.getElementById("list-empty");
    return document.getElementById("list-loading").hidden && !results.hasAttribute("aria-busy") && (!results.hidden || !empty.hidden);
  });
}

/** Waits until the requests list shows a settled answer. */
async function requestsSettled(page) {
  await page.waitForFunction(() => {
    const list = document.getElementById("request-list");
    return document.getElementById("list-loading").hidden && !list.hasAttribute("aria-busy") && (list.children.length > 0 || !document.getElementById("list-empty").hidden);
  });
}

/** The row of the document numbered `number`. */
const rowOf = (page, number) => rows(page).filter({ has: page.locator(".doc-number", { hasText: number }) });

/** Today as the page writes a date ("23.11.2026" / "23 Nov 2026"). */
const today = (page) => page.evaluate(() => new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium" }).format(new Date()));

export default async function e2eUploads(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  // Requests that would mean an upload was tried (the API's proof endpoints, the bucket).
  const uploadRequests = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (PROOF_API.test(path) || BUCKET.test(path) || path === "/api/support/attachments") uploadRequests.push(`${request.method()} ${path}`);
  });
  let step = flow("DE Zahlungsnachweis (Ben, Buchhaltung)", page);
  let invoice = null; // the open invoice the proof is for: {id, number}

  await step("Offene Rechnungen: „Zahlungsnachweis hochladen“ genau dort, wo die API es anbietet", async () => {
    await signInViaApi(page, BEN);
    const session = await pageFetch(page, "GET", "/api/auth/session");
    const company = session.body.customers.find((c) => c.name === COMPANY);
    assertEqual(company && company.role, "billing", `Ben's role at ${COMPANY}`);
    const chosen = await pageFetch(page, "PUT", "/api/auth/session/customer", { body: { customer_id: company.id } });
    assertEqual(chosen.status, 200, "company chosen");
    const listed = await pageFetch(page, "GET", "/api/documents?status=open");
    const offered = listed.body.documents.filter((doc) => typeof doc.links.proof === "string");
    assert(offered.length > 0 && offered.every((doc) => doc.kind === "invoice"), `open invoices with a proof link: ${offered.map((d) => d.number)}`);
    assert(listed.body.documents.some((doc) => doc.kind !== "invoice"), "other open documents to compare with");
    const fresh = offered.find((doc) => doc.proof === null);
    assert(fresh, "an open invoice without a proof yet");
    invoice = { id: fresh.id, number: fresh.number };
    await page.goto("/portal/dokumente/?status=open");
    await listSettled(page);
    const buttons = rows(page).getByRole("button", { name: /^Zahlungsnachweis hochladen/ });
    assertEqual(await buttons.count(), offered.length, "one button per invoice with a proof link");
    for (const doc of listed.body.documents) {
      const count = await rowOf(page, doc.number).getByRole("button", { name: /^Zahlungsnachweis hochladen/ }).count();
      assertEqual(count, typeof doc.links.proof === "string" ? 1 : 0, `button at ${doc.number}`);
    }
    assertEqual(await page.locator("#doc-rows .doc-proof").count(), 0, "no proof submitted yet");
  });

  await step("Dialog: Rechnung genannt, beschriftetes Dateifeld mit Fokus", async () => {
    // The name ends in the document ("Zahlungsnachweis hochladen : Rechnung R-…" in Chromium).
    const button = rowOf(page, invoice.number).getByRole("button", { name: new RegExp(`^Zahlungsnachweis hochladen.*Rechnung ${invoice.number}$`) });
    await button.click();
    await visible(page, "#proof-dialog");
    await visible(page, "#proof-form");
    assert((await text(page, "#proof-doc")).includes(invoice.number), "the dialog names the invoice");
    const input = page.getByLabel("Beleg (PDF, PNG oder JPEG, höchstens 10 MB)");
    assertEqual(await input.getAttribute("type"), "file", "a file input");
    assertEqual(await input.getAttribute("accept"), "application/pdf,image/png,image/jpeg", "accepted types");
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === "proof-file");
    assertEqual(await page.locator("#proof-status").getAttribute("role"), "status", "a live region for the progress");
    const help = page.locator("#proof-form").getByRole("link", { name: "Mehr dazu in der Hilfe" });
    assertEqual(await help.getAttribute("href"), "/hilfe/bezahlen/zahlungsnachweis/", "link to the help article");
    await screenshot(page, "de-proof-dialog");
    await axeCheck(page, "/portal/dokumente/ (Dialog Zahlungsnachweis)");
  });

  await step("11 MB und GIF: sofort erklärt, ohne eine Anfrage", async () => {
    const input = page.locator("#proof-file");
    await input.setInputFiles(huge());
    await visible(page, "#proof-error");
    const tooBig = await text(page, "#proof-error");
    assert(tooBig.includes("„scan-600dpi.pdf“ ist größer als 10 MB") && tooBig.includes("geringerer Auflösung"), `too big: ${tooBig}`);
    assertEqual(await input.getAttribute("aria-invalid"), "true", "input marked invalid");
    assert((await input.getAttribute("aria-describedby")).split(" ").includes("proof-error"), "message linked to the input");
    await page.locator("#proof-form").getByRole("button", { name: "Hochladen" }).click();
    await visible(page, "#proof-error");
    assert(await focused(page, "#proof-file"), "sending keeps focus on the input");
    await axeCheck(page, "/portal/dokumente/ (Zahlungsnachweis zu groß)");
    await input.setInputFiles(gif());
    await page.locator("#proof-error", { hasText: "beleg.gif" }).waitFor();
    const wrongType = await text(page, "#proof-error");
    assert(wrongType.includes("Möglich sind nur PDF-, PNG- und JPEG-Dateien"), `wrong type: ${wrongType}`);
    await page.locator("#proof-form").getByRole("button", { name: "Hochladen" }).click();
    await screenshot(page, "de-proof-wrong-type");
    assertEqual(uploadRequests.join(", "), "", "no request to the API's upload or the bucket");
  });

  await step("Ablehnung durch den Speicher: Typ (echte Policy-Prüfung) und EntityTooLarge erklärt", async () => {
    const submit = page.locator("#proof-form").getByRole("button", { name: "Hochladen" });
    try {
      // The offer says PNG where the signed policy demands PDF: the gateway refuses like S3 does.
      await page.route(/\/api\/documents\/[^/]+\/proof\/upload$/, async (route) => {
        const response = await route.fetch();
        const offer = await response.json();
        offer.fields["Content-Type"] = "image/png";
        await route.fulfill({ response, json: offer });
      });
      await page.locator("#proof-file").setInputFiles(pdf());
      await hidden(page, "#proof-error");
      await submit.click();
      await page.locator("#proof-error", { hasText: "abgelehnt" }).waitFor();
      assertEqual(await text(page, "#proof-error"), "Die Datei wurde abgelehnt: Möglich sind nur PDF-, PNG- und JPEG-Dateien.", "the bucket's type refusal");
      assert(await focused(page, "#proof-error"), "focus on the message");
      assert(uploadRequests.some((r) => BUCKET.test(r)), "the file went to the bucket");
      assert(!uploadRequests.some((r) => /\/proof$/.test(r)), "nothing confirmed after a refusal");
      await page.unrouteAll();

      // S3's answer to a file above the policy's size, as the bucket sends it.
      await page.route(BUCKET, (route) =>
        route.fulfill({
          status: 400,
          contentType: "application/xml",
          body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message><ProposedSize>11534336</ProposedSize><MaxSizeAllowed>10485760</MaxSizeAllowed></Error>',
        }),
      );
      await submit.click();
      await page.locator("#proof-error", { hasText: "größer als 10 MB" }).waitFor();
      const message = await text(page, "#proof-error");
      assert(message.includes("Bitte laden Sie eine kleinere Datei hoch") && message.includes("geringerer Auflösung"), `EntityTooLarge: ${message}`);
      await screenshot(page, "de-proof-bucket-refused");
      await axeCheck(page, "/portal/dokumente/ (Zahlungsnachweis abgelehnt)");
    } finally {
      await page.unrouteAll();
    }
    const doc = await pageFetch(page, "GET", `/api/documents/${encodeURIComponent(invoice.id)}`);
    assertEqual(doc.body.proof, null, "no proof recorded");
  });

  await step("PDF hochladen: Bestätigung, „Nachweis eingereicht am …“, Mail an den Support", async () => {
    const file = pdf();
    await page.locator("#proof-file").setInputFiles(file);
    await hidden(page, "#proof-error");
    await page.locator("#proof-form").getByRole("button", { name: "Hochladen" }).click();
    await visible(page, "#proof-done");
    assertEqual(await text(page, "#proof-message"), "Danke! Ihr Zahlungsnachweis ist eingegangen. Wir gleichen ihn mit der Rechnung ab.", "the server's message");
    assert(await focused(page, "#proof-message"), "focus on the confirmation");
    assertEqual(await text(page, "#proof-status"), "", "no progress shown any more");
    const note = `Nachweis eingereicht am ${await today(page)}`;
    await rowOf(page, invoice.number).locator(".doc-proof", { hasText: note }).waitFor({ state: "attached" });
    await axeCheck(page, "/portal/dokumente/ (Zahlungsnachweis eingegangen)");
    await page.locator("#proof-done").getByRole("button", { name: "Schließen" }).click();
    await hidden(page, "#proof-dialog");
    const back = rowOf(page, invoice.number).getByRole("button", { name: /^Zahlungsnachweis hochladen/ });
    assert(await back.evaluate((el) => el === document.activeElement), "focus back on the invoice's button");
    const doc = await pageFetch(page, "GET", `/api/documents/${encodeURIComponent(invoice.id)}`);
    assertEqual(doc.body.proof && doc.body.proof.content_type, "application/pdf", "recorded as PDF");
    assertEqual(doc.body.proof.size, file.buffer.length, "recorded size");
    const mail = await waitForMail((m) => mailTo(SUPPORT)(m) && m.subject.includes(`[Zahlungsnachweis] Rechnung ${invoice.number}`), `to ${SUPPORT} about ${invoice.number}`);
    assert((mail.raw || mail.body).includes("PDF"), "the mail names the file type");
    await page.reload();
    await listSettled(page);
    assertEqual(await text(page, `#doc-row-${invoice.id} .doc-proof`), note, "still shown after a reload");
    await page.setViewportSize({ width: 390, height: 844 });
    assertEqual(await text(page, `#doc-card-${invoice.id} .doc-proof`), note, "on the card at phone width");
    await screenshot(page, "de-proof-submitted-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/portal/unternehmen/");
    await page.locator("#activity-list > li", { hasText: "Zahlungsnachweis eingereicht" }).first().waitFor();
  });

  step = flow("EN proof of payment (Ben; a viewer answered by the test)", page);

  await step("English dialog: labels and the explanation of a wrong type", async () => {
    await page.goto("/en/portal/documents/?status=open");
    await listSettled(page);
    const note = `Proof submitted on ${await today(page)}`;
    assertEqual(await text(page, `#doc-row-${invoice.id} .doc-proof`), note, "the note in English");
    // Its code is held back (a slow connection): until it is there, no file can be chosen, as
    // opening the form clears it.
    let release = null;
    const held = new Promise((resolve) => (release = resolve));
    await page.route("**/chunks/document-proof-*.js", async (route) => {
      await held;
      await route.continue();
    });
    try {
      await rowOf(page, invoice.number).getByRole("button", { name: new RegExp(`^Upload proof of payment.*Invoice ${invoice.number}$`) }).click();
      await visible(page, "#proof-form");
      assert(await page.locator("#proof-file").isDisabled(), "the file input waits for its code");
      release();
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === "proof-file");
    } finally {
      release();
      await page.unrouteAll();
    }
    assertEqual(await text(page, "#proof-heading"), "Upload proof of payment", "heading");
    await page.getByLabel("Receipt (PDF, PNG or JPEG, at most 10 MB)").setInputFiles(gif());
    await visible(page, "#proof-error");
    assert((await text(page, "#proof-error")).includes("only PDF, PNG and JPEG files are accepted"), `English message: ${await text(page, "#proof-error")}`);
    await page.keyboard.press("Escape");
    await hidden(page, "#proof-dialog");
  });

  await step("Viewer: the note, but no upload action and no upload code", async () => {
    const loaded = [];
    const listen = (request) => loaded.push(new URL(request.url()).pathname);
    try {
      await page.route("**/api/auth/session", async (route) => {
        if (route.request().method() !== "GET") return route.continue();
        const response = await route.fetch();
        const session = await response.json();
        session.customer.role = "viewer";
        for (const c of session.customers) if (c.id === session.customer.id) c.role = "viewer";
        await route.fulfill({ response, json: session });
      });
      page.on("request", listen);
      await page.goto("/en/portal/documents/?status=open");
      await listSettled(page);
      await settled(page);
      assert((await text(page, `#doc-row-${invoice.id} .doc-proof`)).startsWith("Proof submitted on "), "the note for every role");
      assertEqual(await page.getByRole("button", { name: /^Upload proof of payment/ }).count(), 0, "no upload action");
      assert(!loaded.some((path) => path.includes("document-proof")), "the upload code is not loaded");
      await screenshot(page, "en-proof-viewer");
    } finally {
      page.off("request", listen);
      await page.unrouteAll();
    }
  });

  step = flow("DE Anfrage mit Anhang (Ben)", page);

  await step("Zu große Datei: sofort am Feld erklärt", async () => {
    await page.goto("/portal/anfragen/");
    await visible(page, "#requests-view");
    await settled(page);
    const before = uploadRequests.length;
    const input = page.getByLabel("Datei anhängen (PDF, PNG oder JPEG, höchstens 10 MB)");
    await input.setInputFiles(huge());
    await visible(page, "#r-attachment-error");
    assert((await text(page, "#r-attachment-error")).includes("größer als 10 MB"), `message: ${await text(page, "#r-attachment-error")}`);
    assertEqual(await input.getAttribute("aria-invalid"), "true", "input marked invalid");
    assert((await input.getAttribute("aria-describedby")).includes("r-attachment-error"), "message linked to the input");
    assertEqual(await text(page, "#requests-status"), await text(page, "#r-attachment-error"), "said in the live region");
    await axeCheck(page, "/portal/anfragen/ (Anhang zu groß)");
    await input.setInputFiles(png());
    await hidden(page, "#r-attachment-error");
    assertEqual(await input.getAttribute("aria-invalid"), null, "mark removed");
    assertEqual(uploadRequests.length, before, "nothing uploaded yet");
  });

  await step("„.pdf“, die keine ist: vom Server abgelehnt, Meldung am Feld", async () => {
    await page.getByLabel("Thema").selectOption({ label: "Zahlung" });
    await page.getByLabel("Betreff").fill("Beleg zur Überweisung (Anhangtest)");
    await page.getByLabel("Ihre Nachricht").fill("Anbei der Beleg.");
    await page.locator("#r-attachment").setInputFiles({ name: "beleg.pdf", mimeType: "application/pdf", buffer: Buffer.from("Das ist kein PDF.\n") });
    await page.getByRole("button", { name: "Anfrage senden" }).click();
    await visible(page, "#r-attachment-error");
    assert((await text(page, "#r-attachment-error")).includes("Der Inhalt der Datei passt nicht zu ihrem Typ"), `message: ${await text(page, "#r-attachment-error")}`);
    assert(await focused(page, "#r-attachment"), "focus on the file input");
    assert(uploadRequests.includes("POST /api/support/attachments"), "the file was offered an upload");
    const listed = await pageFetch(page, "GET", "/api/support/requests?q=Anhangtest");
    assertEqual(listed.body.requests.length, 0, "no request created");
  });

  await step("PNG anhängen und senden: „Anhang: PNG, 1 KB“ bei der Anfrage", async () => {
    const file = png();
    await page.locator("#r-attachment").setInputFiles(file);
    await page.getByRole("button", { name: "Anfrage senden" }).click();
    await visible(page, "#request-done");
    assertEqual(await text(page, "#request-done"), "Ihre Anfrage ist eingegangen. Sie sehen hier, sobald wir antworten.", "the server's message");
    assertEqual(await page.locator("#r-attachment").evaluate((el) => el.files.length), 0, "file input emptied");
    await requestsSettled(page);
    const item = page.locator("#request-list > li", { hasText: "Beleg zur Überweisung (Anhangtest)" });
    assert((await item.locator(".request-meta").innerText()).includes("Anhang: PNG, 1 KB"), `meta: ${await item.locator(".request-meta").innerText()}`);
    const listed = await pageFetch(page, "GET", "/api/support/requests?q=Anhangtest");
    const stored = listed.body.requests[0];
    assertEqual(JSON.stringify(stored.attachment), JSON.stringify({ content_type: "image/png", size: file.buffer.length }), "stored attachment");
    await screenshot(page, "de-request-attachment");
    await axeCheck(page, "/portal/anfragen/ (Anfrage mit Anhang)");
    await page.goto("/en/portal/requests/");
    await requestsSettled(page);
    const english = page.locator("#request-list > li", { hasText: "Beleg zur Überweisung (Anhangtest)" });
    assert((await english.locator(".request-meta").innerText()).includes("Attachment: PNG, 1 KB"), "English attachment line");
    assertEqual(await page.getByLabel("Attach a file (PDF, PNG or JPEG, at most 10 MB)").count(), 1, "English label");
  });
  await context.close();
}
