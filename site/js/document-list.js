// The documents list, built with DOM calls only: a table row (wide screens) and a card (narrow
// screens) per document. CSS shows one of the two; the hidden one is out of the accessibility tree.
import { t } from "./i18n.js";
import { isLocalPath } from "./api.js";
import { money, day, dayAttr, statusLabel, kindLabel, referenceLabel, docName } from "./format.js";

/** The server offers `links.payment` for open and overdue invoices it has a way to pay for. */
export function isPayable(doc) {
  return typeof doc.links?.payment === "string";
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Visible text plus a visually hidden part naming the document, for screen readers. */
function labelled(node, visible, doc) {
  node.append(visible, el("span", "visually-hidden", t("for_doc", { doc: docName(doc) })));
  return node;
}

function time(iso) {
  const node = el("time", "", day(iso));
  const attr = dayAttr(iso);
  if (attr) node.dateTime = attr;
  return node;
}

function statusBadge(doc) {
  const known = ["open", "paid", "overdue", "cancelled"].includes(doc.status);
  return el("span", `status status-${known ? doc.status : "other"}`, statusLabel(doc.status));
}

function references(doc) {
  const refs = doc.references && typeof doc.references === "object" ? Object.entries(doc.references) : [];
  if (!refs.length) return null;
  const p = el("span", "doc-refs");
  p.textContent = refs.map(([key, value]) => `${referenceLabel(key)}: ${value}`).join(" · ");
  return p;
}

/** A download link only for our own API paths; anything else from the server is left out. */
function downloadLink(href, text, doc, className) {
  if (typeof href !== "string" || !isLocalPath(href) || !href.startsWith("/api/documents/")) return null;
  const a = labelled(el("a", className), text, doc);
  a.href = href;
  return a;
}

function actions(doc, handlers) {
  const box = el("div", "actions");
  // Paying is what an open invoice is waiting for, so it comes first.
  if (isPayable(doc)) {
    const pay = labelled(el("button", "button button-small action-pay"), t("action_pay"), doc);
    pay.type = "button";
    pay.addEventListener("click", () => handlers.onPay(doc, pay));
    box.append(pay);
  }
  const links = doc.links || {};
  const pdf = downloadLink(links.pdf, t("action_pdf"), doc, "action action-download");
  const xml = downloadLink(links.xml, t("action_xml"), doc, "action action-download");
  if (pdf) box.append(pdf);
  if (xml) box.append(xml);
  const send = labelled(el("button", "action action-button"), t("action_send"), doc);
  send.type = "button";
  send.addEventListener("click", () => handlers.onSend(doc, send));
  box.append(send);
  return box;
}

function dueCell(doc) {
  if (!doc.due) return el("span", "muted", "–");
  const node = time(doc.due);
  if (doc.status === "overdue") node.className = "overdue";
  return node;
}

function row(doc, handlers) {
  const tr = el("tr");
  const th = el("th");
  th.scope = "row";
  th.append(el("span", "doc-kind", kindLabel(doc.kind)), el("span", "doc-number", doc.number));
  const refs = references(doc);
  if (refs) th.append(refs);
  const issued = el("td");
  issued.append(time(doc.issued));
  const due = el("td");
  due.append(dueCell(doc));
  const amount = el("td", "num", money(doc.gross, doc.currency));
  const status = el("td");
  status.append(statusBadge(doc));
  const acts = el("td");
  acts.append(actions(doc, handlers));
  tr.append(th, issued, due, amount, status, acts);
  return tr;
}

function card(doc, handlers) {
  const li = el("li", "doc-card");
  const head = el("div", "doc-card-head");
  const title = el("h3", "doc-card-title");
  title.append(el("span", "doc-kind", kindLabel(doc.kind)), el("span", "doc-number", doc.number));
  head.append(title, statusBadge(doc));
  const amount = el("p", "doc-card-amount", money(doc.gross, doc.currency));
  const meta = el("p", "doc-card-meta");
  meta.append(time(doc.issued));
  if (doc.due) {
    const due = el("span", doc.status === "overdue" ? "overdue" : "");
    due.append(` · ${t("due_label")} `, time(doc.due));
    meta.append(due);
  }
  li.append(head, amount, meta);
  const refs = references(doc);
  if (refs) li.append(refs);
  li.append(actions(doc, handlers));
  return li;
}

/** Table rows and cards for `docs`; `handlers` = {onSend(doc, button), onPay(doc, button)}. */
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
