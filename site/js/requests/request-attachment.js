// Requests page, the attached file: checked as soon as it is chosen (type and size, before any
// request) and uploaded when the request is sent (POST /api/support/attachments, then straight
// to the bucket); the request then names the upload. requests-page.js imports this module when a
// file is chosen (through its entry script, pages/lazy/request-attachment.js), so the page's
// first load stays light.
import { $, el, describe, showError } from "../shared/api.js";
import { setFieldError, showFieldErrors } from "../shared/forms.js";
import { refusal, upload, showUploading } from "../shared/upload.js";

/** `status` is the page's live region; `problem(result)` hands 401 / no company to the page (true then). */
export function setupAttachment(status, problem) {
  const input = $("r-attachment");
  const error = $("request-error");
  // "Wird hochgeladen …" next to the send button while the file goes up.
  const sending = el("p", { className: "upload-status" });
  sending.setAttribute("role", "status");
  error.nextElementSibling.append(sending);

  /** Shows `why` at the file input and says it; focus goes there when `focus`. */
  function explain(why, focus) {
    setFieldError(input, why);
    status.textContent = why;
    if (focus) input.focus();
  }

  return {
    /** Says at once why the chosen file cannot be attached (nothing when it can). */
    check() {
      const note = $(`${input.id}-error`);
      if (note) note.remove();
      describe(input, `${input.id}-error`, false);
      const file = input.files[0];
      const why = file ? refusal(file) : "";
      if (why) explain(why);
    },

    /** Uploads the chosen file; resolves to its upload id, or null after saying why not. */
    async upload() {
      const file = input.files[0];
      const why = refusal(file);
      if (why) {
        explain(why, true);
        return null;
      }
      showUploading(sending, true);
      const sent = await upload("/api/support/attachments", file);
      showUploading(sending, false);
      if (sent.id) return sent.id;
      if (sent.text) explain(sent.text, true);
      else if (problem(sent.result)) return null;
      // 400: the type or size the offer names is about the file.
      else if (sent.result.status === 400) showFieldErrors(error, sent.result, () => input);
      else showError(error, sent.result);
      return null;
    },
  };
}
