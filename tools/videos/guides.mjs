// The video guides: one definition per guide, recorded in German and in English.
// Each step: what happens on the page (`act`), the caption in both languages (a full sentence:
// the captions are also the transcript and, unless `step: false`, the numbered step list on
// the guide page), and how long the step stays on screen. The durations are the same in both
// languages, so the caption timings fit both recordings.
import { mailIds, newMail } from "./lib.mjs";
import { mailView } from "./mail-view.mjs";

/** Who is signed in (off camera) before a guide starts, per language. */
const ANNA = { de: "anna.schmidt@example.com", en: "anna.schmidt@example.com" };
const BEN = { de: "ben.keller@example.com", en: "ben.keller@example.com" };

const LOGIN = ["/anmelden/", "/en/login/"];
const PORTAL = ["/portal/", "/en/portal/"];
const DOCUMENTS = ["/portal/dokumente/", "/en/portal/documents/"];
const COMPANY = ["/portal/unternehmen/", "/en/portal/company/"];

/** Requests a sign-in mail on the login page and shows the mail in a second tab. */
async function requestAndOpenMail(g, email, seconds) {
  const seen = await mailIds(g.base);
  await g.type("#email", email);
  await g.click('#email-form button[type="submit"]', { waitFor: "#code-step" });
  g.mail = await newMail(g.base, email, seen);
  return seconds;
}

async function showMail(g) {
  g.loginPage = g.page;
  // A new tab for the mail; the tab of an earlier mail may have become the browser tab.
  g.mailPage = await g.context.newPage();
  await g.mailPage.setContent(mailView(g.mail, g.lang));
  await g.use(g.mailPage);
}

export const guides = [
  {
    slug: "anmelden",
    // The English recording uses Claire, whose portal language is English, so her mail is too.
    login: null,
    who: { de: "anna.schmidt@example.com", en: "claire.martin@example.org" },
    steps: [
      {
        seconds: 4,
        de: "Öffnen Sie die Anmeldeseite des Kundenportals. Ein Passwort brauchen Sie nicht.",
        en: "Open the sign-in page of the customer portal. You do not need a password.",
        act: async (g) => {
          await g.use(await g.context.newPage());
          await g.goto(g.p(...LOGIN), "#email");
        },
      },
      {
        seconds: 4.5,
        de: "Geben Sie die E-Mail-Adresse ein, mit der Sie bei uns registriert sind, und klicken Sie auf „Anmeldelink senden“.",
        en: "Enter the email address you are registered with and click “Send sign-in link”.",
        act: (g) => requestAndOpenMail(g, g.who, 0),
      },
      {
        seconds: 5,
        de: "Kurz darauf kommt eine E-Mail mit einem Anmeldelink und einem achtstelligen Code. Beides gilt 15 Minuten und nur einmal.",
        en: "Shortly afterwards you receive an email with a sign-in link and an eight-digit code. Both are valid for 15 minutes and only once.",
        poster: true,
        act: async (g) => {
          await showMail(g);
          await g.point(g.page.locator("#mail-body a").first(), 1);
        },
      },
      {
        seconds: 4.5,
        de: "Klicken Sie auf den Link in der E-Mail. Das Portal fragt noch einmal nach, ob Sie sich anmelden möchten.",
        en: "Click the link in the email. The portal asks once more whether you want to sign in.",
        act: async (g) => {
          await g.click(g.page.locator("#mail-body a").first(), { waitFor: "#confirm-button" });
        },
      },
      {
        seconds: 4.5,
        de: "Bestätigen Sie mit „Ja, jetzt anmelden“. Schon sind Sie im Portal.",
        en: "Confirm with “Yes, sign me in”. You are now in the portal.",
        act: async (g) => {
          await g.click("#confirm-button", { waitFor: "#portal-session" });
        },
      },
      {
        seconds: 4,
        de: "Zum Abmelden klicken Sie auf „Abmelden“. Sie kommen zurück zur Anmeldeseite.",
        en: "To sign out, click “Sign out”. You are taken back to the sign-in page.",
        act: async (g) => {
          await g.click("#logout", { waitFor: "#email" });
        },
      },
      {
        seconds: 5,
        de: "Sie lesen Ihre E-Mails auf einem anderen Gerät, etwa dem Smartphone? Dann fordern Sie die E-Mail genauso an.",
        en: "Do you read your email on another device, such as your phone? Then request the email in the same way.",
        act: (g) => requestAndOpenMail(g, g.who, 0),
      },
      {
        seconds: 4,
        de: "Lesen Sie den achtstelligen Code aus der E-Mail ab.",
        en: "Look up the eight-digit code in the email.",
        act: async (g) => {
          await showMail(g);
          await g.point(g.page.locator("#mail-body p", { hasText: /^\s*\d{4} \d{4}\s*$/ }), 1);
        },
      },
      {
        seconds: 4.5,
        de: "Geben Sie den Code in dem Browser ein, in dem Sie die Anmeldung angefordert haben.",
        en: "Enter the code in the browser in which you requested the sign-in.",
        act: async (g) => {
          await g.use(g.loginPage);
          await g.type("#code", `${g.mail.code.slice(0, 4)} ${g.mail.code.slice(4)}`, { chunk: 3 });
        },
      },
      {
        seconds: 4,
        de: "Klicken Sie auf „Anmelden“. Fertig: Sie sind angemeldet.",
        en: "Click “Sign in”. Done: you are signed in.",
        act: async (g) => {
          await g.click('#code-form button[type="submit"]', { waitFor: "#portal-session" });
        },
      },
    ],
  },

  {
    slug: "rundgang",
    login: BEN,
    steps: [
      {
        seconds: 5,
        de: "Nach der Anmeldung sehen Sie die Startseite des Portals. Oben steht, mit welcher E-Mail-Adresse Sie angemeldet sind.",
        en: "After signing in you see the portal's start page. At the top it shows the email address you are signed in with.",
        step: false,
        act: async (g) => {
          await g.use(await g.context.newPage());
          await g.goto(g.p(...PORTAL), "#portal-session");
          await g.page.waitForSelector("#chooser:not([hidden]), #company:not([hidden])");
          await g.settle(300);
        },
      },
      {
        seconds: 5.5,
        de: "Haben Sie Zugriff auf mehrere Firmen, wählen Sie die Firma, für die Sie das Portal gerade nutzen möchten.",
        en: "If you have access to several companies, choose the company you want to use the portal for right now.",
        act: async (g) => {
          if (await g.page.locator("#chooser").isHidden()) {
            await g.click("#switch-company", { waitFor: "#chooser-list button" });
          }
          await g.click(g.page.locator("#chooser-list button", { hasText: "Beispiel Maschinenbau" }), {
            waitFor: "#company-view",
          });
        },
      },
      {
        seconds: 5,
        de: "Die Karte „Aktive Firma“ zeigt den Firmennamen, Ihre Kundennummer und Ihre Rolle.",
        en: "The “Active company” card shows the company name, your customer number and your role.",
        poster: true,
        act: async (g) => {
          await g.point("#company", 1);
        },
      },
      {
        seconds: 5,
        de: "Mit „Firma wechseln“ wechseln Sie jederzeit zu einer anderen Firma.",
        en: "Use “Change company” to switch to another company at any time.",
        act: async (g) => {
          await g.click("#switch-company", { waitFor: "#chooser-list button" });
          await g.click(g.page.locator("#chooser-list button", { hasText: "Nordlicht" }), { waitFor: "#company" });
        },
      },
      {
        seconds: 5,
        de: "Unter „Dokumente“ finden Sie Rechnungen, Gutschriften, Aufträge, Lieferscheine und Verträge Ihrer Firma.",
        en: "Under “Documents” you find your company's invoices, credit notes, orders, delivery notes and contracts.",
        act: async (g) => {
          await g.click("#documents-teaser a", { waitFor: "#results" });
        },
      },
      {
        seconds: 4.5,
        de: "Weiter unten zeigt ein Diagramm Ihre Rechnungsbeträge pro Monat.",
        en: "Further down, a chart shows your invoiced amounts per month.",
        act: async (g) => {
          await g.page.waitForSelector("#stats:not([hidden])");
          await g.scrollTo("#stats");
          await g.point("#stats", 0.8);
        },
      },
      {
        seconds: 5,
        de: "Unter „Unternehmen“ pflegen Sie Rechnungsdaten und Kontakte, verwalten Ihr Team und laden Ihre Daten herunter.",
        en: "Under “Company” you keep billing data and contacts up to date, manage your team and download your data.",
        act: async (g) => {
          await g.click(".site-nav a[href$='/company/'], .site-nav a[href$='/unternehmen/']", {
            waitFor: "#company-view",
          });
        },
      },
      {
        seconds: 4.5,
        de: "„Letzte Aktivitäten“ zeigt, wer in Ihrer Firma zuletzt was im Portal getan hat.",
        en: "“Recent activity” shows who in your company did what in the portal recently.",
        act: async (g) => {
          await g.scrollTo("#activity-heading");
          await g.point("#activity-heading", 0.8);
        },
      },
      {
        seconds: 4.5,
        de: "Oben rechts wechseln Sie die Sprache des Portals zwischen Deutsch und Englisch.",
        en: "At the top right you switch the portal's language between German and English.",
        act: async (g) => {
          await g.page.evaluate(() => window.scrollTo(0, 0));
          await g.point(".lang-switch", 0.8);
        },
      },
      {
        seconds: 4.5,
        de: "Wenn Sie fertig sind, melden Sie sich auf der Startseite des Portals mit „Abmelden“ ab.",
        en: "When you are done, sign out with “Sign out” on the portal's start page.",
        act: async (g) => {
          await g.click(".site-nav a[href$='/portal/']", { waitFor: "#logout" });
          await g.click("#logout", { waitFor: "#email" });
        },
      },
    ],
  },

  {
    slug: "rechnungen",
    login: ANNA,
    steps: [
      {
        seconds: 5,
        de: "Öffnen Sie im Portal den Bereich „Dokumente“. Hier stehen alle Dokumente Ihrer Firma, die neuesten zuerst.",
        en: "Open the “Documents” area in the portal. It lists all of your company's documents, newest first.",
        act: async (g) => {
          await g.use(await g.context.newPage());
          await g.goto(g.p(...DOCUMENTS), "#results");
        },
      },
      {
        seconds: 5,
        de: "Wählen Sie bei „Art“ den Eintrag „Rechnung“ und bei „Status“ den Eintrag „offen“.",
        en: "Choose “Invoice” under “Type” and “open” under “Status”.",
        act: async (g) => {
          await g.select("#f-kind", "invoice");
          await g.select("#f-status", "open");
        },
      },
      {
        seconds: 4.5,
        de: "Klicken Sie auf „Anzeigen“. Die Liste zeigt jetzt nur noch offene Rechnungen.",
        en: "Click “Show”. The list now only shows open invoices.",
        act: async (g) => {
          await g.click('#filters button[type="submit"]', { waitFor: "#results" });
          await g.page.waitForSelector("#list-loading", { state: "hidden" });
          await g.scrollTo("#list-heading");
        },
      },
      {
        seconds: 5,
        de: "Eine bestimmte Rechnung finden Sie über die Suche: Geben Sie ihre Nummer oder Ihre Bestellnummer ein.",
        en: "To find a particular invoice, search for its number or your order number.",
        act: async (g) => {
          await g.page.evaluate(() => window.scrollTo(0, 0));
          g.number = (await g.page.locator("#doc-rows .doc-number").first().textContent()).trim();
          await g.type("#f-q", g.number);
          await g.click('#filters button[type="submit"]', { waitFor: "#results", pre: 0.5 });
          await g.page.waitForSelector("#list-loading", { state: "hidden" });
          await g.scrollTo("#list-heading");
        },
      },
      {
        seconds: 4.5,
        de: "Mit „PDF“ laden Sie die Rechnung herunter.",
        en: "Use “PDF” to download the invoice.",
        poster: true,
        act: async (g) => {
          const link = g.page.locator("#doc-rows .action-download").first();
          await g.point(link, 0.5);
          const download = g.page.waitForEvent("download").catch(() => null);
          await g.click(link, { pre: 0.5 });
          await download;
        },
      },
      {
        seconds: 5,
        de: "Mit „Per E-Mail weiterleiten“ schicken Sie die Rechnung als PDF weiter, zum Beispiel an Ihre Steuerberatung.",
        en: "Use “Forward by email” to send the invoice as a PDF, for example to your accountant.",
        act: async (g) => {
          await g.click(g.page.locator("#doc-rows .action-button").first(), { waitFor: "#send-to" });
        },
      },
      {
        seconds: 6,
        de: "Geben Sie die E-Mail-Adresse des Empfängers und bei Bedarf eine kurze Nachricht ein.",
        en: "Enter the recipient's email address and, if you like, a short message.",
        act: async (g) => {
          await g.type("#send-to", "steuerbuero@example.com", { chunk: 6 });
          await g.type("#send-note", g.t("Bitte verbuchen, danke!", "Please book this, thank you!"), {
            chunk: 8,
          });
        },
      },
      {
        seconds: 4.5,
        de: "Klicken Sie auf „Senden“. Die Rechnung ist unterwegs.",
        en: "Click “Send”. The invoice is on its way.",
        act: async (g) => {
          await g.click('#send-form button[type="submit"]', { waitFor: "#send-done" });
        },
      },
      {
        seconds: 6,
        de: "Offene Rechnungen bezahlen Sie mit „Bezahlen“: Scannen Sie den GiroCode mit Ihrer Banking-App oder überweisen Sie mit den angezeigten Daten.",
        en: "Pay open invoices with “Pay”: scan the GiroCode with your banking app or make the transfer with the details shown.",
        act: async (g) => {
          await g.page.locator("#send-done button[data-close]").click();
          await g.settle(200);
          await g.click(g.page.locator("#doc-rows .action-pay").first(), { waitFor: "#pay-content" });
          await g.page.locator("#pay-giro").evaluate((el) => el.scrollIntoView({ block: "center" }));
          await g.point("#pay-qr", 0.8);
        },
      },
      {
        seconds: 6,
        de: "Mit „Kopieren“ übernehmen Sie IBAN, Betrag und Verwendungszweck. Ist Online-Zahlung möglich, steht hier außerdem „Jetzt online bezahlen“.",
        en: "“Copy” copies the IBAN, amount and reference. Where online payment is available, you also see “Pay online now” here.",
        act: async (g) => {
          await g.page.locator("#pay-giro .bank-details").evaluate((el) => el.scrollIntoView({ block: "center" }));
          await g.point("#pay-giro .bank-details", 0.8);
        },
      },
    ],
  },

  {
    slug: "rechnungsdaten",
    login: ANNA,
    steps: [
      {
        seconds: 5,
        de: "Öffnen Sie im Portal den Bereich „Unternehmen“. Ganz oben stehen Ihre Rechnungsdaten.",
        en: "Open the “Company” area in the portal. Your billing data is at the top.",
        act: async (g) => {
          await g.use(await g.context.newPage());
          await g.goto(g.p(...COMPANY), "#billing-form");
        },
      },
      {
        seconds: 5.5,
        de: "Ändern Sie die Rechnungsanschrift, zum Beispiel Straße und Hausnummer, Postleitzahl und Ort.",
        en: "Change the billing address, for example street and number, postcode and city.",
        act: async (g) => {
          await g.scrollTo("#billing-heading");
          await g.type("#b-line1", "Hafenstraße 12", { chunk: 5 });
          await g.type("#b-postal-code", "20457", { chunk: 5, each: 0.1 });
          await g.type("#b-city", "Hamburg", { chunk: 7, each: 0.1 });
        },
      },
      {
        seconds: 5,
        de: "Tragen Sie Ihre USt-IdNr. mit Länderkennzeichen ein und klicken Sie auf „Speichern“.",
        en: "Enter your VAT ID with its country prefix and click “Save”.",
        act: async (g) => {
          await g.scrollTo("#billing-heading");
          await g.type("#b-vat-id", "DE2987654", { chunk: 5 });
          await g.click('#billing-form button[type="submit"]', { waitFor: "#billing-error" });
        },
      },
      {
        seconds: 5,
        de: "Stimmt eine Angabe nicht, nennt das Portal den Grund und markiert das Feld. Hier fehlen Ziffern.",
        en: "If something is not right, the portal says why and marks the field. Here digits are missing.",
        poster: true,
        act: async (g) => {
          await g.point("#billing-error", 1);
        },
      },
      {
        seconds: 5,
        de: "Korrigieren Sie die Eingabe: Eine deutsche USt-IdNr. hat nach „DE“ neun Ziffern.",
        en: "Correct the entry: a German VAT ID has nine digits after “DE”.",
        act: async (g) => {
          await g.type("#b-vat-id", "DE298765435", { chunk: 6 });
        },
      },
      {
        seconds: 5,
        de: "Klicken Sie erneut auf „Speichern“. Die neuen Daten gelten für alle künftigen Rechnungen.",
        en: "Click “Save” again. The new data applies to all future invoices.",
        act: async (g) => {
          await g.click('#billing-form button[type="submit"]');
          await g.page.waitForFunction(() => document.getElementById("billing-saved").textContent.trim() !== "");
          await g.page.locator("#billing-saved").evaluate((el) => el.scrollIntoView({ block: "center" }));
          await g.point("#billing-saved", 0.6);
        },
      },
      {
        seconds: 5.5,
        de: "Firmenname und Land prüfen wir vor einer Änderung. Stellen Sie dafür unter „Änderung beantragen“ eine Anfrage.",
        en: "We check the company name and country before they change. Send us a request under “Request a change”.",
        act: async (g) => {
          await g.scrollTo("#change");
          await g.point("#change", 0.8);
        },
      },
    ],
  },

  {
    slug: "team",
    login: ANNA,
    steps: [
      {
        seconds: 5,
        de: "Öffnen Sie im Portal den Bereich „Unternehmen“ und dort den Abschnitt „Team“.",
        en: "Open the “Company” area in the portal and go to the “Team” section.",
        act: async (g) => {
          await g.use(await g.context.newPage());
          await g.goto(g.p(...COMPANY), "#company-view");
          await g.click(".toc a[href='#team-heading']", { waitFor: "#team-manage" });
          await g.scrollTo("#team-heading");
        },
      },
      {
        seconds: 6.5,
        de: "Es gibt drei Rollen: Inhaber/innen dürfen alles, die Buchhaltung pflegt Rechnungen und Rechnungsdaten, „Nur lesen“ sieht nur die Dokumente.",
        en: "There are three roles: owners can do everything, billing manages invoices and billing data, and viewers only see the documents.",
        act: async (g) => {
          await g.point("#team .roles", 1);
        },
      },
      {
        seconds: 5,
        de: "Darunter sehen Sie, wer bereits Zugang hat. Einladen und Rollen vergeben dürfen nur Inhaber/innen.",
        en: "Below, you see who already has access. Only owners can invite people and assign roles.",
        step: false,
        act: async (g) => {
          await g.scrollTo("#team-count");
          await g.point("#team-list", 0.8);
        },
      },
      {
        seconds: 5,
        de: "Geben Sie unter „Person einladen“ die E-Mail-Adresse Ihrer Kollegin oder Ihres Kollegen ein.",
        en: "Under “Invite someone”, enter your colleague's email address.",
        act: async (g) => {
          await g.scrollTo("#invite-heading");
          await g.type("#i-email", g.t("lena.vogel@example.com", "tom.baker@example.com"), { chunk: 6 });
        },
      },
      {
        seconds: 5,
        de: "Wählen Sie die Rolle, zum Beispiel „Buchhaltung“, und die Sprache der Einladungs-E-Mail.",
        en: "Choose the role, for example “Billing”, and the language of the invitation email.",
        poster: true,
        act: async (g) => {
          await g.select("#i-role", "billing");
          await g.select("#i-language", g.lang);
        },
      },
      {
        seconds: 5.5,
        de: "Klicken Sie auf „Einladung senden“. Die Person bekommt eine E-Mail und steht sofort in der Liste.",
        en: "Click “Send invitation”. The person receives an email and appears in the list straight away.",
        act: async (g) => {
          const before = await g.page.locator("#team-list li").count();
          await g.click('#invite-form button[type="submit"]');
          await g.page.waitForFunction(
            (n) => document.querySelectorAll("#team-list li").length > n,
            before,
          );
          await g.settle(300);
          await g.scrollTo("#team-count");
        },
      },
      {
        seconds: 6,
        de: "Die Rolle ändern Sie später direkt in der Liste. Mit „Zugang entfernen“ nehmen Sie einen Zugang wieder weg.",
        en: "You can change the role later right in the list. “Remove access” takes access away again.",
        act: async (g) => {
          const last = g.page.locator("#team-list li").last();
          await g.point(last.locator("select"), 0.8);
          await g.point(last.locator(".danger-link"), 0.8);
        },
      },
    ],
  },
];
