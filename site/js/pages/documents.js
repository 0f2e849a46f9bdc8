// The documents page: documents-page.js, in the chunk that all portal pages share (portal-app.js).
// The proof of payment's dialog (lazy/document-proof.js) is imported on its first use.
import { documentsPage } from "../portal-app.js";

documentsPage(() => import("./lazy/document-proof.js"));
