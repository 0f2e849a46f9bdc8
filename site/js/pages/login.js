// The login page: login-page.js, in the chunk that all portal pages share (portal-app.js).
import { loginPage } from "../portal-app.js";

loginPage();
