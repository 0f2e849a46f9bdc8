// Login page: ask for a sign-in mail, then accept the 8-digit code from it.
import { request, isSuccess, showError, showMessage, clearError, setBusy, goAfterLogin } from "../api.js";
import { t } from "../i18n.js";

const root = document.getElementById("login");
const emailForm = document.getElementById("email-form");
const emailInput = document.getElementById("email");
const emailError = document.getElementById("email-error");
const emailButton = emailForm.querySelector('button[type="submit"]');
const codeStep = document.getElementById("code-step");
const sentMessage = document.getElementById("sent-message");
const codeForm = document.getElementById("code-form");
const codeInput = document.getElementById("code");
const codeError = document.getElementById("code-error");
const codeButton = codeForm.querySelector('button[type="submit"]');
const restart = document.getElementById("restart");

// Passed through as is; the server decides whether it is an acceptable target.
const next = new URLSearchParams(location.search).get("next");

emailForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (emailButton.disabled) return;
  clearError(emailError, [emailInput]);
  const payload = { email: emailInput.value.trim() };
  if (next) payload.next = next;

  setBusy(emailButton, true);
  const result = await request("POST", "/api/auth/login-request", payload);
  setBusy(emailButton, false);

  if (isSuccess(result)) {
    showCodeStep(result.body || {});
  } else {
    showError(emailError, result, { email: emailInput });
  }
});

function showCodeStep(body) {
  const texts = [typeof body.message === "string" && body.message ? body.message : t("sent")];
  if (typeof body.expires_in === "number" && body.expires_in > 0) {
    const minutes = Math.max(1, Math.round(body.expires_in / 60));
    texts.push(minutes === 1 ? t("valid_minute") : t("valid_minutes", { n: minutes }));
  }
  sentMessage.replaceChildren(
    ...texts.map((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      return p;
    }),
  );
  clearError(codeError, [codeInput]);
  codeInput.value = "";
  emailForm.hidden = true;
  codeStep.hidden = false;
  sentMessage.focus();
}

codeForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (codeButton.disabled) return;
  clearError(codeError, [codeInput]);
  // The mail shows the code as "1234 5678"; accept it with spaces or a dash.
  const code = codeInput.value.replace(/[\s-]/g, "");
  if (!/^[0-9]{8}$/.test(code)) {
    showMessage(codeError, [t("code_invalid")], codeInput);
    return;
  }

  setBusy(codeButton, true);
  const result = await request("POST", "/api/auth/session", { code });
  if (isSuccess(result)) {
    // The button stays disabled while the browser navigates away.
    goAfterLogin(result.body, root.dataset.portalUrl);
    return;
  }
  setBusy(codeButton, false);
  showError(codeError, result, { code: codeInput });
});

restart.addEventListener("click", () => {
  codeStep.hidden = true;
  emailForm.hidden = false;
  clearError(emailError, [emailInput]);
  emailInput.focus();
  emailInput.select();
});
