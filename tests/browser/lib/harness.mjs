// The browser test harness: a tiny sequential check runner, the local stack (dev gateway + moto),
// headless Chromium through playwright-core, the dev mailbox, screenshots and axe-core.
// No test framework: checks run one after another and print one line each.
import { spawn } from "node:child_process";
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SITE = path.join(ROOT, "site/public");
export const ARTIFACTS = path.join(ROOT, "target/browser-artifacts");
export const GATEWAY_BIN = path.join(ROOT, "target/debug/dev-gateway");
export const PORT = Number(process.env.BROWSER_TEST_PORT || process.env.PORT || 8095);
export const MOTO_PORT = Number(process.env.BROWSER_TEST_MOTO_PORT || process.env.MOTO_PORT || 5595);
export const BASE = `http://127.0.0.1:${PORT}`;
export const MOTO = `http://127.0.0.1:${MOTO_PORT}`;
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
/** Generous: other processes compile on the same two cores. */
export const TIMEOUT = Number(process.env.BROWSER_TEST_TIMEOUT_MS || 30_000);

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
export const green = (s) => paint(32, s);
export const red = (s) => paint(31, s);
export const dim = (s) => paint(2, s);

// ---- Checks ----------------------------------------------------------------------------------

export const results = []; // {name, ok, skipped, ms, error}
let silenced = false;

/** After Ctrl-C: what still finishes (failing, as the browser is gone) is not reported. */
export function silence() {
  silenced = true;
}

function report(result) {
  if (silenced) return;
  results.push(result);
  const time = dim(`(${(result.ms / 1000).toFixed(1)} s)`);
  if (result.ok) console.log(`  ${green("✓")} ${result.name} ${time}${result.note ? dim(` — ${result.note}`) : ""}`);
  else if (result.skipped) console.log(`  ${red("✗")} ${result.name} ${dim(`— skipped: ${result.error}`)}`);
  else {
    console.log(`  ${red("✗")} ${result.name} ${time}`);
    for (const line of String(result.error).split("\n")) console.log(`      ${red(line)}`);
  }
}

function withTimeout(promise, ms, name) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no result after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function describe(error) {
  if (!(error instanceof Error)) return String(error);
  // Playwright's messages carry a call log; its first lines say what was waited for.
  const lines = error.message.split("\n").filter((l) => l.trim());
  const logs = lines.findIndex((l) => /^\s*Browser logs:/.test(l));
  if (logs >= 0) lines.length = logs;
  return lines.slice(0, 8).join("\n");
}

/** Runs one check; returns true when it passed. A string `fn` resolves to is shown as a note. */
export async function check(name, fn, { timeout = 3 * TIMEOUT } = {}) {
  const start = Date.now();
  try {
    const note = await withTimeout(Promise.resolve().then(fn), timeout, name);
    report({ name, ok: true, ms: Date.now() - start, note: typeof note === "string" ? note : "" });
    return true;
  } catch (error) {
    report({ name, ok: false, ms: Date.now() - start, error: describe(error) });
    return false;
  }
}

/** Records a result computed elsewhere (e.g. one axe scan). */
export function record(name, ok, error = "", ms = 0) {
  report({ name, ok, ms, error });
}

/**
 * Steps of one flow share a browser page: after the first failure the remaining steps are
 * reported as skipped (and count as failed), so one broken step does not cascade into noise.
 */
export function flow(title, page = null) {
  let broken = null;
  return async function step(name, fn, options) {
    const full = `${title} › ${name}`;
    if (broken) {
      report({ name: full, ok: false, skipped: true, ms: 0, error: `after “${broken}” failed` });
      return false;
    }
    const ok = await check(full, fn, options);
    if (!ok) {
      broken = name;
      // What the page showed when the step failed.
      if (page && !page.isClosed()) await screenshot(page, `FAILED-${name.replace(/[^a-zA-Z0-9äöüÄÖÜß]+/g, "-")}`).catch(() => {});
    }
    return ok;
  };
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// ---- The local stack -----------------------------------------------------------------------

let gateway = null;

/** Starts ./target/debug/dev-gateway (fresh moto + demo data) and waits until it answers. */
export async function startGateway() {
  if (!fs.existsSync(GATEWAY_BIN)) {
    throw new Error(`${path.relative(ROOT, GATEWAY_BIN)} is missing: build it with \`cargo build -p devstack --bin dev-gateway\``);
  }
  if (!fs.existsSync(path.join(SITE, "index.html"))) {
    throw new Error("site/public is missing: run `make site` first");
  }
  // Something else answering there would be tested instead of a fresh stack.
  for (const [port, variable] of [[PORT, "BROWSER_TEST_PORT"], [MOTO_PORT, "BROWSER_TEST_MOTO_PORT"]]) {
    if (await listening(port)) throw new Error(`port ${port} is already in use (another dev gateway?); stop it or set ${variable}=<port>`);
  }
  const log = fs.openSync(path.join(ARTIFACTS, "gateway.log"), "w");
  // Under a tiny shell that stops the gateway as soon as our end of its stdin closes, which
  // happens however this process ends (even kill -9); the gateway in turn stops moto.
  const child = spawn("sh", ["-c", '"$0" </dev/null & pid=$!; read _ignored; kill "$pid" 2>/dev/null; wait "$pid"', GATEWAY_BIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), MOTO_PORT: String(MOTO_PORT), NO_COLOR: "1" },
    // Its own process group, so a Ctrl-C of the runner reaches it only through cleanUp().
    detached: true,
    stdio: ["pipe", log, log],
  });
  gateway = { child, exited: false, code: null };
  child.on("exit", (code, signal) => {
    gateway.exited = true;
    gateway.code = code ?? signal;
  });
  const deadline = Date.now() + 4 * TIMEOUT;
  while (Date.now() < deadline) {
    if (gateway.exited) {
      throw new Error(`the dev gateway stopped (${gateway.code}) during start-up:\n${tail(path.join(ARTIFACTS, "gateway.log"))}`);
    }
    try {
      const response = await fetch(`${BASE}/`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling interval, not synchronisation
  }
  throw new Error(`the dev gateway did not answer on ${BASE} within ${(4 * TIMEOUT) / 1000} s:\n${tail(path.join(ARTIFACTS, "gateway.log"))}`);
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Stops the gateway (and with it moto); idempotent. */
export async function stopGateway() {
  if (!gateway || gateway.exited) return;
  const { child } = gateway;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.stdin.end(); // the shell then stops the gateway (SIGTERM), which stops moto
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  // moto notices the gateway is gone and stops a moment later; wait for its port to close.
  const deadline = Date.now() + 10_000;
  while ((await listening(MOTO_PORT)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100)); // polling interval
}

/** Last resort on process exit: synchronous, no waiting. */
export function killGatewayNow() {
  if (gateway && !gateway.exited) {
    try {
      process.kill(-gateway.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

// ---- Mailbox ---------------------------------------------------------------------------------

export async function mails() {
  const response = await fetch(`${BASE}/_dev/mail.json`);
  assert(response.ok, `GET /_dev/mail.json: ${response.status}`);
  return response.json();
}

/** Polls the dev mailbox until `predicate` matches a mail (newest first); returns it. */
export async function waitForMail(predicate, what, { timeout = TIMEOUT } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = (await mails()).reverse().find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail ${what} within ${timeout / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250)); // polling interval
  }
}

export const mailTo = (address) => (mail) => mail.to.some((to) => to.toLowerCase() === address.toLowerCase());

export function loginLink(mail) {
  const match = mail.body.match(/href="([^"]*#[^"]+)"/);
  assert(match, `mail “${mail.subject}” has no login link`);
  return match[1].replace(/&amp;/g, "&");
}

/** The 8-digit code as printed in the mail (“1234 5678”). */
export function loginCode(mail) {
  const match = mail.body.replace(/<[^>]+>/g, " ").match(/(?<!\d)(\d{4}) (\d{4})(?!\d)/);
  assert(match, `mail “${mail.subject}” has no login code`);
  return `${match[1]} ${match[2]}`;
}

// ---- Browser -------------------------------------------------------------------------------

export const requests = []; // every request any page made: {url, page}
export const pageProblems = []; // uncaught errors and CSP violations: {page, text}

export async function launch() {
  const { chromium } = await import("playwright-core");
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM=…`);
  }
  const options = {
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 2 * TIMEOUT,
  };
  // Chromium now and then dies within its first second on a loaded machine (seen once in a
  // clean-clone run while two builds ran: "Target page, context or browser has been closed",
  // and the same run passed right after). Starting the browser is not what these tests check,
  // so it gets three tries; the last failure is reported with Chromium's whole message.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await chromium.launch(options);
    } catch (error) {
      if (attempt === 3) throw error;
      console.log(`  … Chromium did not start (try ${attempt} of 3): ${String(error.message).split("\n")[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/**
 * A fresh browser profile (cookies, storage) with request recording and error capture;
 * `storageState` (from context.storageState()) starts it with another profile's cookies.
 */
export async function newContext(browser, { lang = "de", viewport = { width: 1280, height: 900 }, storageState } = {}) {
  const context = await browser.newContext({
    locale: lang === "en" ? "en-GB" : "de-DE",
    timezoneId: "Europe/Berlin",
    viewport,
    acceptDownloads: true,
    baseURL: BASE,
    storageState,
  });
  context.setDefaultTimeout(TIMEOUT);
  context.setDefaultNavigationTimeout(TIMEOUT);
  context.on("request", (request) => {
    requests.push({ url: request.url(), page: safePath(request.frame()) });
  });
  context.on("page", watchPage);
  return context;
}

function safePath(frame) {
  try {
    return new URL(frame.url()).pathname;
  } catch {
    return "?";
  }
}

function watchPage(page) {
  page.on("pageerror", (error) => pageProblems.push({ page: page.url(), text: `uncaught: ${error.message}` }));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && /Content Security Policy|Refused to (load|execute|apply|connect)/i.test(text)) {
      pageProblems.push({ page: page.url(), text });
    }
  });
}

let shots = 0;
/** A full-page PNG in target/browser-artifacts/, numbered in the order taken. */
export async function screenshot(page, name) {
  shots += 1;
  const file = path.join(ARTIFACTS, `${String(shots).padStart(3, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs a context in without the UI (for the accessibility walk): request + code via fetch. */
export async function signInViaApi(page, email, { loginPath = "/anmelden/" } = {}) {
  await page.goto(loginPath);
  const known = new Set((await mails()).map((m) => m.id));
  const status = await page.evaluate(async (address) => {
    const response = await fetch("/api/auth/login-request", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: address }),
    });
    return response.status;
  }, email);
  assertEqual(status, 202, `login request for ${email}`);
  const mail = await waitForMail((m) => !known.has(m.id) && mailTo(email)(m), `with a code for ${email}`);
  const code = loginCode(mail).replace(" ", "");
  const redeemed = await page.evaluate(async (value) => {
    const response = await fetch("/api/auth/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: value }),
    });
    return response.status;
  }, code);
  assertEqual(redeemed, 200, `redeeming the code of ${email}`);
}

/** fetch() inside the page: same origin, the page's session cookie, JSON in and out. */
export async function pageFetch(page, method, url, { body, headers = {} } = {}) {
  return page.evaluate(
    async ({ method, url, body, headers }) => {
      const init = { method, headers: { ...headers }, cache: "no-store" };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      const response = await fetch(url, init);
      const text = await response.text();
      let json;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: response.status, etag: response.headers.get("ETag"), body: json };
    },
    { method, url, body, headers },
  );
}

// ---- axe-core ------------------------------------------------------------------------------

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
let axeSource = null;

/**
 * Runs axe-core (WCAG 2.1 A + AA) on the page as it is now and returns the violations, one
 * entry per rule and element. The script goes in through the DevTools protocol (page.evaluate),
 * which the page's strict CSP does not apply to.
 */
export async function axe(page) {
  axeSource ??= fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.evaluate(axeSource);
  const result = await page.evaluate(
    async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: (n.failureSummary || "").split("\n").slice(1, 3).join(" ").trim() })),
      }));
    },
    AXE_TAGS,
  );
  return result;
}

/** axe on the page as it is: one line per violating element (page · rule (impact) · target). */
export async function axeViolations(page) {
  const violations = await axe(page);
  const where = new URL(page.url()).pathname;
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${where} · ${v.id} (${v.impact}) · ${n.target}${n.summary ? ` — ${n.summary}` : ""}`),
  );
}

/** axe on the page; records one check named `axe · name`, listing every violation. */
export async function axeCheck(page, name) {
  return check(`axe · ${name}`, async () => {
    const lines = await axeViolations(page);
    assert(lines.length === 0, `${lines.length} violation(s):\n${lines.join("\n")}`);
  });
}

/**
 * Waits until a page has loaded what it loads: no loading note or busy element visible and,
 * unless `quiet` is false, no request for 500 ms (Playwright's networkidle).
 */
export async function settled(page, { quiet = true } = {}) {
  await page.waitForLoadState("load");
  await page.waitForFunction(() => {
    const busy = [...document.querySelectorAll('[id$="-loading"], [id="checking"], [aria-busy="true"]')];
    return busy.every((node) => node.hidden || node.closest("[hidden]") || node.offsetParent === null);
  });
  if (quiet) await page.waitForLoadState("networkidle");
}
