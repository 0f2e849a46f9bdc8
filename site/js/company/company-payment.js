// Company page, payment method: the bank account for SEPA direct debit (GET / PUT
// /api/account/payment with If-Match; 412 / 428 show the current state like billing data), only
// ever shown masked, and the payment provider's own page for card and PayPal. Owners and billing
// only. The page's entry script loads this module when the role may see the section; it builds
// the section's content below the heading and the loading / failed elements of the template.
import { $, isSuccess, errorOf } from "../shared/api.js";
import { onSubmit } from "../shared/portal.js";
import { t } from "../shared/i18n.js";
import { section, versionOf, ifMatch, clearFieldErrors, showFieldErrors, conflictBox, timeElement } from "../shared/forms.js";
import S from "./company-payment-texts.js";

/** h("p", {class: "hint", id: "x"}, "text", child): an element with attributes (true → empty, false left out). */
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== false) node.setAttribute(name, value === true ? "" : value);
  node.append(...children.filter(Boolean));
  return node;
}

/** A labelled text input `p-<name>` with an optional hint below it. */
function field(name, label, attrs, hint) {
  const id = `p-${name}`;
  const input = h("input", { id, name, type: "text", autocomplete: "off", "aria-describedby": hint ? `${id}-hint` : false, ...attrs });
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hint && h("p", { class: "hint", id: `${id}-hint` }, hint));
}

/** The section's content: the stored account, the provider link and the form with the mandate. */
function build() {
  const [before, rest] = S.mandate_given.split("{at}");
  const [between, after] = rest.split("{by}");
  // The conflict box with the same texts as billing data's, under this section's ids.
  const conflict = $("billing-conflict").cloneNode(true);
  conflict.hidden = true;
  for (const node of [conflict, ...conflict.querySelectorAll("[id]")]) node.id = node.id.replace("billing-", "payment-");
  const characters = { autocapitalize: "characters", spellcheck: "false" };
  return h(
    "div",
    { id: "payment-view", class: "stack", hidden: true },
    h("p", { class: "hint" }, S.intro),
    h("p", { id: "payment-none", class: "notice-muted" }, S.none),
    h(
      "div",
      { id: "payment-account", class: "stack", hidden: true },
      h(
        "dl",
        { class: "current-values" },
        ...[["holder", S.holder], ["iban", "IBAN"], ["bic", "BIC"]].map(([key, label]) => h("div", {}, h("dt", {}, label), h("dd", { id: `payment-${key}`, class: "break" }))),
      ),
      h("p", { id: "payment-mandate" }, before, h("span", { id: "payment-at" }), between, h("span", { id: "payment-by", class: "break" }), after),
    ),
    h("p", { class: "hint" }, S.masked),
    h(
      "div",
      { id: "payment-provider", class: "stack", hidden: true },
      h("p", {}, S.provider_text),
      h("p", {}, h("a", { id: "payment-provider-link", class: "button button-secondary", href: "/", target: "_blank", rel: "noopener noreferrer", "aria-describedby": "payment-provider-hint" }, S.provider_link)),
      h("p", { class: "hint", id: "payment-provider-hint" }, S.new_window),
    ),
    h(
      "form",
      { id: "payment-form", class: "subsection stack", method: "post", "aria-labelledby": "payment-form-heading" },
      h("h3", { id: "payment-form-heading" }, S.form_heading),
      // Two groups, so the stylesheet spaces them like billing data's.
      h(
        "div",
        { class: "group" },
        h("p", { class: "hint" }, S.form_hint),
        field("holder", S.holder, { required: true, maxlength: 70 }),
        field("iban", "IBAN", { required: true, maxlength: 42, inputmode: "text", ...characters }, S.iban_hint),
        field("bic", S.bic, { maxlength: 11, ...characters }, S.bic_hint),
      ),
      h(
        "fieldset",
        { class: "group" },
        h("legend", {}, S.mandate_heading),
        h("div", { id: "p-mandate-text", class: "notice-muted" }, ...S.mandate.map((text) => h("p", {}, text))),
        h(
          "div",
          { class: "check" },
          h("input", { id: "p-mandate", name: "mandate", type: "checkbox", required: true, "aria-describedby": "p-mandate-text" }),
          h("label", { for: "p-mandate" }, S.mandate_accept),
        ),
      ),
      h("div", { id: "payment-error", class: "alert", role: "alert", tabindex: "-1", hidden: true }),
      conflict,
      h("div", { class: "form-actions" }, h("button", { class: "button", type: "submit" }, S.submit), h("p", { id: "payment-saved", class: "saved", role: "status" })),
    ),
  );
}

export function setupPayment(onProblem) {
  $("payment-failed").after(build());
  const form = $("payment-form");
  const error = $("payment-error");
  const saved = $("payment-saved");
  const input = (name) => form.elements[name];
  let version = null;
  let loaded = false;

  /** Shows `body` (the API's payment details); the form starts empty but for the holder. */
  function fill(body, newVersion) {
    version = newVersion;
    loaded = true;
    clearFieldErrors(form, error);
    const sepa = body.sepa && typeof body.sepa === "object" ? body.sepa : null;
    $("payment-none").hidden = Boolean(sepa);
    $("payment-account").hidden = !sepa;
    if (sepa) {
      $("payment-holder").textContent = sepa.holder || "";
      $("payment-iban").textContent = sepa.iban || "";
      $("payment-bic").textContent = sepa.bic || t("empty_value");
      $("payment-at").replaceChildren(timeElement(sepa.mandate_accepted_at));
      $("payment-by").textContent = sepa.mandate_accepted_by || "";
    }
    const url = typeof body.provider_url === "string" && /^https:\/\//.test(body.provider_url) ? body.provider_url : "";
    $("payment-provider").hidden = !url;
    if (url) $("payment-provider-link").href = url;
    form.reset();
    input("holder").value = sepa ? sepa.holder || "" : "";
  }

  const part = section("payment", {
    url: "/api/account/payment",
    hide: [$("payment-view")],
    onReset() {
      loaded = false;
      version = null;
      conflict.box.hidden = true;
      saved.textContent = "";
    },
    ok: () => true,
    fill(result) {
      fill(result.body, versionOf(result, result.body));
      $("payment-view").hidden = false;
    },
    onProblem,
  });
  // A 403 (the role changed meanwhile) hides the section, as it is hidden for viewers.
  const hide = () => {
    $("payment").hidden = $("toc-payment").hidden = true;
  };
  const failed = part.fail;
  part.fail = (result) => (result.status === 403 ? hide() : failed(result));

  const conflict = conflictBox(
    "payment",
    form,
    (current) => {
      version = current.version;
    },
    (current) => {
      fill(current.data, current.version);
      input("holder").focus();
    },
  );

  onSubmit(form, async (submit) => {
    if (!loaded) return;
    clearFieldErrors(form, error);
    conflict.box.hidden = true;
    saved.textContent = "";
    const body = {
      holder: input("holder").value.trim(),
      iban: input("iban").value.trim(),
      bic: input("bic").value.replace(/\s+/g, "") || null,
      mandate: input("mandate").checked,
    };
    const result = await part.send(submit, "PUT", "/api/account/payment", body, ifMatch(version));
    if (!result) return;
    if (isSuccess(result) && result.body) {
      fill(result.body, versionOf(result, result.body));
      saved.textContent = t("saved");
      return;
    }
    if (part.problem(result)) return;
    const current = errorOf(result).current;
    if ((result.status === 412 || result.status === 428) && current && typeof current === "object") {
      const sepa = current.sepa || {};
      conflict.show(current, versionOf(result, current), [
        [S.holder, sepa.holder],
        ["IBAN", sepa.iban],
        ["BIC", sepa.bic],
      ]);
      return;
    }
    if (result.status === 403) return hide();
    showFieldErrors(error, result, input);
  });

  return part;
}
