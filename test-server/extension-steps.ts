// ┌──────────────────────────────────────────────────────────────────────────────────────────┐
// │ EXTENSION BUILD / LOAD INSTRUCTIONS printed by `npm start`.                               │
// │ Owned by the extension engineer: replace the body of extensionSteps() freely; start.ts   │
// │ prints each returned line, indented, under "Next:" before the demo-page steps.           │
// └──────────────────────────────────────────────────────────────────────────────────────────┘
import { relative } from "node:path";

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
    "Or let npm start do it: npm start -- --open  (Chromium with the extension and DevTools on the Socket.IO panel).",
  ];
}

/**
 * Called by start.ts before it parses its arguments: builds the extension, takes `--open` out of
 * argv, and returns `open(url)`, which (with --open and a display) launches Chromium with the
 * extension loaded, the demo page open and DevTools showing the Socket.IO panel.
 */
export async function prepareExtension(argv: string[]): Promise<{ argv: string[]; open(url: string): Promise<void> }> {
  const wantOpen = argv.includes("--open");
  const rest = argv.filter((a) => a !== "--open");
  try {
    const { buildExtension } = await import("../scripts/build.ts");
    built = await buildExtension({ quiet: true });
  } catch (e) {
    buildError = e instanceof Error ? e.message.split("\n")[0]! : String(e);
  }
  return {
    argv: rest,
    async open(url) {
      if (!wantOpen) return;
      if (!built) return console.error("socket-scope: --open: the extension did not build; see above");
      if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
        return console.error("socket-scope: --open needs a display (DISPLAY is not set); load the extension by hand as above");
      }
      try {
        const { launchChrome } = await import("../test/e2e/ext-harness.ts");
        const chrome = await launchChrome(built.chrome, { headless: false });
        const page = await chrome.ctx.newPage();
        for (const p of chrome.ctx.pages()) if (p !== page) await p.close().catch(() => {});
        await page.goto(url);
        await chrome.openPanel(page);
        console.log(`socket-scope: Chromium is open on ${url} with DevTools on the Socket.IO panel.`);
      } catch (e) {
        console.error(`socket-scope: --open failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
      }
    },
  };
}
