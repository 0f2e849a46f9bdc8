// The company page: company-page.js, in the chunk that all portal pages share (portal-app.js).
import { companyPage } from "../portal-app.js";

companyPage();
