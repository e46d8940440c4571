// The README's pictures of the panel in the real DevTools of both browsers: the 4.x demo runs
// its events and acks scenarios, then DevTools opens on the Socket.IO panel (Chromium) or the
// toolbox on it (firefox-esr), and the X screen is captured. Needs a display and ImageMagick's
// `import`:
//   xvfb-run -a -s "-screen 0 1400x1000x24" node --import tsx scripts/screenshots.ts
// writes docs/chromium-devtools.png and docs/firefox-toolbox.png.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildForTest, launchChrome } from "../test/e2e/ext-harness.ts";
import { launchFirefox } from "../test/e2e/firefox-launch.ts";
import { openToolboxPanel } from "../test/e2e/firefox-toolbox.ts";
import { PANEL_TITLE } from "../extension/shared/bridge.ts";
import { startDemo } from "../test-server/index.ts";

interface DemoWindow { demo: { ready: Promise<void>; run(name: string): Promise<unknown> } }
const docs = (name: string) => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));
/** The demo's events and acks scenarios, in a Playwright or a puppeteer page. */
const runScenarios = (page: { evaluate(f: () => Promise<void>): Promise<unknown> }) =>
  page.evaluate(async () => {
    const w = window as unknown as DemoWindow;
    await w.demo.ready;
    await w.demo.run("events");
    await w.demo.run("acks");
  });
const settle = () => new Promise((r) => setTimeout(r, 3000)); // a render or two of the panel
const capture = (file: string) => execFileSync("import", ["-window", "root", "-trim", "+repage", docs(file)], { stdio: "inherit" });

if (!process.env.DISPLAY) {
  console.error("screenshots: needs a display (run under xvfb-run, see the top of scripts/screenshots.ts)");
  process.exit(1);
}
const dist = await buildForTest();
const demo = await startDemo({ quiet: true, lines: ["4"] });
const url = demo.pageUrl({ line: "4" });
try {
  const chrome = await launchChrome(dist.chrome, { headless: false });
  try {
    const page = await chrome.ctx.newPage();
    for (const p of chrome.ctx.pages()) if (p !== page) await p.close().catch(() => {});
    await page.goto(url);
    await runScenarios(page);
    await chrome.openPanel(page);
    await settle();
    capture("chromium-devtools.png");
  } finally {
    await chrome.close();
  }
  const firefox = await launchFirefox({ headless: false, args: ["--remote-allow-system-access"] });
  try {
    await firefox.installExtension(dist.firefox);
    const page = (await firefox.pages())[0] ?? (await firefox.newPage());
    await page.goto(url);
    await runScenarios(page);
    await openToolboxPanel(firefox, url, PANEL_TITLE);
    await settle();
    capture("firefox-toolbox.png");
  } finally {
    await firefox.close();
  }
  console.log("screenshots: wrote docs/chromium-devtools.png and docs/firefox-toolbox.png");
} finally {
  await demo.stop();
}
