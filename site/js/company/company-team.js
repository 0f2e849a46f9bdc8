// Company page, team (owners only): members with their roles (GET /api/team), change a role
// (PUT /api/team/members/<id>), remove someone after a confirmation dialog (DELETE …) and
// invite someone (POST /api/team/members). 409 last_owner is explained.
import { $, el, isSuccess, errorText, showError, showMessage, clearError, setBusy } from "../shared/api.js";
import { isPageProblem, errorCode, onClick, onSubmit, wireDialog, roleName } from "../shared/portal.js";
import { t } from "../shared/i18n.js";
import { section } from "../shared/forms.js";

export function setupTeam(onProblem, onOwnRoleChanged) {
  const self = $("team-self");
  const manage = $("team-manage");
  const heading = $("team-heading");
  const count = $("team-count");
  const list = $("team-list");
  const error = $("team-error");
  const status = $("team-status");
  const inviteForm = $("invite-form");
  const inviteError = $("invite-error");
  const inviteDone = $("invite-done");
  const inviteFields = { email: $("i-email"), role: $("i-role"), language: $("i-language") };
  const dialog = $("remove-dialog");
  const removeError = $("remove-error");
  const removeConfirm = $("remove-confirm");

  let members = [];
  let removing = null; // {member, opener}

  const hasMembers = (body) => Array.isArray(body.members);
  const part = section("team", {
    url: "/api/team",
    hide: [self, manage, inviteDone],
    onReset() {
      members = [];
      list.replaceChildren();
      clearError(error);
      status.textContent = "";
    },
    ok: hasMembers,
    fill(result) {
      render(result.body);
      manage.hidden = false;
    },
    onProblem,
  });
  /** A team answer, or null (the request is shown as failed then, if it is not the page's business). */
  const answer = (result) => (result && isSuccess(result) && result.body && hasMembers(result.body) ? result.body : null);

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
    $("team-full").hidden = !isFull;
    inviteForm.hidden = isFull;
  }

  function memberItem(member) {
    const id = `role-${member.id}`;
    const select = el("select", { id }, ...["owner", "billing", "viewer"].map((role) => el("option", { value: role, textContent: roleName(role) })));
    select.value = member.role;
    const form = el(
      "form",
      { className: "member-role" },
      el("div", { className: "field" }, el("label", { className: "visually-hidden", htmlFor: id, textContent: t("role_of", { email: member.email }) }), select),
      el("button", { type: "submit", className: "button button-secondary button-small", textContent: t("change_role") }),
    );
    onSubmit(form, (save) => changeRole(member, select, save));
    const li = el(
      "li",
      { className: "member" },
      el("p", { className: "member-who break" }, el("strong", { textContent: member.email }), member.you && " ", member.you && el("span", { className: "badge", textContent: t("you") })),
      form,
    );
    li.dataset.id = member.id;
    if (!member.you) {
      const remove = el(
        "button",
        { type: "button", className: "link-button danger-link" },
        t("remove_access"),
        el("span", { className: "visually-hidden", textContent: `: ${member.email}` }),
      );
      remove.addEventListener("click", () => openRemove(member, remove));
      li.append(remove);
    }
    return li;
  }

  function focusMember(id) {
    const li = [...list.children].find((node) => node.dataset.id === String(id));
    const target = li && li.querySelector("select");
    (target || heading).focus();
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
    clearError(error);
    const role = select.value;
    const { email } = member;
    if (role === member.role) {
      status.textContent = t("role_same", { email });
      return;
    }
    const result = await part.send(button, "PUT", `/api/team/members/${encodeURIComponent(member.id)}`, { role });
    if (!result) return;
    const body = answer(result);
    if (body) {
      apply(body);
      status.textContent = t("role_changed", { email, role: roleName(role) });
      if (!manage.hidden) focusMember(member.id);
      return;
    }
    if (part.problem(result)) return;
    select.value = member.role;
    showTeamError(error, result);
  }

  // ---- Remove, after a confirmation ---------------------------------------------------------

  function openRemove(member, opener) {
    removing = { member, opener };
    $("remove-text").textContent = t("remove_text", { email: member.email });
    clearError(removeError);
    setBusy(removeConfirm, false);
    dialog.showModal();
    removeConfirm.focus();
  }

  wireDialog(dialog, () => {
    const opener = removing && removing.opener;
    removing = null;
    if (opener && opener.isConnected) opener.focus();
  });

  onClick(removeConfirm, async () => {
    if (!removing) return;
    const { member } = removing;
    clearError(removeError);
    const result = await part.send(removeConfirm, "DELETE", `/api/team/members/${encodeURIComponent(member.id)}`);
    if (!result) return;
    const body = answer(result);
    if (body) {
      const index = members.findIndex((m) => m.id === member.id);
      removing = null;
      dialog.close();
      apply(body);
      status.textContent = t("removed", { email: member.email });
      const next = members[Math.min(Math.max(index, 0), members.length - 1)];
      if (next) focusMember(next.id);
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

  onSubmit(inviteForm, async (submit) => {
    clearError(inviteError, Object.values(inviteFields));
    inviteDone.hidden = true;
    const email = inviteFields.email.value.trim();
    const body = { email, role: inviteFields.role.value, language: inviteFields.language.value };
    const result = await part.send(submit, "POST", "/api/team/members", body);
    if (!result) return;
    const team = answer(result);
    if (team) {
      apply(team);
      inviteFields.email.value = "";
      inviteDone.textContent = t("invited", { email });
      inviteDone.hidden = false;
      inviteDone.focus();
      return;
    }
    if (part.problem(result)) return;
    showError(inviteError, result, inviteFields);
  });

  return {
    ...part,
    /** For everyone but owners: who they are and their role. */
    showSelf(email, role) {
      part.reset();
      self.textContent = t("team_self", { email, role: roleName(role) });
      self.hidden = false;
    },
  };
}
