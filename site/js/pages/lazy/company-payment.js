// Entry of a part loaded on demand: the company page's payment method
// (company/company-payment.js with its texts), imported by pages/company.js when the active role
// may see it. esbuild names its chunk after this file: chunks/company-payment-<hash>.js.
// The import of portal-app.js only keeps the building blocks it uses in the one chunk all portal
// pages share.
import "../../portal-app.js";
export { setupPayment } from "../../company/company-payment.js";
