// Company page, team (owners only): members with their roles (GET /api/team), change a role
// (PUT /api/team/members/<id>), remove someone after a confirmation dialog (DELETE …) and
// invite someone (POST /api/team/members). 409 last_owner is explained.
import { request, isSuccess, showError, showMessage, clearError, errorText, setBusy } from "./api.js";
import { t } from "./i18n.js";
import { roleName } from "./session.js";
import { $, errorCode, isPageProblem } from "./company-forms.js";

const ROLES = ["owner", "billing", "viewer"];

export function setupTeam({ onProblem, onOwnRoleChanged }) {
  const self = $("team-self");
  const loading = $("team-loading");
  const failed = $("team-failed");
  const loadError = $("team-load-error");
  const retry = $("team-retry");
  const manage = $("team-manage");
  const heading = $("team-heading");
  const count = $("team-count");
  const list = $("team-list");
  const error = $("team-error");
  const status = $("team-status");
  const full = $("team-full");
  const inviteForm = $("invite-form");
  const inviteSubmit = inviteForm.querySelector('button[type="submit"]');
  const inviteError = $("invite-error");
  const inviteDone = $("invite-done");
  const inviteFields = { email: $("i-email"), role: $("i-role"), language: $("i-language") };
  const dialog = $("remove-dialog");
  const removeText = $("remove-text");
  const removeError = $("remove-error");
  const removeConfirm = $("remove-confirm");

  let members = [];
  let generation = 0;
  let removing = null; // {member, opener}

  function reset() {
    generation++;
    members = [];
    list.replaceChildren();
    for (const node of [self, loading, failed, manage, inviteDone]) node.hidden = true;
    clearError(error);
    status.textContent = "";
  }

  /** For everyone but owners: who they are and their role. */
  function showSelf(email, role) {
    reset();
    self.textContent = t("team_self", { email, role: roleName(role) });
    self.hidden = false;
  }

  async function load() {
    reset();
    const mine = generation;
    loading.hidden = false;
    setBusy(retry, true);
    const result = await request("GET", "/api/team");
    if (mine !== generation) return;
    setBusy(retry, false);
    loading.hidden = true;
    if (isSuccess(result) && result.body && Array.isArray(result.body.members)) {
      render(result.body);
      manage.hidden = false;
      return;
    }
    if (isPageProblem(result)) {
      onProblem(result);
      return;
    }
    failed.hidden = false;
    showError(loadError, result);
  }

  retry.addEventListener("click", () => {
    if (!retry.disabled) load();
  });

  /** Applies a team answer; tells the page when the signed-in person's own role changed. */
  function apply(body) {
    render(body);
    const me = members.find((m) => m.you);
    if (me && me.role !== "owner") onOwnRoleChanged(me.role);
  }

  function render(body) {
    members = body.members;
    const max = Number(body.max_members) || 0;
    count.textContent = max ? t("team_count", { n: members.length, max }) : "";
    count.hidden = !max;
    list.replaceChildren(...members.map(memberItem));
    const isFull = max > 0 && members.length >= max;
    full.hidden = !isFull;
    inviteForm.hidden = isFull;
  }

  function memberItem(member) {
    const li = document.createElement("li");
    li.className = "member";
    li.dataset.id = member.id;
    const who = document.createElement("p");
    who.className = "member-who break";
    const email = document.createElement("strong");
    email.textContent = member.email;
    who.append(email);
    if (member.you) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = t("you");
      who.append(" ", badge);
    }

    const form = document.createElement("form");
    form.className = "member-role";
    const id = `role-${member.id}`;
    const label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = id;
    label.textContent = t("role_of", { email: member.email });
    const select = document.createElement("select");
    select.id = id;
    for (const role of ROLES) {
      const option = document.createElement("option");
      option.value = role;
      option.textContent = roleName(role);
      select.append(option);
    }
    select.value = member.role;
    const save = document.createElement("button");
    save.type = "submit";
    save.className = "button button-secondary button-small";
    save.textContent = t("change_role");
    const field = document.createElement("div");
    field.className = "field";
    field.append(label, select);
    form.append(field, save);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      changeRole(member, select, save);
    });
    li.append(who, form);

    if (!member.you) {
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button danger-link";
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = `: ${member.email}`;
      remove.append(t("remove_access"), hidden);
      remove.addEventListener("click", () => openRemove(member, remove));
      li.append(remove);
    }
    return li;
  }

  function focusMember(id, selector) {
    const li = [...list.children].find((node) => node.dataset.id === String(id));
    const target = li && li.querySelector(selector);
    if (target) target.focus();
    else heading.focus();
  }

  /** 409 last_owner gets a sentence on what to do; other errors show the server's text. */
  function showTeamError(box, result) {
    if (result.status === 409 && errorCode(result) === "last_owner") {
      showMessage(box, [errorText(result), t("last_owner_help")]);
    } else {
      showError(box, result);
    }
  }

  async function changeRole(member, select, button) {
    if (button.disabled) return;
    clearError(error);
    if (select.value === member.role) {
      status.textContent = t("role_same", { email: member.email });
      return;
    }
    const role = select.value;
    const mine = generation;
    setBusy(button, true);
    const result = await request("PUT", `/api/team/members/${encodeURIComponent(member.id)}`, { role });
    if (mine !== generation) return;
    setBusy(button, false);
    if (isSuccess(result) && result.body && Array.isArray(result.body.members)) {
      apply(result.body);
      status.textContent = t("role_changed", { email: member.email, role: roleName(role) });
      if (!manage.hidden) focusMember(member.id, "select");
      return;
    }
    if (isPageProblem(result)) {
      onProblem(result);
      return;
    }
    select.value = member.role;
    showTeamError(error, result);
  }

  // ---- Remove, after a confirmation ---------------------------------------------------------

  function openRemove(member, opener) {
    removing = { member, opener };
    removeText.textContent = t("remove_text", { email: member.email });
    clearError(removeError);
    setBusy(removeConfirm, false);
    dialog.showModal();
    removeConfirm.focus();
  }

  for (const button of dialog.querySelectorAll("[data-close]")) button.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", () => {
    const opener = removing && removing.opener;
    removing = null;
    if (opener && opener.isConnected) opener.focus();
  });

  removeConfirm.addEventListener("click", async () => {
    if (removeConfirm.disabled || !removing) return;
    const { member } = removing;
    clearError(removeError);
    const mine = generation;
    setBusy(removeConfirm, true);
    const result = await request("DELETE", `/api/team/members/${encodeURIComponent(member.id)}`);
    if (mine !== generation) return;
    setBusy(removeConfirm, false);
    if (isSuccess(result) && result.body && Array.isArray(result.body.members)) {
      const index = members.findIndex((m) => m.id === member.id);
      removing = null;
      dialog.close();
      apply(result.body);
      status.textContent = t("removed", { email: member.email });
      const next = members[Math.min(Math.max(index, 0), members.length - 1)];
      if (next) focusMember(next.id, "select");
      else heading.focus();
      return;
    }
    if (isPageProblem(result)) {
      dialog.close();
      onProblem(result);
      return;
    }
    showTeamError(removeError, result);
  });

  // ---- Invite -------------------------------------------------------------------------------

  inviteFields.email.addEventListener("input", () => {
    inviteDone.hidden = true;
  });

  inviteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (inviteSubmit.disabled) return;
    clearError(inviteError, Object.values(inviteFields));
    inviteDone.hidden = true;
    const email = inviteFields.email.value.trim();
    const body = { email, role: inviteFields.role.value, language: inviteFields.language.value };
    const mine = generation;
    setBusy(inviteSubmit, true);
    const result = await request("POST", "/api/team/members", body);
    if (mine !== generation) return;
    setBusy(inviteSubmit, false);
    if (isSuccess(result) && result.body && Array.isArray(result.body.members)) {
      apply(result.body);
      inviteFields.email.value = "";
      inviteDone.textContent = t("invited", { email });
      inviteDone.hidden = false;
      inviteDone.focus();
      return;
    }
    if (isPageProblem(result)) {
      onProblem(result);
      return;
    }
    showError(inviteError, result, inviteFields);
  });

  return { load, showSelf, reset };
}
