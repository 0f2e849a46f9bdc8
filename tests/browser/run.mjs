#!/usr/bin/env node
// Browser tests of the Kundenportal: starts the local stack (./target/debug/dev-gateway: moto,
// demo data, site/public and /api/*), drives headless Chromium through playwright-core and
// prints one line per check. Exit code 0 only when every check passed.
//
//   node tests/browser/run.mjs            # everything
//   node tests/browser/run.mjs e2e a11y   # only some parts: static, e2e, a11y
//
// Environment: BROWSER_TEST_PORT / BROWSER_TEST_MOTO_PORT (default 8095 / 5595, PORT and
// MOTO_PORT are honoured too), CHROMIUM (default /usr/bin/chromium), BROWSER_TEST_TIMEOUT_MS.
import fs from "node:fs";
import path from "node:path";
import {
  ROOT, ARTIFACTS, BASE, results, check, silence, startGateway, stopGateway, killGatewayNow, launch, green, red, dim,
} from "./lib/harness.mjs";
import staticChecks from "./specs/static.mjs";
import e2eGerman from "./specs/e2e-de.mjs";
import e2eEnglish from "./specs/e2e-en.mjs";
import e2eActivation from "./specs/e2e-activate.mjs";
import e2eRevoke from "./specs/e2e-revoke.mjs";
import e2eRequests from "./specs/e2e-requests.mjs";
import e2eContracts from "./specs/e2e-contracts.mjs";
import e2ePayment from "./specs/e2e-payment.mjs";
import e2eUploads from "./specs/e2e-uploads.mjs";
import legalPages from "./specs/legal-pages.mjs";
import accessibility from "./specs/a11y.mjs";
import requestChecks from "./specs/requests.mjs";

const PARTS = ["static", "e2e", "a11y"];
const wanted = process.argv.slice(2);
for (const part of wanted) {
  if (!PARTS.includes(part)) {
    console.error(`unknown part “${part}”; choose from ${PARTS.join(", ")}`);
    process.exit(2);
  }
}
const runs = (part) => wanted.length === 0 || wanted.includes(part);

let browser = null;
let stopping = false;
const say = (text) => {
  if (!stopping) console.log(text);
};

async function cleanUp() {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  await stopGateway();
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    silence();
    console.log(`\n${signal}: stopping the browser and the dev gateway …`);
    await cleanUp();
    process.exit(130);
  });
}
process.on("exit", killGatewayNow);

async function main() {
  const started = Date.now();
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  if (runs("static")) {
    say("▸ Static checks (no browser)");
    await staticChecks();
  }

  if (runs("e2e") || runs("a11y")) {
    say(`▸ Starting the local stack on ${BASE} …`);
    const up = await check("dev gateway starts and answers", startGateway, { timeout: 150_000 });
    if (!up) return finish(started);
    const launched = await check("headless Chromium starts", async () => {
      browser = await launch();
    });
    if (!launched) return finish(started);

    if (runs("e2e")) {
      say("▸ Imprint and privacy notice from every kind of page (German and English)");
      await legalPages(browser);
      say("▸ End-to-end, German");
      await e2eGerman(browser);
      say("▸ End-to-end, English");
      await e2eEnglish(browser);
      say("▸ End-to-end, activating access (German and English)");
      await e2eActivation(browser);
      say("▸ End-to-end, taking back a first owner by activation (German and English)");
      await e2eRevoke(browser);
      say("▸ End-to-end, support requests and notifications (German and English)");
      await e2eRequests(browser);
      say("▸ End-to-end, contracts (German and English)");
      await e2eContracts(browser);
      say("▸ End-to-end, payment method on the company page (German and English)");
      await e2ePayment(browser);
      // Last of the flows: it adds a support request, and e2e-requests expects none at first.
      say("▸ End-to-end, uploads: proof of payment and support attachments (German and English)");
      await e2eUploads(browser);
    }
    if (runs("a11y")) {
      say("▸ Accessibility (axe-core, WCAG 2.1 A/AA), every page in both languages");
      await accessibility(browser);
    }
    say("▸ What the pages loaded");
    await requestChecks();
  }
  return finish(started);
}

function finish(started) {
  const failed = results.filter((r) => !r.ok);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const where = path.relative(ROOT, ARTIFACTS);
  console.log("");
  if (failed.length === 0) {
    console.log(green(`✔ ${results.length} browser checks passed in ${seconds} s`) + dim(` (screenshots in ${where}/)`));
  } else {
    console.log(red(`✘ ${failed.length} of ${results.length} browser checks failed (${seconds} s):`));
    for (const r of failed) console.log(red(`   ✗ ${r.name}`));
    if (siteChangedSince(started)) {
      console.log(red("   Note: site/public was rebuilt while the tests ran (make site elsewhere?); pages or scripts"));
      console.log(red("   may have been missing for a moment. Run again once the build is done."));
    }
    console.log(dim(`   screenshots and gateway.log in ${where}/`));
  }
  return failed.length === 0;
}

/** True when site/public (or its scripts) changed after `since` (ms). */
function siteChangedSince(since) {
  for (const rel of ["site/public", "site/public/index.html", "site/public/js", "site/public/css"]) {
    try {
      if (fs.statSync(path.join(ROOT, rel)).mtimeMs > since) return true;
    } catch {
      return true;
    }
  }
  return false;
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  if (!stopping) console.error(red(`browser tests stopped: ${error.stack || error}`));
} finally {
  await cleanUp();
}
process.exit(ok ? 0 : 1);
