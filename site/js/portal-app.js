// All portal pages (sign-in, activation, confirm, portal, documents, company) in one module, so
// the build puts their code into one chunk: it compresses better than one file per page, and
// after the first portal page the others need nothing new. Each page's entry script (pages/*.js) calls
// its function. The help centre does not load this chunk.
export { loginPage } from "./login-page.js";
export { activatePage } from "./activate-page.js";
export { confirmPage } from "./confirm-page.js";
export { portalPage } from "./portal-page.js";
export { documentsPage } from "./documents-page.js";
export { companyPage } from "./company-page.js";
