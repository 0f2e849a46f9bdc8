// The notifications entry in the header of signed-in pages: the unread count in its badge and in
// its accessible name ("Benachrichtigungen, 2 ungelesen"). One GET /api/notifications per page
// load, after the page knows there is a session; the notifications page passes on its own answer.
import { $, attr, request, isSuccess } from "./api.js";
import { t, tn } from "./i18n.js";

const entry = () => $("nav-notifications");

/** Shows `unread` (and "more than" when the server's list stopped counting) in the header. */
export function showUnread(unread, more = false) {
  const link = entry();
  if (!link) return;
  const n = Math.max(0, Math.floor(Number(unread) || 0));
  const badge = link.querySelector(".badge");
  badge.hidden = n === 0;
  badge.textContent = more ? `${n}+` : String(n);
  const name = link.querySelector(".nav-bell-label").textContent.trim();
  attr(link, "aria-label", n && `${name}, ${more ? t("unread_more", { n }) : tn("unread", n)}`);
}

/** Asks for the count (nothing on pages without the entry; a failure just leaves no badge). */
export async function loadUnread() {
  if (!entry()) return;
  const result = await request("GET", "/api/notifications");
  if (isSuccess(result) && result.body) showUnread(result.body.unread, result.body.more === true);
}
