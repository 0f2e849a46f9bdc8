// Shared helpers: the fetch wrapper for the same-origin /api/ endpoints and the error display.
// The session is an HttpOnly cookie; nothing here reads or writes it.
import { t } from "./i18n.js";

/**
 * Calls the API and resolves to {status, body, headers}; never throws.
 * status 0 means the request did not reach the server (network failure).
 * `extraHeaders` adds request headers, e.g. {"If-Match": "\"3\""}.
 */
export async function request(method, url, data, extraHeaders = {}) {
  const headers = { ...extraHeaders, "Accept-Language": document.documentElement.lang };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (data !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(data);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    return { status: 0, body: null, headers: new Headers() };
  }
  let body = null;
  try {
    const text = await response.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, body, headers: response.headers };
}

export function isSuccess(result) {
  return result.status >= 200 && result.status < 300;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or null. */
function retryAfterSeconds(headers) {
  const value = headers.get("Retry-After");
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function waitText(seconds) {
  if (seconds === null || seconds <= 0) return t("wait");
  if (seconds === 1) return t("wait_second");
  if (seconds < 120) return t("wait_seconds", { n: seconds });
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? t("wait_minute") : t("wait_minutes", { n: minutes });
}

/** The user-facing text for a failed request: the server's message (already in the page's language). */
export function errorText(result) {
  if (result.status === 0) return t("network");
  const message = result.body && result.body.error && result.body.error.message;
  return typeof message === "string" && message ? message : t("unexpected");
}

function paragraph(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

/** Shows a message in an alert box (role="alert", tabindex="-1") and moves focus to it. */
export function showMessage(box, texts, invalidInput) {
  box.replaceChildren(...texts.map(paragraph));
  box.hidden = false;
  if (invalidInput) markInvalid(invalidInput, box);
  box.focus();
}

/**
 * Shows a failed request's error in `box`. `fields` maps API field names to inputs: the input
 * named by the error's `field` is marked invalid and linked to the message.
 */
export function showError(box, result, fields = {}) {
  const texts = [errorText(result)];
  if (result.status === 429) texts.push(waitText(retryAfterSeconds(result.headers)));
  const field = result.body && result.body.error && result.body.error.field;
  showMessage(box, texts, field && Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : null);
}

function markInvalid(input, box) {
  input.setAttribute("aria-invalid", "true");
  const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  if (!ids.includes(box.id)) input.setAttribute("aria-describedby", [...ids, box.id].join(" "));
}

/** Hides an alert box and removes the invalid marks it put on inputs. */
export function clearError(box, inputs = []) {
  box.hidden = true;
  box.replaceChildren();
  for (const input of inputs) {
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && id !== box.id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }
}

/** Disables a button while its request runs. */
export function setBusy(button, busy) {
  button.disabled = busy;
  if (busy) button.setAttribute("aria-busy", "true");
  else button.removeAttribute("aria-busy");
}

/** True for a same-site path like "/portal/": one leading slash, nothing a browser reads as another host. */
export function isLocalPath(value) {
  if (typeof value !== "string" || !/^\/(?![/\\])/.test(value)) return false;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return false;
  try {
    return new URL(value, location.origin).origin === location.origin;
  } catch {
    return false;
  }
}

/** After a successful sign-in: go to the server's `next` if it is a local path, else to `fallback`. */
export function goAfterLogin(session, fallback) {
  const next = session && session.next;
  location.replace(isLocalPath(next) ? next : fallback);
}
