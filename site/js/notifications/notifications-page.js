// Notifications page: the signed-in person's notifications, newest first, unread ones marked,
// one sentence per kind (new invoice → the documents page, request status → the requests page,
// contract change request closed → the contracts page,
// new sign-in → what to do if it was someone else), and "mark all as read". Viewing the page
// marks nothing: the marks stay until the person says so. Needs a session, not a company; a
// link about another company than the active one switches to that company first.
import { $, el, request, isSuccess, showError, clearError, setBusy } from "../shared/api.js";
import { onClick, toLogin } from "../shared/portal.js";
import { t, tn } from "../shared/i18n.js";
import { showUnread } from "../shared/notify-badge.js";
import { timeElement } from "../shared/forms.js";
import { requestStatusLabel, dayOfTime } from "../shared/format.js";

/** Runs the page (called by its entry script, pages/notifications.js). */
export function notificationsPage() {
  const root = $("notifications");
  const view = $("notes-view");
  const list = $("note-list");
  const summary = $("notes-summary");
  const markButton = $("mark-read");
  const markError = $("mark-error");
  const status = $("notes-status");
  const retry = $("retry");

  async function load() {
    $("page-loading").hidden = false;
    $("page-failed").hidden = true;
    setBusy(retry, true);
    const result = await request("GET", "/api/notifications");
    setBusy(retry, false);
    if (result.status === 401) return toLogin();
    $("page-loading").hidden = true;
    const body = result.body;
    if (!isSuccess(result) || !body || !Array.isArray(body.notifications)) {
      $("page-failed").hidden = false;
      showError($("page-error"), result);
      return;
    }
    const items = body.notifications.map(item).filter(Boolean);
    list.replaceChildren(...items);
    $("notes-empty").hidden = items.length > 0;
    showCount(body.unread, body.more === true);
    view.hidden = false;
  }

  function showCount(unread, more) {
    const n = Math.max(0, Math.floor(Number(unread) || 0));
    summary.textContent = !n ? t("all_read") : more ? t("unread_more", { n }) : tn("unread", n);
    markButton.hidden = n === 0;
    showUnread(n, more);
  }

  /** A link that, for a notification about a company, makes that company the active one first. */
  function link(href, text, companyId) {
    const a = el("a", { href, textContent: text });
    if (!companyId) return a;
    a.addEventListener("click", async (event) => {
      // A new tab or window keeps the browser's own behaviour (and the active company).
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      const result = await request("PUT", "/api/auth/session/customer", { customer_id: companyId });
      if (result.status === 401) return toLogin();
      location.assign(href);
    });
    return a;
  }

  /** One notification as a list item, or null for a kind this page does not know. */
  function item(note) {
    const companyName = typeof note.customer_name === "string" && note.customer_name ? note.customer_name : "";
    const companyId = typeof note.customer === "string" ? note.customer : "";
    const subject = String(note.subject ?? "");
    const detail = String(note.detail ?? "");
    const variant = (key) => (companyName ? key : `${key}_plain`);
    let content;
    if (note.kind === "new_invoice") {
      const href = `${root.dataset.documentsUrl}?q=${encodeURIComponent(detail)}`;
      content = [el("p", { className: "note-text" }, link(href, t(variant("note_invoice"), { number: detail, company: companyName }), companyId))];
    } else if (note.kind === "request_status") {
      // Request ids start with their creation time in seconds: "Ihre Anfrage vom 23.11.2026".
      const date = dayOfTime(subject.slice(0, 12));
      const text = t(variant("note_request"), { date, company: companyName, status: requestStatusLabel(detail) });
      const href = `${root.dataset.requestsUrl}?id=${encodeURIComponent(subject)}`;
      content = [el("p", { className: "note-text" }, link(href, text, companyId))];
    } else if (note.kind === "contract_status") {
      // A change request closed: done or rejected (contract request ids also start with their time).
      const date = dayOfTime(subject.slice(0, 12));
      const status = detail === "done" || detail === "rejected" ? t(`crs_${detail}`) : detail;
      const text = t(variant("note_contract"), { date, company: companyName, status });
      content = [el("p", { className: "note-text" }, link(root.dataset.contractsUrl, text, companyId))];
    } else if (note.kind === "new_device") {
      content = [
        el("p", { className: "note-text", textContent: subject ? t("note_device", { browser: subject }) : t("note_device_plain") }),
        $("device-hint").content.cloneNode(true),
      ];
    } else {
      return null;
    }
    const when = timeElement(note.at);
    when.className = "muted";
    const unread = note.unread === true;
    return el(
      "li",
      { className: unread ? "note note-unread" : "note" },
      el("p", { className: "note-head" }, unread && el("span", { className: "badge note-new", textContent: t("note_new") }), unread && " ", when),
      ...content,
    );
  }

  onClick(markButton, async () => {
    clearError(markError);
    setBusy(markButton, true);
    const result = await request("POST", "/api/notifications/read", {});
    setBusy(markButton, false);
    if (result.status === 401) return toLogin();
    if (!isSuccess(result)) return showError(markError, result);
    for (const node of list.querySelectorAll(".note-unread")) node.classList.remove("note-unread");
    for (const node of list.querySelectorAll(".note-new")) node.remove();
    showCount(0, false);
    status.textContent = t("marked_read");
    // The button is gone; focus goes to the heading instead of the page's start.
    $("notes-heading").focus();
  });
  onClick(retry, load);
  load();
}
