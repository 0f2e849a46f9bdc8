// End-to-end: contracts. German: Anna (owner) sees both contracts of Beispiel Maschinenbau with
// licence, billing, price and the changes the rules allow; asks for 8 seats for "Kundenportal
// Pro" and yearly billing for the archive add-on, both then listed as "in Bearbeitung"; a second
// seats request gets the server's 409 message, an unchanged number its message at the field;
// the cancellation names its date and can be called off; with /api/contracts answered by the
// test, a cancelled yearly contract offers only monthly billing from its end, and earlier
// requests are listed as done / rejected. English: Claire (viewer) sees Nordlicht's contract
// without any buttons, with the note on who can request changes.
//
// The runner starts a fresh stack with the demo data, and no other spec touches contracts, so
// the demo contracts have no requests yet when this spec starts.
import { flow, assert, assertEqual, newContext, screenshot, signInViaApi, pageFetch, axeCheck, settled } from "../lib/harness.mjs";

const ANNA = "anna.schmidt@example.com";
const CLAIRE = "claire.martin@example.org";

const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
/** What a locator shows, with the no-break space of formatted amounts as a plain space. */
const text = async (locator) => (await locator.innerText()).replace(/\u00a0/g, " ").trim();

/** The contract card with this plan. */
const card = (page, plan) => page.locator("#contract-list > li", { has: page.locator("h2", { hasText: plan }) });
/** The text of a fact ("Lizenz", "Abrechnung" …) of a card: the <dd> of the <dt> with exactly that label. */
const fact = (cardLocator, label) => {
  const exactly = new RegExp(`^${label.replace(/[()]/g, "\\$&")}$`);
  return text(cardLocator.locator("dl > div", { has: cardLocator.page().locator("dt", { hasText: exactly }) }).locator("dd"));
};
/** The names of a card's visible buttons that ask for a change. */
const actions = async (cardLocator) => {
  const buttons = cardLocator.locator("[data-kind]");
  const names = [];
  for (let i = 0; i < (await buttons.count()); i++) if (await buttons.nth(i).isVisible()) names.push(await text(buttons.nth(i)));
  return names;
};

/** Waits until the list shows the answer of its latest request. */
async function listSettled(page) {
  await page.waitForFunction(() => {
    const list = document.getElementById("contract-list");
    return document.getElementById("list-loading").hidden && !list.hasAttribute("aria-busy") && (list.children.length > 0 || !document.getElementById("list-empty").hidden);
  });
}

const dayFormat = (lang) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" });
/** "2027-03-01" → "01.03.2027" (de) / "Mar 1, 2027" (en), as the page writes dates. */
const day = (iso, lang = "de") => dayFormat(lang).format(new Date(`${iso}T00:00:00Z`));

export default async function e2eContracts(browser) {
  await german(browser);
  await english(browser);
}

async function german(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const step = flow("DE Verträge (Anna, Inhaberin)", page);
  const pro = card(page, "Kundenportal Pro");
  const archive = card(page, "Archiv-Speicher 100 GB");
  let contracts = {};

  await step("Verträge-Seite: Navigation, beide Verträge mit Lizenz, Abrechnung, Preis und möglichen Änderungen", async () => {
    await signInViaApi(page, ANNA);
    const api = await pageFetch(page, "GET", "/api/contracts");
    assertEqual(api.status, 200, "GET /api/contracts");
    contracts = Object.fromEntries(api.body.contracts.map((c) => [c.plan, c]));
    assertEqual(api.body.requests.length, 0, "no requests yet (fresh demo data)");
    await page.goto("/portal/vertraege/");
    await visible(page, "#contracts-view");
    await listSettled(page);
    await settled(page);
    assertEqual(await page.getByRole("link", { name: "Verträge", exact: true }).getAttribute("aria-current"), "page", "nav entry marked");
    assertEqual(await text(page.locator("#company-name")), "Beispiel Maschinenbau GmbH", "company");
    assertEqual(await page.locator("#contract-list > li").count(), 2, "both contracts");
    assertEqual(await fact(pro, "Lizenz"), "Mehrplatz mit 5 Lizenzen", "Pro licence");
    assertEqual(await fact(pro, "Abrechnung"), "jährlich", "Pro billing");
    assertEqual(await fact(pro, "Preis (netto)"), "1.490,00 € pro Jahr", "Pro price");
    assertEqual(await fact(pro, "Nächste Abrechnung"), day(contracts["Kundenportal Pro"].next_billing), "Pro next billing");
    assert(await pro.locator('[data-f="end-row"]').isHidden(), "no end date for a running contract");
    assertEqual((await actions(pro)).join(" | "), "Anzahl Lizenzen ändern | Kündigen", "Pro: seats and cancel");
    assert((await text(pro)).includes("Kündigen Sie zuerst die jährliche Laufzeit"), "how to get to monthly billing");
    assertEqual(await fact(archive, "Lizenz"), "Einzelplatz", "archive licence");
    assertEqual(await fact(archive, "Abrechnung"), "monatlich", "archive billing");
    assertEqual(await fact(archive, "Preis (netto)"), "9,90 € pro Monat", "archive price");
    assertEqual((await actions(archive)).join(" | "), "Jährlich abrechnen | Auf Mehrplatzlizenz upgraden | Kündigen", "archive: yearly, upgrade, cancel");
    assert(await page.locator("#viewer-note").isHidden(), "no viewer note for an owner");
    assert(await page.locator("#history").isHidden(), "no earlier changes yet");
    await screenshot(page, "de-contracts");
    await axeCheck(page, "/portal/vertraege/ (Inhaberin)");
  });

  await step("Mehr Lizenzen (8) für Kundenportal Pro beantragen → „in Bearbeitung“", async () => {
    const button = pro.getByRole("button", { name: "Anzahl Lizenzen ändern" });
    await button.click();
    assertEqual(await button.getAttribute("aria-expanded"), "true", "button expanded");
    const form = pro.locator("form");
    await form.waitFor({ state: "visible" });
    assert((await text(form)).includes(`weniger ab der nächsten Abrechnung am ${day(contracts["Kundenportal Pro"].next_billing)}`), "when the change applies");
    const seats = pro.getByLabel("Neue Anzahl Lizenzen");
    assert(await seats.evaluate((el) => el === document.activeElement), "focus on the number");
    await seats.fill("8");
    await pro.getByRole("button", { name: "Verbindlich beantragen" }).click();
    await visible(page, "#contract-done");
    assertEqual(await text(page.locator("#contract-done")), "Ihre Änderung ist beantragt. Sie sehen sie als „in Bearbeitung“, bis sie in unserer Abrechnung umgesetzt ist.", "the server's message");
    assert(await page.locator("#contract-done").evaluate((el) => el === document.activeElement), "focus on the message");
    const pending = pro.locator('[data-f="pending"] > li');
    await pending.first().waitFor();
    const api = await pageFetch(page, "GET", "/api/contracts");
    const request = api.body.requests.find((r) => r.kind === "change_seats");
    assertEqual(request && request.seats, 8, "stored with 8 seats");
    assertEqual(await text(pending.first().locator("p").first()), `Beantragt: Änderung auf 8 Lizenzen ab ${day(request.effective)} – in Bearbeitung`, "pending shown");
    assert((await text(pending.first())).includes(`von ${ANNA}`), "who asked");
    assertEqual(await fact(pro, "Lizenz"), "Mehrplatz mit 5 Lizenzen", "not applied yet");
  });

  await step("Jährliche Abrechnung für den Archiv-Speicher beantragen → „in Bearbeitung“", async () => {
    await archive.getByRole("button", { name: "Jährlich abrechnen" }).click();
    const confirm = archive.locator('[data-f="confirm"]');
    await confirm.waitFor({ state: "visible" });
    const date = day(contracts["Archiv-Speicher 100 GB"].next_billing);
    assertEqual(await text(confirm), `Bitte bestätigen Sie: Wechsel auf jährliche Abrechnung ab ${date}.`, "confirmation with the date");
    assert(await archive.locator('[data-f="seats-field"]').isHidden(), "no number for this change");
    await archive.getByRole("button", { name: "Verbindlich beantragen" }).click();
    await archive.locator('[data-f="pending"] > li').first().waitFor();
    assertEqual(await text(archive.locator('[data-f="pending"] > li p').first()), `Beantragt: Wechsel auf jährliche Abrechnung ab ${date} – in Bearbeitung`, "pending shown");
    assertEqual(await fact(archive, "Abrechnung"), "monatlich", "not applied yet");
    assertEqual(await pro.locator('[data-f="pending"] > li').count(), 1, "Pro's request still listed");
    await screenshot(page, "de-contracts-pending");
    await axeCheck(page, "/portal/vertraege/ (in Bearbeitung)");
  });

  await step("Zweiter gleicher Lizenzantrag → Meldung des Servers; gleiche Anzahl und Kommazahl → Meldung am Feld", async () => {
    await pro.getByRole("button", { name: "Anzahl Lizenzen ändern" }).click();
    const seats = pro.getByLabel("Neue Anzahl Lizenzen");
    await seats.fill("2.5");
    await pro.getByRole("button", { name: "Verbindlich beantragen" }).click();
    await pro.locator(".field-error").waitFor();
    assertEqual(await text(pro.locator(".field-error")), "Bitte geben Sie die Anzahl als ganze Zahl ein, z. B. 8.", "checked before sending");
    assertEqual(await seats.getAttribute("aria-invalid"), "true", "field marked invalid");
    await seats.fill("8");
    await pro.getByRole("button", { name: "Verbindlich beantragen" }).click();
    const error = pro.locator('[data-f="error"]');
    await error.waitFor({ state: "visible" });
    assertEqual(await text(error), "Für diesen Vertrag ist eine solche Änderung bereits beantragt. Sie sehen sie als „in Bearbeitung“.", "409 request_pending");
    assertEqual(await pro.locator(".field-error").count(), 0, "the earlier field message is gone");
    assert(await error.evaluate((el) => el === document.activeElement), "focus on the message");
    assert(await page.locator("#contract-done").isHidden(), "no success message");
    await seats.fill("5");
    await pro.getByRole("button", { name: "Verbindlich beantragen" }).click();
    await pro.locator(".field-error").waitFor();
    assertEqual(await text(pro.locator(".field-error")), "Der Vertrag hat bereits diese Anzahl Lizenzen.", "409 seats_unchanged at the field");
    assert(await error.isHidden(), "the box of the request before is cleared");
    assertEqual(await seats.getAttribute("aria-invalid"), "true", "field marked invalid");
    assert((await seats.getAttribute("aria-describedby")).includes(await pro.locator(".field-error").getAttribute("id")), "message linked to the field");
    assert(await seats.evaluate((el) => el === document.activeElement), "focus on the field");
    await screenshot(page, "de-contracts-409");
    await axeCheck(page, "/portal/vertraege/ (Ablehnung)");
    const api = await pageFetch(page, "GET", "/api/contracts");
    assertEqual(api.body.requests.length, 2, "still two requests");
  });

  await step("Kündigen nennt das Datum; „Abbrechen“ schließt ohne Antrag", async () => {
    const cancel = archive.getByRole("button", { name: "Kündigen" });
    await cancel.click();
    const confirm = archive.locator('[data-f="confirm"]');
    await confirm.waitFor({ state: "visible" });
    const c = contracts["Archiv-Speicher 100 GB"];
    assertEqual(await text(confirm), `Bitte bestätigen Sie: Kündigung zum ${day(c.ends || c.next_billing)}.`, "cancellation date");
    await archive.getByRole("button", { name: "Abbrechen" }).click();
    await archive.locator("form").waitFor({ state: "hidden" });
    assertEqual(await cancel.getAttribute("aria-expanded"), "false", "collapsed");
    assert(await cancel.evaluate((el) => el === document.activeElement), "focus back on the button");
    const api = await pageFetch(page, "GET", "/api/contracts");
    assert(!api.body.requests.some((r) => r.kind === "cancel"), "nothing requested");
  });

  await step("Gekündigter Jahresvertrag und frühere Änderungen (Antwort vom Test)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const request = (id, kind, status, effective, seats = null) => ({ id, contract: "V-1", kind, seats, effective, status, requested_at: now - 86400, requested_by: ANNA });
    const body = {
      contracts: [
        {
          id: "V-1", plan: "Kundenportal Pro", licence: "multi", seats: 8, term: "yearly", price: { amount: "1490.00", currency: "EUR" },
          started: "2025-03-01", next_billing: "2027-03-01", ends: "2027-02-28", cancelled: true, pending: [], possible: ["switch_to_monthly"],
        },
      ],
      requests: [request("r2", "cancel", "done", "2027-02-28"), request("r1", "change_seats", "rejected", "2026-11-23", 12)],
    };
    await page.route("**/api/contracts", (route) =>
      route.request().method() === "GET" ? route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) }) : route.continue(),
    );
    try {
      await page.goto("/portal/vertraege/");
      await visible(page, "#history");
      const only = card(page, "Kundenportal Pro");
      assertEqual(await text(only.locator('[data-f="cancelled"]')), "gekündigt", "badge");
      assertEqual(await fact(only, "Vertragsende"), "gekündigt zum 28.02.2027", "end");
      assertEqual((await actions(only)).join(" | "), "Monatlich abrechnen", "only monthly billing");
      assert(await only.locator('[data-f="monthly-hint"]').isHidden(), "no hint once cancelled");
      await only.getByRole("button", { name: "Monatlich abrechnen" }).click();
      assertEqual(await text(only.locator('[data-f="confirm"]')), "Bitte bestätigen Sie: Wechsel auf monatliche Abrechnung ab 28.02.2027.", "from the end of the term");
      const past = await page.locator("#history-list > li").allInnerTexts();
      assertEqual(past.length, 2, "two earlier requests");
      assert(past[0].includes("Kundenportal Pro: Kündigung zum 28.02.2027") && past[0].includes("umgesetzt"), `done: ${past[0]}`);
      assert(past[1].includes("Änderung auf 12 Lizenzen ab 23.11.2026") && past[1].includes("abgelehnt"), `rejected: ${past[1]}`);
      await screenshot(page, "de-contracts-history");
      await axeCheck(page, "/portal/vertraege/ (gekündigt, frühere Änderungen)");
    } finally {
      await page.unrouteAll();
    }
  });

  await step("Bei 320 px: nichts ragt heraus", async () => {
    await page.goto("/portal/vertraege/");
    await listSettled(page);
    await pro.getByRole("button", { name: "Anzahl Lizenzen ändern" }).click();
    await page.setViewportSize({ width: 320, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `page wider than 320 px by ${overflow} px`);
    await screenshot(page, "de-contracts-320");
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  await context.close();
}

async function english(browser) {
  const context = await newContext(browser, { lang: "en" });
  const page = await context.newPage();
  const step = flow("EN Contracts (Claire, viewer)", page);

  await step("Contracts page as a viewer: the Basic contract, no buttons, who can request changes", async () => {
    await signInViaApi(page, CLAIRE, { loginPath: "/en/login/" });
    await page.goto("/en/portal/contracts/");
    await visible(page, "#contracts-view");
    await listSettled(page);
    await settled(page);
    assertEqual(await page.getByRole("link", { name: "Contracts", exact: true }).getAttribute("aria-current"), "page", "nav entry marked");
    assertEqual(await text(page.locator("#company-name")), "Nordlicht Studio AG", "company");
    assertEqual(await page.locator("#contract-list > li").count(), 1, "one contract");
    const basic = card(page, "Kundenportal Basic");
    const api = await pageFetch(page, "GET", "/api/contracts");
    assertEqual(await fact(basic, "Licence"), "Single licence", "licence");
    assertEqual(await fact(basic, "Billing"), "monthly", "billing");
    assertEqual(await fact(basic, "Price (net)"), "€29.00 per month", "price");
    assertEqual(await fact(basic, "Next billing"), day(api.body.contracts[0].next_billing, "en"), "next billing");
    assertEqual((await actions(basic)).length, 0, "no change buttons");
    assert(await basic.locator('[data-f="actions"]').isHidden(), "no actions row");
    assert(await basic.locator("form").isHidden(), "no form");
    assertEqual(await text(page.locator("#viewer-note")), "Owners and the billing team of your company can request changes.", "viewer note");
    await screenshot(page, "en-contracts-viewer");
    await axeCheck(page, "/en/portal/contracts/ (viewer)");
  });
  await context.close();
}
