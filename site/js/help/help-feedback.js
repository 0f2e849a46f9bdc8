// "Was this article helpful?": two submit buttons post {article, helpful} to /api/help/feedback.
// The form is hidden until this runs (the API takes JSON only). That feedback was given is kept in
// sessionStorage per article, nothing else: no cookie, no personal data.
import { request, isSuccess, showError, clearError, setBusy } from "../shared/api.js";
import { t } from "../shared/i18n.js";

const KEY = "help-feedback:";

function remember(article, value) {
  try {
    if (value === undefined) return sessionStorage.getItem(KEY + article);
    sessionStorage.setItem(KEY + article, value);
  } catch {
    // Storage blocked: the widget just asks again next time.
  }
  return null;
}

export function initFeedback(form) {
  const article = form.dataset.article;
  const choice = form.querySelector("fieldset");
  const buttons = [...form.querySelectorAll("button")];
  const thanks = form.querySelector(".feedback-thanks");
  const error = form.querySelector(".alert");

  const done = (text) => {
    choice.hidden = true;
    thanks.textContent = text;
  };

  form.hidden = false;
  if (remember(article)) {
    done(t("help_feedback_given"));
    return;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = event.submitter;
    if (!button || button.disabled) return;
    const helpful = button.value === "true";
    clearError(error);
    buttons.forEach((b) => setBusy(b, true));
    const result = await request("POST", "/api/help/feedback", { article, helpful });
    buttons.forEach((b) => setBusy(b, false));
    if (isSuccess(result)) {
      remember(article, helpful ? "yes" : "no");
      done(t(helpful ? "help_feedback_thanks" : "help_feedback_thanks_no"));
      thanks.focus();
    } else {
      showError(error, result);
    }
  });
}
