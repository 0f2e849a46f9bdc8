// Company page, recent activity: GET /api/account/activity?cursor=…, newest first, with
// "Weitere laden" for the next page.
import { $, el, isSuccess, textOr } from "../shared/api.js";
import { onClick, roleName } from "../shared/portal.js";
import { t, tn, labelOr } from "../shared/i18n.js";
import { section, values, timeElement } from "../shared/forms.js";

export function setupActivity(onProblem) {
  const list = $("activity-list");
  const status = $("activity-status");
  const more = $("activity-more");
  const empty = $("activity-empty");
  const failed = $("activity-failed");

  let nextCursor = null;
  let lastMore = false;

  const part = section("activity", {
    hide: [empty, more],
    onReset() {
      nextCursor = null;
      list.replaceChildren();
      status.textContent = "";
    },
    onProblem,
  });

  async function load(append) {
    if (!append) part.reset();
    lastMore = append;
    failed.hidden = true;
    if (!append) $("activity-loading").hidden = false;
    const url = append && nextCursor ? `/api/account/activity?cursor=${encodeURIComponent(nextCursor)}` : "/api/account/activity";
    const result = await part.send(more, "GET", url);
    if (!result) return;
    $("activity-loading").hidden = true;
    const body = result.body;
    if (!isSuccess(result) || !body || !Array.isArray(body.events)) {
      if (!part.problem(result)) part.fail(result);
      return;
    }
    const items = body.events.map(item);
    nextCursor = textOr(body.next_cursor, null);
    list.append(...items);
    more.hidden = !nextCursor;
    empty.hidden = list.children.length > 0;
    if (append) {
      status.textContent = tn("loaded_events", items.length);
      if (items.length) items[0].focus();
      else if (!more.hidden) more.focus();
    }
  }

  onClick(more, () => {
    if (nextCursor) load(true);
  });
  // The section's retry button repeats what failed: the first page or the next one.
  part.load = () => load(lastMore && list.children.length > 0);

  return { load: () => load(false), deny: part.deny, reset: part.reset };
}

/** One entry of the activity log (also on the overview page). */
export function item(event) {
  const when = timeElement(event.at);
  when.className = "muted";
  const pairs = Object.entries(event)
    .filter(([key, value]) => !["at", "event", "by"].includes(key) && (typeof value === "string" || typeof value === "number") && value !== "")
    .map(([key, value]) => [
      labelOr("d_", key, key.replace(/_/g, " ")),
      key === "role" ? roleName(value) : String(value),
    ]);
  const name = event.event;
  return el(
    "li",
    { className: "activity-item", tabIndex: -1 },
    el("p", { className: "activity-head" }, el("strong", { textContent: labelOr("ev_", name, String(name ?? "").replace(/_/g, " ")) }), " ", when),
    event.by && el("p", { className: "muted break", textContent: t("event_by", { by: event.by }) }),
    pairs.length > 0 && el("dl", { className: "activity-details" }, ...values(pairs)),
  );
}
