// UI strings that the scripts put on the page. Text that is on the page from the start lives
// in config.toml ([translations] / [languages.en.translations]); these are the dynamic bits.
const strings = {
  de: {
    network: "Der Server ist gerade nicht erreichbar. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.",
    unexpected: "Da ist leider etwas schiefgegangen. Bitte versuchen Sie es in einigen Minuten erneut.",
    wait: "Bitte warten Sie einen Moment, bevor Sie es erneut versuchen.",
    wait_second: "Bitte warten Sie eine Sekunde, bevor Sie es erneut versuchen.",
    wait_seconds: "Bitte warten Sie {n} Sekunden, bevor Sie es erneut versuchen.",
    wait_minute: "Bitte warten Sie eine Minute, bevor Sie es erneut versuchen.",
    wait_minutes: "Bitte warten Sie {n} Minuten, bevor Sie es erneut versuchen.",
    sent: "Bitte schauen Sie in Ihr E-Mail-Postfach.",
    valid_minute: "Link und Code sind eine Minute lang gültig.",
    valid_minutes: "Link und Code sind {n} Minuten lang gültig.",
    code_invalid: "Bitte geben Sie den 8-stelligen Code aus der E-Mail ein (nur Ziffern).",
    link_valid_until: "Der Link ist bis {time} Uhr gültig.",
    role_owner: "Inhaber/in",
    role_billing: "Buchhaltung",
    role_viewer: "Nur lesen",
    customer_number: "Kundennummer {id}",
    active: "aktiv",
    company_active: "Aktive Firma: {name}",
    idle: "Aus Sicherheitsgründen werden Sie nach {n} Minuten ohne Aktivität automatisch abgemeldet.",
  },
  en: {
    network: "We can't reach the server right now. Please check your internet connection and try again.",
    unexpected: "Sorry, something went wrong. Please try again in a few minutes.",
    wait: "Please wait a moment before you try again.",
    wait_second: "Please wait one second before you try again.",
    wait_seconds: "Please wait {n} seconds before you try again.",
    wait_minute: "Please wait one minute before you try again.",
    wait_minutes: "Please wait {n} minutes before you try again.",
    sent: "Please check your inbox.",
    valid_minute: "The link and the code are valid for one minute.",
    valid_minutes: "The link and the code are valid for {n} minutes.",
    code_invalid: "Please enter the 8-digit code from the email (digits only).",
    link_valid_until: "The link is valid until {time}.",
    role_owner: "Owner",
    role_billing: "Billing",
    role_viewer: "Viewer",
    customer_number: "Customer number {id}",
    active: "active",
    company_active: "Active company: {name}",
    idle: "For your security, you are signed out automatically after {n} minutes without activity.",
  },
};

export const lang = document.documentElement.lang === "en" ? "en" : "de";

/** The string `key` in the page's language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = strings[lang][key] ?? strings.de[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}
