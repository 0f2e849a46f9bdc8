// Helpers of the portal pages only (sign-in, confirm, portal, documents, company; the help
// centre loads none of this): submit and click handlers that respect a busy button, dialogs,
// the way back after sign-in and the frame of the portal, documents and company pages.
import { t } from "./i18n.js";
import { $, el, request, isSuccess, errorOf, showError, clearError, setBusy } from "./api.js";
import { loadUnread } from "./notify-badge.js";

/** The error code of a failed request, or "". */
export const errorCode = (result) => errorOf(result).code || "";

/** 401 and "no company chosen" are the page's business, not a section's or a dialog's. */
export const isPageProblem = (result) =>
  result.status === 401 || (result.status === 409 && errorCode(result) === "no_customer_selected");

/** Runs `handler` on clicks of `button` unless it is disabled (busy). */
export const onClick = (button, handler) =>
  button.addEventListener("click", () => {
    if (!button.disabled) handler();
  });

/**
 * A submit handler for `form` that does nothing while its submit button is busy or `ready()`
 * is false; `handler(submitButton)`.
 */
export function onSubmit(form, handler, ready = () => true) {
  const submit = form.querySelector('button[type="submit"]');
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!submit.disabled && ready()) handler(submit);
  });
}

/** True for a same-site path like "/portal/": one leading slash, nothing a browser reads as another host. */
export function isLocalPath(value) {
  if (typeof value !== "string" || !/^\/(?![/\\])/.test(value)) return false;
  // eslint-disable-next-line no-control-regex -- rejecting them is the point: URL parsing drops tabs and newlines ("/\t/host" is "//host")
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return false;
  try {
    return new URL(value, location.origin).origin === location.origin;
  } catch {
    return false;
  }
}

/** After a successful sign-in: go to the server's `next` if it is a local path, else to `fallback`. */
export function goAfterLogin(session, fallback) {
  const next = session && session.next;
  location.replace(isLocalPath(next) ? next : fallback);
}

/**
 * Shared dialog behaviour: close buttons ([data-close]), a click on the backdrop (the content
 * fills the dialog, so a click on the dialog element itself is on the backdrop), and `onClose`.
 */
export function wireDialog(dialog, onClose) {
  for (const button of dialog.querySelectorAll("[data-close]")) button.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", onClose);
}

// ---- Session and company chooser (portal, documents and company pages) ---------------------

/** Sends people to the login page, which brings them back here (path and query) afterwards. */
export function toLogin() {
  const loginUrl = document.querySelector("[data-login-url]").dataset.loginUrl;
  location.replace(`${loginUrl}?next=${encodeURIComponent(location.pathname + location.search)}`);
}

export function roleName(role) {
  return ["owner", "billing", "viewer"].includes(role) ? t(`role_${role}`) : String(role ?? "");
}

/**
 * The frame of the portal, documents, company and requests pages. Loads the session (`prefix`
 * names the loading / failed / error elements), sends people without one to the login page
 * (which brings them back here), then the header's unread count; shows the company chooser when
 * no company is chosen or the switch button opens it. `view` is shown while a company is active; `show(session, active)` fills the page's
 * own parts; `start(session, chosen)` runs when a company is active after loading or choosing
 * (chosen = true, after `status` announced it and focus went to `heading`); `reset()` when the
 * API says no company is chosen. Returns {problem(result)}: 401 → login; 409
 * no_customer_selected → the chooser; true when handled.
 */
export function portalFrame({ prefix, view, status, heading, show = () => {}, start = () => {}, reset }) {
  const retry = $("retry");
  const chooser = $("chooser");
  const chooserHeading = $("chooser-heading");
  const chooserText = $("chooser-text");
  const chooserDefault = chooserText && chooserText.textContent;
  const list = $("chooser-list");
  const error = $("chooser-error");
  const cancel = $("chooser-cancel");
  const switchButton = $("switch-company");
  let session = null;
  let open = false;
  let active = null;

  async function load() {
    const loading = $(`${prefix}loading`);
    const failed = $(`${prefix}failed`);
    loading.hidden = false;
    failed.hidden = true;
    setBusy(retry, true);
    const result = await request("GET", "/api/auth/session");
    setBusy(retry, false);
    if (result.status === 401) return toLogin();
    loading.hidden = true;
    if (!isSuccess(result) || !result.body) {
      failed.hidden = false;
      showError($(`${prefix}error`), result);
      return;
    }
    session = result.body;
    render();
    if (session.customer) start(session);
    loadUnread();
  }

  function render() {
    const companies = session && Array.isArray(session.customers) ? session.customers : [];
    active = session.customer || null;
    $("no-company").hidden = companies.length > 0;
    view.hidden = !active;
    if (active) {
      for (const [id, text] of [["company-name", active.name], ["company-id", active.id], ["company-role", roleName(active.role)]]) {
        if ($(id)) $(id).textContent = text;
      }
    }
    switchButton.hidden = !(active && companies.length > 1);
    const showChooser = companies.length > 0 && (!active || open);
    chooser.hidden = !showChooser;
    cancel.hidden = !active;
    switchButton.setAttribute("aria-expanded", String(showChooser && Boolean(active)));
    if (showChooser) list.replaceChildren(...companies.map(choice));
    show(session, active);
  }

  /** One button per company; the active one is marked. */
  function choice(company) {
    const isActive = active && active.id === company.id;
    const button = el(
      "button",
      { type: "button", className: "choice" },
      el("span", { className: "choice-name" }, company.name, isActive && " ", isActive && el("span", { className: "badge", textContent: t("active") })),
      el("span", { className: "choice-meta", textContent: `${t("customer_number", { id: company.id })} · ${roleName(company.role)}` }),
    );
    if (isActive) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => choose(company, button));
    return el("li", {}, button);
  }

  /** Picking another company: PUT /api/auth/session/customer makes the session act for it. */
  async function choose(company, button) {
    if (button.disabled) return;
    clearError(error);
    if (active && active.id === company.id) return close();
    const buttons = [...list.querySelectorAll("button")];
    for (const b of buttons) b.disabled = true;
    setBusy(button, true);
    const result = await request("PUT", "/api/auth/session/customer", { customer_id: company.id });
    if (result.status === 401) return toLogin();
    if (!isSuccess(result) || !result.body) {
      for (const b of buttons) b.disabled = false;
      setBusy(button, false);
      showError(error, result);
      return;
    }
    session = result.body;
    open = false;
    if (chooserText) chooserText.textContent = chooserDefault;
    render();
    if (session.customer) {
      status.textContent = t("company_active", { name: session.customer.name });
      heading.focus();
      start(session, true);
    }
  }

  function close() {
    open = false;
    clearError(error);
    render();
    switchButton.focus();
  }

  switchButton.addEventListener("click", () => {
    if (open) return close();
    open = true;
    clearError(error);
    render();
    chooserHeading.focus();
  });
  cancel.addEventListener("click", close);
  onClick(retry, load);
  load();

  return {
    problem(result) {
      if (result.status === 401) {
        toLogin();
        return true;
      }
      if (!isPageProblem(result)) return false;
      reset();
      if (session) session.customer = null;
      chooserText.textContent = t("choose_company");
      render();
      chooserHeading.focus();
      return true;
    },
  };
}
