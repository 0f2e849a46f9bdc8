// The documents list, built with DOM calls only: a table row (wide screens) and a card (narrow
// screens) per document. CSS shows one of the two; the hidden one is out of the accessibility tree.
import { t } from "../shared/i18n.js";
import { el } from "../shared/api.js";
import { isLocalPath } from "../shared/portal.js";
import { money, day, dayAttr, dayOfTime, statusLabel, kindLabel, referenceLabel, docName, STATUSES } from "../shared/format.js";

const span = (className, textContent) => el("span", { className, textContent });

function time(iso) {
  const node = el("time", { textContent: day(iso) });
  const attr = dayAttr(iso);
  if (attr) node.dateTime = attr;
  return node;
}

const statusBadge = (doc) => span(`status status-${STATUSES.includes(doc.status) ? doc.status : "other"}`, statusLabel(doc.status));

const kindAndNumber = (doc) => [span("doc-kind", kindLabel(doc.kind)), span("doc-number", doc.number)];

/** "Nachweis eingereicht am 23.11.2026" when a proof of payment was uploaded for the invoice (every role sees it). */
function proofNote(doc) {
  const date = doc.proof && dayOfTime(doc.proof.submitted_at);
  return date ? span("doc-proof", t("proof_submitted", { date })) : null;
}

function references(doc) {
  const refs = doc.references && typeof doc.references === "object" ? Object.entries(doc.references) : [];
  return refs.length ? span("doc-refs", refs.map(([key, value]) => `${referenceLabel(key)}: ${value}`).join(" · ")) : null;
}

/** Visible text plus a visually hidden part naming the document, for screen readers. */
const labelled = (tag, props, visible, doc) => el(tag, props, visible, span("visually-hidden", t("for_doc", { doc: docName(doc) })));

/** A button that calls `handler(doc, button)`. */
function button(className, text, doc, handler) {
  const node = labelled("button", { type: "button", className }, text, doc);
  node.addEventListener("click", () => handler(doc, node));
  return node;
}

/** A download link only for our own API paths; anything else from the server is left out. */
function downloadLink(href, text, doc) {
  if (typeof href !== "string" || !isLocalPath(href) || !href.startsWith("/api/documents/")) return null;
  return labelled("a", { className: "action action-download", href }, text, doc);
}

/**
 * Without `handlers` (the overview page, which has no dialogs) only the downloads. The upload of
 * a proof of payment is offered where the server links it (open and overdue invoices) and
 * `handlers.proof` is set (the documents page sets it for owners and billing only).
 */
function actions(doc, handlers) {
  const links = doc.links || {};
  return el(
    "div",
    { className: "actions" },
    // Paying is what an open invoice is waiting for, so it comes first. The server offers
    // `links.payment` for open and overdue invoices it has a way to pay for.
    handlers && typeof links.payment === "string" && button("button button-small action-pay", t("action_pay"), doc, handlers.pay),
    downloadLink(links.pdf, t("action_pdf"), doc),
    downloadLink(links.xml, t("action_xml"), doc),
    handlers && button("action action-button", t("action_send"), doc, handlers.send),
    handlers && handlers.proof && typeof links.proof === "string" && button("action action-button action-proof", t("action_proof"), doc, handlers.proof),
  );
}

function dueCell(doc) {
  if (!doc.due) return span("muted", "–");
  const node = time(doc.due);
  if (doc.status === "overdue") node.className = "overdue";
  return node;
}

function row(doc, handlers) {
  const th = el("th", { scope: "row" }, ...kindAndNumber(doc), references(doc));
  return el(
    "tr",
    { id: `doc-row-${doc.id}` },
    th,
    el("td", {}, time(doc.issued)),
    el("td", {}, dueCell(doc)),
    el("td", { className: "num", textContent: money(doc.gross, doc.currency) }),
    el("td", {}, statusBadge(doc), proofNote(doc)),
    el("td", {}, actions(doc, handlers)),
  );
}

/** A document as a card (`handlers` as for renderDocuments, or none: downloads only). */
export function card(doc, handlers) {
  return el(
    "li",
    { className: "doc-card", id: `doc-card-${doc.id}` },
    el("div", { className: "doc-card-head" }, el("h3", { className: "doc-card-title" }, ...kindAndNumber(doc)), statusBadge(doc)),
    el("p", { className: "doc-card-amount", textContent: money(doc.gross, doc.currency) }),
    el(
      "p",
      { className: "doc-card-meta" },
      time(doc.issued),
      doc.due && el("span", doc.status === "overdue" ? { className: "overdue" } : {}, ` · ${t("due_label")} `, time(doc.due)),
    ),
    references(doc),
    proofNote(doc),
    actions(doc, handlers),
  );
}

/** Table rows and cards for `docs`; `handlers` = {send, pay, proof}, each `(doc, button)`; proof may be null. */
export function renderDocuments(docs, handlers) {
  return {
    rows: docs.map((doc) => row(doc, handlers)),
    cards: docs.map((doc) => card(doc, handlers)),
  };
}

/** The first link or button of a row or card that is shown (table or cards, after the CSS). */
export function firstVisibleControl(nodes) {
  for (const node of nodes) {
    if (node.offsetParent === null) continue;
    const control = node.querySelector("a, button");
    if (control) return control;
  }
  return null;
}
