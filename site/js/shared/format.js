// Formatting for the documents, requests and notifications pages: amounts, dates, labels, IBANs,
// all in the page's language.
import { t, lang, labelOr } from "./i18n.js";

export const KINDS = ["invoice", "credit_note", "order", "offer", "delivery_note", "return", "contract"];
export const STATUSES = ["open", "paid", "overdue", "cancelled"];
/** Support requests (requests and notifications pages): topics and statuses. */
export const CATEGORIES = ["invoice", "payment", "contract", "access", "technical", "other"];
export const REQUEST_STATUSES = ["open", "in_progress", "answered", "closed"];

const moneyFormats = new Map();

/** "119.00" + "EUR" → "119,00 €" (de) / "€119.00" (en); the text as is when it is no number. */
export function money(amount, currency) {
  const value = Number(amount);
  if (typeof amount !== "string" || amount.trim() === "" || !Number.isFinite(value)) return String(amount ?? "");
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(lang, { style: "currency", currency });
    } catch {
      format = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    moneyFormats.set(currency, format);
  }
  return format.format(value);
}

const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" });
const monthLong = new Intl.DateTimeFormat(lang, { month: "long", timeZone: "UTC" });
const monthShort = new Intl.DateTimeFormat(lang, { month: "short", timeZone: "UTC" });

/** "2026-03-15" → a Date at UTC midnight of that day, or null. */
function parseDay(iso) {
  const match = typeof iso === "string" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-03-15" → "15.03.2026" (de) / "Mar 15, 2026" (en). */
export function day(iso) {
  const date = parseDay(iso);
  return date ? dateFormat.format(date) : String(iso ?? "");
}

/** The machine-readable form for <time datetime>, or "" when the value is no date. */
export function dayAttr(iso) {
  return parseDay(iso) ? iso : "";
}

/** 1 → "Januar" / "January"; short: "Jan." / "Jan". */
export function monthName(month, short = false) {
  const date = new Date(Date.UTC(2000, month - 1, 1));
  return (short ? monthShort : monthLong).format(date);
}

export function kindLabel(kind) {
  return labelOr("kind_", kind, String(kind ?? ""));
}

export function statusLabel(status) {
  return labelOr("status_", status, String(status ?? ""));
}

export function categoryLabel(category) {
  return labelOr("cat_", category, String(category ?? ""));
}

/** "in_progress" → "In Bearbeitung". */
export function requestStatusLabel(status) {
  return labelOr("rs_", status, String(status ?? ""));
}

const localDay = new Intl.DateTimeFormat(lang, { dateStyle: "medium" });

/** Unix seconds → "23.11.2026" (the browser's time zone); "" when it is no time. */
export function dayOfTime(seconds) {
  const value = Number(seconds);
  return Number.isFinite(value) && value > 0 ? localDay.format(new Date(value * 1000)) : "";
}

/** "offen" → "Offen", for select options. */
export function capitalized(text) {
  return text ? text.charAt(0).toLocaleUpperCase(lang) + text.slice(1) : text;
}

/** A reference's label: known keys translated, others as sent ("cost_centre" → "cost centre"). */
export function referenceLabel(key) {
  return labelOr("ref_", key, String(key).replace(/_/g, " "));
}

/** "Rechnung R-2026-0042" */
export function docName(doc) {
  return t("doc_name", { kind: kindLabel(doc.kind), number: doc.number });
}

/** "DE02120300000000202051" → "DE02 1203 0000 0000 2020 51" */
export function groupIban(iban) {
  return String(iban ?? "").replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}
