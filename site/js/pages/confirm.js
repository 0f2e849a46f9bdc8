// The confirm page: confirm-page.js, in the chunk that all portal pages share (portal-app.js).
import { confirmPage } from "../portal-app.js";

confirmPage();
