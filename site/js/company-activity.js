// Company page, recent activity: GET /api/account/activity?cursor=…, newest first, with
// "Weitere laden" for the next page.
import { request, isSuccess, showError, setBusy } from "./api.js";
import { t } from "./i18n.js";
import { roleName } from "./session.js";
import { $, isPageProblem, timeElement } from "./company-forms.js";

const EVENTS = [
  "login", "document_downloaded", "document_sent", "billing_updated", "contacts_updated",
  "change_requested", "member_invited", "role_changed", "member_removed", "data_exported",
];
const DETAILS = ["changes", "document", "to", "member", "role"];

export function setupActivity({ onProblem }) {
  const denied = $("activity-denied");
  const loading = $("activity-loading");
  const failed = $("activity-failed");
  const error = $("activity-error");
  const retry = $("activity-retry");
  const empty = $("activity-empty");
  const list = $("activity-list");
  const status = $("activity-status");
  const more = $("activity-more");

  let nextCursor = null;
  let generation = 0;
  let lastMore = false;

  function reset() {
    generation++;
    nextCursor = null;
    list.replaceChildren();
    for (const node of [denied, loading, failed, empty, more]) node.hidden = true;
    status.textContent = "";
  }

  function deny() {
    reset();
    denied.hidden = false;
  }

  async function load(append = false) {
    if (!append) reset();
    lastMore = append;
    const mine = generation;
    failed.hidden = true;
    if (append) setBusy(more, true);
    else loading.hidden = false;
    const url = append && nextCursor ? `/api/account/activity?cursor=${encodeURIComponent(nextCursor)}` : "/api/account/activity";
    const result = await request("GET", url);
    if (mine !== generation) return;
    setBusy(more, false);
    loading.hidden = true;
    if (!isSuccess(result) || !result.body || !Array.isArray(result.body.events)) {
      if (isPageProblem(result)) {
        onProblem(result);
        return;
      }
      if (result.status === 403) {
        deny();
        return;
      }
      failed.hidden = false;
      showError(error, result);
      return;
    }
    const items = result.body.events.map(item);
    nextCursor = typeof result.body.next_cursor === "string" && result.body.next_cursor ? result.body.next_cursor : null;
    list.append(...items);
    more.hidden = !nextCursor;
    empty.hidden = list.children.length > 0;
    if (append) {
      status.textContent = items.length === 1 ? t("loaded_events_one") : t("loaded_events", { n: items.length });
      if (items.length) items[0].focus();
      else if (!more.hidden) more.focus();
    }
  }

  more.addEventListener("click", () => {
    if (!more.disabled && nextCursor) load(true);
  });
  retry.addEventListener("click", () => {
    if (!retry.disabled) load(lastMore && list.children.length > 0);
  });

  return { load: () => load(false), deny, reset };
}

function eventName(name) {
  return EVENTS.includes(name) ? t(`ev_${name}`) : String(name ?? "").replace(/_/g, " ");
}

function detailLabel(key) {
  return DETAILS.includes(key) ? t(`d_${key}`) : key.replace(/_/g, " ");
}

function item(event) {
  const li = document.createElement("li");
  li.className = "activity-item";
  li.tabIndex = -1;
  const head = document.createElement("p");
  head.className = "activity-head";
  const name = document.createElement("strong");
  name.textContent = eventName(event.event);
  const when = timeElement(event.at);
  when.className = "muted";
  head.append(name, " ", when);
  li.append(head);
  if (event.by) {
    const by = document.createElement("p");
    by.className = "muted break";
    by.textContent = t("ev_by", { by: event.by });
    li.append(by);
  }
  const pairs = Object.entries(event).filter(
    ([key, value]) => !["at", "event", "by"].includes(key) && (typeof value === "string" || typeof value === "number") && value !== "",
  );
  if (pairs.length) {
    const dl = document.createElement("dl");
    dl.className = "activity-details";
    for (const [key, value] of pairs) {
      const div = document.createElement("div");
      const dt = document.createElement("dt");
      dt.textContent = detailLabel(key);
      const dd = document.createElement("dd");
      dd.className = "break";
      dd.textContent = key === "role" ? roleName(value) : String(value);
      div.append(dt, dd);
      dl.append(div);
    }
    li.append(dl);
  }
  return li;
}
