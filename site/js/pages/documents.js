// The documents page: documents-page.js, in the chunk that all portal pages share (portal-app.js).
import { documentsPage } from "../portal-app.js";

documentsPage();
