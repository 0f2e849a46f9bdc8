// What can be done with one document besides downloading it: forward it by email (send dialog)
// and pay an open invoice (pay dialog with GiroCode, bank details and payment link).
import { request, isSuccess, showError, clearError, setBusy } from "./api.js";
import { t, lang } from "./i18n.js";
import { money, day, kindLabel, groupIban } from "./format.js";

const $ = (id) => document.getElementById(id);

/**
 * Wires both dialogs. `onProblem(result)` handles 401 / no company (and returns true then);
 * `fallbackFocus()` names where focus goes when the button that opened a dialog is gone.
 */
export function setupActions({ onProblem, fallbackFocus }) {
  const send = sendDialog(onProblem);
  const pay = payDialog(onProblem);
  for (const dialog of [send.dialog, pay.dialog]) wireDialog(dialog, fallbackFocus);
  return { send: send.open, pay: pay.open };
}

// The button that opened each dialog, to give focus back to when it closes.
const openers = new WeakMap();

/** Shared dialog behaviour: close buttons, a click on the backdrop, focus back to the opener. */
function wireDialog(dialog, fallbackFocus) {
  for (const button of dialog.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => dialog.close());
  }
  // The dialog's content fills it, so a click on the dialog element itself is on the backdrop.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", () => {
    const opener = openers.get(dialog);
    openers.delete(dialog);
    if (opener && opener.isConnected && opener.offsetParent !== null) opener.focus();
    else fallbackFocus();
  });
}

function openDialog(dialog, opener, focusTarget) {
  openers.set(dialog, opener);
  if (!dialog.open) dialog.showModal();
  focusTarget.focus();
}

/** "Rechnung R-2026-0042 vom 15.03.2026" */
function docLine(doc) {
  return t("doc_of", { kind: kindLabel(doc.kind), number: doc.number, date: day(doc.issued) });
}

function sendDialog(onProblem) {
  const dialog = $("send-dialog");
  const docText = $("send-doc");
  const form = $("send-form");
  const to = $("send-to");
  const note = $("send-note");
  const error = $("send-error");
  const submit = form.querySelector('button[type="submit"]');
  const done = $("send-done");
  const message = $("send-message");
  let current = null;

  function open(doc, opener) {
    current = doc;
    docText.textContent = docLine(doc);
    // The address stays from the last forward (often the same accountant); the note does not.
    note.value = "";
    clearError(error, [to, note]);
    setBusy(submit, false);
    form.hidden = false;
    done.hidden = true;
    openDialog(dialog, opener, to);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled || !current) return;
    clearError(error, [to, note]);
    const payload = { to: to.value.trim() };
    if (note.value.trim()) payload.note = note.value;
    const doc = current;
    setBusy(submit, true);
    const result = await request("POST", `/api/documents/${encodeURIComponent(doc.id)}/send`, payload);
    setBusy(submit, false);
    if (doc !== current || !dialog.open) return;
    if (isSuccess(result)) {
      const text = result.body && typeof result.body.message === "string" ? result.body.message : "";
      message.replaceChildren(Object.assign(document.createElement("p"), { textContent: text || t("send_done") }));
      form.hidden = true;
      done.hidden = false;
      message.focus();
      return;
    }
    if (isProblem(result)) {
      dialog.close();
      onProblem(result);
      return;
    }
    showError(error, result, { to, note });
  });

  return { dialog, open };
}

/** 401 and "no company chosen" are the page's business, not the dialog's. */
function isProblem(result) {
  const code = result.body && result.body.error && result.body.error.code;
  return result.status === 401 || (result.status === 409 && code === "no_customer_selected");
}

function payDialog(onProblem) {
  const dialog = $("pay-dialog");
  const heading = $("pay-heading");
  const docText = $("pay-doc");
  const loading = $("pay-loading");
  const error = $("pay-error");
  const content = $("pay-content");
  const amount = $("pay-amount");
  const dueRow = $("pay-due-row");
  const due = $("pay-due");
  const online = $("pay-online");
  const link = $("pay-link");
  const giro = $("pay-giro");
  const qr = $("pay-qr");
  const copyStatus = $("pay-copy-status");
  const copyValues = {};
  let current = null;

  const plainAmount = (value) =>
    new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(Number(value));

  async function open(doc, opener) {
    current = doc;
    docText.textContent = docLine(doc);
    loading.hidden = false;
    content.hidden = true;
    clearError(error);
    copyStatus.textContent = "";
    openDialog(dialog, opener, heading);
    const result = await request("GET", `/api/documents/${encodeURIComponent(doc.id)}/payment`);
    if (doc !== current || !dialog.open) return;
    loading.hidden = true;
    if (isSuccess(result) && result.body) {
      fill(result.body);
      return;
    }
    if (isProblem(result)) {
      dialog.close();
      onProblem(result);
      return;
    }
    showError(error, result);
  }

  function fill(payment) {
    amount.textContent = money(payment.amount, payment.currency);
    dueRow.hidden = !payment.due;
    due.textContent = payment.due ? day(payment.due) : "";

    const href = safePaymentLink(payment.payment_link);
    online.hidden = !href;
    if (href) link.href = href;

    const code = payment.giro_code;
    const svg = code && typeof code.svg === "string" && code.svg.startsWith("data:image/svg+xml;base64,") ? code.svg : null;
    giro.hidden = !code;
    qr.replaceChildren();
    if (code) {
      if (svg) {
        const img = document.createElement("img");
        img.src = svg;
        img.width = 200;
        img.height = 200;
        img.alt = t("pay_qr_alt", { amount: money(payment.amount, payment.currency) });
        qr.append(img);
      }
      qr.hidden = !svg;
      const payee = code.payee || {};
      $("pay-payee").textContent = payee.name || "";
      $("pay-iban").textContent = groupIban(payee.iban);
      $("pay-bic").textContent = payee.bic || "";
      $("pay-amount-detail").textContent = money(payment.amount, payment.currency);
      $("pay-reference").textContent = payment.reference || "";
      copyValues.iban = String(payee.iban || "").replace(/\s+/g, "");
      copyValues.amount = plainAmount(payment.amount);
      copyValues.reference = payment.reference || "";
    }
    const canCopy = Boolean(navigator.clipboard && window.isSecureContext);
    for (const button of dialog.querySelectorAll("[data-copy]")) button.hidden = !canCopy;
    content.hidden = false;
  }

  for (const button of dialog.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const key = button.dataset.copy;
      const what = button.closest("div").querySelector("dt").textContent;
      try {
        await navigator.clipboard.writeText(copyValues[key] || "");
        copyStatus.textContent = t("copied", { what });
      } catch {
        copyStatus.textContent = t("copy_failed");
      }
    });
  }

  return { dialog, open };
}

/** Only an https address is offered as the payment link. */
function safePaymentLink(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
