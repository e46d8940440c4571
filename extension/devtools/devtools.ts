// The devtools_page: registers the panel. Its title (PANEL_TITLE) is what the DevTools tab
// shows and what tests address it by (`chrome-extension://<id>Socket.IO` in Chromium, the
// toolbox's additional tool of that label in Firefox).
import browser from "webextension-polyfill";
import { PANEL_TITLE } from "../shared/bridge.ts";

void browser.devtools.panels.create(PANEL_TITLE, "icons/32.png", "panel.html");
