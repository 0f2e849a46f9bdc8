// Company page, billing data: the form (GET / PUT /api/account/billing with If-Match), the
// conflict box for 412, locked fields with the change request (POST …/change-request) and the
// pending requests.
import { $, el, attr, isSuccess, errorOf, errorText, textOr } from "../shared/api.js";
import { onSubmit, errorCode } from "../shared/portal.js";
import { t } from "../shared/i18n.js";
import {
  section, versionOf, ifMatch, clearFieldErrors, showFieldErrors, showFieldMessage, inputList,
  fillCountries, countryName, values, labelOf, conflictBox, timeElement,
} from "../shared/forms.js";

const TEXTS = ["legal_name", "address.line1", "address.line2", "address.postal_code", "address.city", "vat_id", "po_reference"];

/** body.address.city for "address.city". */
const get = (body, key) => key.split(".").reduce((node, part) => (node || {})[part], body);

export function setupBilling(onProblem) {
  const form = $("billing-form");
  const error = $("billing-error");
  const saved = $("billing-saved");
  /** The form's input for an API field name ("address.city" → the input named "city"). */
  const input = (key) => form.elements[key.replace("address.", "")];
  const country = input("country");
  const legalHint = $("b-legal-name-hint");
  const legalHintDefault = legalHint.textContent;
  const emails = inputList("b-emails", 5, "invoice_email_n", "email");

  const change = $("change");
  const changeForm = $("change-form");
  const changeError = $("change-error");
  const changeDone = $("change-done");
  const changeInput = (key) => changeForm.elements[key.replace("address.", "")];
  const nameField = $("c-legal-name-field");
  const countryField = $("c-country-field");
  const pending = $("pending");

  let version = null;
  let data = null;

  const part = section("billing", {
    url: "/api/account/billing",
    hide: [form, change, pending, changeDone],
    onReset() {
      data = null;
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
    "billing",
    form,
    (current) => {
      version = current.version;
      data = { ...data, locked: current.data.locked, address: current.data.address };
    },
    (current) => {
      fill(current.data, current.version);
      input("legal_name").focus();
    },
  );

  const isLocked = (body, field) => Array.isArray(body.locked) && body.locked.includes(field);

  /** Puts `body` (the API's billing data) into the form. */
  function fill(body, newVersion) {
    data = body;
    version = newVersion;
    clearFieldErrors(form, error);
    for (const key of TEXTS) input(key).value = get(body, key) || "";
    fillCountries(country, get(body, "address.country") || "");
    input("notify_new_invoices").checked = Boolean(body.notify_new_invoices);
    emails.set(body.invoice_emails);

    const nameLocked = isLocked(body, "legal_name");
    const countryLocked = isLocked(body, "address.country");
    input("legal_name").readOnly = nameLocked;
    legalHint.textContent = nameLocked ? t("legal_name_locked") : legalHintDefault;
    // A select can't be read-only: disabled, and its value is sent from `data` instead.
    country.disabled = countryLocked;
    $("b-country-hint").hidden = !countryLocked;
    attr(country, "aria-describedby", countryLocked && "b-country-hint");

    change.hidden = !(nameLocked || countryLocked);
    nameField.hidden = !nameLocked;
    countryField.hidden = !countryLocked;
    fillCountries(changeInput("country"), "", "—");
    renderPending(Array.isArray(body.pending_changes) ? body.pending_changes : []);
  }

  function renderPending(items) {
    pending.hidden = items.length === 0;
    $("pending-list").replaceChildren(...items.map(pendingItem));
  }

  function pendingItem(item) {
    const [before, after] = t("pending_meta", { date: "\u0000", by: item.requested_by || "" }).split("\u0000");
    const pairs = [];
    // The labels of the change request form: "Neuer Firmenname", "Neues Land", "Begründung".
    for (const key of ["legal_name", "country", "reason"]) {
      if (item[key]) pairs.push([labelOf(changeInput(key)), key === "country" ? countryName(item[key]) : item[key]]);
    }
    return el(
      "li",
      { className: "pending-item" },
      el(
        "p",
        { className: "muted" },
        before,
        timeElement(item.requested_at),
        after || "",
        " ",
        el("span", {
          className: "status status-open",
          textContent: item.status === "pending" || !item.status ? t("pending_status") : String(item.status),
        }),
      ),
      el("dl", { className: "current-values" }, ...values(pairs)),
    );
  }

  function payload() {
    const address = {};
    for (const key of ["line1", "line2", "postal_code", "city"]) address[key] = input(key).value.trim();
    address.country = country.disabled ? (data.address || {}).country || "" : country.value;
    return {
      legal_name: input("legal_name").value.trim(),
      address,
      vat_id: input("vat_id").value.trim().replace(/\s+/g, ""),
      invoice_emails: emails.values(),
      po_reference: input("po_reference").value.trim(),
      notify_new_invoices: input("notify_new_invoices").checked,
    };
  }

  function lookup(field) {
    return (field === "address" ? input("line1") : input(field)) || emails.lookup(field, "invoice_emails");
  }

  onSubmit(form, async (submit) => {
    if (!data) return;
    clearFieldErrors(form, error);
    conflict.box.hidden = true;
    saved.textContent = "";
    const result = await part.send(submit, "PUT", "/api/account/billing", payload(), ifMatch(version));
    if (!result) return;
    if (isSuccess(result) && result.body) {
      fill(result.body, versionOf(result, result.body));
      saved.textContent = t("saved");
      return;
    }
    if (part.problem(result)) return;
    const err = errorOf(result);
    const current = err.current;
    if (result.status === 412 && current && typeof current === "object") {
      const address = current.address || {};
      const pair = (key) => [labelOf(input(key)), get(current, key)];
      conflict.show(current, versionOf(result, current), [
        pair("legal_name"),
        pair("address.line1"),
        pair("address.line2"),
        [`${labelOf(input("postal_code"))}, ${labelOf(input("city"))}`, [address.postal_code, address.city].filter(Boolean).join(" ")],
        [labelOf(country), countryName(address.country)],
        pair("vat_id"),
        [emails.label, (current.invoice_emails || []).join(", ")],
        pair("po_reference"),
        [labelOf(input("notify_new_invoices")), current.notify_new_invoices ? t("yes") : t("no")],
      ]);
      return;
    }
    if (result.status === 409 && errorCode(result) === "field_locked") {
      const help = t("field_locked_help");
      showFieldMessage(error, lookup(err.field || ""), help, [errorText(result), help]);
      return;
    }
    if (result.status === 403) return part.deny();
    showFieldErrors(error, result, lookup);
  });

  // ---- Change request for locked fields -------------------------------------------------------

  onSubmit(changeForm, async (submit) => {
    if (!data) return;
    clearFieldErrors(changeForm, changeError);
    changeDone.hidden = true;
    const body = { reason: changeInput("reason").value.trim() };
    const name = changeInput("legal_name").value.trim();
    const newCountry = changeInput("country").value;
    if (!nameField.hidden && name && name !== data.legal_name) body.legal_name = name;
    if (!countryField.hidden && newCountry && newCountry !== (data.address || {}).country) body.country = newCountry;
    if (!body.legal_name && !body.country) {
      const nothing = t("change_nothing");
      showFieldMessage(changeError, changeInput(nameField.hidden ? "country" : "legal_name"), nothing, [nothing]);
      return;
    }
    const result = await part.send(submit, "POST", "/api/account/billing/change-request", body);
    if (!result) return;
    const answer = result.body || {};
    if (isSuccess(result)) {
      changeDone.textContent = textOr(answer.message, t("change_done"));
      changeDone.hidden = false;
      changeForm.reset();
      fillCountries(changeInput("country"), "", "—");
      if (answer.request && typeof answer.request === "object") {
        const items = [...(Array.isArray(data.pending_changes) ? data.pending_changes : []), answer.request];
        data.pending_changes = items;
        renderPending(items);
      }
      changeDone.focus();
      return;
    }
    if (part.problem(result)) return;
    showFieldErrors(changeError, result, changeInput);
  });

  return part;
}
