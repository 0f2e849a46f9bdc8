// What can be done with one document besides downloading it: forward it by email (send dialog),
// pay an open invoice (pay dialog with GiroCode, bank details and payment link) and upload a
// proof of payment for it (proof dialog; its code, document-proof.js, is loaded on first use).
import { $, el, request, isSuccess, textOr, showError, showMessage, clearError, setBusy, paragraphs } from "../shared/api.js";
import { onSubmit, isPageProblem, wireDialog } from "../shared/portal.js";
import { t, lang } from "../shared/i18n.js";
import { money, day, kindLabel, groupIban } from "../shared/format.js";
import { renderDocuments } from "./document-list.js";

/**
 * Wires the dialogs. `onProblem(result)` handles 401 / no company;
 * `fallbackFocus()` names where focus goes when the button that opened a dialog is gone.
 */
export function setupActions(onProblem, fallbackFocus) {
  // The button that opened each dialog, to give focus back to when it closes.
  const openers = new Map();

  /** A dialog that gives focus back to its opener when it closes. */
  function dialogOf(id) {
    const dialog = $(id);
    wireDialog(dialog, () => {
      const opener = openers.get(dialog);
      openers.delete(dialog);
      if (opener && opener.isConnected && opener.offsetParent !== null) opener.focus();
      else fallbackFocus();
    });
    return dialog;
  }

  function open(dialog, opener, focusTarget, doc) {
    // "Rechnung R-2026-0042 vom 15.03.2026"
    $(`${dialog.id.split("-")[0]}-doc`).textContent = t("doc_of", { kind: kindLabel(doc.kind), number: doc.number, date: day(doc.issued) });
    openers.set(dialog, opener);
    if (!dialog.open) dialog.showModal();
    focusTarget.focus();
  }

  /** 401 and "no company chosen" are the page's business, not the dialog's: true then. */
  function problem(dialog, result) {
    if (!isPageProblem(result)) return false;
    dialog.close();
    onProblem(result);
    return true;
  }

  // ---- Forward by email -----------------------------------------------------------------------

  const sendDialog = dialogOf("send-dialog");
  const form = $("send-form");
  const to = $("send-to");
  const note = $("send-note");
  const sendError = $("send-error");
  const submit = form.querySelector('button[type="submit"]');
  const done = $("send-done");
  const message = $("send-message");
  let sending = null;

  function send(doc, opener) {
    sending = doc;
    // The address stays from the last forward (often the same accountant); the note does not.
    note.value = "";
    clearError(sendError, [to, note]);
    setBusy(submit, false);
    form.hidden = false;
    done.hidden = true;
    open(sendDialog, opener, to, doc);
  }

  onSubmit(form, async () => {
    clearError(sendError, [to, note]);
    const payload = { to: to.value.trim() };
    if (note.value.trim()) payload.note = note.value;
    const doc = sending;
    setBusy(submit, true);
    const result = await request("POST", `/api/documents/${encodeURIComponent(doc.id)}/send`, payload);
    setBusy(submit, false);
    if (doc !== sending || !sendDialog.open) return;
    if (isSuccess(result)) {
      message.replaceChildren(...paragraphs([textOr(result.body && result.body.message, t("send_done"))]));
      form.hidden = true;
      done.hidden = false;
      message.focus();
      return;
    }
    if (!problem(sendDialog, result)) showError(sendError, result, { to, note });
  }, () => sending);

  // ---- Pay ------------------------------------------------------------------------------------

  const payDialog = dialogOf("pay-dialog");
  const loading = $("pay-loading");
  const payError = $("pay-error");
  const content = $("pay-content");
  const copyStatus = $("pay-copy-status");
  const copyValues = {};
  let paying = null;

  async function pay(doc, opener) {
    paying = doc;
    loading.hidden = false;
    content.hidden = true;
    clearError(payError);
    copyStatus.textContent = "";
    open(payDialog, opener, $("pay-heading"), doc);
    const result = await request("GET", `/api/documents/${encodeURIComponent(doc.id)}/payment`);
    if (doc !== paying || !payDialog.open) return;
    loading.hidden = true;
    if (isSuccess(result) && result.body) fill(result.body);
    else if (!problem(payDialog, result)) showError(payError, result);
  }

  function fill(payment) {
    const amount = money(payment.amount, payment.currency);
    const texts = { amount, due: payment.due ? day(payment.due) : "" };
    $("pay-due-row").hidden = !payment.due;

    // Only an https address is offered as the payment link.
    let href = null;
    try {
      const url = new URL(payment.payment_link);
      if (url.protocol === "https:" && typeof payment.payment_link === "string") href = url.href;
    } catch {
      href = null;
    }
    $("pay-online").hidden = !href;
    if (href) $("pay-link").href = href;

    const code = payment.giro_code;
    const svg = code && typeof code.svg === "string" && code.svg.startsWith("data:image/svg+xml;base64,") ? code.svg : null;
    const qr = $("pay-qr");
    $("pay-giro").hidden = !code;
    qr.replaceChildren();
    if (code) {
      if (svg) qr.append(el("img", { src: svg, width: 200, height: 200, alt: t("pay_qr_alt", { amount }) }));
      qr.hidden = !svg;
      const payee = code.payee || {};
      Object.assign(texts, {
        payee: payee.name || "",
        iban: groupIban(payee.iban),
        bic: payee.bic || "",
        "amount-detail": amount,
        reference: payment.reference || "",
      });
      copyValues.iban = String(payee.iban || "").replace(/\s+/g, "");
      copyValues.amount = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(Number(payment.amount));
      copyValues.reference = payment.reference || "";
    }
    for (const [key, text] of Object.entries(texts)) $(`pay-${key}`).textContent = text;
    const canCopy = Boolean(navigator.clipboard && window.isSecureContext);
    for (const button of payDialog.querySelectorAll("[data-copy]")) button.hidden = !canCopy;
    content.hidden = false;
  }

  for (const button of payDialog.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const what = button.closest("div").querySelector("dt").textContent;
      try {
        await navigator.clipboard.writeText(copyValues[button.dataset.copy] || "");
        copyStatus.textContent = t("copied", { what });
      } catch {
        copyStatus.textContent = t("copy_failed");
      }
    });
  }

  // ---- Proof of payment -----------------------------------------------------------------------

  const proofDialog = dialogOf("proof-dialog");
  let proofPart = null; // the promise of document-proof.js, set up

  function proof(doc, opener) {
    // The file input waits for its code: start() clears the form, so a file chosen before it
    // (a slow connection loads document-proof.js for seconds) would silently be dropped.
    const input = $("proof-file");
    input.disabled = true;
    open(proofDialog, opener, input, doc);
    // document-proof.js gets onSubmit and renderDocuments from here: importing them itself would
    // split the chunk all portal pages share (see document-proof.js).
    proofPart ??= import("./document-proof.js").then((m) => m.setupProof(proofDialog, problem, actions, openers, onSubmit, renderDocuments));
    proofPart.then(
      (part) => {
        input.disabled = false;
        part.start(doc);
      },
      () => {
        // The module did not come (offline?): say so; the next try imports it again.
        proofPart = null;
        showMessage($("proof-error"), [t("network")]);
      },
    );
  }

  const actions = { send, pay, proof };
  return actions;
}
