// Portal page: shows who is signed in and for which company; lets people pick or change the
// company and sign out. Without a session it sends them to the login page and back here after.
import { $, request, isSuccess, showError, clearError, setBusy } from "./api.js";
import { onClick, portalFrame } from "./portal.js";
import { t } from "./i18n.js";

/** Runs the page (called by its entry script, pages/portal.js). */
export function portalPage() {
  const logoutButton = $("logout");
  const logoutError = $("logout-error");

  portalFrame({
    prefix: "portal-",
    view: $("company"),
    status: $("portal-status"),
    heading: $("company-heading"),
    show(session, active) {
      $("user-email").textContent = session.email || "";
      $("documents-teaser").hidden = !active;
      $("company-teaser").hidden = !active;
      const idle = Number(session.idle_timeout_seconds);
      const idleNote = $("idle-note");
      idleNote.hidden = !(idle > 0);
      if (idle > 0) idleNote.textContent = t("idle", { n: Math.max(1, Math.round(idle / 60)) });
      $("portal-session").hidden = false;
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
