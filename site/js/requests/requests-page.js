// Requests page: write to support (topic, subject, message and optionally the document it is
// about and one file, uploaded when the request is sent) and follow the company's requests:
// status, search, status filter, and per request the message and support's answers (opened in
// place). Without a session it goes to the login page and back here after; without a chosen
// company it shows the chooser. A link from a notification (?id=<request>) opens that request.
import { $, el, request, isSuccess, errorOf, textOr, showError, showMessage, clearError, setBusy, paragraphs } from "../shared/api.js";
import { portalFrame, onClick, onSubmit } from "../shared/portal.js";
import { t, tn, lang } from "../shared/i18n.js";
import { clearFieldErrors, showFieldErrors, timeElement } from "../shared/forms.js";
import { KINDS, CATEGORIES, REQUEST_STATUSES, categoryLabel, requestStatusLabel, kindLabel, day, docName } from "../shared/format.js";

const FIELDS = ["category", "subject", "text", "document", "attachment"];

/** "Anhang: PDF, 120 KB" ("application/pdf" → "PDF"; the size counted as in support's mail). */
const fileSize = (size) => (size < 1048576 ? `${Math.ceil(size / 1024)} KB` : `${(size / 1048576).toLocaleString(lang, { maximumFractionDigits: 1 })} MB`);
const fileType = (type) => String(type).split("/").pop().toUpperCase();
const attachmentText = ({ content_type: type, size }) => t("request_attachment", { type: fileType(type), size: fileSize(size) });

/** Runs the page (called by its entry script, pages/requests.js). */
export function requestsPage() {
  const root = $("requests");
  const status = $("requests-status");
  const form = $("request-form");
  const input = (name) => (FIELDS.includes(name) ? form.elements[name] : null);
  const formError = $("request-error");
  const done = $("request-done");
  const documentSelect = input("document");
  const documentLoading = $("r-document-loading");
  const attachment = input("attachment");
  const filters = $("request-filters");
  const search = $("f-q");
  const statusFilter = $("f-status");
  const filterError = $("filter-error");
  const summary = $("list-summary");
  const listLoading = $("list-loading");
  const listError = $("list-error");
  const empty = $("list-empty");
  const emptyText = $("list-empty-text");
  const emptyReset = $("empty-reset");
  const list = $("request-list");

  let company = 0; // bumped when the company changes: answers for the one before are dropped
  let generation = 0; // bumped by every list request: older lists are dropped
  let documents = new Map(); // id → document, for naming the document a request is about
  let opened = new URLSearchParams(location.search).get("id"); // the request to open once listed
  let counter = 0;

  const option = (value, text) => el("option", { value, textContent: text });
  input("category").append(...CATEGORIES.map((c) => option(c, categoryLabel(c))));
  statusFilter.append(...REQUEST_STATUSES.map((s) => option(s, requestStatusLabel(s))));

  // ---- The document select ------------------------------------------------------------------

  async function loadDocuments() {
    const mine = company;
    documentSelect.length = 1;
    documentLoading.hidden = false;
    const result = await request("GET", "/api/documents?limit=100");
    if (mine !== company) return;
    documentLoading.hidden = true;
    const body = result.body;
    if (!isSuccess(result) || !body || !Array.isArray(body.documents)) {
      if (!page.problem(result)) $("r-document-hint").textContent = t("documents_failed");
      return;
    }
    documents = new Map(body.documents.map((doc) => [doc.id, doc]));
    documentSelect.append(...body.documents.map((doc) => option(doc.id, t("doc_of", { kind: kindLabel(doc.kind), number: doc.number, date: day(doc.issued) }))));
  }

  // ---- The attached file ----------------------------------------------------------------------
  // Its code (checks, upload, the bucket's refusals) is imported when a file is chosen, through
  // the part's entry script (pages/lazy/request-attachment.js), which keeps the chunk all portal
  // pages share whole. This module is not part of that chunk (portal-app.js), so it can import
  // that entry without an import cycle.

  // The module, set up, or null when it could not be loaded (offline? the next try loads again).
  let attachPart = null;
  const attaching = () =>
    (attachPart ??= import("../pages/lazy/request-attachment.js").then(
      (m) => m.setupAttachment(status, page.problem),
      () => (attachPart = null),
    ));
  // A file that cannot be attached is explained as soon as it is chosen.
  attachment.addEventListener("change", async () => (await attaching())?.check());

  // ---- Writing a request ----------------------------------------------------------------------

  onSubmit(form, async (button) => {
    clearFieldErrors(form, formError);
    done.hidden = true;
    const payload = { category: input("category").value, subject: input("subject").value.trim(), text: input("text").value };
    if (documentSelect.value) payload.document = documentSelect.value;
    const mine = company;
    setBusy(button, true);
    if (attachment.files.length) {
      // Uploaded first; the request names the upload. Why not is said at the file input.
      const part = await attaching();
      if (!part) showMessage(formError, [t("network")]);
      payload.attachment = part && (await part.upload());
      if (mine !== company || !payload.attachment) return setBusy(button, false);
    }
    const result = await request("POST", "/api/support/requests", payload);
    setBusy(button, false);
    if (mine !== company) return;
    if (isSuccess(result)) {
      form.reset();
      done.replaceChildren(...paragraphs([textOr(result.body && result.body.message, t("request_done"))]));
      done.hidden = false;
      done.focus();
      loadList();
      return;
    }
    if (page.problem(result)) return;
    // 400 names the fields (each message goes next to its input); 429 says how long to wait.
    if (result.status === 400) showFieldErrors(formError, result, input);
    else showError(formError, result);
  });

  // ---- The list -------------------------------------------------------------------------------

  const applied = () => ({ q: search.value.trim(), status: statusFilter.value });

  async function loadList(announce = false) {
    const mine = ++generation;
    const { q, status: state } = applied();
    const params = new URLSearchParams();
    if (q) params.set("q", q);
    if (state) params.set("status", state);
    const query = params.toString();
    listError.hidden = true;
    listLoading.hidden = false;
    list.setAttribute("aria-busy", "true");
    list.classList.add("is-stale");
    const result = await request("GET", `/api/support/requests${query ? `?${query}` : ""}`);
    if (mine !== generation) return;
    listLoading.hidden = true;
    list.removeAttribute("aria-busy");
    list.classList.remove("is-stale");
    const body = result.body;
    if (!isSuccess(result) || !body || !Array.isArray(body.requests)) {
      if (page.problem(result)) return;
      const field = errorOf(result).field;
      if (result.status === 400 && (field === "q" || field === "status")) return showError(filterError, result, { q: search, status: statusFilter });
      listError.hidden = false;
      showError($("list-error-text"), result);
      return;
    }
    const items = body.requests.map(item);
    list.replaceChildren(...items.map((i) => i.node));
    const n = items.length;
    const text = !n ? "" : q ? tn("found", n, { q }) : tn("requests", n);
    summary.textContent = text;
    summary.hidden = !n;
    empty.hidden = n > 0;
    if (!n) {
      emptyText.textContent = q ? t("requests_not_found", { q }) : state ? t("requests_filtered") : t("requests_none");
      emptyReset.hidden = !(q || state);
    }
    if (announce) status.textContent = n ? text : emptyText.textContent;
    const wanted = opened && items.find((i) => i.id === opened);
    opened = null;
    if (wanted) {
      wanted.open();
      wanted.toggle.focus();
    }
  }

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    clearError(filterError, [search, statusFilter]);
    loadList(true);
  });

  function resetFilters() {
    clearError(filterError, [search, statusFilter]);
    filters.reset();
    loadList(true);
    search.focus();
  }
  onClick($("filter-reset"), resetFilters);
  onClick(emptyReset, resetFilters);
  onClick($("list-retry"), () => loadList());

  /** A status badge ("Offen", "Beantwortet", …). */
  const badge = (code) =>
    el("span", { className: `status status-req-${REQUEST_STATUSES.includes(code) ? code : "other"}`, textContent: requestStatusLabel(code) });

  /** A request in the list: subject (the button that opens it), status, topic, date and writer. */
  function item(req) {
    const bodyId = `request-${++counter}`;
    const toggle = el("button", { type: "button", className: "request-toggle", textContent: String(req.subject ?? "") });
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", bodyId);
    const details = el("div", { className: "request-body stack", id: bodyId, hidden: true });
    const node = el(
      "li",
      { className: "request" },
      el("div", { className: "request-head" }, el("h3", { className: "request-title" }, toggle), badge(req.status)),
      el(
        "p",
        { className: "request-meta" },
        categoryLabel(req.category),
        " · ",
        timeElement(req.created_at),
        req.created_by && ` · ${t("request_by", { by: req.created_by })}`,
        req.attachment && ` · ${attachmentText(req.attachment)}`,
      ),
      details,
    );
    const open = () => {
      details.replaceChildren(...detail(req));
      details.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
    };
    toggle.addEventListener("click", () => {
      if (details.hidden) return open();
      details.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    });
    return { id: req.id, node, toggle, open };
  }

  /** A labelled block of text from a person (line breaks kept by CSS, never parsed as HTML). */
  const message = (className, label, at, text) =>
    el("div", { className }, el("p", { className: "request-label" }, el("strong", { textContent: label }), " · ", timeElement(at)), el("p", { className: "request-text", textContent: String(text ?? "") }));

  /** An answer: support's text (if any) and the files it sent, each a download link. */
  function answerItem(req, answer) {
    const files = Array.isArray(answer.files) ? answer.files : [];
    const links = files.map((f) =>
      el(
        "li",
        {},
        el("a", { href: `/api/support/requests/${encodeURIComponent(req.id)}/files/${encodeURIComponent(f.id)}`, textContent: f.name }),
        ` (${fileType(f.content_type)}, ${fileSize(f.size)})`,
      ),
    );
    const box = message("request-answer", t("request_answer"), answer.at, answer.text);
    if (links.length) box.append(el("p", { className: "request-label", textContent: tn("request_answer_files", links.length) }), el("ul", { className: "request-files" }, ...links));
    return el("li", {}, box);
  }

  /** What an opened request shows: the message, the document, the answers and the number. */
  function detail(req) {
    const answers = Array.isArray(req.answers) ? req.answers : [];
    return [
      message("request-message", t("request_message"), req.created_at, req.text),
      req.document && documentLine(req.document),
      answers.length
        ? el("ol", { className: "request-answers" }, ...answers.map((a) => answerItem(req, a)))
        : el("p", { className: "muted", textContent: t("request_no_answer") }),
      el("p", { className: "hint", textContent: t("request_number", { id: req.id }) }),
    ].filter(Boolean);
  }

  /** "Dokument: Rechnung R-2026-0042", linking to it on the documents page. */
  function documentLine(id) {
    // Document ids are "<issued, 8 digits>-<kind>-<number>": kind and number also when the
    // document is not among the listed ones.
    const rest = String(id).slice(9);
    const kind = KINDS.find((k) => rest.startsWith(`${k}-`));
    const doc = documents.get(id) || { kind, number: kind ? rest.slice(kind.length + 1) : rest };
    const link = el("a", { href: `${root.dataset.documentsUrl}?q=${encodeURIComponent(doc.number)}`, textContent: doc.kind ? docName(doc) : doc.number });
    return el("p", {}, `${t("d_document")}: `, link);
  }

  // ---- Start ----------------------------------------------------------------------------------

  const page = portalFrame({
    prefix: "page-",
    view: $("requests-view"),
    status,
    heading: $("new-request-heading"),
    // A company is active: its documents and requests (nothing of another company meanwhile).
    start() {
      company++;
      list.replaceChildren();
      summary.hidden = true;
      empty.hidden = true;
      done.hidden = true;
      clearFieldErrors(form, formError);
      loadDocuments();
      loadList();
    },
    reset() {
      company++;
      generation++;
    },
  });
}
