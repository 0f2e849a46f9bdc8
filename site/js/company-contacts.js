// Company page, further contacts: up to 10 email addresses and 10 phone numbers
// (GET / PUT /api/account/contacts with If-Match; 412 shows the current values).
import { request, isSuccess, showError, setBusy } from "./api.js";
import { t } from "./i18n.js";
import { $, errorCode, isPageProblem, versionOf, clearFieldErrors, showFieldErrors, inputList, indexedField, fillValues } from "./company-forms.js";

export function setupContacts({ onProblem }) {
  const denied = $("contacts-denied");
  const loading = $("contacts-loading");
  const failed = $("contacts-failed");
  const loadError = $("contacts-load-error");
  const retry = $("contacts-retry");
  const form = $("contacts-form");
  const submit = form.querySelector('button[type="submit"]');
  const error = $("contacts-error");
  const saved = $("contacts-saved");
  const conflict = $("contacts-conflict");
  const current = $("contacts-current");
  const lists = {
    emails: inputList({ list: $("k-emails"), addButton: $("k-emails-add"), max: 10, labelKey: "email_n", type: "email", autocomplete: "email" }),
    phones: inputList({ list: $("k-phones"), addButton: $("k-phones-add"), max: 10, labelKey: "phone_n", type: "tel", autocomplete: "tel" }),
  };
  const legends = {
    emails: $("k-emails").closest("fieldset").querySelector("legend").textContent,
    phones: $("k-phones").closest("fieldset").querySelector("legend").textContent,
  };

  let version = null;
  let loaded = false;
  let conflictData = null;
  let generation = 0;

  function reset() {
    generation++;
    loaded = false;
    version = null;
    for (const node of [denied, loading, failed, form, conflict]) node.hidden = true;
    saved.textContent = "";
  }

  function deny() {
    reset();
    denied.hidden = false;
  }

  function fill(body, newVersion) {
    version = newVersion;
    loaded = true;
    clearFieldErrors(form, error);
    lists.emails.set(body.emails);
    lists.phones.set(body.phones);
  }

  async function load() {
    reset();
    const mine = generation;
    loading.hidden = false;
    setBusy(retry, true);
    const result = await request("GET", "/api/account/contacts");
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

  function lookup(field) {
    const indexed = indexedField(field);
    if (indexed && lists[indexed[0]]) return lists[indexed[0]].inputAt(indexed[1]);
    if (lists[field]) return lists[field].inputs()[0] || null;
    return null;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled || !loaded) return;
    clearFieldErrors(form, error);
    conflict.hidden = true;
    saved.textContent = "";
    const mine = generation;
    setBusy(submit, true);
    const body = { emails: lists.emails.values(), phones: lists.phones.values() };
    const result = await request("PUT", "/api/account/contacts", body, version ? { "If-Match": version } : {});
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
    const err = (result.body && result.body.error) || {};
    if (result.status === 412 && errorCode(result) === "version_conflict" && err.current && typeof err.current === "object") {
      conflictData = { data: err.current, version: versionOf(result, err.current) };
      fillValues(current, [
        [legends.emails, (err.current.emails || []).join(", ")],
        [legends.phones, (err.current.phones || []).join(", ")],
      ]);
      conflict.hidden = false;
      conflict.focus();
      return;
    }
    if (result.status === 403) {
      deny();
      return;
    }
    showFieldErrors(error, result, lookup);
  });

  $("contacts-reapply").addEventListener("click", () => {
    if (!conflictData) return;
    version = conflictData.version;
    conflictData = null;
    conflict.hidden = true;
    form.requestSubmit();
  });
  $("contacts-take").addEventListener("click", () => {
    if (!conflictData) return;
    fill(conflictData.data, conflictData.version);
    conflictData = null;
    conflict.hidden = true;
    const first = lists.emails.inputs()[0];
    if (first) first.focus();
  });

  return { load, deny, reset };
}
