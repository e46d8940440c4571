// Firefox's real toolbox, driven from the browser's chrome scope over raw WebDriver BiDi
// (RECIPES.md): the test runs the chrome window's own DevTools API, as a user's click on
// "More tools" / F12 would, and reads the Socket.IO panel inside the toolbox over the panel's
// BroadcastChannel (PANEL_PROBE), because BiDi cannot evaluate in a toolbox panel.
// Needs a Firefox started with --remote-allow-system-access.
import type { Browser, Page } from "puppeteer-core";
import { PANEL_PROBE } from "../../extension/shared/bridge.ts";
import type { ProbeReply } from "../../extension/panel/panel.tsx";

interface BidiConnection {
  send(method: string, params: object): Promise<{ result: any }>;
}
const bidi = (browser: Browser) => (browser as unknown as { connection: BidiConnection }).connection;

/** Evaluates `expression` (awaited) in the browser window's chrome scope; returns its string value. */
async function chromeEval(browser: Browser, expression: string): Promise<string> {
  const conn = bidi(browser);
  const tree = await conn.send("browsingContext.getTree", { "moz:scope": "chrome" });
  const window = (tree.result.contexts as Array<{ context: string; url: string }>).find((c) => c.url === "chrome://browser/content/browser.xhtml");
  if (!window) throw new Error("no browser.xhtml chrome window over BiDi (is --remote-allow-system-access set?)");
  const r = (await conn.send("script.evaluate", { expression, target: { context: window.context }, awaitPromise: true, resultOwnership: "none" })).result as {
    type: string;
    result?: { value?: unknown };
    exceptionDetails?: { text?: string };
  };
  if (r.type !== "success") throw new Error(`chrome scope: ${r.exceptionDetails?.text ?? JSON.stringify(r)}`);
  return String(r.result?.value ?? "");
}

/** Chrome-scope statements that define `gDevTools` and `tab`, the tab showing `url` (or undefined). */
function devtoolsAndTab(url: string): string {
  return `const { require } = ChromeUtils.importESModule("resource://devtools/shared/loader/Loader.sys.mjs");
    const { gDevTools } = require("devtools/client/framework/devtools");
    const tab = gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(url)});`;
}

/**
 * Opens the real toolbox on the tab showing `url` and selects the extension panel titled
 * `title`. Returns the panel's tool id and the other panels the toolbox offers.
 */
export async function openToolboxPanel(browser: Browser, url: string, title: string): Promise<{ id: string; tools: string[] }> {
  const out = await chromeEval(browser, `(async () => {
    ${devtoolsAndTab(url)}
    if (!tab) throw new Error("no tab shows " + ${JSON.stringify(url)});
    gBrowser.selectedTab = tab;
    const toolbox = await gDevTools.showToolboxForTab(tab);
    let def;
    for (let i = 0; i < 200 && !def; i++) {
      def = toolbox.getAdditionalTools().find((d) => d.label === ${JSON.stringify(title)});
      if (!def) await new Promise((r) => setTimeout(r, 50));
    }
    if (!def) throw new Error("no " + ${JSON.stringify(title)} + " panel in the toolbox: " + toolbox.getAdditionalTools().map((d) => d.label).join(","));
    await toolbox.selectTool(def.id);
    return JSON.stringify({ id: def.id, tools: toolbox.getAdditionalTools().map((d) => d.id) });
  })()`);
  return JSON.parse(out) as { id: string; tools: string[] };
}

/** Closes the toolbox of the tab showing `url` (if open). */
export async function closeToolbox(browser: Browser, url: string): Promise<void> {
  await chromeEval(browser, `(async () => {
    ${devtoolsAndTab(url)}
    if (tab) await gDevTools.closeToolboxForTab(tab);
    return "";
  })()`);
}

/**
 * Asks every panel of the extension over PANEL_PROBE, from `asker` (any page of the
 * extension's origin), and returns the replies of those running inside DevTools.
 */
export async function askToolboxPanels(asker: Page, waitMs = 400): Promise<ProbeReply[]> {
  return asker.evaluate(
    (name, ms) =>
      new Promise<ProbeReply[]>((resolve) => {
        const ch = new BroadcastChannel(name);
        const id = Math.random();
        const got: ProbeReply[] = [];
        ch.onmessage = (e) => {
          const r = e.data as ProbeReply;
          if (r && r.re === id && r.inDevTools) got.push(r);
        };
        ch.postMessage({ ask: "snapshot", id });
        setTimeout(() => {
          ch.close();
          resolve(got);
        }, ms);
      }),
    PANEL_PROBE,
    waitMs,
  );
}
