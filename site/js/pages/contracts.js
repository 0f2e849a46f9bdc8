// The contracts page: its own code (contracts-page.js) stays in this bundle; the import of
// portal-app.js only keeps the building blocks it uses in the one chunk all portal pages share.
import "../portal-app.js";
import { contractsPage } from "../contracts/contracts-page.js";

contractsPage();
