// Texts of the company page's payment method (company-payment.js). They are here and not in
// config.toml because that section is built by its own script, which the page loads only for
// owners and billing. PAGE_LANG is set per bundle by `make site` (esbuild --define), so each
// language's bundle carries only its own texts. The creditor is named generically: the portal
// does not know the operator's company name.
export default PAGE_LANG === "en"
  ? {
      intro: "If you wish, we collect amounts due on our invoices from your company's account by SEPA direct debit. Only owners and the billing team can see this section.",
      none: "No bank account on file.",
      holder: "Account holder",
      mandate_given: "Mandate given on {at} by {by}",
      masked: "We never show the full IBAN again after saving: we store it encrypted and only show the country code, check digits and last four characters.",
      provider_text: "Prefer a credit card or PayPal? You set that up on our payment provider's page; card details never reach this portal.",
      provider_link: "Manage card or PayPal at our payment provider",
      new_window: "Opens in a new window.",
      form_heading: "Bank account for direct debit",
      form_hint: "A new bank account replaces the previous one; from then on we collect from it.",
      iban_hint: "With or without spaces; German IBANs have 22 characters.",
      bic: "BIC (optional)",
      bic_hint: "8 or 11 characters. Usually not needed for accounts in the euro area.",
      mandate_heading: "SEPA direct debit mandate",
      mandate: [
        "We authorise the operator of this portal to collect payments on its invoices to us from the account given above by SEPA Core direct debit. At the same time, we instruct our bank to pay the direct debits drawn on this account by the operator of this portal.",
        "Note: within eight weeks, starting from the date on which our account was debited, we may ask for a refund of the amount debited. The terms and conditions agreed with our bank apply.",
        "We will receive the operator's creditor identifier and the mandate reference before the first collection.",
      ],
      mandate_accept: "I give this SEPA direct debit mandate for the account above.",
      submit: "Save bank account",
    }
  : {
      intro: "Auf Wunsch ziehen wir fällige Rechnungsbeträge per SEPA-Lastschrift vom Konto Ihrer Firma ein. Diesen Bereich sehen nur Inhaber/innen und die Buchhaltung.",
      none: "Keine Bankverbindung hinterlegt.",
      holder: "Kontoinhaber/in",
      mandate_given: "Mandat erteilt am {at} von {by}",
      masked: "Die vollständige IBAN zeigen wir nach dem Speichern nie wieder an: Wir speichern sie verschlüsselt und zeigen nur Länderkennung, Prüfziffer und die letzten vier Stellen.",
      provider_text: "Lieber per Kreditkarte oder PayPal? Das richten Sie auf der Seite unseres Zahlungsanbieters ein; Kartendaten erreichen dieses Portal nie.",
      provider_link: "Kreditkarte oder PayPal beim Zahlungsanbieter verwalten",
      new_window: "Öffnet in einem neuen Fenster.",
      form_heading: "Bankverbindung für das Lastschriftverfahren",
      form_hint: "Eine neue Bankverbindung ersetzt die bisherige; ab dann ziehen wir von ihr ein.",
      iban_hint: "Mit oder ohne Leerzeichen, deutsche IBANs haben 22 Stellen.",
      bic: "BIC (optional)",
      bic_hint: "8 oder 11 Zeichen. Für Konten im Euroraum meist nicht nötig.",
      mandate_heading: "SEPA-Lastschriftmandat",
      mandate: [
        "Wir ermächtigen den Betreiber dieses Portals, Zahlungen aus seinen Rechnungen an uns per SEPA-Basislastschrift von dem oben angegebenen Konto einzuziehen. Zugleich weisen wir unser Kreditinstitut an, die vom Betreiber dieses Portals auf dieses Konto gezogenen Lastschriften einzulösen.",
        "Hinweis: Innerhalb von acht Wochen ab dem Belastungsdatum können wir die Erstattung des belasteten Betrags verlangen. Dabei gelten die Bedingungen, die wir mit unserem Kreditinstitut vereinbart haben.",
        "Die Gläubiger-Identifikationsnummer des Betreibers und die Mandatsreferenz erhalten wir vor dem ersten Einzug.",
      ],
      mandate_accept: "Ich erteile dieses SEPA-Lastschriftmandat für das oben angegebene Konto.",
      submit: "Bankverbindung speichern",
    };
