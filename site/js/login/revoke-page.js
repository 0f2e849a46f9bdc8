// Revocation page: the mail that reports a company's first owner by activation (to its invoice
// addresses and to support) links to …/anmelden/widerrufen/#<token>. Opening the page changes
// nothing, as mail scanners open links too: the access is taken back only when the person presses
// the button (POST /api/auth/activation/revoke).
// Only shared/api.js is imported, so the page loads the small chunk that the help centre shares
// with the portal pages and not the portal chunk (see portal-app.js).
import { $, request, isSuccess, errorOf, textOr, paragraphs, showError, showMessage, clearError, setBusy } from "../shared/api.js";

// Errors after which this token can't work any more: the button goes.
const tokenRejected = new Set([400, 401, 403, 404, 410]);

// The server's texts for these codes speak of sign-in links; the page has its own
// (templates/revoke.html, data-*): what happened, and what to do next.
const linkErrors = {
  link_invalid: ["linkInvalid", "invalidNext"],
  link_expired: ["linkExpired", "expiredNext"],
};

/** Runs the page (called by its entry script, pages/revoke.js). */
export function revokePage() {
  /** Reads the token from the fragment and drops the fragment from the address bar and history. */
  function takeToken() {
    const value = location.hash.replace(/^#/, "").trim();
    if (location.href.includes("#")) {
      history.replaceState(history.state, "", location.pathname + location.search);
    }
    return value;
  }

  // Before anything else, so the token is in the address bar as briefly as possible.
  let token = takeToken();

  const root = $("revoke");
  const ask = $("ask");
  const box = $("revoke-error");
  const button = $("revoke-button");
  const done = $("done");
  const doneMessage = $("done-message");
  const noToken = $("no-token");

  function show() {
    clearError(box);
    setBusy(button, false);
    button.hidden = false;
    done.hidden = true;
    ask.hidden = !token;
    noToken.hidden = Boolean(token);
  }

  button.addEventListener("click", async () => {
    if (button.disabled || !token) return;
    const current = token;
    clearError(box);
    setBusy(button, true);
    const result = await request("POST", "/api/auth/activation/revoke", { token: current });
    if (current !== token) return; // another link was opened in the meantime
    if (isSuccess(result)) {
      token = "";
      ask.hidden = true;
      doneMessage.replaceChildren(...paragraphs([textOr(result.body && result.body.message, root.dataset.done)]));
      done.hidden = false;
      doneMessage.focus();
      return;
    }
    if (tokenRejected.has(result.status)) button.hidden = true;
    else setBusy(button, false);
    const own = linkErrors[errorOf(result).code];
    if (own && result.status === 401) showMessage(box, own.map((key) => root.dataset[key]));
    else showError(box, result);
  });

  // Another mail link opened in this tab only changes the fragment: the page is not reloaded.
  window.addEventListener("hashchange", () => {
    const next = takeToken();
    if (next) {
      token = next;
      show();
    }
  });

  show();
}
