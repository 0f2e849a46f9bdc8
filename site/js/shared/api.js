// The shared core of all pages with scripts (portal and help centre, one chunk): the fetch
// wrapper for the same-origin /api/ endpoints, the error display and small DOM helpers.
// The session is an HttpOnly cookie; nothing here reads it.
import { t, tn } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

/** el("p", {className: "x"}, "text", child): an element with properties and children (null, false and "" left out). */
export function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter(Boolean));
  return node;
}

/** Sets the attribute to `value`, or removes it when `value` is empty. */
export function attr(node, name, value) {
  if (value) node.setAttribute(name, value);
  else node.removeAttribute(name);
}

/**
 * Calls the API and resolves to {status, body, headers}; never throws.
 * status 0 means the request did not reach the server (network failure).
 * `extraHeaders` adds request headers, e.g. {"If-Match": "\"3\""}.
 */
export async function request(method, url, data, extraHeaders) {
  const headers = { ...extraHeaders, "Accept-Language": document.documentElement.lang };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (data !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(data);
  }
  try {
    const response = await fetch(url, init);
    let body = null;
    try {
      const text = await response.text();
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body, headers: response.headers };
  } catch {
    return { status: 0, body: null, headers: new Headers() };
  }
}

export const isSuccess = (result) => result.status >= 200 && result.status < 300;

/** The `error` object of a failed request's body ({} when there is none). */
export const errorOf = (result) => (result.body && result.body.error) || {};

/** A non-empty string from the server (e.g. body.message), else `fallback`. */
export const textOr = (value, fallback) => (typeof value === "string" && value ? value : fallback);

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or null. */
function retryAfterSeconds(headers) {
  const value = (headers.get("Retry-After") || "").trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function waitText(seconds) {
  if (seconds === null || seconds <= 0) return t("wait");
  return seconds < 120 ? tn("wait_seconds", seconds) : tn("wait_minutes", Math.ceil(seconds / 60));
}

/** The user-facing text for a failed request: the server's message (already in the page's language). */
export const errorText = (result) =>
  result.status === 0 ? t("network") : textOr(errorOf(result).message, t("unexpected"));

/**
 * Marks `input` invalid and adds `id` to its aria-describedby (first or last), or (on = false)
 * removes both again.
 */
export function describe(input, id, on, first) {
  let ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  if (!on) ids = ids.filter((x) => x !== id);
  else if (!ids.includes(id)) ids = first ? [id, ...ids] : [...ids, id];
  attr(input, "aria-invalid", on && "true");
  attr(input, "aria-describedby", ids.join(" "));
}

/** Paragraphs, one per text. */
export const paragraphs = (texts) => texts.map((text) => el("p", { textContent: text }));

/** Shows a message in an alert box (role="alert", tabindex="-1") and moves focus to it. */
export function showMessage(box, texts, invalidInput) {
  box.replaceChildren(...paragraphs(texts));
  box.hidden = false;
  if (invalidInput) describe(invalidInput, box.id, true);
  box.focus();
}

/**
 * Shows a failed request's error in `box`. `fields` maps API field names to inputs: the input
 * named by the error's `field` is marked invalid and linked to the message.
 */
export function showError(box, result, fields = {}) {
  const texts = [errorText(result)];
  if (result.status === 429) texts.push(waitText(retryAfterSeconds(result.headers)));
  const field = errorOf(result).field;
  showMessage(box, texts, field && Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : null);
}

/** Hides an alert box and removes the invalid marks it put on inputs. */
export function clearError(box, inputs = []) {
  box.hidden = true;
  box.replaceChildren();
  for (const input of inputs) describe(input, box.id, false);
}

/** Disables a button while its request runs. */
export function setBusy(button, busy) {
  button.disabled = busy;
  attr(button, "aria-busy", busy && "true");
}

