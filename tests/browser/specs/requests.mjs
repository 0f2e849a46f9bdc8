// Every request the browser made during the runs went to the gateway (or, for presigned
// downloads, to the local S3 stand-in), and no page had a script error or a CSP violation.
import { BASE, MOTO, check, requests, pageProblems, assert } from "../lib/harness.mjs";

export default async function requestChecks() {
  await check("every browser request went to the portal's own origin (or the local S3 for downloads)", () => {
    const allowed = new Set([new URL(BASE).origin, new URL(MOTO).origin]);
    const foreign = new Map();
    let counted = 0;
    for (const { url, page } of requests) {
      if (/^(data|blob|about|chrome-error):/.test(url)) continue;
      counted += 1;
      const origin = new URL(url).origin;
      if (!allowed.has(origin)) foreign.set(url, page);
    }
    assert(counted > 0, "no requests recorded");
    const lines = [...foreign].map(([url, page]) => `${url} (from ${page})`);
    assert(lines.length === 0, `${lines.length} request(s) to other origins:\n${lines.join("\n")}`);
    return `${counted} requests`;
  });

  await check("no uncaught script errors or CSP violations on any page", () => {
    const lines = pageProblems.map((p) => `${new URL(p.page).pathname}: ${p.text}`);
    assert(lines.length === 0, `${lines.length} problem(s):\n${[...new Set(lines)].join("\n")}`);
  });
}
