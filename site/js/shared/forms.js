// Form building blocks, made for the company page and used by most portal pages: the sections'
// load / retry / busy cycle, per-field error messages (the API's `error.fields`), editable lists
// of addresses / numbers, the country select, times and the "someone else changed this" box
// (412 version_conflict).
import { $, el, request, isSuccess, errorOf, errorText, textOr, showError, showMessage, clearError, describe, setBusy } from "./api.js";
import { isPageProblem, onClick } from "./portal.js";
import { t, lang } from "./i18n.js";

/**
 * A section of the company page with the elements `<name>-denied`, `-loading`, `-failed`,
 * `-load-error` and `-retry`. `hide` lists further elements hidden on reset, `onReset()` clears
 * the rest, `ok(body)` tells a usable answer to GET `url`, `fill(result)` shows it.
 * `onProblem(result)` is the page's handler for 401 / no company.
 */
export function section(name, { url, hide, onReset, ok, fill, onProblem }) {
  const [denied, loading, failed, loadError, retry] = ["denied", "loading", "failed", "load-error", "retry"].map((part) => $(`${name}-${part}`));
  let generation = 0;
  const s = {
    reset() {
      generation++;
      for (const node of [denied, loading, failed, ...hide]) if (node) node.hidden = true;
      onReset();
    },
    deny() {
      s.reset();
      denied.hidden = false;
    },
    async load() {
      s.reset();
      loading.hidden = false;
      const result = await s.send(retry, "GET", url);
      if (!result) return;
      loading.hidden = true;
      if (isSuccess(result) && result.body && ok(result.body)) fill(result);
      else if (!s.problem(result)) s.fail(result);
    },
    /** Shows the load error; 403 means the role may not see the section. */
    fail(result) {
      if (result.status === 403 && denied) return s.deny();
      failed.hidden = false;
      showError(loadError, result);
    },
    /** The request with `button` busy meanwhile; null when the section was reset meanwhile. */
    async send(button, method, path, body, headers) {
      const mine = generation;
      setBusy(button, true);
      const result = await request(method, path, body, headers);
      if (mine !== generation) return null;
      setBusy(button, false);
      return result;
    },
    /** Hands 401 / no company to the page; true then. */
    problem(result) {
      if (!isPageProblem(result)) return false;
      onProblem(result);
      return true;
    },
  };
  onClick(retry, () => s.load());
  return s;
}

/** The entity tag to send back as If-Match: the ETag header, else the body's version. */
export function versionOf(result, body) {
  const etag = result.headers && result.headers.get("ETag");
  if (etag) return etag;
  return body && body.version !== undefined && body.version !== null ? `"${body.version}"` : null;
}

/** {"If-Match": version} when there is a version. */
export const ifMatch = (version) => (version ? { "If-Match": version } : {});

// ---- Field errors ---------------------------------------------------------------------------

/** Shows `message` right after `input`, marks the input invalid and links the two. */
export function setFieldError(input, message) {
  const id = `${input.id}-error`;
  let note = $(id);
  if (!note) {
    note = el("p", { className: "field-error", id });
    // In a list row the message goes below the input and its remove button, at a checkbox
    // below it and its label.
    (input.closest(".multi-line, .check") || input).after(note);
  }
  note.textContent = message;
  describe(input, id, true, true);
}

/** Removes all field messages and invalid marks inside `container`, and hides `box`. */
export function clearFieldErrors(container, box) {
  for (const note of container.querySelectorAll(".field-error")) note.remove();
  for (const input of container.querySelectorAll('[aria-invalid="true"]')) describe(input, `${input.id}-error`, false);
  clearError(box);
}

/** Marks `input` with `message`, shows `texts` in `box` and focuses the input (or the box). */
export function showFieldMessage(box, input, message, texts) {
  if (input) setFieldError(input, message);
  showMessage(box, texts);
  if (input) input.focus();
}

/**
 * Shows a failed request in `box` and, for `error.fields` (or a single `error.field`), each
 * message next to the input `lookup(fieldName)` returns. Focus goes to the first marked input,
 * else to the box. Messages of fields without an input stay in the box.
 */
export function showFieldErrors(box, result, lookup) {
  const error = errorOf(result);
  let list = Array.isArray(error.fields) ? error.fields : [];
  if (!list.length && typeof error.field === "string") list = [{ field: error.field, message: error.message }];
  const texts = [errorText(result)];
  let first = null;
  for (const item of list) {
    if (!item || typeof item.field !== "string") continue;
    const input = lookup(item.field);
    const message = textOr(item.message, texts[0]);
    if (input) {
      setFieldError(input, message);
      first ||= input;
    } else if (message !== texts[0]) {
      texts.push(message);
    }
  }
  showMessage(box, texts);
  if (first) first.focus();
}

// ---- Lists of inputs (invoice emails, contact emails, phones) --------------------------------

/**
 * An editable list of single-line inputs in the <ol> `#<id>`: one row per value with its own
 * label ("E-Mail-Adresse 2") and a remove button; `#<id>-add` adds a row up to `max`.
 * `label` is the fieldset's legend (for the conflict box).
 */
export function inputList(id, max, labelKey, type) {
  const list = $(id);
  const addButton = $(`${id}-add`);
  let counter = 0;
  let sent = []; // the inputs whose values went into the last request, by index

  const rows = () => [...list.children];
  const inputs = () => rows().map((row) => row.querySelector("input"));

  function relabel() {
    rows().forEach((row, index) => {
      const text = t(labelKey, { n: index + 1 });
      row.querySelector("label").textContent = text;
      row.querySelector(".remove-what").textContent = text;
    });
    addButton.hidden = rows().length >= max;
  }

  function addRow(value = "") {
    const inputId = `${id}-${++counter}`;
    const tel = type === "tel";
    const input = el("input", { id: inputId, type, value, maxLength: tel ? 30 : 254, autocomplete: type, spellcheck: false });
    input.setAttribute("autocapitalize", "none");
    // The visible text is "Entfernen"; screen readers hear "Entfernen E-Mail-Adresse 2".
    const remove = el("button", { type: "button", className: "link-button remove-button" }, t("remove"), " ", el("span", { className: "visually-hidden remove-what" }));
    const row = el("li", { className: "multi-row field" }, el("label", { htmlFor: inputId }), el("div", { className: "multi-line" }, input, remove));
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      relabel();
      (next ? next.querySelector("input") : addButton).focus();
    });
    list.append(row);
    return input;
  }

  addButton.addEventListener("click", () => {
    if (rows().length >= max) return;
    const input = addRow();
    relabel();
    input.focus();
  });

  return {
    label: list.closest("fieldset").querySelector("legend").textContent,
    /** Replaces the rows with `values` (one empty row when there are none). */
    set(values) {
      list.replaceChildren();
      const items = Array.isArray(values) ? values.slice(0, max) : [];
      for (const value of items.length ? items : [""]) addRow(String(value ?? ""));
      relabel();
    },
    /** The non-empty values, trimmed; remembers which input each came from. */
    values() {
      sent = inputs().filter((input) => input.value.trim());
      return sent.map((input) => input.value.trim());
    },
    /** The input for the API's field name: "emails" → the first, "emails[2]" → the one behind values()[2]. */
    lookup(field, name) {
      if (field === name) return inputs()[0] || null;
      const match = /^([a-z_]+)\[(\d+)\]$/.exec(field);
      return (match && match[1] === name && sent[match[2]]) || null;
    },
    inputs,
  };
}

// ---- Countries -------------------------------------------------------------------------------

const COUNTRIES = ["BE", "CZ", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "LI", "LU", "NL", "NO", "PL", "PT", "SE", "US"];
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
export function fillCountries(select, current, emptyText) {
  const codes = ["DE", "AT", "CH", ...COUNTRIES.sort((a, b) => countryName(a).localeCompare(countryName(b), lang))];
  if (typeof current === "string" && /^[A-Z]{2}$/.test(current) && !codes.includes(current)) codes.push(current);
  const options = codes.map((code) => el("option", { value: code, textContent: countryName(code) }));
  if (emptyText) options.unshift(el("option", { value: "", textContent: emptyText }));
  select.replaceChildren(...options);
  select.value = current || (emptyText ? "" : "DE");
}

// ---- Conflict box, lists of values, times ------------------------------------------------------

/** A <dl> content for [label, value] pairs. */
export const values = (pairs) =>
  pairs.map(([label, value]) =>
    el(
      "div",
      {},
      el("dt", { textContent: label }),
      el("dd", { className: "break", textContent: value === "" || value === null || value === undefined ? t("empty_value") : String(value) }),
    ),
  );

/** The visible label text of an input (for the conflict box). */
export function labelOf(input) {
  const label = input.labels && input.labels[0];
  return label ? label.textContent.trim() : input.name;
}

/**
 * The 412 box `#<name>-conflict` with the current data in `#<name>-current`:
 * `show(data, version, pairs)`, and its two buttons: `#<name>-reapply` (send my entries
 * against the current version: `reapply(conflict)`, then the form is sent again) and
 * `#<name>-take` (take the current data: `take(conflict)`).
 */
export function conflictBox(name, form, reapply, take) {
  const box = $(`${name}-conflict`);
  let conflict = null; // {data, version} from the last 412
  const use = (handler) => () => {
    if (!conflict) return;
    const current = conflict;
    conflict = null;
    box.hidden = true;
    handler(current);
  };
  $(`${name}-reapply`).addEventListener(
    "click",
    use((current) => {
      reapply(current);
      form.requestSubmit();
    }),
  );
  $(`${name}-take`).addEventListener("click", use(take));
  return {
    box,
    show(data, version, pairs) {
      conflict = { data, version };
      $(`${name}-current`).replaceChildren(...values(pairs));
      box.hidden = false;
      box.focus();
    },
  };
}

/** Unix seconds or an ISO string → Date, or null. */
function toDate(value) {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === "string" && value) {
    const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return null;
}

const dateTimeFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });

/** A <time> for `value` (or the text as is). */
export function timeElement(value) {
  const date = toDate(value);
  return date
    ? el("time", { dateTime: date.toISOString(), textContent: dateTimeFormat.format(date) })
    : el("time", { textContent: String(value ?? "") });
}
