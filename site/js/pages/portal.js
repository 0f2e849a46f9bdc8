// The portal page: portal-page.js, in the chunk that all portal pages share (portal-app.js).
import { portalPage } from "../portal-app.js";

portalPage();
