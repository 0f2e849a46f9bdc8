// End-to-end: taking back a first owner by activation (/anmelden/widerrufen/#<token> and
// /en/login/revoke/#<token>, POST /api/auth/activation/revoke).
// The real revocation mail can't be produced here: it goes out when someone becomes the first
// owner of a company without logins, both demo companies have logins (tools/portal-admin/src/
// demo.rs), and the harness has no way to add a company. So the page is tested with what the
// stack really answers for an unknown token (401 link_invalid, in both languages), the page
// without a token, and, answered by the test, an expired link and a success. The revocation
// itself is covered by tests/api/activation.rs.
// Opening the page must change nothing (mail scanners open links): only the button calls the API.
import crypto from "node:crypto";
import { BASE, flow, assert, assertEqual, newContext, screenshot, axeCheck, settled } from "../lib/harness.mjs";

const API = "/api/auth/activation/revoke";
/** A well-formed token (32 bytes, base64url) that the stack has never issued. */
const unknownToken = () => crypto.randomBytes(32).toString("base64url");

const visible = (page, selector) => page.locator(selector).waitFor({ state: "visible" });
const text = async (page, selector) => (await page.locator(selector).innerText()).trim();
const focused = (page) => page.evaluate(() => document.activeElement?.id);

/** Records the page's calls of the revoke API: [{token}] from each request's body. */
function watchApi(page) {
  const calls = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === API) calls.push(JSON.parse(request.postData() || "{}"));
  });
  return calls;
}

/** An answer of the revoke API made up by the test (for states the stack can't reach here). */
const answer = (status, body) => (route) => route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });

async function noOverflowAt320(page, name) {
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert(overflow <= 0, `page wider than 320 px by ${overflow} px`);
  await screenshot(page, name);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/**
 * The steps both languages share. `t` holds the language's path, texts and step names.
 */
async function revokeFlow(browser, t) {
  const context = await newContext(browser, { lang: t.lang });
  const page = await context.newPage();
  const calls = watchApi(page);
  const step = flow(t.flow, page);
  const token = unknownToken();

  await step(t.noToken, async () => {
    await page.goto(t.path);
    await visible(page, "#no-token");
    assert((await text(page, "#no-token")).includes(t.missing), `no-token note: ${await text(page, "#no-token")}`);
    assert(await page.locator("#ask").isHidden(), "no explanation or button without a token");
    await settled(page);
    assertEqual(calls.length, 0, "calls of the revoke API");
    await screenshot(page, `${t.lang}-revoke-no-token`);
    await axeCheck(page, `${t.path} (${t.noTokenState})`);
  });

  await step(t.open, async () => {
    await page.goto(`${t.path}#${token}`);
    await visible(page, "#ask");
    assert(!page.url().includes("#"), `the token is gone from the address bar: ${page.url()}`);
    assert(await page.locator("#no-token").isHidden(), "no no-token note");
    const explanation = await text(page, "#ask");
    for (const part of t.explains) assert(explanation.includes(part), `the page explains “${part}”: ${explanation}`);
    const button = page.getByRole("button", { name: t.button, exact: true });
    assert(await button.isEnabled(), "the button is there");
    // Opening changes nothing: wait until the page is quiet, then no call may have been made.
    await settled(page);
    assertEqual(calls.length, 0, "calls of the revoke API after opening the link");
    await screenshot(page, `${t.lang}-revoke-ask`);
    await axeCheck(page, `${t.path} (${t.askState})`);
    await noOverflowAt320(page, `${t.lang}-revoke-ask-320`);
  });

  await step(t.unknown, async () => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === API),
      page.getByRole("button", { name: t.button, exact: true }).click(),
    ]);
    assertEqual(response.status(), 401, "status");
    assertEqual((await response.json()).error?.code, "link_invalid", "error code");
    assertEqual(calls.length, 1, "one call");
    assertEqual(calls[0].token, token, "the token from the fragment is sent");
    assertEqual(response.request().headers()["accept-language"], t.lang, "Accept-Language");
    await visible(page, "#revoke-error");
    const error = await text(page, "#revoke-error");
    for (const part of t.invalid) assert(error.includes(part), `the error says “${part}”: ${error}`);
    assert(!error.includes(t.signInLink), `no talk of sign-in links: ${error}`);
    assertEqual(await focused(page), "revoke-error", "focus on the error");
    assert(await page.locator("#revoke-button").isHidden(), "no button for a link that can't work");
    await screenshot(page, `${t.lang}-revoke-unknown`);
    await axeCheck(page, `${t.path} (${t.unknownState})`);
    await noOverflowAt320(page, `${t.lang}-revoke-unknown-320`);
  });

  await step(t.expired, async () => {
    // The server's own texts for these codes are about sign-in links; the page says its own.
    await page.route(`**${API}`, answer(401, { error: { code: "link_expired", message: t.serverExpired } }));
    try {
      await page.goto(`${t.path}#${unknownToken()}`); // another link in the same tab: only the fragment changes
      await visible(page, "#revoke-button");
      assert(await page.locator("#revoke-error").isHidden(), "the old error is gone");
      await page.getByRole("button", { name: t.button, exact: true }).click();
      await visible(page, "#revoke-error");
      const error = await text(page, "#revoke-error");
      for (const part of t.expiredText) assert(error.includes(part), `the error says “${part}”: ${error}`);
      assert(!error.includes(t.serverExpired), `not the server's sign-in text: ${error}`);
      assertEqual(await focused(page), "revoke-error", "focus on the error");
      await screenshot(page, `${t.lang}-revoke-expired`);
    } finally {
      await page.unrouteAll();
    }
  });

  await step(t.success, async () => {
    await page.route(`**${API}`, answer(200, { message: t.serverDone }));
    try {
      const sent = unknownToken();
      await page.goto(`${t.path}#${sent}`);
      await visible(page, "#revoke-button");
      const before = calls.length;
      await page.getByRole("button", { name: t.button, exact: true }).click();
      await visible(page, "#done");
      assertEqual(calls.length, before + 1, "one call");
      assertEqual(calls.at(-1).token, sent, "the token from the fragment is sent");
      assertEqual(await text(page, "#done-message"), t.serverDone, "the server's message");
      assertEqual(await focused(page), "done-message", "focus on the message");
      assert(await page.locator("#ask").isHidden(), "the button is gone");
      const activate = page.getByRole("link", { name: t.activateLink, exact: true });
      assertEqual(await activate.getAttribute("href"), t.activatePath, "the way to activate access");
      await screenshot(page, `${t.lang}-revoke-done`);
      await axeCheck(page, `${t.path} (${t.doneState})`);
    } finally {
      await page.unrouteAll();
    }
  });

  await step(t.helpLink, async () => {
    const help = page.getByRole("link", { name: t.helpText, exact: true });
    await help.click();
    await page.waitForURL(`${BASE}${t.helpPath}`);
    assert((await text(page, "h1")).includes(t.helpTitle), `the help article: ${await text(page, "h1")}`);
  });
  await context.close();
}

export default async function e2eRevoke(browser) {
  await revokeFlow(browser, {
    lang: "de",
    path: "/anmelden/widerrufen/",
    flow: "DE Zugang zurücknehmen (unbekannter Link; abgelaufen und Erfolg vom Test beantwortet)",
    noToken: "Seite ohne Link: Hinweis, keine Schaltfläche, kein Aufruf der API",
    noTokenState: "ohne Link",
    missing: "fehlt der Link aus der E-Mail",
    open: "Link öffnen: Token weg aus der Adresszeile, Erklärung und Schaltfläche, kein Aufruf der API",
    askState: "Link geöffnet",
    explains: ["Inhaber/in", "Kundennummer, Rechnungsnummer und Rechnungsbetrag", "nur, wenn jemand aus Ihrem Unternehmen sie einlädt", "müssen Sie nichts tun"],
    button: "Zugang zurücknehmen",
    unknown: "Unbekannter Link: 401 link_invalid, eigene Meldung mit nächstem Schritt, Fokus dort",
    unknownState: "unbekannter Link",
    invalid: ["funktioniert nicht (mehr)", "bereits zurückgenommen", "Support"],
    signInLink: "Anmeldelink",
    expired: "Abgelaufener Link: nach 14 Tagen an den Support",
    serverExpired: "Dieser Anmeldelink ist abgelaufen (er gilt 15 Minuten). Fordern Sie einfach einen neuen an.",
    expiredText: ["abgelaufen", "14 Tage", "Support", "Kundennummer"],
    success: "Zurückgenommen: Meldung des Servers, Fokus dort, Weg zur Freischaltung",
    serverDone: "Der Zugang ist zurückgenommen. Diese Person kann das Kundenportal Ihres Unternehmens nicht mehr öffnen und sich auch nicht erneut freischalten.",
    doneState: "zurückgenommen",
    activateLink: "Zugang freischalten",
    activatePath: "/anmelden/freischalten/",
    helpLink: "Link zu den Fragen und Antworten",
    helpText: "Fragen und Antworten zur Rücknahme eines Zugangs",
    helpPath: "/hilfe/anmeldung/zugang-zuruecknehmen/",
    helpTitle: "wie nehme ich ihn zurück?",
  });
  await revokeFlow(browser, {
    lang: "en",
    path: "/en/login/revoke/",
    flow: "EN take back access (unknown link; expired and success answered by the test)",
    noToken: "Page without a link: note, no button, no API call",
    noTokenState: "no link",
    missing: "link from the email is missing",
    open: "Open the link: token gone from the address bar, explanation and button, no API call",
    askState: "link opened",
    explains: ["owner", "customer number", "only come back if someone from your company invites them", "nothing to do"],
    button: "Take back access",
    unknown: "Unknown link: 401 link_invalid, the page's own message with a next step, focus there",
    unknownState: "unknown link",
    invalid: ["doesn't work (any more)", "already been taken back", "support"],
    signInLink: "sign-in link",
    expired: "Expired link: after 14 days, write to support",
    serverExpired: "This sign-in link has expired (it is valid for 15 minutes). Simply request a new one.",
    expiredText: ["expired", "14 days", "support", "customer number"],
    success: "Taken back: the server's message, focus there, the way to activate",
    serverDone: "The access is taken back. This person can no longer open your company's customer portal, nor activate it again.",
    doneState: "taken back",
    activateLink: "Activate access",
    activatePath: "/en/login/activate/",
    helpLink: "Link to the questions and answers",
    helpText: "Questions and answers about taking back access",
    helpPath: "/en/help/sign-in/take-back-access/",
    helpTitle: "how do I take it back?",
  });
}
