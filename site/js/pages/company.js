// The company page: company-page.js, in the chunk that all portal pages share (portal-app.js).
// The payment method (lazy/company-payment.js: its form and texts) is imported only when the
// active role may see it (owners and billing), so the page's first load stays light and viewers
// never load it.
import { companyPage } from "../portal-app.js";
import { $, showError } from "../shared/api.js";

/** The payment section as a part of the company page, its module loaded on the first load(). */
function payment(onProblem) {
  let module = null; // the promise of the section's part
  let wanted = false;
  const show = (on) => {
    $("payment").hidden = $("toc-payment").hidden = !on;
  };
  const later = (action) => module && module.then((part) => part[action](), () => {});
  function load() {
    wanted = true;
    show(true);
    module ??= import("./lazy/company-payment.js").then((m) => m.setupPayment(onProblem));
    module.then(
      (part) => wanted && part.load(),
      () => {
        // The module did not come (offline?): say so; "Erneut versuchen" imports it again.
        module = null;
        $("payment-loading").hidden = true;
        $("payment-failed").hidden = false;
        showError($("payment-load-error"), { status: 0, body: null, headers: new Headers() });
      },
    );
  }
  $("payment-retry").addEventListener("click", () => {
    if (!module) load();
  });
  return {
    load,
    deny() {
      wanted = false;
      show(false);
      later("reset");
    },
    reset() {
      wanted = false;
      later("reset");
    },
  };
}

companyPage([payment]);
