// Activation page: an existing customer opens portal access with the customer number and the
// number and gross total of one invoice (POST /api/auth/activate). The answer is the same
// whether or not the details match, so the page then continues like the login page: the
// server's neutral message and the code step (login-page.js).
import { $, request, isSuccess, showError, setBusy } from "../shared/api.js";
import { onSubmit } from "../shared/portal.js";
import { showFieldErrors, clearFieldErrors } from "../shared/forms.js";
import { codeStep } from "./login-page.js";

/** The API's field names; each is also the name of its input. */
const FIELDS = ["email", "customer_number", "invoice_number", "gross_amount"];

/** Runs the page (called by its entry script, pages/activate.js). */
export function activatePage() {
  const form = $("activate-form");
  const box = $("activate-error");
  const input = (name) => (FIELDS.includes(name) ? form.elements[name] : null);
  const sent = codeStep(form, input("email"));

  onSubmit(form, async (button) => {
    clearFieldErrors(form, box);
    const payload = Object.fromEntries(FIELDS.map((name) => [name, input(name).value.trim()]));

    setBusy(button, true);
    const result = await request("POST", "/api/auth/activate", payload);
    setBusy(button, false);
    if (isSuccess(result)) return sent(result.body || {});
    // 400 names the fields (each message goes next to its input); 429 says how long to wait.
    if (result.status === 400) showFieldErrors(box, result, input);
    else showError(box, result);
  });
}
