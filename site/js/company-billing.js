// Company page, billing data: the form (GET / PUT /api/account/billing with If-Match), the
// conflict box for 412, locked fields with the change request (POST …/change-request) and the
// pending requests.
import { request, isSuccess, showError, showMessage, errorText, setBusy } from "./api.js";
import { t } from "./i18n.js";
import {
  $, errorCode, isPageProblem, versionOf, setFieldError, clearFieldErrors, showFieldErrors, inputList,
  indexedField, fillCountries, countryName, fillValues, labelOf, timeElement,
} from "./company-forms.js";

export function setupBilling({ onProblem }) {
  const section = $("billing");
  const denied = $("billing-denied");
  const loading = $("billing-loading");
  const failed = $("billing-failed");
  const loadError = $("billing-load-error");
  const retry = $("billing-retry");
  const form = $("billing-form");
  const submit = form.querySelector('button[type="submit"]');
  const error = $("billing-error");
  const saved = $("billing-saved");
  const conflict = $("billing-conflict");
  const current = $("billing-current");
  const inputs = {
    legal_name: $("b-legal-name"),
    "address.line1": $("b-line1"),
    "address.line2": $("b-line2"),
    "address.postal_code": $("b-postal-code"),
    "address.city": $("b-city"),
    "address.country": $("b-country"),
    vat_id: $("b-vat-id"),
    po_reference: $("b-po-reference"),
    notify_new_invoices: $("b-notify"),
  };
  const legalHint = $("b-legal-name-hint");
  const legalHintDefault = legalHint.textContent;
  const countryHint = $("b-country-hint");
  const emails = inputList({
    list: $("b-emails"), addButton: $("b-emails-add"), max: 5, labelKey: "invoice_email_n", type: "email", autocomplete: "email",
  });
  const emailsLabel = $("b-emails").closest("fieldset").querySelector("legend").textContent;

  const change = $("change");
  const changeForm = $("change-form");
  const changeSubmit = changeForm.querySelector('button[type="submit"]');
  const changeError = $("change-error");
  const changeDone = $("change-done");
  const changeInputs = { legal_name: $("c-legal-name"), country: $("c-country"), reason: $("c-reason") };
  const pending = $("pending");
  const pendingList = $("pending-list");

  let version = null;
  let data = null;
  let conflictData = null; // {data, version} from the last 412
  let generation = 0;

  function reset() {
    generation++;
    data = null;
    version = null;
    for (const node of [denied, loading, failed, form, change, pending, conflict, changeDone]) node.hidden = true;
    saved.textContent = "";
  }

  function deny() {
    reset();
    denied.hidden = false;
  }

  async function load() {
    reset();
    const mine = generation;
    loading.hidden = false;
    setBusy(retry, true);
    const result = await request("GET", "/api/account/billing");
    if (mine !== generation) return;
    setBusy(retry, false);
    loading.hidden = true;
    if (isSuccess(result) && result.body) {
      fill(result.body, versionOf(result, result.body));
      form.hidden = false;
      return;
    }
    if (isPageProblem(result)) {
      onProblem(result);
      return;
    }
    if (result.status === 403) {
      denied.hidden = false;
      return;
    }
    failed.hidden = false;
    showError(loadError, result);
  }

  retry.addEventListener("click", () => {
    if (!retry.disabled) load();
  });

  function isLocked(body, field) {
    return Array.isArray(body.locked) && body.locked.includes(field);
  }

  /** Puts `body` (the API's billing data) into the form. */
  function fill(body, newVersion) {
    data = body;
    version = newVersion;
    const address = body.address || {};
    clearFieldErrors(form, error);
    inputs.legal_name.value = body.legal_name || "";
    inputs["address.line1"].value = address.line1 || "";
    inputs["address.line2"].value = address.line2 || "";
    inputs["address.postal_code"].value = address.postal_code || "";
    inputs["address.city"].value = address.city || "";
    fillCountries(inputs["address.country"], address.country || "");
    inputs.vat_id.value = body.vat_id || "";
    inputs.po_reference.value = body.po_reference || "";
    inputs.notify_new_invoices.checked = Boolean(body.notify_new_invoices);
    emails.set(body.invoice_emails);

    const nameLocked = isLocked(body, "legal_name");
    const countryLocked = isLocked(body, "address.country");
    inputs.legal_name.readOnly = nameLocked;
    legalHint.textContent = nameLocked ? t("legal_name_locked") : legalHintDefault;
    // A select can't be read-only: disabled, and its value is sent from `data` instead.
    inputs["address.country"].disabled = countryLocked;
    countryHint.hidden = !countryLocked;
    const describedBy = countryLocked ? "b-country-hint" : "";
    if (describedBy) inputs["address.country"].setAttribute("aria-describedby", describedBy);
    else inputs["address.country"].removeAttribute("aria-describedby");

    change.hidden = !(nameLocked || countryLocked);
    $("c-legal-name-field").hidden = !nameLocked;
    $("c-country-field").hidden = !countryLocked;
    fillCountries(changeInputs.country, "", "—");
    renderPending(Array.isArray(body.pending_changes) ? body.pending_changes : []);
  }

  function renderPending(items) {
    pending.hidden = items.length === 0;
    pendingList.replaceChildren(...items.map(pendingItem));
  }

  function pendingItem(item) {
    const li = document.createElement("li");
    li.className = "pending-item";
    const meta = document.createElement("p");
    meta.className = "muted";
    const [before, after] = t("pending_meta", { date: "\u0000", by: item.requested_by || "" }).split("\u0000");
    meta.append(before, timeElement(item.requested_at), after || "");
    const badge = document.createElement("span");
    badge.className = "status status-open";
    badge.textContent = item.status === "pending" || !item.status ? t("pending_status") : String(item.status);
    meta.append(" ", badge);
    const pairs = [];
    if (item.legal_name) pairs.push([t("pending_legal_name"), item.legal_name]);
    if (item.country) pairs.push([t("pending_country"), countryName(item.country)]);
    if (item.reason) pairs.push([t("pending_reason"), item.reason]);
    const dl = document.createElement("dl");
    dl.className = "current-values";
    fillValues(dl, pairs);
    li.append(meta, dl);
    return li;
  }

  function payload() {
    const address = data && data.address ? data.address : {};
    const country = inputs["address.country"].disabled ? address.country || "" : inputs["address.country"].value;
    return {
      legal_name: inputs.legal_name.value.trim(),
      address: {
        line1: inputs["address.line1"].value.trim(),
        line2: inputs["address.line2"].value.trim(),
        postal_code: inputs["address.postal_code"].value.trim(),
        city: inputs["address.city"].value.trim(),
        country,
      },
      vat_id: inputs.vat_id.value.trim().replace(/\s+/g, ""),
      invoice_emails: emails.values(),
      po_reference: inputs.po_reference.value.trim(),
      notify_new_invoices: inputs.notify_new_invoices.checked,
    };
  }

  function lookup(field) {
    if (inputs[field]) return inputs[field];
    if (field === "address") return inputs["address.line1"];
    if (field === "invoice_emails") return emails.inputs()[0] || null;
    const indexed = indexedField(field);
    if (indexed && indexed[0] === "invoice_emails") return emails.inputAt(indexed[1]);
    return null;
  }

  function showConflict(body, newVersion) {
    conflictData = { data: body, version: newVersion };
    const address = body.address || {};
    fillValues(current, [
      [labelOf(inputs.legal_name), body.legal_name],
      [labelOf(inputs["address.line1"]), address.line1],
      [labelOf(inputs["address.line2"]), address.line2],
      [`${labelOf(inputs["address.postal_code"])}, ${labelOf(inputs["address.city"])}`, [address.postal_code, address.city].filter(Boolean).join(" ")],
      [labelOf(inputs["address.country"]), countryName(address.country)],
      [labelOf(inputs.vat_id), body.vat_id],
      [emailsLabel, (body.invoice_emails || []).join(", ")],
      [labelOf(inputs.po_reference), body.po_reference],
      [labelOf(inputs.notify_new_invoices), body.notify_new_invoices ? t("yes") : t("no")],
    ]);
    conflict.hidden = false;
    conflict.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled || !data) return;
    clearFieldErrors(form, error);
    conflict.hidden = true;
    saved.textContent = "";
    const mine = generation;
    setBusy(submit, true);
    const headers = version ? { "If-Match": version } : {};
    const result = await request("PUT", "/api/account/billing", payload(), headers);
    if (mine !== generation) return;
    setBusy(submit, false);
    if (isSuccess(result) && result.body) {
      fill(result.body, versionOf(result, result.body));
      saved.textContent = t("saved");
      return;
    }
    if (isPageProblem(result)) {
      onProblem(result);
      return;
    }
    const code = errorCode(result);
    const err = (result.body && result.body.error) || {};
    if (result.status === 412 && err.current && typeof err.current === "object") {
      showConflict(err.current, versionOf(result, err.current));
      return;
    }
    if (result.status === 409 && code === "field_locked") {
      const input = lookup(err.field || "");
      if (input) setFieldError(input, t("field_locked_help"));
      showMessage(error, [errorText(result), t("field_locked_help")]);
      if (input) input.focus();
      return;
    }
    if (result.status === 403) {
      deny();
      return;
    }
    showFieldErrors(error, result, lookup);
  });

  // 412: send my entries again against the current version, or take the current data.
  $("billing-reapply").addEventListener("click", () => {
    if (!conflictData) return;
    version = conflictData.version;
    data = { ...data, locked: conflictData.data.locked, address: conflictData.data.address };
    conflictData = null;
    conflict.hidden = true;
    form.requestSubmit();
  });
  $("billing-take").addEventListener("click", () => {
    if (!conflictData) return;
    fill(conflictData.data, conflictData.version);
    conflictData = null;
    conflict.hidden = true;
    inputs.legal_name.focus();
  });

  // ---- Change request for locked fields -------------------------------------------------------

  changeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (changeSubmit.disabled || !data) return;
    clearFieldErrors(changeForm, changeError);
    changeDone.hidden = true;
    const body = { reason: changeInputs.reason.value.trim() };
    const name = changeInputs.legal_name.value.trim();
    const country = changeInputs.country.value;
    if (!$("c-legal-name-field").hidden && name && name !== data.legal_name) body.legal_name = name;
    if (!$("c-country-field").hidden && country && country !== (data.address || {}).country) body.country = country;
    if (!body.legal_name && !body.country) {
      const first = $("c-legal-name-field").hidden ? changeInputs.country : changeInputs.legal_name;
      setFieldError(first, t("change_nothing"));
      showMessage(changeError, [t("change_nothing")]);
      first.focus();
      return;
    }
    const mine = generation;
    setBusy(changeSubmit, true);
    const result = await request("POST", "/api/account/billing/change-request", body);
    if (mine !== generation) return;
    setBusy(changeSubmit, false);
    if (isSuccess(result)) {
      const message = result.body && typeof result.body.message === "string" && result.body.message ? result.body.message : t("change_done");
      changeDone.textContent = message;
      changeDone.hidden = false;
      changeForm.reset();
      fillCountries(changeInputs.country, "", "—");
      if (result.body && result.body.request && typeof result.body.request === "object") {
        const items = [...(Array.isArray(data.pending_changes) ? data.pending_changes : []), result.body.request];
        data.pending_changes = items;
        renderPending(items);
      }
      changeDone.focus();
      return;
    }
    if (isPageProblem(result)) {
      onProblem(result);
      return;
    }
    showFieldErrors(changeError, result, (field) => changeInputs[field === "address.country" ? "country" : field] || null);
  });

  return { load, deny, reset, section };
}
