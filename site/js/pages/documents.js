// Documents page: the company's documents with filters (kept in the address bar), paging with
// the API's cursor, CSV export of the current selection, the monthly chart and, per document,
// download, forward by email and pay. Without a session it goes to the login page and back here
// after; without a chosen company it shows the chooser.
import { request, isSuccess, showError, clearError, setBusy } from "../api.js";
import { t } from "../i18n.js";
import { toLogin as goToLogin, customersOf, createChooser, loadSession } from "../session.js";
import { KINDS, STATUSES, kindLabel, statusLabel, capitalized, monthName } from "../format.js";
import { renderDocuments, firstVisibleControl } from "../document-list.js";
import { setupActions } from "../document-actions.js";
import { setupChart } from "../chart.js";

const $ = (id) => document.getElementById(id);
const root = $("documents");
const pageLoading = $("page-loading");
const pageFailed = $("page-failed");
const pageError = $("page-error");
const retry = $("retry");
const noCustomer = $("no-customer");
const chooser = $("chooser");
const chooserHeading = $("chooser-heading");
const chooserText = $("chooser-text");
const chooserCancel = $("chooser-cancel");
const docs = $("docs");
const companyName = $("company-name");
const switchButton = $("switch-company");
const status = $("docs-status");
const form = $("filters");
const fields = { kind: $("f-kind"), status: $("f-status"), year: $("f-year"), month: $("f-month"), q: $("f-q") };
const filterError = $("filter-error");
const filterReset = $("filter-reset");
const listHeading = $("list-heading");
const summary = $("list-summary");
const exportLink = $("export");
const listLoading = $("list-loading");
const listError = $("list-error");
const listErrorText = $("list-error-text");
const listRetry = $("list-retry");
const empty = $("list-empty");
const emptyText = $("list-empty-text");
const emptyReset = $("empty-reset");
const results = $("results");
const tableRows = $("doc-rows");
const cards = $("doc-cards");
const loadMore = $("load-more");

const loginUrl = root.dataset.loginUrl;
const chooserDefaultText = chooserText.textContent;
const FILTER_KEYS = ["kind", "status", "year", "month", "q"];

let session = null;
let chooserOpen = false;
let applied = {}; // the filters the list shows
let nextCursor = null;
let shown = 0;
let generation = 0; // bumped by every new list request; older answers are dropped
let announcePrefix = ""; // said before the next list summary (e.g. the newly chosen company)

function toLogin() {
  goToLogin(loginUrl);
}

/** 401 → login; 409 no_customer_selected → the chooser. True when handled. */
function handleProblem(result) {
  if (result.status === 401) {
    toLogin();
    return true;
  }
  const code = result.body && result.body.error && result.body.error.code;
  if (result.status === 409 && code === "no_customer_selected") {
    generation++;
    chart.reset();
    if (session) session.customer = null;
    chooserText.textContent = t("choose_company");
    render();
    chooserHeading.focus();
    return true;
  }
  return false;
}

const chart = setupChart({ onProblem: handleProblem });
const actions = setupActions({
  onProblem: handleProblem,
  // When the opener is gone (e.g. the chooser replaced the list), focus stays where it was put.
  fallbackFocus: () => {
    if (!docs.hidden) listHeading.focus();
  },
});

const companyChooser = createChooser({
  list: $("chooser-list"),
  error: $("chooser-error"),
  onSame: closeChooser,
  onUnauthenticated: toLogin,
  onChosen(newSession) {
    session = newSession;
    chooserOpen = false;
    chooserText.textContent = chooserDefaultText;
    render();
    if (session.customer) {
      announcePrefix = t("company_active", { name: session.customer.name });
      status.textContent = announcePrefix;
      listHeading.focus();
      startCompany();
    }
  },
});

// ---- Session and company -------------------------------------------------------------------

async function start() {
  const loaded = await loadSession({ loginUrl, loading: pageLoading, failed: pageFailed, failedMessage: pageError, retry });
  if (!loaded) return;
  session = loaded;
  render();
  if (session.customer) startCompany();
}

function render() {
  const customers = customersOf(session);
  const active = session.customer || null;
  noCustomer.hidden = customers.length > 0;
  docs.hidden = !active;
  if (active) companyName.textContent = active.name;
  switchButton.hidden = !(active && customers.length > 1);
  const showChooser = customers.length > 0 && (!active || chooserOpen);
  chooser.hidden = !showChooser;
  chooserCancel.hidden = !active;
  switchButton.setAttribute("aria-expanded", String(showChooser && Boolean(active)));
  if (showChooser) companyChooser.render(customers, active);
}

function closeChooser() {
  chooserOpen = false;
  companyChooser.clearError();
  render();
  switchButton.focus();
}

/** A company is active: show its documents and chart (nothing of another company meanwhile). */
function startCompany() {
  tableRows.replaceChildren();
  cards.replaceChildren();
  results.hidden = true;
  empty.hidden = true;
  summary.textContent = "";
  chart.reset();
  loadList(false);
  chart.load();
}

switchButton.addEventListener("click", () => {
  if (chooserOpen) {
    closeChooser();
    return;
  }
  chooserOpen = true;
  companyChooser.clearError();
  render();
  chooserHeading.focus();
});
chooserCancel.addEventListener("click", closeChooser);
retry.addEventListener("click", () => {
  if (!retry.disabled) start();
});

// ---- Filters -------------------------------------------------------------------------------

function option(value, text) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = text;
  return node;
}

function fillSelects() {
  fields.kind.append(...KINDS.map((k) => option(k, kindLabel(k))));
  fields.status.append(...STATUSES.map((s) => option(s, capitalized(statusLabel(s)))));
  const thisYear = new Date().getFullYear();
  for (let y = thisYear; y > thisYear - 6; y--) fields.year.append(option(String(y), String(y)));
  for (let m = 1; m <= 12; m++) fields.month.append(option(String(m), monthName(m)));
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
  exportLink.href = `/api/documents/export${query(filters, { separator })}`;
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
filterReset.addEventListener("click", resetFilters);
emptyReset.addEventListener("click", resetFilters);

// ---- List ----------------------------------------------------------------------------------

function hasFilters(filters) {
  return FILTER_KEYS.some((key) => filters[key]);
}

/** Loads the first page for `applied` (more = false) or the next page (more = true). */
async function loadList(more) {
  const mine = ++generation;
  const filters = applied;
  const paging = more && nextCursor ? { cursor: nextCursor } : {};
  listError.hidden = true;
  if (more) {
    setBusy(loadMore, true);
  } else {
    listLoading.hidden = false;
    results.setAttribute("aria-busy", "true");
    results.classList.add("is-stale");
    loadMore.hidden = true;
    status.textContent = t("loading_docs");
  }
  const result = await request("GET", `/api/documents${query(filters, paging)}`);
  if (mine !== generation) return;
  setBusy(loadMore, false);
  listLoading.hidden = true;
  results.removeAttribute("aria-busy");
  results.classList.remove("is-stale");

  if (!isSuccess(result) || !result.body || !Array.isArray(result.body.documents)) {
    if (handleProblem(result)) return;
    const field = result.body && result.body.error && result.body.error.field;
    if (result.status === 400 && field === "cursor" && more) {
      // The cursor no longer fits (e.g. the server's key changed): start again from the top.
      loadList(false);
      return;
    }
    if (result.status === 400 && field && FILTER_KEYS.includes(field)) {
      status.textContent = "";
      showError(filterError, result, fields);
      return;
    }
    status.textContent = "";
    listError.hidden = false;
    showError(listErrorText, result);
    return;
  }

  const documents = result.body.documents;
  nextCursor = typeof result.body.next_cursor === "string" && result.body.next_cursor ? result.body.next_cursor : null;
  const built = renderDocuments(documents, { onSend: actions.send, onPay: actions.pay });
  if (more) {
    tableRows.append(...built.rows);
    cards.append(...built.cards);
    shown += documents.length;
  } else {
    tableRows.replaceChildren(...built.rows);
    cards.replaceChildren(...built.cards);
    shown = documents.length;
  }
  results.hidden = shown === 0;
  loadMore.hidden = !nextCursor;
  showSummary(filters);
  showEmpty(filters);

  if (more) {
    status.textContent = documents.length === 1 ? t("loaded_more_one") : t("loaded_more", { n: documents.length });
    const target = firstVisibleControl([...built.rows, ...built.cards]);
    if (target) target.focus();
    else if (!loadMore.hidden) loadMore.focus();
    else listHeading.focus();
  } else {
    const text = shown === 0 ? emptyText.textContent : summary.textContent;
    status.textContent = announcePrefix ? `${announcePrefix}. ${text}` : text;
    announcePrefix = "";
  }
}

function showSummary(filters) {
  let text = "";
  if (shown > 0 && filters.q) {
    text = shown === 1 ? t("found_one", { q: filters.q }) : t("found", { n: shown, q: filters.q });
  } else if (shown > 0) {
    text = nextCursor ? t("shown_more", { n: shown }) : shown === 1 ? t("shown_one") : t("shown", { n: shown });
  }
  summary.textContent = text;
  summary.hidden = !text;
}

function showEmpty(filters) {
  empty.hidden = shown > 0;
  if (shown > 0) return;
  const filtered = hasFilters(filters);
  emptyText.textContent = filters.q ? t("empty_search", { q: filters.q }) : filtered ? t("empty_filtered") : t("empty_none");
  emptyReset.hidden = !filtered;
}

loadMore.addEventListener("click", () => {
  if (!loadMore.disabled && nextCursor) loadList(true);
});
listRetry.addEventListener("click", () => loadList(false));

// ---- Start ---------------------------------------------------------------------------------

fillSelects();
// Filters from the address bar, as far as the form offers them; the list loads with the session.
setApplied(writeForm(Object.fromEntries(new URLSearchParams(location.search))));
start();
