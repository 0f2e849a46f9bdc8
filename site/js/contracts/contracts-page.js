// Contracts page: the company's contracts and subscriptions as our billing reports them (plan,
// licence, billing period, price per period, dates), the changes asked for and not yet applied
// ("in Bearbeitung") and, below, earlier ones. Owners and billing can ask for the changes the API
// lists as possible now; each is confirmed first with the date it takes effect. The server
// checks the rules: a refusal (409, in the page's language) shows at the form, at the seats
// field when it is about the number. The cards are clones of the template #contract-card.
import { $, el, attr, request, isSuccess, errorOf, errorText, textOr, showError, setBusy, paragraphs } from "../shared/api.js";
import { portalFrame, onClick, onSubmit } from "../shared/portal.js";
import { t, tn, labelOr } from "../shared/i18n.js";
import { clearFieldErrors, showFieldErrors, setFieldError } from "../shared/forms.js";
import { money, day, dayOfTime } from "../shared/format.js";

/** Refusals that are about the number of seats: shown at the seats field. */
const SEATS_CODES = ["invalid_seats", "seats_unchanged", "seats_required", "seats_not_allowed"];

/** "Wechsel auf jährliche Abrechnung ab 01.03.2027", "Änderung auf 8 Lizenzen ab …", "Kündigung zum …". */
function what(kind, seats, date) {
  if (!labelOr("ck_", kind, "")) return String(kind ?? "");
  return t(kind === "upgrade_to_multi" && seats ? "ck_upgrade_seats" : `ck_${kind}`, { n: seats, date: day(date) });
}

/** Runs the page (called by its entry script, pages/contracts.js). */
export function contractsPage() {
  const template = $("contract-card");
  const list = $("contract-list");
  const done = $("contract-done");
  const listLoading = $("list-loading");
  const listError = $("list-error");
  const history = $("history");
  const status = $("contracts-status");

  let company = 0; // bumped when the company changes: answers for the one before are dropped
  let generation = 0; // bumped by every list request: older lists are dropped
  let editor = false; // owner or billing: may ask for changes
  let counter = 0;

  async function load() {
    const mine = ++generation;
    listError.hidden = true;
    listLoading.hidden = false;
    list.setAttribute("aria-busy", "true");
    const result = await request("GET", "/api/contracts");
    if (mine !== generation) return;
    listLoading.hidden = true;
    list.removeAttribute("aria-busy");
    const body = result.body;
    if (!isSuccess(result) || !body || !Array.isArray(body.contracts)) {
      if (page.problem(result)) return;
      listError.hidden = false;
      showError($("list-error-text"), result);
      return;
    }
    const plans = new Map(body.contracts.map((c) => [c.id, c.plan]));
    list.replaceChildren(...body.contracts.map(card));
    $("list-empty").hidden = body.contracts.length > 0;
    const past = (Array.isArray(body.requests) ? body.requests : []).filter((r) => r.status !== "pending");
    $("history-list").replaceChildren(...past.map((r) => earlier(r, plans.get(r.contract) || r.contract)));
    history.hidden = !past.length;
  }
  onClick($("list-retry"), load);

  /** The muted line under a request: "23.11.2026 · von anna.schmidt@example.com". */
  const meta = (r) => el("p", { className: "muted", textContent: [dayOfTime(r.requested_at), r.requested_by && t("request_by", { by: r.requested_by })].filter(Boolean).join(" · ") });

  /** An earlier request: "Kundenportal Pro: Änderung auf 8 Lizenzen ab …" with its outcome. */
  const earlier = (r, plan) =>
    el(
      "li",
      { className: "pending-item" },
      el("p", {}, `${plan}: ${what(r.kind, r.seats, r.effective)} `, el("span", { className: `status status-${r.status === "done" ? "paid" : "other"}`, textContent: labelOr("crs_", r.status, String(r.status)) })),
      meta(r),
    );

  /** One contract: its facts, pending changes and, for owners and billing, what may be asked for. */
  function card(c) {
    const node = template.content.firstElementChild.cloneNode(true);
    const part = (name) => node.querySelector(`[data-f="${name}"]`);
    const n = ++counter;
    const price = c.price || {};
    const end = c.ends || (c.cancelled ? c.next_billing : null);
    part("plan").textContent = String(c.plan ?? "");
    part("cancelled").hidden = !c.cancelled;
    part("licence").textContent = c.licence === "multi" ? tn("c_multi", c.seats) : c.licence === "single" ? t("c_single") : String(c.licence);
    part("term").textContent = ["monthly", "yearly"].includes(c.term) ? t(`c_${c.term}`) : String(c.term);
    part("price").textContent = t(c.term === "yearly" ? "c_per_yearly" : "c_per_monthly", { price: money(price.amount, price.currency) });
    part("started").textContent = day(c.started);
    part("next").textContent = day(c.next_billing);
    part("end-row").hidden = !end;
    part("end").textContent = c.cancelled ? t("c_cancelled_to", { date: day(end) }) : day(end);
    part("id").textContent = c.id;
    const pending = Array.isArray(c.pending) ? c.pending : [];
    part("pending").replaceChildren(
      ...pending.map((r) => el("li", { className: "pending-item" }, el("p", { textContent: t("c_pending", { what: what(r.kind, r.seats, r.effective) }) }), meta(r))),
    );
    part("pending").hidden = !pending.length;
    part("monthly-hint").hidden = !(editor && c.term === "yearly" && !c.cancelled);

    const possible = Array.isArray(c.possible) ? c.possible : [];
    const buttons = [...part("actions").querySelectorAll("button")];
    for (const button of buttons) button.hidden = !editor || !possible.includes(button.dataset.kind);
    part("actions").hidden = buttons.every((b) => b.hidden);
    if (!part("actions").hidden) changeForm(c, n, part, buttons);
    return node;
  }

  /** The form under a contract's buttons: confirmation with the date, seats where they apply. */
  function changeForm(c, n, part, buttons) {
    const form = part("form");
    const field = part("seats-field");
    const input = form.elements.seats;
    const label = part("seats-label");
    const hint = part("seats-hint");
    const box = part("error");
    const confirm = part("confirm");
    const newSeats = label.textContent;
    form.id = `change-${n}`;
    input.id = `seats-${n}`;
    label.htmlFor = input.id;
    hint.id = `seats-${n}-hint`;
    box.id = `change-${n}-error`;
    hint.textContent = hint.dataset.upgrade;
    let kind = null;
    let opener = null;

    const expand = (button) => {
      for (const b of buttons) b.setAttribute("aria-expanded", String(b === button));
    };
    for (const button of buttons) {
      button.setAttribute("aria-controls", form.id);
      button.addEventListener("click", () => open(button));
    }
    expand(null);

    function open(button) {
      kind = button.dataset.kind;
      opener = button;
      expand(button);
      done.hidden = true;
      clearFieldErrors(form, box);
      const upgrade = kind === "upgrade_to_multi";
      field.hidden = !(upgrade || kind === "change_seats");
      input.value = "";
      input.min = upgrade ? 2 : 1;
      label.textContent = upgrade ? label.dataset.optional : newSeats;
      hint.hidden = !upgrade;
      attr(input, "aria-describedby", upgrade && hint.id);
      // From when: yearly billing from the next billing date; an upgrade at once; a switch to
      // monthly billing and a cancellation at the end of the term.
      const date = kind === "switch_to_yearly" ? c.next_billing : upgrade ? new Date().toISOString().slice(0, 10) : c.ends || c.next_billing;
      confirm.textContent = kind === "change_seats" ? t("c_seats_when", { date: day(c.next_billing) }) : t("c_confirm", { what: what(kind, null, date) });
      form.hidden = false;
      (field.hidden ? confirm : input).focus();
    }

    onClick(part("close"), () => {
      form.hidden = true;
      clearFieldErrors(form, box);
      expand(null);
      opener.focus();
    });

    /** A message about the number: at the field (its description) and announced once. */
    const seatsError = (message) => {
      setFieldError(input, message);
      input.focus();
      status.textContent = message;
    };

    onSubmit(form, async (submit) => {
      clearFieldErrors(form, box);
      const payload = { kind };
      const raw = input.value.trim();
      if (!field.hidden && (raw || input.validity.badInput)) {
        if (!/^\d{1,9}$/.test(raw)) return seatsError(t("c_seats_invalid"));
        payload.seats = Number(raw);
      }
      const mine = company;
      setBusy(submit, true);
      const result = await request("POST", `/api/contracts/${encodeURIComponent(c.id)}/requests`, payload);
      setBusy(submit, false);
      if (mine !== company) return;
      if (isSuccess(result)) {
        done.replaceChildren(...paragraphs([textOr(result.body && result.body.message, t("request_done"))]));
        done.hidden = false;
        done.focus();
        load();
        return;
      }
      if (page.problem(result)) return;
      const seatsField = field.hidden ? null : input;
      if (result.status === 400) showFieldErrors(box, result, (name) => (name === "seats" ? seatsField : null));
      else if (seatsField && SEATS_CODES.includes(errorOf(result).code)) seatsError(errorText(result));
      else showError(box, result);
    });
  }

  // ---- Start ----------------------------------------------------------------------------------

  const page = portalFrame({
    prefix: "page-",
    view: $("contracts-view"),
    status,
    heading: $("contracts-heading"),
    // A company is active: its contracts (nothing of another company meanwhile).
    start(session) {
      company++;
      editor = ["owner", "billing"].includes(session.customer.role);
      $("viewer-note").hidden = editor;
      list.replaceChildren();
      done.hidden = true;
      history.hidden = true;
      load();
    },
    reset() {
      company++;
      generation++;
    },
  });
}
