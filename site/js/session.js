// Shared by the portal, documents and company pages: loading the session, the way to the login
// page, role names and the company chooser (picking a company makes the session act for it).
import { request, isSuccess, showError, clearError, setBusy } from "./api.js";
import { t } from "./i18n.js";

export function roleName(role) {
  return ["owner", "billing", "viewer"].includes(role) ? t(`role_${role}`) : String(role ?? "");
}

/** Sends people to the login page, which brings them back here (path and query) afterwards. */
export function toLogin(loginUrl) {
  const next = location.pathname + location.search;
  location.replace(`${loginUrl}?next=${encodeURIComponent(next)}`);
}

/**
 * Loads the session for a page: shows `loading` meanwhile, sends people without a session to the
 * login page, shows `failed` (with the error in `failedMessage`) when the API cannot answer.
 * Resolves to the session, or null when the page has nothing to show.
 */
export async function loadSession({ loginUrl, loading, failed, failedMessage, retry }) {
  loading.hidden = false;
  failed.hidden = true;
  setBusy(retry, true);
  const result = await request("GET", "/api/auth/session");
  setBusy(retry, false);
  if (result.status === 401) {
    toLogin(loginUrl);
    return null;
  }
  loading.hidden = true;
  if (!isSuccess(result) || !result.body) {
    failed.hidden = false;
    showError(failedMessage, result);
    return null;
  }
  return result.body;
}

/** The list of companies of a session (always an array). */
export function customersOf(session) {
  return session && Array.isArray(session.customers) ? session.customers : [];
}

/**
 * The chooser: `list` (a <ul>) gets one button per company, `error` is its alert box.
 * Picking the active company calls `onSame()`; picking another one calls
 * PUT /api/auth/session/customer and then `onChosen(newSession)`; 401 calls `onUnauthenticated()`.
 */
export function createChooser({ list, error, onChosen, onSame, onUnauthenticated }) {
  let active = null;

  function buttons() {
    return [...list.querySelectorAll("button")];
  }

  async function choose(customer, button) {
    if (button.disabled) return;
    clearError(error);
    if (active && active.id === customer.id) {
      onSame();
      return;
    }
    for (const b of buttons()) b.disabled = true;
    setBusy(button, true);
    const result = await request("PUT", "/api/auth/session/customer", { customer_id: customer.id });
    if (result.status === 401) {
      onUnauthenticated();
      return;
    }
    if (!isSuccess(result) || !result.body) {
      for (const b of buttons()) b.disabled = false;
      setBusy(button, false);
      showError(error, result);
      return;
    }
    onChosen(result.body);
  }

  function render(customers, activeCustomer) {
    active = activeCustomer || null;
    const items = customers.map((customer) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      const name = document.createElement("span");
      name.className = "choice-name";
      name.textContent = customer.name;
      const meta = document.createElement("span");
      meta.className = "choice-meta";
      meta.textContent = `${t("customer_number", { id: customer.id })} · ${roleName(customer.role)}`;
      button.append(name, meta);
      if (active && active.id === customer.id) {
        button.setAttribute("aria-current", "true");
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = t("active");
        name.append(" ", badge);
      }
      button.addEventListener("click", () => choose(customer, button));
      item.append(button);
      return item;
    });
    list.replaceChildren(...items);
  }

  return { render, clearError: () => clearError(error) };
}
