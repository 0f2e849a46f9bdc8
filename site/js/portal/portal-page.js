// Portal page: shows who is signed in and for which company; lets people pick or change the
// company and sign out. Without a session it sends them to the login page and back here after.
// For the active company an overview: open invoices, recent activity (owner and billing only)
// and the monthly chart, each card loading on its own (loading text, error, retry) with the
// building blocks of the documents and company pages.
import { $, request, isSuccess, showError, clearError, setBusy } from "../shared/api.js";
import { onClick, portalFrame } from "../shared/portal.js";
import { t } from "../shared/i18n.js";
import { section } from "../shared/forms.js";
import { card } from "../documents/document-list.js";
import { item } from "../company/company-activity.js";
import { setupChart } from "../documents/chart.js";

/** Runs the page (called by its entry script, pages/portal.js). */
export function portalPage() {
  const logoutButton = $("logout");
  const logoutError = $("logout-error");
  const problem = (result) => page.problem(result);

  /** Shows `nodes` in `#<name>-list`, or `#<name>-empty` when there are none. */
  const fillList = (name, nodes) => {
    $(`${name}-list`).append(...nodes);
    $(`${name}-empty`).hidden = nodes.length > 0;
  };
  /** A card with a list (`#<name>-list`, `-empty`) on section()'s load / error / retry cycle. */
  const listCard = (name, options) =>
    section(name, { hide: [$(`${name}-empty`)], onReset: () => $(`${name}-list`).replaceChildren(), onProblem: problem, ...options });

  // Open and overdue invoices, the overdue ones first (the API filters one status at a time).
  const invoices = listCard("invoices");
  invoices.load = async () => {
    invoices.reset();
    $("invoices-loading").hidden = false;
    const results = await Promise.all(
      ["overdue", "open"].map((status) => invoices.send($("invoices-retry"), "GET", `/api/documents?kind=invoice&status=${status}&limit=5`)),
    );
    if (results.includes(null)) return; // another company was chosen meanwhile
    $("invoices-loading").hidden = true;
    const bad = results.find((result) => !isSuccess(result) || !result.body || !Array.isArray(result.body.documents));
    if (bad) return invoices.problem(bad) || invoices.fail(bad);
    fillList("invoices", results.flatMap((result) => result.body.documents).slice(0, 5).map((doc) => card(doc)));
  };

  // The API has no page size for the activity log: the first page, of which the newest five.
  const activity = listCard("activity", {
    url: "/api/account/activity",
    ok: (body) => Array.isArray(body.events),
    fill: (result) => fillList("activity", result.body.events.slice(0, 5).map(item)),
  });

  const chart = setupChart(problem);
  const spending = section("spending", {
    url: "/api/documents/statistics",
    hide: [],
    onReset: chart.reset,
    ok: (body) => Array.isArray(body.years),
    fill: (result) => chart.show(result.body),
    onProblem: problem,
  });

  const page = portalFrame({
    prefix: "portal-",
    view: $("company"),
    status: $("portal-status"),
    heading: $("company-heading"),
    show(session, active) {
      $("user-email").textContent = session.email || "";
      $("overview").hidden = !active;
      const idle = Number(session.idle_timeout_seconds);
      const idleNote = $("idle-note");
      idleNote.hidden = !(idle > 0);
      if (idle > 0) idleNote.textContent = t("idle", { n: Math.max(1, Math.round(idle / 60)) });
      $("portal-session").hidden = false;
    },
    // A company is active (after loading or choosing): its cards, nothing of another company.
    start(session) {
      const mayActivity = ["owner", "billing"].includes(session.customer.role);
      $("activity").hidden = !mayActivity;
      activity[mayActivity ? "load" : "reset"]();
      invoices.load();
      spending.load();
    },
    reset() {
      for (const part of [invoices, activity, spending]) part.reset();
    },
  });

  onClick(logoutButton, async () => {
    clearError(logoutError);
    setBusy(logoutButton, true);
    const result = await request("DELETE", "/api/auth/session");
    if (isSuccess(result) || result.status === 401) {
      location.replace(document.querySelector("[data-login-url]").dataset.loginUrl);
      return;
    }
    setBusy(logoutButton, false);
    showError(logoutError, result);
  });
}
