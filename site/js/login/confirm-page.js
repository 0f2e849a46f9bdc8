// Confirm page: login mails link to …/anmelden/bestaetigen/#<token>. Opening the page only
// looks the token up; it is redeemed when the person presses the button.
import { $, request, isSuccess, showError, clearError, setBusy } from "../shared/api.js";
import { onClick, goAfterLogin } from "../shared/portal.js";
import { t, lang } from "../shared/i18n.js";

/** Runs the page (called by its entry script, pages/confirm.js). */
export function confirmPage() {
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

  const root = $("confirm");
  const checking = $("checking");
  const ask = $("ask");
  const askHeading = $("ask-heading");
  const askEmail = $("ask-email");
  const askExpiry = $("ask-expiry");
  const confirmError = $("confirm-error");
  const confirmButton = $("confirm-button");
  const noToken = $("no-token");
  const linkError = $("link-error");
  const newLink = $("new-link");

  // Errors after which this token can't work any more and a new link is the way forward.
  const tokenRejected = new Set([400, 401, 403, 404, 410]);

  function reset() {
    checking.hidden = false;
    ask.hidden = true;
    askExpiry.hidden = true;
    noToken.hidden = true;
    newLink.hidden = true;
    clearError(linkError);
    clearError(confirmError);
    confirmButton.hidden = false;
    setBusy(confirmButton, false);
  }

  async function lookUp() {
    reset();
    if (!token) {
      checking.hidden = true;
      noToken.hidden = false;
      newLink.hidden = false;
      return;
    }
    const current = token;
    const result = await request("POST", "/api/auth/login-link", { token: current });
    if (current !== token) return; // another link was opened in the meantime
    checking.hidden = true;
    if (!isSuccess(result) || !result.body || typeof result.body.email !== "string") {
      newLink.hidden = false;
      showError(linkError, result);
      return;
    }
    askEmail.textContent = result.body.email;
    if (typeof result.body.expires_at === "number") {
      const time = new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" }).format(
        new Date(result.body.expires_at * 1000),
      );
      askExpiry.textContent = t("link_valid_until", { time });
      askExpiry.hidden = false;
    }
    ask.hidden = false;
    askHeading.focus();
  }

  onClick(confirmButton, async () => {
    if (!token) return;
    clearError(confirmError);
    setBusy(confirmButton, true);
    const result = await request("POST", "/api/auth/session", { token });
    if (isSuccess(result)) {
      goAfterLogin(result.body, root.dataset.portalUrl);
      return;
    }
    if (tokenRejected.has(result.status)) {
      confirmButton.hidden = true;
      newLink.hidden = false;
    } else {
      setBusy(confirmButton, false);
    }
    showError(confirmError, result);
  });

  // Another mail link opened in this tab only changes the fragment: the page is not reloaded.
  window.addEventListener("hashchange", () => {
    const next = takeToken();
    if (next) {
      token = next;
      lookUp();
    }
  });

  lookUp();
}
