// Building blocks of the company page's forms: per-field error messages (the API's
// `error.fields`), editable lists of addresses / numbers, the country select and the
// "someone else changed this" box (412 version_conflict).
import { errorText, showMessage, clearError } from "./api.js";
import { t, lang } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

/** The error code of a failed request, or "". */
export function errorCode(result) {
  return (result.body && result.body.error && result.body.error.code) || "";
}

/** 401 and "no company chosen" are the page's business, not a section's. */
export function isPageProblem(result) {
  return result.status === 401 || (result.status === 409 && errorCode(result) === "no_customer_selected");
}

/** The entity tag to send back as If-Match: the ETag header, else the body's version. */
export function versionOf(result, body) {
  const etag = result.headers && result.headers.get("ETag");
  if (etag) return etag;
  return body && body.version !== undefined && body.version !== null ? `"${body.version}"` : null;
}

// ---- Field errors ---------------------------------------------------------------------------

function describedBy(input) {
  return (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
}

/** Shows `message` right after `input`, marks the input invalid and links the two. */
export function setFieldError(input, message) {
  const id = `${input.id}-error`;
  let note = document.getElementById(id);
  if (!note) {
    note = document.createElement("p");
    note.className = "field-error";
    note.id = id;
    // In a list row the message goes below the input and its remove button.
    (input.closest(".multi-line") || input).after(note);
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  const ids = describedBy(input);
  if (!ids.includes(id)) input.setAttribute("aria-describedby", [id, ...ids].join(" "));
}

/** Removes all field messages and invalid marks inside `container`, and hides `box`. */
export function clearFieldErrors(container, box) {
  for (const note of container.querySelectorAll(".field-error")) note.remove();
  for (const input of container.querySelectorAll('[aria-invalid="true"]')) {
    input.removeAttribute("aria-invalid");
    const ids = describedBy(input).filter((id) => id !== `${input.id}-error`);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }
  if (box) clearError(box);
}

/**
 * Shows a failed request in `box` and, for `error.fields` (or a single `error.field`), each
 * message next to the input `lookup(fieldName)` returns. Focus goes to the first marked input,
 * else to the box. Messages of fields without an input stay in the box.
 */
export function showFieldErrors(box, result, lookup, extra = []) {
  const error = (result.body && result.body.error) || {};
  let list = Array.isArray(error.fields) ? error.fields : [];
  if (!list.length && typeof error.field === "string") list = [{ field: error.field, message: error.message }];
  const texts = [errorText(result), ...extra];
  let first = null;
  for (const item of list) {
    if (!item || typeof item.field !== "string") continue;
    const input = lookup(item.field);
    const message = typeof item.message === "string" && item.message ? item.message : errorText(result);
    if (input) {
      setFieldError(input, message);
      if (!first) first = input;
    } else if (message !== texts[0]) {
      texts.push(message);
    }
  }
  showMessage(box, texts);
  if (first) first.focus();
}

// ---- Lists of inputs (invoice emails, contact emails, phones) --------------------------------

/**
 * An editable list of single-line inputs in `list` (an <ol>): one row per value with its own
 * label ("E-Mail-Adresse 2") and a remove button; `addButton` adds a row up to `max`.
 */
export function inputList({ list, addButton, max, labelKey, type, autocomplete }) {
  let counter = 0;
  let sent = []; // the inputs whose values went into the last request, by index

  function rows() {
    return [...list.children];
  }

  function relabel() {
    rows().forEach((row, index) => {
      const text = t(labelKey, { n: index + 1 });
      row.querySelector("label").textContent = text;
      row.querySelector(".remove-what").textContent = text;
    });
    addButton.hidden = rows().length >= max;
  }

  function addRow(value = "") {
    counter += 1;
    const id = `${list.id}-${counter}`;
    const row = document.createElement("li");
    row.className = "multi-row field";
    const label = document.createElement("label");
    label.htmlFor = id;
    const line = document.createElement("div");
    line.className = "multi-line";
    const input = document.createElement("input");
    input.id = id;
    input.type = type;
    input.value = value;
    input.maxLength = type === "tel" ? 30 : 254;
    input.autocomplete = autocomplete;
    input.spellcheck = false;
    input.setAttribute("autocapitalize", "none");
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button remove-button";
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden remove-what";
    remove.append(t("remove"), hidden);
    // The visible text is "Entfernen"; screen readers hear "Entfernen E-Mail-Adresse 2".
    hidden.before(" ");
    remove.addEventListener("click", () => removeRow(row));
    line.append(input, remove);
    row.append(label, line);
    list.append(row);
    return input;
  }

  function removeRow(row) {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    relabel();
    const target = next ? next.querySelector("input") : null;
    if (target) target.focus();
    else addButton.focus();
  }

  addButton.addEventListener("click", () => {
    if (rows().length >= max) return;
    const input = addRow();
    relabel();
    input.focus();
  });

  return {
    /** Replaces the rows with `values` (one empty row when there are none). */
    set(values) {
      list.replaceChildren();
      const items = Array.isArray(values) ? values.slice(0, max) : [];
      for (const value of items.length ? items : [""]) addRow(String(value ?? ""));
      relabel();
    },
    /** The non-empty values, trimmed; remembers which input each came from. */
    values() {
      const inputs = rows().map((row) => row.querySelector("input")).filter((input) => input.value.trim());
      sent = inputs;
      return inputs.map((input) => input.value.trim());
    },
    /** The input behind `values()[index]`. */
    inputAt(index) {
      return sent[index] || null;
    },
    inputs() {
      return rows().map((row) => row.querySelector("input"));
    },
  };
}

/** "invoice_emails[2]" → ["invoice_emails", 2], else null. */
export function indexedField(name) {
  const match = /^([a-z_]+)\[(\d+)\]$/.exec(name);
  return match ? [match[1], Number(match[2])] : null;
}

// ---- Countries -------------------------------------------------------------------------------

const FIRST = ["DE", "AT", "CH"];
const MORE = ["BE", "CZ", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "LI", "LU", "NL", "NO", "PL", "PT", "SE", "US"];
let regionNames = null;
try {
  regionNames = new Intl.DisplayNames([lang], { type: "region" });
} catch {
  regionNames = null;
}

/** "DE" → "Deutschland" / "Germany" (the code when the browser knows no name). */
export function countryName(code) {
  if (typeof code !== "string" || !/^[A-Z]{2}$/.test(code)) return String(code ?? "");
  try {
    return (regionNames && regionNames.of(code)) || code;
  } catch {
    return code;
  }
}

/** Fills a <select> with the common countries (and `current` if it is another one). */
export function fillCountries(select, current, emptyText = null) {
  const codes = [...FIRST, ...MORE.sort((a, b) => countryName(a).localeCompare(countryName(b), lang))];
  if (typeof current === "string" && /^[A-Z]{2}$/.test(current) && !codes.includes(current)) codes.push(current);
  const options = codes.map((code) => {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = countryName(code);
    return option;
  });
  if (emptyText !== null) {
    const empty = document.createElement("option");
    empty.value = "";
    empty.textContent = emptyText;
    options.unshift(empty);
  }
  select.replaceChildren(...options);
  select.value = current || (emptyText !== null ? "" : "DE");
}

// ---- Conflict box ------------------------------------------------------------------------------

/** Fills a <dl> with [label, value] pairs. */
export function fillValues(dl, pairs) {
  dl.replaceChildren(
    ...pairs.map(([label, value]) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.className = "break";
      dd.textContent = value === "" || value === null || value === undefined ? t("empty_value") : String(value);
      div.append(dt, dd);
      return div;
    }),
  );
}

/** The visible label text of an input (for the conflict box). */
export function labelOf(input) {
  const label = input.labels && input.labels[0];
  return label ? label.textContent.trim() : input.name;
}

/** Unix seconds or an ISO string → Date, or null. */
export function toDate(value) {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === "string" && value) {
    const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return null;
}

export const dateTimeFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

/** Puts a <time> for `value` into `parent` (or the text as is). */
export function timeElement(value) {
  const date = toDate(value);
  const node = document.createElement("time");
  if (date) {
    node.dateTime = date.toISOString();
    node.textContent = dateTimeFormat.format(date);
  } else {
    node.textContent = String(value ?? "");
  }
  return node;
}
