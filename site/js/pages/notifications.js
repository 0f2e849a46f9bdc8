// The notifications page: its own code (notifications-page.js) stays in this bundle; the import
// of portal-app.js only keeps the building blocks it uses in the one chunk all portal pages share.
import "../portal-app.js";
import { notificationsPage } from "../notifications/notifications-page.js";

notificationsPage();
