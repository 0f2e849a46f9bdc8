// Customer uploads (proofs of payment, support attachments) over a presigned POST. The chosen
// file is checked here first (PDF, PNG or JPEG, 1 byte to 10 MB), so a wrong file is explained
// before any request; then the API issues the POST, the file goes straight to the bucket, and
// the caller names the upload id in its own request. The bucket's refusals (S3's XML error
// documents) are explained in the page's language. The documents and requests pages import this
// module only when someone uploads, so their first load stays light.
import { request, isSuccess } from "./api.js";
import { t } from "./i18n.js";
import S from "./upload-texts.js";

/** The largest file the API offers an upload for: 10 MB (MiB, as the server counts). */
export const MAX_BYTES = 10 * 1024 * 1024;

/** File name endings for when the browser knows no type (some systems leave `file.type` empty). */
const BY_ENDING = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg" };
const ACCEPTED = new Set(Object.values(BY_ENDING));

/** Shows (or clears) "Wird hochgeladen …" with the spinner in the status element `node`. */
export function showUploading(node, on) {
  node.textContent = on ? S.uploading : "";
  node.classList.toggle("loading", on);
}

const fill = (text, vars) => text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));

/** The content type to announce for `file` ("" when it is none the API takes). */
function typeOf(file) {
  let type = String(file.type || "").toLowerCase();
  if (type === "image/jpg" || type === "image/pjpeg") type = "image/jpeg";
  if (!type) type = BY_ENDING[(/\.([a-z]+)$/i.exec(file.name || "") || [])[1]?.toLowerCase()] || "";
  return ACCEPTED.has(type) ? type : "";
}

/** Why `file` cannot be uploaded, as a sentence for people, or "" when it can. */
export function refusal(file) {
  const vars = { name: file.name };
  if (!typeOf(file)) return fill(S.wrong_type, vars);
  if (file.size > MAX_BYTES) return fill(S.too_large, vars);
  if (file.size === 0) return fill(S.empty, vars);
  return "";
}

/**
 * The bucket's refusal of an upload as a sentence for people: `status` of its answer (0 when
 * none came) and the body, S3's XML error document (`<Error><Code>…</Code><Message>…`).
 */
export function bucketRefusal(status, xml) {
  if (!status) return t("network");
  const part = (name) => (new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(xml || "")) || [])[1] || "";
  const code = part("Code");
  const message = part("Message");
  if (code === "EntityTooLarge") return S.bucket_too_large;
  if (code === "EntityTooSmall") return S.bucket_empty;
  if (/Policy expired/i.test(message)) return S.bucket_expired;
  // The policy fixes the announced type: a file sent as another type fails its condition.
  if (/Policy Condition failed/i.test(message) && /content-type/i.test(message)) return S.bucket_type;
  return fill(S.bucket_other, { code: code || status });
}

/**
 * Uploads `file` with the presigned POST that `offerPath` issues. Resolves to {id} (the upload
 * id to name in the next request), {result} when the API refused the offer (for showError), or
 * {text} when the bucket refused the file or could not be reached.
 */
export async function upload(offerPath, file) {
  const result = await request("POST", offerPath, { content_type: typeOf(file), size: file.size });
  const offer = result.body;
  if (!isSuccess(result) || !offer || typeof offer.url !== "string" || !offer.fields || !offer.upload_id) {
    // A 2xx without a usable offer reads as the unexpected error.
    return { result: isSuccess(result) ? { ...result, status: 500 } : result };
  }
  // S3 takes the policy's fields first and the file last; the browser sets the multipart type.
  const form = new FormData();
  for (const [name, value] of Object.entries(offer.fields)) form.append(name, value);
  form.append(offer.file_field || "file", file);
  let status = 0;
  let body = "";
  try {
    const response = await fetch(offer.url, { method: "POST", body: form, credentials: "omit", cache: "no-store" });
    if (response.ok) return { id: offer.upload_id };
    status = response.status;
    body = await response.text();
  } catch {
    // No answer (offline, or the connection dropped while sending): status 0.
  }
  return { text: bucketRefusal(status, body) };
}
