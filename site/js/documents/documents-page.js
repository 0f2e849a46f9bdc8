// Documents page: the company's documents with filters (kept in the address bar), paging with
// the API's cursor, CSV export of the current selection, the monthly chart and, per document,
// download, forward by email, pay and (owners and billing) upload a proof of payment. Without a
// session it goes to the login page and back here after; without a chosen company it shows the
// chooser.
import { $, el, request, isSuccess, errorOf, textOr, showError, clearError, setBusy } from "../shared/api.js";
import { portalFrame } from "../shared/portal.js";
import { t, tn } from "../shared/i18n.js";
import { KINDS, STATUSES, kindLabel, statusLabel, capitalized, monthName } from "../shared/format.js";
import { renderDocuments, firstVisibleControl } from "./document-list.js";
import { setupActions } from "./document-actions.js";
import { setupChart } from "./chart.js";

/** Runs the page (called by its entry script, pages/documents.js). */
export function documentsPage() {
  const docs = $("docs");
  const status = $("docs-status");
  const form = $("filters");
  const fields = { kind: $("f-kind"), status: $("f-status"), year: $("f-year"), month: $("f-month"), q: $("f-q") };
  const filterError = $("filter-error");
  const listHeading = $("list-heading");
  const summary = $("list-summary");
  const listLoading = $("list-loading");
  const listError = $("list-error");
  const empty = $("list-empty");
  const emptyText = $("list-empty-text");
  const emptyReset = $("empty-reset");
  const results = $("results");
  const tableRows = $("doc-rows");
  const cards = $("doc-cards");
  const loadMore = $("load-more");

  const FILTER_KEYS = ["kind", "status", "year", "month", "q"];

  let applied = {}; // the filters the list shows
  let nextCursor = null;
  let shown = 0;
  let generation = 0; // bumped by every new list request; older answers are dropped
  let announcePrefix = ""; // said before the next list summary (e.g. the newly chosen company)
  let handlers = null; // what the list offers per document: the actions, without proof for viewers

  const problem = (result) => page.problem(result);
  const chart = setupChart(problem);
  // When the opener is gone (e.g. the chooser replaced the list), focus stays where it was put.
  const actions = setupActions(problem, () => {
    if (!docs.hidden) listHeading.focus();
  });

  // ---- Filters -------------------------------------------------------------------------------

  const option = (value, text) => el("option", { value, textContent: text });

  function fillSelects() {
    fields.kind.append(...KINDS.map((k) => option(k, kindLabel(k))));
    fields.status.append(...STATUSES.map((s) => option(s, capitalized(statusLabel(s)))));
    const thisYear = new Date().getFullYear();
    for (let y = thisYear; y > thisYear - 6; y--) fields.year.append(option(y, y));
    for (let m = 1; m <= 12; m++) fields.month.append(option(m, monthName(m)));
  }

  /** The month only counts together with a year (the API's rule). */
  function syncMonth() {
    fields.month.disabled = !fields.year.value;
    if (!fields.year.value) fields.month.value = "";
    $("f-month-hint").hidden = Boolean(fields.year.value);
  }

  function readForm() {
    const filters = {};
    for (const key of FILTER_KEYS) {
      const value = fields[key].value.trim();
      if (value) filters[key] = value;
    }
    if (!filters.year) delete filters.month;
    return filters;
  }

  /** Sets the form to `filters`; values the form does not offer are dropped. */
  function writeForm(filters) {
    for (const key of FILTER_KEYS) {
      const input = fields[key];
      const value = filters[key] || "";
      if (input.tagName === "SELECT") {
        input.value = [...input.options].some((o) => o.value === value) ? value : "";
      } else {
        input.value = value.slice(0, 40);
      }
    }
    syncMonth();
    return readForm();
  }

  function query(filters, extra = {}) {
    const params = new URLSearchParams();
    for (const key of FILTER_KEYS) if (filters[key]) params.set(key, filters[key]);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    const text = params.toString();
    return text ? `?${text}` : "";
  }

  /** Makes `filters` the ones in effect: address bar (reload and sign-in keep them) and export. */
  function setApplied(filters) {
    applied = filters;
    history.replaceState(history.state, "", location.pathname + query(filters));
    // German Excel expects semicolons (and decimal commas, which the API then writes too).
    const separator = document.documentElement.lang === "en" ? "comma" : "semicolon";
    $("export").href = `/api/documents/export${query(filters, { separator })}`;
  }

  function applyFilters(filters) {
    setApplied(filters);
    loadList(false);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearError(filterError, Object.values(fields));
    applyFilters(readForm());
  });
  fields.year.addEventListener("change", syncMonth);

  function resetFilters() {
    clearError(filterError, Object.values(fields));
    applyFilters(writeForm({}));
    fields.kind.focus();
  }
  $("filter-reset").addEventListener("click", resetFilters);
  emptyReset.addEventListener("click", resetFilters);

  // ---- List ----------------------------------------------------------------------------------

  /** Loads the first page for `applied` (more = false) or the next page (more = true). */
  async function loadList(more) {
    const mine = ++generation;
    const filters = applied;
    const { q } = filters;
    const paging = more && nextCursor ? { cursor: nextCursor } : {};
    listError.hidden = true;
    if (more) {
      setBusy(loadMore, true);
    } else {
      listLoading.hidden = false;
      results.setAttribute("aria-busy", "true");
      results.classList.add("is-stale");
      loadMore.hidden = true;
      status.textContent = listLoading.textContent;
    }
    const result = await request("GET", `/api/documents${query(filters, paging)}`);
    if (mine !== generation) return;
    setBusy(loadMore, false);
    listLoading.hidden = true;
    results.removeAttribute("aria-busy");
    results.classList.remove("is-stale");

    const body = result.body;
    if (!isSuccess(result) || !body || !Array.isArray(body.documents)) {
      if (problem(result)) return;
      const field = errorOf(result).field;
      const bad = result.status === 400;
      // The cursor no longer fits (e.g. the server's key changed): start again from the top.
      if (bad && field === "cursor" && more) return loadList(false);
      status.textContent = "";
      if (bad && field && FILTER_KEYS.includes(field)) return showError(filterError, result, fields);
      listError.hidden = false;
      showError($("list-error-text"), result);
      return;
    }

    const documents = body.documents;
    const n = documents.length;
    nextCursor = textOr(body.next_cursor, null);
    const built = renderDocuments(documents, handlers);
    tableRows[more ? "append" : "replaceChildren"](...built.rows);
    cards[more ? "append" : "replaceChildren"](...built.cards);
    shown = more ? shown + n : n;
    results.hidden = !shown;
    loadMore.hidden = !nextCursor;

    const text = !shown
      ? ""
      : q
        ? tn("found", shown, { q })
        : nextCursor ? t("shown_more", { n: shown }) : tn("shown", shown);
    summary.textContent = text;
    summary.hidden = !text;
    empty.hidden = !!shown;
    if (!shown) {
      const filtered = FILTER_KEYS.some((key) => filters[key]);
      emptyText.textContent = q ? t("empty_search", { q }) : filtered ? t("empty_filtered") : t("empty_none");
      emptyReset.hidden = !filtered;
    }

    if (more) {
      status.textContent = tn("loaded_more", n);
      (firstVisibleControl([...built.rows, ...built.cards]) || (loadMore.hidden ? listHeading : loadMore)).focus();
    } else {
      const said = shown ? text : emptyText.textContent;
      status.textContent = announcePrefix ? `${announcePrefix}. ${said}` : said;
      announcePrefix = "";
    }
  }

  loadMore.addEventListener("click", () => {
    if (!loadMore.disabled && nextCursor) loadList(true);
  });
  $("list-retry").addEventListener("click", () => loadList(false));

  // ---- Start ---------------------------------------------------------------------------------

  fillSelects();
  // Filters from the address bar, as far as the form offers them; the list loads with the session.
  setApplied(writeForm(Object.fromEntries(new URLSearchParams(location.search))));
  const page = portalFrame({
    prefix: "page-",
    view: docs,
    status,
    heading: listHeading,
    // A company is active: show its documents and chart (nothing of another company meanwhile).
    start(session, chosen) {
      if (chosen) announcePrefix = status.textContent;
      // Viewers may not submit a proof of payment (the API says 403), so they are not offered it.
      const role = session.customer.role;
      handlers = role === "owner" || role === "billing" ? actions : { ...actions, proof: null };
      tableRows.replaceChildren();
      cards.replaceChildren();
      results.hidden = true;
      empty.hidden = true;
      summary.textContent = "";
      chart.reset();
      loadList(false);
      chart.load();
    },
    reset() {
      generation++;
      chart.reset();
    },
  });
}
