// ┌──────────────────────────────────────────────────────────────────────────────────────────┐
// │ EXTENSION BUILD / LOAD INSTRUCTIONS printed by `npm start`.                               │
// │ Owned by the extension engineer: replace the body of extensionSteps() freely; start.ts   │
// │ prints each returned line, indented, under "Next:" before the demo-page steps.           │
// └──────────────────────────────────────────────────────────────────────────────────────────┘
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

let built: { chrome: string; firefox: string } | null = null;
let buildError: string | null = null;

/** Lines telling a person how to build and load the extension (one instruction per line). */
export function extensionSteps(): string[] {
  const rel = (p: string) => relative(process.cwd(), p) || ".";
  const chrome = built ? rel(built.chrome) : "dist/chrome";
  const firefox = built ? rel(built.firefox) : "dist/firefox";
  return [
    built
      ? `The extension is built in ${chrome} and ${firefox} (rebuild: npm run build).`
      : `Build the extension: npm run build${buildError ? `   (the automatic build failed: ${buildError})` : ""}`,
    `Chrome/Chromium: chrome://extensions → Developer mode → Load unpacked → ${chrome}`,
    `Firefox: about:debugging#/runtime/this-firefox → Load Temporary Add-on → ${firefox}/manifest.json`,
    "In DevTools the panel is the tab named \"Socket.IO\" (behind » when the tab strip is narrow).",
    "Reload pages that were open before you loaded the extension: it captures a page from its first request on (the panel offers a Reload page button).",
    "Or let npm start do it: npm start -- --open (Chromium) or --open=firefox (firefox-esr) opens the demo with the extension and DevTools on the Socket.IO panel.",
  ];
}

/** The browsers `--open` can start. */
export type OpenBrowser = "chromium" | "firefox";

/** `--open` (Chromium) or `--open=chromium|firefox` out of argv; an unknown browser is an error. */
export function takeOpen(argv: string[]): { argv: string[]; open: OpenBrowser | null; error?: string } {
  let open: OpenBrowser | null = null;
  let error: string | undefined;
  const rest: string[] = [];
  for (const a of argv) {
    if (a === "--open" || a.startsWith("--open=")) {
      const v = a === "--open" ? "chromium" : a.slice("--open=".length);
      if (v === "chromium" || v === "chrome" || v === "firefox") open = v === "firefox" ? "firefox" : "chromium";
      else error = `unknown browser "${v}" in ${a} (use --open, --open=chromium or --open=firefox)`;
    } else rest.push(a);
  }
  return { argv: rest, open, error };
}

/**
 * Called by start.ts before it parses its arguments: builds the extension, takes `--open` out of
 * argv, and returns `open(url)`, which (with --open and a display) launches Chromium with the
 * extension loaded, the demo page open and DevTools showing the Socket.IO panel, or with
 * `--open=firefox` firefox-esr with the add-on installed (temporarily, as about:debugging does)
 * and its toolbox showing the Socket.IO panel. `close()` (start.ts, when npm start stops) closes
 * that browser and removes its fresh profile: Ctrl+C reaches the browser too (same process
 * group), and a profile left behind is 3 MB (Chromium) to 25 MB (Firefox) in /tmp per start.
 */
export async function prepareExtension(argv: string[]): Promise<{ argv: string[]; error?: string; open(url: string): Promise<void>; close(): Promise<void> }> {
  const { argv: rest, open: which, error } = takeOpen(argv);
  try {
    const { buildExtension } = await import("../scripts/build.ts");
    built = await buildExtension({ quiet: true });
  } catch (e) {
    buildError = e instanceof Error ? e.message.split("\n")[0]! : String(e);
  }
  let opened: { close(): Promise<void> } | undefined;
  return {
    argv: rest,
    error,
    async close() {
      await opened?.close();
    },
    async open(url) {
      if (!which) return;
      if (!built) return console.error("socket-scope: --open: the extension did not build; see above");
      if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
        return console.error("socket-scope: --open needs a display (DISPLAY is not set); load the extension by hand as above");
      }
      try {
        // kept as soon as the browser runs: a step that fails after it leaves the browser open for
        // the person to go on by hand, and npm start still closes it
        const keep = (c: { close(): Promise<void> }) => (opened = c);
        if (which === "firefox") await openFirefox(built.firefox, url, keep);
        else await openChromium(built.chrome, url, keep);
      } catch (e) {
        console.error(`socket-scope: --open failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
      }
    },
  };
}

/** How a browser --open started is closed: the browser first (it may be gone already), then its profile. */
function closer(profile: string, closeBrowser: () => Promise<unknown>): { close(): Promise<void> } {
  return {
    async close() {
      await closeBrowser().catch(() => {});
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

type Keep = (c: { close(): Promise<void> }) => void;

async function openChromium(dir: string, url: string, keep: Keep): Promise<void> {
  const { launchChrome } = await import("../test/e2e/ext-harness.ts");
  const chrome = await launchChrome(dir, { headless: false, signals: false });
  keep(closer(chrome.profileDir, () => chrome.close()));
  const page = await chrome.ctx.newPage();
  for (const p of chrome.ctx.pages()) if (p !== page) await p.close().catch(() => {});
  await page.goto(url);
  const panel = await chrome.openPanel(page);
  // the page's first handshake is in the panel within a render or two
  const snap = await panel.waitFor((s) => s.status === "connected" && s.received > 1).catch(() => panel.snapshot());
  console.log(`socket-scope: Chromium is open on ${url} with DevTools on the Socket.IO panel (${snap.received} events so far).\n` +
    `socket-scope: its profile ${chrome.profileDir} goes when npm start stops.`);
}

async function openFirefox(dir: string, url: string, keep: Keep): Promise<void> {
  const { launchFirefox } = await import("../test/e2e/firefox-launch.ts");
  const { openToolboxPanel } = await import("../test/e2e/firefox-toolbox.ts");
  const { PANEL_TITLE } = await import("../extension/shared/bridge.ts");
  // chrome-scope access is what opens the toolbox (firefox-toolbox.ts); npm start's own
  // SIGINT/SIGTERM handlers stop the demo and close the browser. Our own profile directory:
  // puppeteer removes its temporary one only when it closes the browser itself, which Ctrl+C
  // (reaching Firefox first, same process group) does not let it do.
  const profile = mkdtempSync(join(tmpdir(), "socket-scope-firefox-"));
  const browser = await launchFirefox({ headless: false, userDataDir: profile, args: ["--remote-allow-system-access"], handleSIGINT: false, handleSIGTERM: false })
    .catch((e: unknown) => {
      rmSync(profile, { recursive: true, force: true });
      throw e;
    });
  keep(closer(profile, () => browser.close()));
  await browser.installExtension(dir);
  const pages = await browser.pages();
  const page = pages[0] ?? (await browser.newPage());
  await page.goto(url);
  await openToolboxPanel(browser, url, PANEL_TITLE);
  console.log(`socket-scope: Firefox is open on ${url} with its toolbox on the Socket.IO panel.\n` +
    `socket-scope: its profile ${profile} goes when npm start stops.`);
}
