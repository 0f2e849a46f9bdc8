// Login page: ask for a sign-in mail, then accept the 8-digit code from it. The code step is
// shared with the activation page (activate-page.js), whose answer leads to the same mail.
import { $, request, isSuccess, textOr, paragraphs, showError, showMessage, clearError, setBusy } from "../shared/api.js";
import { onSubmit, goAfterLogin } from "../shared/portal.js";
import { t, tn } from "../shared/i18n.js";

/**
 * Wires the code step (#code-step, templates/login.html) below `requestForm`; `firstInput` gets
 * the focus when the person goes back to change the request. Returns `sent(body)`, to call
 * with the body of a 202 from a request that mailed a link and code: it shows the server's
 * message and the code form in place of `requestForm`.
 */
export function codeStep(requestForm, firstInput) {
  const step = $("code-step");
  const sentMessage = $("sent-message");
  const codeInput = $("code");
  const codeError = $("code-error");

  onSubmit($("code-form"), async (button) => {
    clearError(codeError, [codeInput]);
    // The mail shows the code as "1234 5678"; accept it with spaces or a dash.
    const code = codeInput.value.replace(/[\s-]/g, "");
    if (!/^[0-9]{8}$/.test(code)) return showMessage(codeError, [t("code_invalid")], codeInput);

    setBusy(button, true);
    const result = await request("POST", "/api/auth/session", { code });
    // On success the button stays disabled while the browser navigates away.
    if (isSuccess(result)) return goAfterLogin(result.body, $("login").dataset.portalUrl);
    setBusy(button, false);
    showError(codeError, result, { code: codeInput });
  });

  $("restart").addEventListener("click", () => {
    step.hidden = true;
    requestForm.hidden = false;
    firstInput.focus();
    firstInput.select();
  });

  return function sent(body = {}) {
    const texts = [textOr(body.message, t("sent"))];
    if (typeof body.expires_in === "number" && body.expires_in > 0) {
      texts.push(tn("valid_minutes", Math.max(1, Math.round(body.expires_in / 60))));
    }
    sentMessage.replaceChildren(...paragraphs(texts));
    clearError(codeError, [codeInput]);
    codeInput.value = "";
    requestForm.hidden = true;
    step.hidden = false;
    sentMessage.focus();
  };
}

/** Runs the page (called by its entry script, pages/login.js). */
export function loginPage() {
  const emailForm = $("email-form");
  const emailInput = $("email");
  const emailError = $("email-error");
  const sent = codeStep(emailForm, emailInput);

  // Passed through as is; the server decides whether it is an acceptable target.
  const next = new URLSearchParams(location.search).get("next");

  onSubmit(emailForm, async (button) => {
    clearError(emailError, [emailInput]);
    const payload = { email: emailInput.value.trim() };
    if (next) payload.next = next;

    setBusy(button, true);
    const result = await request("POST", "/api/auth/login-request", payload);
    setBusy(button, false);
    if (!isSuccess(result)) return showError(emailError, result, { email: emailInput });
    sent(result.body || {});
  });
}
