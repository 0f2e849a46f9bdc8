// All portal pages (sign-in, activation, confirm, portal, documents, company) in one module, so
// the build puts their code into one chunk: it compresses better than one file per page, and
// after the first portal page the others need nothing new. Each page's entry script (pages/*.js)
// calls its function. The help centre does not load this chunk.
// The contracts, requests and notifications pages are not in here, so that the other pages don't
// carry their code: their entry scripts import their page module directly, plus this module,
// which keeps the building blocks they share with the other pages in this one chunk (importing
// only the blocks they use would split it in two, which costs every portal page about 1 KB).
// The same goes for the parts loaded on demand that use those building blocks (the requests
// page's attached file, the company page's payment method): each is imported through its own
// entry script in pages/lazy/, which imports this module too.
// The revocation page (pages/revoke.js, login/revoke-page.js) does not import this module: it
// needs only shared/api.js, which is in the smaller chunk the help centre shares with all portal
// pages, so it loads that chunk and its own code and nothing else.
// Only entry scripts (pages/*.js, pages/lazy/*.js) import this module. A module that it reaches
// cannot import a part's entry script, not even with import(): that would be an import cycle
// (ESLint's import-x/no-cycle, make lint-js). So the documents page's proof of payment
// (documents/document-proof.js) imports nothing from this chunk: document-actions.js imports it
// directly and hands it the two functions it needs from here.
export { loginPage } from "./login/login-page.js";
export { activatePage } from "./login/activate-page.js";
export { confirmPage } from "./login/confirm-page.js";
export { portalPage } from "./portal/portal-page.js";
export { documentsPage } from "./documents/documents-page.js";
export { companyPage } from "./company/company-page.js";
