// Tests of the CloudFront Function infra/edge/viewer-request.js (make edge-test, node:test).
// The file stays a plain CloudFront Functions script: it is read as text and evaluated, the
// way CloudFront runs it, and the inline copy in infra/template.yaml must equal it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CODE = fs.readFileSync(path.join(ROOT, "infra/edge/viewer-request.js"), "utf8");
const handler = new Function(`${CODE}; return handler;`)();
const ORIGIN = "https://portal.example.com";

// A viewer-request event as CloudFront passes it; rawQueryString() gives the query unparsed
// (undefined without "?"); `raw: null` leaves the method out, as the console's test does.
function run(uri, raw) {
  const request = {
    method: "GET",
    uri,
    querystring: {},
    headers: { host: { value: "portal.example.com" } },
    cookies: {},
  };
  if (raw !== null) request.rawQueryString = () => raw;
  return handler({
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: "198.51.100.7" },
    request,
  });
}

function location(result) {
  return result.headers && result.headers.location && result.headers.location.value;
}

// What every answer must satisfy, whatever the path: a redirect stays on the origin, a
// rewrite stays a plain path, a refusal redirects nowhere.
function assertStaysOnTheOrigin(uri, result) {
  const shown = JSON.stringify(uri);
  if (result.statusCode === 301) {
    const target = location(result);
    assert.match(target, /^\/[^/\\]/, `${shown}: Location ${JSON.stringify(target)}`);
    assert.doesNotMatch(target, /[\x00-\x1f\x7f\\]/, `${shown}: Location ${JSON.stringify(target)}`);
    assert.equal(new URL(target, ORIGIN).origin, ORIGIN, `${shown}: Location ${JSON.stringify(target)}`);
  } else if (result.statusCode !== undefined) {
    assert.equal(result.statusCode, 400, shown);
    assert.equal(location(result), undefined, shown);
  } else {
    assert.match(result.uri, /^\/(?:[^/\\]|$)/, `${shown}: rewritten to ${JSON.stringify(result.uri)}`);
  }
}

test("directories_get_their_index_and_files_pass_unchanged", () => {
  assert.deepEqual(
    { status: run("/hilfe").statusCode, location: location(run("/hilfe")) },
    { status: 301, location: "/hilfe/" },
  );
  assert.equal(location(run("/en/hilfe/rechnungen")), "/en/hilfe/rechnungen/");
  assert.equal(run("/hilfe/").uri, "/hilfe/index.html");
  assert.equal(run("/").uri, "/index.html");
  const asset = run("/js/x.js");
  assert.equal(asset.uri, "/js/x.js");
  assert.equal(asset.statusCode, undefined);
  // Ordinary escapes (ä, a space, a lone %) are no reason to refuse.
  assert.equal(location(run("/hilfe/%C3%A4nderungen")), "/hilfe/%C3%A4nderungen/");
  assert.equal(location(run("/hilfe/a%20b")), "/hilfe/a%20b/");
  assert.equal(run("/100%/").uri, "/100%/index.html");
});

const ATTACKS = [
  "//evil.example/x",
  "//evil.example",
  "///evil.example",
  "////evil.example/x",
  "/\\evil.example",
  "/\\/evil.example",
  "/\\\\evil.example",
  "/hilfe\\..\\..\\x",
  "/%2F%2Fevil.example",
  "/%2f%2fevil.example",
  "/%2F/evil.example",
  "/%2fevil.example",
  "/%5cevil.example",
  "/%5Cevil.example",
  "/%5C%5Cevil.example",
  "/%252F%252Fevil.example",
  "/%252f/evil.example",
  "/%255cevil.example",
  "/%25252F%25252Fevil.example",
  "/%2525252Fevil.example", // still encoded after three rounds
  "/%25%32%46%25%32%46evil.example", // %2F%2F once decoded
  "/\t/evil.example",
  "/\t\t//evil.example",
  "/%09/evil.example",
  "/%0d%0a",
  "/%0D%0ALocation:%20https://evil.example",
  "/\r\n/evil.example",
  "/\n/evil.example",
  "/%00/evil.example",
  "/%7f/evil.example",
  "/%2509/evil.example",
  "/./evil.example",
  "/../evil.example",
  "/hilfe/..",
  "/hilfe/.",
  "/hilfe/../../evil.example",
  "/%2e%2e/evil.example",
  "/.%2E/evil.example",
  "/%2e/evil.example",
  "/%252e%252e/evil.example",
  "/hilfe?next=x",
  "/hilfe#x",
  // mixed
  "/%5c%2F%09evil.example",
  "/\t%2f\\evil.example",
  "/%2F\\%5C/evil.example",
  "/%252F%5c%09/evil.example",
  "//%5c/evil.example",
  "/%09%0d%0a%2f%2fevil.example/x",
];

test("paths_that_could_leave_the_origin_are_refused_with_400", () => {
  for (const uri of ATTACKS) {
    const result = run(uri, "a=1");
    assert.equal(result.statusCode, 400, `${JSON.stringify(uri)} → ${JSON.stringify(result)}`);
    assert.equal(location(result), undefined, JSON.stringify(uri));
  }
});

test("every_redirect_stays_on_the_origin", () => {
  // Every path of up to three pieces, each answer checked; the attacks above once more.
  const pieces = [
    "/", "//", "\\", "%2f", "%2F", "%5c", "%5C", "%252f", "%255C", "%25", "%", "\t", "%09",
    "\r", "\n", "%0d%0a", "%00", ".", "..", "%2e", "evil.example", "hilfe", "x.js", "@", ":",
    "%40", " ", "%20", "?", "#",
  ];
  let paths = [""];
  const all = [];
  for (let length = 0; length < 3; length++) {
    paths = paths.flatMap((p) => pieces.map((piece) => p + piece));
    for (const p of paths) all.push(`/${p}`);
  }
  let redirects = 0;
  for (const uri of [...ATTACKS, ...all]) {
    for (const raw of [undefined, "", "a=1", "next=//evil.example", "a=%0d%0a"]) {
      const result = run(uri, raw);
      assertStaysOnTheOrigin(uri, result);
      if (result.statusCode === 301) redirects++;
    }
  }
  assert.ok(redirects > 1000, `only ${redirects} redirects among ${all.length} paths`);
});

test("the_query_string_is_kept_only_when_it_is_plain", () => {
  assert.equal(location(run("/hilfe", "a=1&b=x%2Fy")), "/hilfe/?a=1&b=x%2Fy");
  assert.equal(location(run("/hilfe", "q=rechnung&lang=de&x=1&x=2")), "/hilfe/?q=rechnung&lang=de&x=1&x=2");
  assert.equal(location(run("/hilfe", "next=//evil.example/x")), "/hilfe/?next=//evil.example/x");
  assert.equal(new URL(location(run("/hilfe", "next=//evil.example/x")), ORIGIN).pathname, "/hilfe/");
  // No query, a bare "?", or no rawQueryString() at all (older runtime, console test): none.
  assert.equal(location(run("/hilfe", undefined)), "/hilfe/");
  assert.equal(location(run("/hilfe", "")), "/hilfe/");
  assert.equal(location(run("/hilfe", null)), "/hilfe/");
  // Anything that is not plain RFC 3986 query text is dropped, not passed on.
  for (const raw of ["a=\r\nSet-Cookie:%20x=1", "a=\tb", "a#b", "a\\b", "a=<b>", "a b", "a=%zz", "a=%", "a=\u00e4"]) {
    assert.equal(location(run("/hilfe", raw)), "/hilfe/", JSON.stringify(raw));
  }
});

test("the_function_is_a_plain_cloudfront_functions_script", () => {
  // No modules at runtime, within the 10 KB a CloudFront function may have.
  assert.doesNotMatch(CODE, /^\s*(?:import|export)\b|\brequire\s*\(/m);
  assert.ok(Buffer.byteLength(CODE) <= 10240, `${Buffer.byteLength(CODE)} bytes`);
  assert.equal(typeof handler, "function");
});

// The `FunctionCode: |` block of infra/template.yaml as YAML reads it: indentation from its
// first non-blank line, the block ends at the first non-blank line indented less, trailing
// blank lines are dropped and one line break kept (clip chomping).
function inlineFunctionCode(template) {
  const lines = template.split("\n");
  const headers = lines.flatMap((line, i) => (/^ *FunctionCode: \|$/.test(line) ? [i] : []));
  assert.equal(headers.length, 1, `infra/template.yaml has ${headers.length} "FunctionCode: |" lines, expected 1`);
  const body = [];
  let indent;
  for (const line of lines.slice(headers[0] + 1)) {
    if (line.trim() === "") {
      body.push(indent !== undefined && line.length > indent ? line.slice(indent) : "");
      continue;
    }
    indent ??= line.match(/^ */)[0].length;
    if (line.match(/^ */)[0].length < indent) break;
    body.push(line.slice(indent));
  }
  while (body.length && body.at(-1) === "") body.pop();
  return `${body.join("\n")}\n`;
}

test("the_template_carries_exactly_infra_edge_viewer_request_js", () => {
  const template = fs.readFileSync(path.join(ROOT, "infra/template.yaml"), "utf8");
  assert.ok(
    inlineFunctionCode(template) === CODE,
    "infra/template.yaml's FunctionCode differs from infra/edge/viewer-request.js: " +
      "edit the .js file and run `node infra/edge/sync.mjs` to copy it into the template",
  );
});
