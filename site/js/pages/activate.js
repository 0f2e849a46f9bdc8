// The activation page: activate-page.js, in the chunk that all portal pages share (portal-app.js).
import { activatePage } from "../portal-app.js";

activatePage();
