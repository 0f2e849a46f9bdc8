// Company page, further contacts: up to 10 email addresses and 10 phone numbers
// (GET / PUT /api/account/contacts with If-Match; 412 shows the current values).
import { $, isSuccess, errorOf } from "../shared/api.js";
import { onSubmit, errorCode } from "../shared/portal.js";
import { t } from "../shared/i18n.js";
import { section, versionOf, ifMatch, clearFieldErrors, showFieldErrors, inputList, conflictBox } from "../shared/forms.js";

export function setupContacts(onProblem) {
  const form = $("contacts-form");
  const error = $("contacts-error");
  const saved = $("contacts-saved");
  const emails = inputList("k-emails", 10, "email_n", "email");
  const phones = inputList("k-phones", 10, "phone_n", "tel");

  let version = null;
  let loaded = false;

  function fill(body, newVersion) {
    version = newVersion;
    loaded = true;
    clearFieldErrors(form, error);
    emails.set(body.emails);
    phones.set(body.phones);
  }

  const part = section("contacts", {
    url: "/api/account/contacts",
    hide: [form],
    onReset() {
      loaded = false;
      version = null;
      conflict.box.hidden = true;
      saved.textContent = "";
    },
    ok: () => true,
    fill(result) {
      fill(result.body, versionOf(result, result.body));
      form.hidden = false;
    },
    onProblem,
  });

  const conflict = conflictBox(
    "contacts",
    form,
    (current) => {
      version = current.version;
    },
    (current) => {
      fill(current.data, current.version);
      const first = emails.inputs()[0];
      if (first) first.focus();
    },
  );

  onSubmit(form, async (submit) => {
    if (!loaded) return;
    clearFieldErrors(form, error);
    conflict.box.hidden = true;
    saved.textContent = "";
    const body = { emails: emails.values(), phones: phones.values() };
    const result = await part.send(submit, "PUT", "/api/account/contacts", body, ifMatch(version));
    if (!result) return;
    if (isSuccess(result) && result.body) {
      fill(result.body, versionOf(result, result.body));
      saved.textContent = t("saved");
      return;
    }
    if (part.problem(result)) return;
    const current = errorOf(result).current;
    if (result.status === 412 && errorCode(result) === "version_conflict" && current && typeof current === "object") {
      conflict.show(current, versionOf(result, current), [
        [emails.label, (current.emails || []).join(", ")],
        [phones.label, (current.phones || []).join(", ")],
      ]);
      return;
    }
    if (result.status === 403) return part.deny();
    showFieldErrors(error, result, (field) => emails.lookup(field, "emails") || phones.lookup(field, "phones"));
  });

  return part;
}
