// Documents page, proof of payment for an open or overdue invoice (owners and billing): the
// proof dialog's form. The chosen file is checked at once (type and size, before any request),
// then uploaded straight to the bucket and confirmed with POST /api/documents/{id}/proof; the
// server's message shows in the dialog and the list shows "Nachweis eingereicht am …".
// document-actions.js imports this module on the first "Zahlungsnachweis hochladen".
// It takes onSubmit and renderDocuments as parameters instead of importing them, so it reaches
// nothing in the chunk all portal pages share (portal-app.js; importing from there would split
// that chunk unless an entry script in pages/lazy/ imported portal-app.js too). So the import()
// stays in document-actions.js, inside that chunk, without an import cycle, and not in the
// documents page's own entry script, where it would cost that page bytes.
import { $, request, isSuccess, textOr, showError, showMessage, clearError, describe, setBusy, paragraphs } from "../shared/api.js";
import { refusal, upload, showUploading } from "../shared/upload.js";

/**
 * Wires the form of `dialog`. `problem(dialog, result)` hands 401 / no company to the page
 * (true then); `handlers` are the list's actions (to show the changed document anew),
 * `openers` maps the dialog to the button focus goes back to. `onSubmit` (shared/portal.js) and
 * `renderDocuments` (document-list.js) are those modules' functions.
 */
export function setupProof(dialog, problem, handlers, openers, onSubmit, renderDocuments) {
  const form = $("proof-form");
  const input = $("proof-file");
  const error = $("proof-error");
  const status = $("proof-status");
  const done = $("proof-done");
  const message = $("proof-message");
  const submit = form.querySelector('button[type="submit"]');
  let doc = null;

  /** The chosen file when it can be uploaded; else explains why (at the input) and returns null. */
  function chosen() {
    clearError(error, [input]);
    const file = input.files[0];
    const why = file ? refusal(file) : "";
    if (!why) return file || null;
    // Said at once (role="alert"); focus stays on the input, which names the message.
    error.replaceChildren(...paragraphs([why]));
    error.hidden = false;
    describe(input, error.id, true);
    return null;
  }

  input.addEventListener("change", chosen);

  /** Shows `changed` anew where it is listed (table row and card); focus later goes to its button. */
  function proved(changed) {
    const built = renderDocuments([changed], handlers);
    const nodes = [built.rows[0], built.cards[0]];
    for (const node of nodes) {
      const old = $(node.id);
      if (old) old.replaceWith(node);
    }
    const next = nodes.map((node) => node.querySelector(".action-proof")).find((button) => button && button.offsetParent !== null);
    if (next) openers.set(dialog, next);
  }

  onSubmit(
    form,
    async (button) => {
      const file = chosen();
      if (!file) return input.focus();
      const mine = doc;
      const id = encodeURIComponent(doc.id);
      setBusy(button, true);
      showUploading(status, true);
      const sent = await upload(`/api/documents/${id}/proof/upload`, file);
      const result = sent.id ? await request("POST", `/api/documents/${id}/proof`, { upload_id: sent.id }) : sent.result;
      const body = result && result.body;
      const ok = Boolean(result && isSuccess(result) && body && body.document);
      // Recorded is recorded: the list shows it even when the dialog was closed meanwhile.
      if (ok) proved(body.document);
      if (mine !== doc || !dialog.open) return;
      setBusy(button, false);
      showUploading(status, false);
      if (sent.text) return showMessage(error, [sent.text], input);
      if (ok) {
        message.replaceChildren(...paragraphs([textOr(body.message, "")]));
        form.hidden = true;
        done.hidden = false;
        message.focus();
        return;
      }
      if (!problem(dialog, result)) showError(error, result, { content_type: input, size: input, upload_id: input });
    },
    () => doc,
  );

  return {
    /** Opens the form for `next` (the dialog names it): no file, no message. */
    start(next) {
      doc = next;
      form.reset();
      clearError(error, [input]);
      setBusy(submit, false);
      showUploading(status, false);
      form.hidden = false;
      done.hidden = true;
      input.focus();
    },
  };
}
