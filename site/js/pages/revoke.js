// The revocation page: revoke-page.js stays in this bundle. It imports only shared/api.js, so the
// page shares the small chunk of the help centre and the portal pages, not the portal chunk.
import { revokePage } from "../login/revoke-page.js";

revokePage();
