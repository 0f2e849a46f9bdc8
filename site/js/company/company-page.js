// Company page: billing data, further contacts, team, recent activity and the data export of
// the active company. What is shown depends on the role: owners see everything, billing all but
// the team management, viewers only who they are. Without a session it goes to the login page
// and back here after; without a chosen company it shows the chooser.
import { $ } from "../shared/api.js";
import { roleName, portalFrame } from "../shared/portal.js";
import { setupBilling } from "./company-billing.js";
import { setupContacts } from "./company-contacts.js";
import { setupTeam } from "./company-team.js";
import { setupActivity } from "./company-activity.js";

/**
 * Runs the page (called by its entry script, pages/company.js). `sections` are set-up functions
 * of further owner-and-billing sections from the page's own bundle (the payment method), each
 * `(onProblem) => {load, deny, reset}`, so this shared chunk does not carry their code.
 */
export function companyPage(sections = []) {
  const problem = (result) => page.problem(result);
  const billing = setupBilling(problem);
  const more = sections.map((setup) => setup(problem));
  const contacts = setupContacts(problem);
  const activity = setupActivity(problem);
  // An owner who gave up the owner role: from now on the page shows what that role may see.
  const team = setupTeam(problem, (role) => {
    if (!session || !session.customer) return;
    session.customer.role = role;
    $("company-role").textContent = roleName(role);
    startCompany();
  });
  let session = null;

  /** A company is active: load what its role may see (nothing of another company meanwhile). */
  function startCompany() {
    const role = session.customer.role;
    const canBilling = role === "owner" || role === "billing";
    $("toc-contacts").hidden = !canBilling;
    $("toc-activity").hidden = !canBilling;
    for (const part of [billing, contacts, activity, ...more]) part[canBilling ? "load" : "deny"]();
    if (role === "owner") team.load();
    else team.showSelf(session.email || "", role);
  }

  const page = portalFrame({
    prefix: "page-",
    view: $("company-view"),
    status: $("company-status"),
    heading: $("billing-heading"),
    start(current) {
      session = current;
      startCompany();
    },
    reset() {
      for (const part of [billing, contacts, team, activity, ...more]) part.reset();
    },
  });
}
