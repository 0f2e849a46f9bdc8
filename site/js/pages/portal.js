// Portal page: shows who is signed in and for which company; lets people pick or change the
// company and sign out. Without a session it sends them to the login page and back here after.
import { request, isSuccess, showError, clearError, setBusy } from "../api.js";
import { t } from "../i18n.js";
import { roleName, toLogin as goToLogin, customersOf, createChooser, loadSession } from "../session.js";

const root = document.getElementById("portal");
const loading = document.getElementById("portal-loading");
const failed = document.getElementById("portal-failed");
const failedMessage = document.getElementById("portal-error");
const retry = document.getElementById("retry");
const sessionView = document.getElementById("portal-session");
const userEmail = document.getElementById("user-email");
const status = document.getElementById("portal-status");
const company = document.getElementById("company");
const companyHeading = document.getElementById("company-heading");
const companyName = document.getElementById("company-name");
const companyId = document.getElementById("company-id");
const companyRole = document.getElementById("company-role");
const switchButton = document.getElementById("switch-company");
const chooser = document.getElementById("chooser");
const chooserHeading = document.getElementById("chooser-heading");
const chooserList = document.getElementById("chooser-list");
const chooserError = document.getElementById("chooser-error");
const chooserCancel = document.getElementById("chooser-cancel");
const documentsTeaser = document.getElementById("documents-teaser");
const companyTeaser = document.getElementById("company-teaser");
const noCustomer = document.getElementById("no-customer");
const idleNote = document.getElementById("idle-note");
const logoutButton = document.getElementById("logout");
const logoutError = document.getElementById("logout-error");

const loginUrl = root.dataset.loginUrl;
let session = null;
let chooserOpen = false;

function toLogin() {
  goToLogin(loginUrl);
}

const companyChooser = createChooser({
  list: chooserList,
  error: chooserError,
  onSame: closeChooser,
  onUnauthenticated: toLogin,
  onChosen(newSession) {
    session = newSession;
    chooserOpen = false;
    render();
    if (session.customer) {
      status.textContent = t("company_active", { name: session.customer.name });
      companyHeading.focus();
    }
  },
});

async function load() {
  sessionView.hidden = true;
  const loaded = await loadSession({ loginUrl, loading, failed, failedMessage, retry });
  if (!loaded) return;
  session = loaded;
  render();
}

function render() {
  const customers = customersOf(session);
  const active = session.customer || null;

  userEmail.textContent = session.email || "";

  company.hidden = !active;
  if (active) {
    companyName.textContent = active.name;
    companyId.textContent = active.id;
    companyRole.textContent = roleName(active.role);
  }
  switchButton.hidden = !(active && customers.length > 1);
  documentsTeaser.hidden = !active;
  companyTeaser.hidden = !active;

  const showChooser = customers.length > 0 && (!active || chooserOpen);
  chooser.hidden = !showChooser;
  chooserCancel.hidden = !active;
  switchButton.setAttribute("aria-expanded", String(showChooser && Boolean(active)));
  if (showChooser) companyChooser.render(customers, active);

  noCustomer.hidden = customers.length > 0;

  const idle = Number(session.idle_timeout_seconds);
  idleNote.hidden = !(idle > 0);
  if (idle > 0) idleNote.textContent = t("idle", { n: Math.max(1, Math.round(idle / 60)) });

  sessionView.hidden = false;
}

function closeChooser() {
  chooserOpen = false;
  clearError(chooserError);
  render();
  switchButton.focus();
}

switchButton.addEventListener("click", () => {
  if (chooserOpen) {
    closeChooser();
    return;
  }
  chooserOpen = true;
  companyChooser.clearError();
  render();
  chooserHeading.focus();
});

chooserCancel.addEventListener("click", closeChooser);

retry.addEventListener("click", () => {
  if (!retry.disabled) load();
});

logoutButton.addEventListener("click", async () => {
  if (logoutButton.disabled) return;
  clearError(logoutError);
  setBusy(logoutButton, true);
  const result = await request("DELETE", "/api/auth/session");
  if (isSuccess(result) || result.status === 401) {
    location.replace(loginUrl);
    return;
  }
  setBusy(logoutButton, false);
  showError(logoutError, result);
});

load();
