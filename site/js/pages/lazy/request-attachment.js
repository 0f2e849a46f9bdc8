// Entry of a part loaded on demand: the requests page's attached file
// (requests/request-attachment.js), imported by requests/requests-page.js when a file is chosen.
// esbuild names its chunk after this file: chunks/request-attachment-<hash>.js.
// The import of portal-app.js only keeps the building blocks it uses in the one chunk all portal
// pages share.
import "../../portal-app.js";
export { setupAttachment } from "../../requests/request-attachment.js";
