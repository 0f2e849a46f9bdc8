// Company page: billing data, further contacts, team, recent activity and the data export of
// the active company. What is shown depends on the role: owners see everything, billing all but
// the team management, viewers only who they are. Without a session it goes to the login page
// and back here after; without a chosen company it shows the chooser.
import { request, isSuccess, showError, setBusy } from "../api.js";
import { t } from "../i18n.js";
import { roleName, toLogin as goToLogin, customersOf, createChooser, loadSession } from "../session.js";
import { $ } from "../company-forms.js";
import { setupBilling } from "../company-billing.js";
import { setupContacts } from "../company-contacts.js";
import { setupTeam } from "../company-team.js";
import { setupActivity } from "../company-activity.js";

const root = $("company-page");
const pageLoading = $("page-loading");
const pageFailed = $("page-failed");
const pageError = $("page-error");
const retry = $("retry");
const noCustomer = $("no-customer");
const chooser = $("chooser");
const chooserHeading = $("chooser-heading");
const chooserText = $("chooser-text");
const chooserCancel = $("chooser-cancel");
const account = $("account");
const companyName = $("company-name");
const companyRole = $("company-role");
const switchButton = $("switch-company");
const status = $("account-status");

const loginUrl = root.dataset.loginUrl;
const chooserDefaultText = chooserText.textContent;

let session = null;
let chooserOpen = false;

function toLogin() {
  goToLogin(loginUrl);
}

/** 401 → login; 409 no_customer_selected → the chooser. True when handled. */
function handleProblem(result) {
  if (result.status === 401) {
    toLogin();
    return true;
  }
  const code = result.body && result.body.error && result.body.error.code;
  if (result.status === 409 && code === "no_customer_selected") {
    resetSections();
    if (session) session.customer = null;
    chooserText.textContent = t("choose_company");
    render();
    chooserHeading.focus();
    return true;
  }
  return false;
}

const billing = setupBilling({ onProblem: handleProblem });
const contacts = setupContacts({ onProblem: handleProblem });
const activity = setupActivity({ onProblem: handleProblem });
const team = setupTeam({
  onProblem: handleProblem,
  // An owner who gave up the owner role: from now on the page shows what that role may see.
  onOwnRoleChanged(role) {
    if (!session || !session.customer) return;
    session.customer.role = role;
    companyRole.textContent = roleName(role);
    startCompany();
  },
});

function resetSections() {
  billing.reset();
  contacts.reset();
  team.reset();
  activity.reset();
}

const companyChooser = createChooser({
  list: $("chooser-list"),
  error: $("chooser-error"),
  onSame: closeChooser,
  onUnauthenticated: toLogin,
  onChosen(newSession) {
    session = newSession;
    chooserOpen = false;
    chooserText.textContent = chooserDefaultText;
    render();
    if (session.customer) {
      status.textContent = t("company_active", { name: session.customer.name });
      $("billing-heading").focus();
      startCompany();
    }
  },
});

async function start() {
  const loaded = await loadSession({ loginUrl, loading: pageLoading, failed: pageFailed, failedMessage: pageError, retry });
  if (!loaded) return;
  session = loaded;
  render();
  if (session.customer) startCompany();
}

function render() {
  const customers = customersOf(session);
  const active = session.customer || null;
  noCustomer.hidden = customers.length > 0;
  account.hidden = !active;
  if (active) {
    companyName.textContent = active.name;
    companyRole.textContent = roleName(active.role);
  }
  switchButton.hidden = !(active && customers.length > 1);
  const showChooser = customers.length > 0 && (!active || chooserOpen);
  chooser.hidden = !showChooser;
  chooserCancel.hidden = !active;
  switchButton.setAttribute("aria-expanded", String(showChooser && Boolean(active)));
  if (showChooser) companyChooser.render(customers, active);
}

function closeChooser() {
  chooserOpen = false;
  companyChooser.clearError();
  render();
  switchButton.focus();
}

/** A company is active: load what its role may see (nothing of another company meanwhile). */
function startCompany() {
  const role = session.customer.role;
  const canBilling = role === "owner" || role === "billing";
  $("toc-contacts").hidden = !canBilling;
  $("toc-activity").hidden = !canBilling;
  if (canBilling) {
    billing.load();
    contacts.load();
    activity.load();
  } else {
    billing.deny();
    contacts.deny();
    activity.deny();
  }
  if (role === "owner") team.load();
  else team.showSelf(session.email || "", role);
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
  if (!retry.disabled) start();
});

start();
