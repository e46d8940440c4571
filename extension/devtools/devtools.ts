// The devtools_page: registers the panel. Its title is what the DevTools tab shows and what
// tests address it by (`chrome-extension://<id>Socket.IO`).
import browser from "webextension-polyfill";

export const PANEL_TITLE = "Socket.IO";

void browser.devtools.panels.create(PANEL_TITLE, "icons/32.png", "panel.html");
