// A plain "mail client" view of a mail from the dev mailbox, for the sign-in guide. It is
// loaded with page.setContent (about:blank), so the mail's own inline styles apply as in a
// real mail program.
function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

export function mailView(mail, lang) {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(mail.body);
  const labels =
    lang === "en"
      ? { inbox: "Inbox", from: "From", to: "To", subject: "Subject" }
      : { inbox: "Posteingang", from: "Von", to: "An", subject: "Betreff" };
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escape(mail.subject)}</title></head>
<body style="margin:0;font-family:system-ui,sans-serif;background:#eef1f4;color:#1b1b1b">
<div style="background:#394b59;color:#fff;padding:12px 24px;font-weight:600">✉ ${labels.inbox}</div>
<div style="max-width:760px;margin:20px auto;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)">
<div style="padding:16px 24px;border-bottom:1px solid #dde2e6;font-size:14px;line-height:1.7">
<div><b>${labels.from}:</b> ${escape(mail.from)}</div>
<div><b>${labels.to}:</b> ${escape(mail.to.join(", "))}</div>
<div style="font-size:18px;font-weight:600;margin-top:4px">${escape(mail.subject)}</div>
</div>
<div id="mail-body" style="padding:8px 24px 16px;font-size:15px;font-family:system-ui,sans-serif;line-height:1.5">${body ? body[1] : mail.body}</div>
</div></body></html>`;
}
