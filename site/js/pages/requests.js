// The requests page: its own code (requests-page.js) stays in this bundle; the import of
// portal-app.js only keeps the building blocks it uses in the one chunk all portal pages share.
import "../portal-app.js";
import { requestsPage } from "../requests/requests-page.js";

requestsPage();
