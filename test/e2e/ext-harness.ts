// Drives the built extension in Debian's Chromium (Playwright) and reads the REAL DevTools
// panel: Target.openDevTools, InspectorView.showPanel("chrome-extension://<id>Socket.IO"),
// then Runtime.evaluate inside the panel's iframe target (see /work/shared/RECIPES.md).
import { chromium, type BrowserContext, type CDPSession, type Page } from "playwright";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PANEL_TITLE } from "../../extension/shared/bridge.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What `window.__socketScopePanel.snapshot()` returns (see extension/panel/panel.tsx). */
export interface PanelSnapshot {
  tabId: number | null;
  status: string;
  received: number;
  /** Of `received`, the events replayed from the tab's backlog when the panel subscribed. */
  replayed: number;
  dropped: number;
  /** What the panel can see of the tab: "unknown" before its first delivery, "hooked", "late", "not-hooked". */
  coverage: string;
  /** Web workers the page started (their sockets are out of the hook's reach). */
  workers: number;
  report: unknown;
}

/**
 * Builds this test file's own copy of the extension (a temp dir), so test files running in
 * parallel never load a dist/ that another one is rewriting. Returns the unpacked dirs.
 */
export async function buildForTest(pkg = false): Promise<{ chrome: string; firefox: string; root: string }> {
  const { buildExtension } = await import("../../scripts/build.ts");
  const root = mkdtempSync(join(tmpdir(), "socket-scope-dist-"));
  process.on("exit", () => rmSync(root, { recursive: true, force: true }));
  // with pkg: exactly what `npm run package` ships (minified, zipped)
  return { ...(await buildExtension({ quiet: true, outDir: root, pkg, minify: pkg })), root };
}

export interface Panel {
  /** Evaluates an expression inside the panel page (awaits promises, returns by value). */
  evaluate<T>(expression: string): Promise<T>;
  snapshot(): Promise<PanelSnapshot>;
  /** Polls `snapshot()` until `pred` holds; throws with the last snapshot after `ms`. */
  waitFor(pred: (s: PanelSnapshot) => boolean, ms?: number): Promise<PanelSnapshot>;
  /** Picture of the whole DevTools window. */
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

export interface ChromeExt {
  ctx: BrowserContext;
  extId: string;
  /** The browser's --user-data-dir (test/bench/ext-cpu.ts finds its processes by it). */
  profileDir: string;
  browserSession: CDPSession;
  openPanel(page: Page): Promise<Panel>;
  /** Stops the extension's service worker; resolves once its target is gone. */
  stopWorker(page: Page): Promise<void>;
  workerTargets(): Promise<string[]>;
  /**
   * Only with `launchChrome(…, { switchable: true })`: turns the extension off (service worker
   * stopped, no hook in pages loaded after, no panel in DevTools opened after) or back on, through
   * chrome.management in a helper extension of the same browser. Resolves once Chrome says so.
   */
  setEnabled(on: boolean): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The page's target id, as CDP's Target domain names it. */
async function targetIdOf(ctx: BrowserContext, page: Page): Promise<string> {
  const cdp = await ctx.newCDPSession(page);
  const { targetInfo } = (await cdp.send("Target.getTargetInfo")) as { targetInfo: { targetId: string } };
  await cdp.detach();
  return targetInfo.targetId;
}

type CdpReply = { result?: unknown; error?: unknown };
/** Commands to child targets over a browser session, non-flattened: Playwright's CDPSession cannot address a child by id. */
function targetClient(bs: CDPSession) {
  let next = 1;
  const waiting = new Map<string, (m: CdpReply) => void>();
  bs.on("Target.receivedMessageFromTarget", (ev: { sessionId: string; message: string }) => {
    const m = JSON.parse(ev.message) as { id?: number } & CdpReply;
    const k = `${ev.sessionId}:${m.id}`;
    const f = waiting.get(k);
    if (f) {
      waiting.delete(k);
      f(m);
    }
  });
  const send = (sessionId: string, method: string, params: object = {}) =>
    new Promise<CdpReply>((resolve) => {
      const id = next++;
      waiting.set(`${sessionId}:${id}`, resolve);
      bs.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) }).catch((e: unknown) => {
        waiting.delete(`${sessionId}:${id}`);
        resolve({ error: { message: e instanceof Error ? e.message : String(e) } });
      });
    });
  const evaluateIn = async <T>(sessionId: string, expression: string): Promise<T> => {
    const r = (await send(sessionId, "Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true })) as {
      result?: { result?: { value?: T }; exceptionDetails?: { exception?: { description?: string }; text?: string } };
      error?: { message?: string };
    };
    if (r.error) throw new Error(`CDP: ${r.error.message}`);
    if (r.result?.exceptionDetails) {
      throw new Error(`in target: ${r.result.exceptionDetails.exception?.description ?? r.result.exceptionDetails.text}`);
    }
    return r.result?.result?.value as T;
  };
  return { send, evaluateIn };
}

/**
 * Opens the real DevTools window on `page` and has its frontend show `panel` (a tab id of its
 * InspectorView: "elements", "console", or an extension panel's id once it is registered).
 * Returns the DevTools target and a session attached to it.
 */
async function openFrontend(ctx: BrowserContext, bs: CDPSession, client: ReturnType<typeof targetClient>, page: Page, panel: string): Promise<{ devtoolsId: string; dt: string }> {
  const { targetId: devtoolsId } = (await bs.send("Target.openDevTools", { targetId: await targetIdOf(ctx, page) })) as { targetId: string };
  const { sessionId: dt } = (await bs.send("Target.attachToTarget", { targetId: devtoolsId, flatten: false })) as { sessionId: string };
  for (let i = 0; i < 200; i++) {
    // the DevTools target starts as about:blank (readyState "complete" too, but no DevTools
    // modules to import from): wait for the devtools:// document itself
    const state = await client.evaluateIn<string>(dt, "location.protocol + document.readyState").catch(() => "");
    if (state === "devtools:complete") break;
    await sleep(50);
  }
  await client.evaluateIn(dt, `(async () => {
    const { InspectorView } = await import('./ui/legacy/legacy.js');
    let view;
    // readyState is 'complete' before DevTools has its settings: retry until it is up
    for (let i = 0; i < 300 && !view; i++) {
      try { view = InspectorView.InspectorView.instance(); } catch { await new Promise((r) => setTimeout(r, 50)); }
    }
    if (!view) view = InspectorView.InspectorView.instance();
    const id = ${JSON.stringify(panel)};
    for (let i = 0; i < 300 && !view.tabbedPane.tabIds().includes(id); i++) await new Promise((r) => setTimeout(r, 50));
    if (!view.tabbedPane.tabIds().includes(id)) throw new Error('no ' + id + ' tab: ' + view.tabbedPane.tabIds().join(','));
    await view.showPanel(id);
  })()`);
  return { devtoolsId, dt };
}

/**
 * Closes a DevTools window and waits until its target is gone: `Target.closeTarget` answers
 * before the window has closed, and a DevTools opened on the same page meanwhile is handed
 * the closing one's target id, which then fails to attach ("No target with given id found",
 * seen once in CI when a test reopened the panel right after closing it).
 */
async function closeFrontend(bs: CDPSession, devtoolsId: string): Promise<void> {
  await bs.send("Target.closeTarget", { targetId: devtoolsId }).catch(() => {});
  for (let i = 0; i < 100; i++) {
    const r = (await bs.send("Target.getTargets").catch(() => null)) as { targetInfos: Array<{ targetId: string }> } | null;
    if (!r || !r.targetInfos.some((t) => t.targetId === devtoolsId)) return;
    await sleep(50);
  }
  throw new Error(`the DevTools window ${devtoolsId} did not close within 5 s`);
}

/**
 * Opens the real DevTools window on `page` (any context of the browser, extension or not) and
 * shows `panel` (default: Elements, DevTools' own default), driven exactly as `openPanel` below
 * drives it to the Socket.IO tab — the benches compare the two, and the way DevTools is driven
 * alone moved their ratios by ~5% (a frontend that was evaluated in vs one that was not).
 * Returns how to close it.
 */
export async function openDevTools(ctx: BrowserContext, page: Page, panel = "elements"): Promise<() => Promise<void>> {
  const bs = await ctx.browser()!.newBrowserCDPSession();
  const { devtoolsId } = await openFrontend(ctx, bs, targetClient(bs), page, panel);
  return async () => {
    await closeFrontend(bs, devtoolsId);
    await bs.detach().catch(() => {});
  };
}

/** How every Chromium of the tests and benches starts: a fresh persistent (regular) profile. */
function launchProfile(extArgs: string[], headless: boolean, signals = true): Promise<{ ctx: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), "socket-scope-chrome-"));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless,
    // signals: false when the caller closes the browser on Ctrl+C itself (npm start --open):
    // Playwright's own handler would exit the process before the profile is removed
    handleSIGINT: signals,
    handleSIGTERM: signals,
    handleSIGHUP: signals,
    viewport: null,
    // Playwright switches the back/forward cache off; the browsers people use have it on, and
    // the extension must cope with pages that leave into it and come back (ext-chrome.test.ts).
    ignoreDefaultArgs: ["--disable-back-forward-cache"],
    args: [...(headless ? ["--headless=new"] : []), ...extArgs, "--disable-background-networking", "--no-first-run"],
  }).then((ctx) => ({ ctx, profile }));
}

/**
 * The same Chromium as `launchChrome`, same flags and the same kind of profile, without any
 * extension: the benches' side "without the extension". (An off-the-record context of the
 * extension's own browser is not that: its page measured ~5% faster than a regular profile's
 * with no extension anywhere.)
 */
export async function launchPlainChrome({ headless = true } = {}): Promise<{ ctx: BrowserContext; profileDir: string; close(): Promise<void> }> {
  const { ctx, profile } = await launchProfile([], headless);
  return {
    ctx,
    profileDir: profile,
    async close() {
      await ctx.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A helper extension whose only power is chrome.management (switching other extensions off and
 * on): an idle page, kept open in a tab of its own, evaluates the calls. Its worker is empty
 * (there only so that its id can be read from the worker's URL); it has no content script or
 * DevTools page, so it costs a page nothing either way.
 */
function writeSwitcher(): string {
  const dir = mkdtempSync(join(tmpdir(), "socket-scope-switcher-"));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ manifest_version: 3, name: "Socket Scope bench switch", version: "1", permissions: ["management"], background: { service_worker: "switch-sw.js" } }));
  writeFileSync(join(dir, "switch-sw.js"), "");
  writeFileSync(join(dir, "switch.html"), "<!doctype html><title>switch</title>");
  return dir;
}

export async function launchChrome(ext: string, { headless = true, switchable = false, signals = true } = {}): Promise<ChromeExt> {
  const switcher = switchable ? writeSwitcher() : undefined;
  const dirs = switcher ? `${ext},${switcher}` : ext;
  const { ctx, profile } = await launchProfile([`--disable-extensions-except=${dirs}`, `--load-extension=${dirs}`], headless, signals);
  const worker = async (file: string) => {
    const is = (w: { url(): string }) => w.url().endsWith(file);
    const w = ctx.serviceWorkers().find(is) ?? (await ctx.waitForEvent("serviceworker", { predicate: is }));
    return new URL(w.url()).host;
  };
  const extId = await worker("/background.js");
  // both workers start when the extensions are installed, at launch
  const switchId = switcher ? await worker("/switch-sw.js") : undefined;
  let switchPage: Page | undefined;
  const bs = await ctx.browser()!.newBrowserCDPSession();

  const client = targetClient(bs);
  const { send, evaluateIn } = client;
  const iframeTargets = async () =>
    ((await bs.send("Target.getTargets")).targetInfos as Array<{ targetId: string; type: string; url: string }>)
      .filter((t) => t.type === "iframe" && t.url.startsWith(`chrome-extension://${extId}/panel.html`))
      .map((t) => t.targetId);

  const api: ChromeExt = {
    ctx,
    extId,
    profileDir: profile,
    browserSession: bs,
    async openPanel(page) {
      const before = new Set(await iframeTargets());
      const { devtoolsId, dt } = await openFrontend(ctx, bs, client, page, `chrome-extension://${extId}${PANEL_TITLE}`);
      let frame: string | undefined;
      for (let i = 0; i < 200 && !frame; i++) {
        frame = (await iframeTargets()).find((t) => !before.has(t));
        if (!frame) await sleep(50);
      }
      if (!frame) throw new Error("the panel iframe target never appeared");
      const { sessionId: ps } = (await bs.send("Target.attachToTarget", { targetId: frame, flatten: false })) as { sessionId: string };
      for (let i = 0; i < 200; i++) {
        const ok = await evaluateIn<boolean>(ps, "typeof window.__socketScopePanel === 'object'").catch(() => false);
        if (ok) break;
        await sleep(50);
      }
      const panel: Panel = {
        evaluate: (e) => evaluateIn(ps, e),
        snapshot: () => evaluateIn<PanelSnapshot>(ps, "window.__socketScopePanel.snapshot()"),
        async waitFor(pred, ms = 10_000) {
          const end = Date.now() + ms;
          let s = await panel.snapshot();
          while (!pred(s)) {
            if (Date.now() > end) throw new Error(`panel never reached the expected state; last snapshot: ${JSON.stringify(s).slice(0, 4000)}`);
            await sleep(100);
            s = await panel.snapshot();
          }
          return s;
        },
        async screenshot() {
          const r = (await send(dt, "Page.captureScreenshot", { format: "png" })) as { result?: { data?: string } };
          return Buffer.from(r.result?.data ?? "", "base64");
        },
        close: () => closeFrontend(bs, devtoolsId),
      };
      return panel;
    },
    async workerTargets() {
      return ((await bs.send("Target.getTargets")).targetInfos as Array<{ targetId: string; type: string; url: string }>)
        .filter((t) => t.type === "service_worker" && t.url.startsWith(`chrome-extension://${extId}/`))
        .map((t) => t.targetId);
    },
    async stopWorker(page) {
      // The relay restarts a stopped worker within milliseconds while the page talks, so
      // "stopped" is read from the ServiceWorker domain's status events, not from polling targets.
      const cdp = await ctx.newCDPSession(page);
      const script = `chrome-extension://${extId}/background.js`;
      let stopped = false;
      cdp.on("ServiceWorker.workerVersionUpdated", (ev: { versions: Array<{ scriptURL: string; runningStatus: string }> }) => {
        if (ev.versions.some((v) => v.scriptURL === script && v.runningStatus === "stopped")) stopped = true;
      });
      await cdp.send("ServiceWorker.enable");
      await cdp.send("ServiceWorker.stopAllWorkers");
      for (let i = 0; i < 100 && !stopped; i++) await sleep(50);
      await cdp.detach();
      if (!stopped) throw new Error("the service worker did not stop");
    },
    async setEnabled(on) {
      if (!switchId) throw new Error("launchChrome(…, { switchable: true }) is needed to switch the extension");
      if (!switchPage) {
        switchPage = await ctx.newPage();
        await switchPage.goto(`chrome-extension://${switchId}/switch.html`);
      }
      const state = await switchPage.evaluate(async ([id, want]) => {
        const m = (globalThis as any).chrome.management;
        await m.setEnabled(id, want);
        return (await m.get(id)).enabled as boolean;
      }, [extId, on] as const);
      if (state !== on) throw new Error(`the extension is still ${state ? "on" : "off"}`);
    },
    async close() {
      await ctx.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
      if (switcher) rmSync(switcher, { recursive: true, force: true });
    },
  };
  return api;
}
