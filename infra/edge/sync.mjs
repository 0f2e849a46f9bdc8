#!/usr/bin/env node
// Copies infra/edge/viewer-request.js into the `FunctionCode: |` block of infra/template.yaml
// (CloudFormation cannot read a local file there) and touches nothing else of the template.
// tests/edge/viewer-request.test.mjs (make edge-test) fails while the two differ.
//
//   node infra/edge/sync.mjs
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CODE = path.join(ROOT, "infra/edge/viewer-request.js");
const TEMPLATE = path.join(ROOT, "infra/template.yaml");

function fail(message) {
  console.error(`infra/edge/sync.mjs: ${message}`);
  process.exit(1);
}

const code = fs.readFileSync(CODE, "utf8");
// A YAML literal block (`|`, clip chomping) gives back exactly this only for such text.
if (code.includes("\r")) fail("viewer-request.js has CR characters; save it with LF line ends");
if (!code.endsWith("\n") || code.endsWith("\n\n")) fail("viewer-request.js must end with exactly one line break");
if (/^[ \t]/.test(code)) fail("viewer-request.js must not start with white space");

const template = fs.readFileSync(TEMPLATE, "utf8");
const lines = template.split("\n");
const headers = lines.flatMap((line, i) => (/^ *FunctionCode: \|$/.test(line) ? [i] : []));
if (headers.length !== 1) fail(`expected one "FunctionCode: |" line in infra/template.yaml, found ${headers.length}`);
const header = headers[0];
const indent = " ".repeat(lines[header].indexOf("FunctionCode") + 2);

// The block runs until the first non-blank line indented less than the block; blank lines at
// its end stay where they are (they separate it from the next resource).
let end = header + 1;
let last = header;
for (; end < lines.length; end++) {
  if (lines[end].trim() === "") continue;
  if (!lines[end].startsWith(indent)) break;
  last = end;
}

const block = code.slice(0, -1).split("\n").map((line) => (line === "" ? "" : indent + line));
const updated = [...lines.slice(0, header + 1), ...block, ...lines.slice(last + 1)].join("\n");
if (updated === template) {
  console.log("infra/template.yaml: FunctionCode is up to date with infra/edge/viewer-request.js");
} else {
  fs.writeFileSync(TEMPLATE, updated);
  console.log("infra/template.yaml: FunctionCode rewritten from infra/edge/viewer-request.js");
}
