// Entry of a part loaded on demand: the documents page's proof of payment dialog
// (documents/document-proof.js), imported by pages/documents.js on the first "Zahlungsnachweis
// hochladen". esbuild names its chunk after this file: chunks/document-proof-<hash>.js.
// The import of portal-app.js only keeps the building blocks it uses in the one chunk all portal
// pages share.
import "../../portal-app.js";
export { setupProof } from "../../documents/document-proof.js";
