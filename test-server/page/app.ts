// The demo app: a chat with rooms and a live ticker on the real client of one line, a control
// strip to switch line/transport/parser and run the scenarios, and `window.demo` for tests.
// All text goes through textContent: nothing the network sends is ever parsed as HTML.
import {
  LINES, TRANSPORTS, clientLineOf, pageQuery, parsePageQuery, variantOf,
  type Line, type PageConfig, type PageOptions, type ScenarioName, type ScenarioResult, type Transport,
} from "../shared.ts";
import type { ClientLine, Sock } from "./client.ts";
import { SCENARIOS, aboutScenario, scenariosFor, type ScenarioEnv } from "./scenarios.ts";

export interface DemoApi {
  ready: Promise<void>;
  scenarios: string[];
  run(name: string, opts?: Record<string, unknown>): Promise<ScenarioResult>;
  options: PageOptions;
  client: { line: Line; version: string };
  serverUrl: string;
  /** The main socket's current transport name ("polling", "websocket"; 0.9: "xhr-polling", "websocket"). */
  transport(): string;
  connected(): boolean;
  /** Emits on the main socket with an ack callback; resolves with the ack's arguments (for tests and the console). */
  call(event: string, args: unknown[], timeoutMs?: number): Promise<unknown[]>;
  results: Record<string, ScenarioResult & { ms: number }>;
}

declare global {
  interface Window { demo: DemoApi }
}

type Child = Node | string | null | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c) el.append(c);
  return el;
}

const ROOMS = ["lobby", "random", "dev-talk"];
const NICKS = ["ada", "linus", "grace", "ken", "barbara", "dennis", "margaret"];

function readConfig(): PageConfig {
  const el = document.getElementById("demo-config");
  return JSON.parse(el?.textContent ?? "{}") as PageConfig;
}

export function boot(make: (parser: "default" | "msgpack") => ClientLine): void {
  // A JSONP long-poll is a <script> that stays pending: started before `load`, it holds the page's
  // load event (and spinner) hostage, so JSONP pages connect once loaded, as apps of that era did.
  const jsonp = new URLSearchParams(location.search).get("transport") === "polling-jsonp";
  if (jsonp && document.readyState !== "complete") {
    addEventListener("load", () => start(make), { once: true });
    return;
  }
  start(make);
}

function start(make: (parser: "default" | "msgpack") => ClientLine): void {
  const parsed = parsePageQuery(new URLSearchParams(location.search));
  if ("error" in parsed) {
    document.body.append(h("p", { class: "fatal" }, parsed.error));
    return;
  }
  const page = parsed;
  const config = readConfig();
  const port = config.ports[`${page.line}/${variantOf(page)}`];
  const base = `${location.protocol}//${location.hostname}:${port}`;
  const client = make(page.parser);
  if (client.line !== clientLineOf(page)) throw new Error("bundle/line mismatch");

  // ------------------------------------------------------------ layout
  const logList = h("ol", { class: "log", "aria-live": "polite" });
  const log = (msg: string) => {
    const li = h("li", {}, h("time", {}, new Date().toLocaleTimeString()), " ", msg);
    logList.prepend(li);
    while (logList.childElementCount > 80) logList.lastElementChild?.remove();
  };

  const status = h("span", { class: "status connecting" }, "connecting…");
  const header = h("header", {},
    h("div", { class: "brand" }, h("span", { class: "logo" }, "◉"), " Socket Scope ", h("span", { class: "muted" }, "demo")),
    h("div", { class: "meta" },
      h("span", { class: "pill" }, `server ${page.line}.x · ${variantOf(page)}`),
      h("span", { class: "pill" }, `client ${client.version}`),
      status));

  // control strip
  const select = (name: string, values: readonly string[], current: string, label: (v: string) => string) => {
    const s = h("select", { name, "aria-label": name });
    for (const v of values) {
      const o = h("option", { value: v }, label(v));
      if (v === current) o.selected = true;
      s.append(o);
    }
    return s;
  };
  const lineSel = select("line", LINES, page.line, (v) => (v === "0.9" ? "Socket.IO 0.9" : `Socket.IO ${v}.x`));
  const trSel = select("transport", TRANSPORTS, page.transport, (v) => v);
  const parserSel = select("parser", ["default", "msgpack"], page.parser, (v) => `${v} parser`);
  const check = (name: string, on: boolean, label: string) => {
    const c = h("input", { type: "checkbox", name });
    c.checked = on;
    return { box: c, el: h("label", { class: "check" }, c, " ", label) };
  };
  const recovery = check("recovery", page.recovery, "state recovery (4.x)");
  const eio3 = check("eio3", page.eio3, "2.x client → 4.x (allowEIO3)");
  const go = () => {
    const o: PageOptions = {
      line: lineSel.value as Line,
      transport: trSel.value as Transport,
      parser: parserSel.value as "default" | "msgpack",
      recovery: recovery.box.checked,
      eio3: eio3.box.checked,
    };
    // Keep what was just chosen; drop other choices that do not fit it (e.g. msgpack on 1.x).
    const tries: PageOptions[] = [
      o,
      { ...o, recovery: o.recovery && !page.recovery, eio3: o.eio3 && !page.eio3, parser: o.parser !== page.parser ? o.parser : "default" },
      { ...o, transport: "polling-upgrade", parser: "default", recovery: false, eio3: false },
      { line: o.line, transport: "polling-upgrade", parser: "default", recovery: false, eio3: false },
    ];
    for (const t of tries) {
      const q = pageQuery(t);
      const err = parsePageQuery(new URLSearchParams(q));
      if (!("error" in err)) { location.search = q; return; }
      log(`cannot switch: ${err.error}`);
    }
  };
  // Grey out what this line/variant cannot do.
  const fits = (patch: Partial<PageOptions>) => !("error" in parsePageQuery(new URLSearchParams(pageQuery({ ...page, ...patch }))));
  for (const opt of Array.from(trSel.options)) opt.disabled = !fits({ transport: opt.value as Transport });
  for (const opt of Array.from(parserSel.options)) opt.disabled = !fits({ parser: opt.value as "default" | "msgpack", recovery: false, eio3: false });
  recovery.box.disabled = !fits({ recovery: true, parser: "default", eio3: false });
  eio3.box.disabled = !fits({ eio3: true, parser: "default", recovery: false });
  for (const el of [lineSel, trSel, parserSel, recovery.box, eio3.box]) el.addEventListener("change", go);

  const chips = new Map<string, HTMLElement>();
  const scenarioBar = h("div", { class: "scenarios" });
  const controls = h("section", { class: "controls" },
    h("div", { class: "row" }, lineSel, trSel, parserSel, recovery.el, eio3.el),
    scenarioBar);

  // chat
  let room = "lobby";
  const nick = (new URLSearchParams(location.search).get("nick") ?? "").slice(0, 40) || (NICKS[Math.floor(Math.random() * NICKS.length)] ?? "anon");
  const roomList = h("ul", { class: "rooms" });
  const messages = h("ol", { class: "messages" });
  const input = h("input", { type: "text", placeholder: `Message #${room} as ${nick}`, maxlength: "500", "aria-label": "message" });
  const form = h("form", { class: "composer" }, input, h("button", { type: "submit" }, "Send"));
  const chat = h("section", { class: "card chat" },
    h("h2", {}, "Chat"),
    h("div", { class: "chat-body" }, roomList, h("div", { class: "thread" }, messages, form)));

  // ticker
  const tickerRows = new Map<string, { price: HTMLElement; change: HTMLElement; row: HTMLElement }>();
  const tickerBody = h("tbody");
  const ticker = h("section", { class: "card ticker" },
    h("h2", {}, "Live ticker ", h("span", { class: "muted small" }, "/ticker")),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "symbol"), h("th", {}, "price"), h("th", {}, "change"))), tickerBody));

  const resultsList = h("ul", { class: "results" });
  const results = h("section", { class: "card" }, h("h2", {}, "Scenario results"), resultsList);

  document.body.append(header, controls,
    h("main", {}, chat, h("div", { class: "side" }, ticker, results)),
    h("section", { class: "card logcard" }, h("h2", {}, "Event log"), logList));

  // ------------------------------------------------------------ sockets
  const main: Sock = client.open(base, "/", {}, page.transport);
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => { readyResolve = r; });
  const setStatus = (cls: string, text: string) => { status.className = `status ${cls}`; status.textContent = text; };
  main.onState((e) => {
    if (e.kind === "connect") {
      setStatus("up", `connected · ${main.transportName()}`);
      log(`main socket connected (${main.transportName()}, session ${main.engineId() ?? "?"})`);
      main.call("join", [room], 5000).catch(() => {});
      readyResolve();
    } else if (e.kind === "disconnect") {
      setStatus("down", `disconnected · ${e.reason}`);
      log(`main socket disconnected: ${e.reason}`);
    } else if (e.kind === "reconnect") {
      log("main socket reconnected");
    } else {
      log(`main socket ${e.kind}: ${e.message}`);
    }
  });
  // Keep the status line honest when the transport upgrades after the connect.
  const poll = setInterval(() => { if (main.connected()) setStatus("up", `connected · ${main.transportName()}`); }, 1000);
  addEventListener("pagehide", () => clearInterval(poll));

  main.on("server-asks", (payload: unknown, ack: unknown) => {
    if (typeof ack === "function") ack(`${String(payload)} → pong`);
  });
  main.on("chat", (m: unknown) => {
    const msg = (m ?? {}) as { room?: string; nick?: string; text?: string; ts?: number };
    if (msg.room !== room) return;
    const mine = msg.nick === nick;
    messages.append(h("li", { class: mine ? "mine" : "" },
      h("span", { class: "nick" }, String(msg.nick ?? "?")),
      h("span", { class: "text" }, String(msg.text ?? "")),
      h("time", {}, new Date(msg.ts ?? Date.now()).toLocaleTimeString())));
    messages.scrollTop = messages.scrollHeight;
  });
  const renderRooms = () => {
    roomList.replaceChildren(...ROOMS.map((r) => {
      const b = h("button", { type: "button", class: r === room ? "active" : "" }, `# ${r}`);
      b.addEventListener("click", () => {
        room = r;
        messages.replaceChildren();
        input.placeholder = `Message #${room} as ${nick}`;
        renderRooms();
        main.call("join", [room], 5000).then(() => log(`joined #${room}`), () => log(`join #${room} failed`));
      });
      return h("li", {}, b);
    }));
  };
  renderRooms();
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    main.emit("chat", { room, nick, text });
    input.value = "";
  });

  const tickerSock = client.open(base, "/ticker", {}, page.transport);
  tickerSock.on("tick", (t: unknown) => {
    const k = (t ?? {}) as { symbol?: string; price?: number; change?: number };
    const sym = String(k.symbol ?? "?");
    let row = tickerRows.get(sym);
    if (!row) {
      const price = h("td", { class: "num" });
      const change = h("td", { class: "num" });
      const tr = h("tr", {}, h("td", { class: "sym" }, sym), price, change);
      tickerBody.append(tr);
      row = { price, change, row: tr };
      tickerRows.set(sym, row);
    }
    const c = Number(k.change ?? 0);
    row.price.textContent = Number(k.price ?? 0).toFixed(2);
    row.change.textContent = `${c >= 0 ? "▲" : "▼"} ${Math.abs(c).toFixed(2)}`;
    row.change.className = `num ${c >= 0 ? "up" : "down"}`;
  });

  // ------------------------------------------------------------ scenarios
  const env: ScenarioEnv = { client, page, base, main, maxHttpBufferSize: config.maxHttpBufferSize, log };
  const names = scenariosFor(env);
  const resultsStore: DemoApi["results"] = {};
  const run = async (name: string, opts: Record<string, unknown> = {}): Promise<ScenarioResult> => {
    const sc = SCENARIOS[name as ScenarioName];
    if (!sc || !names.includes(name as ScenarioName)) throw new Error(`unknown scenario "${name}" for this page (available: ${names.join(", ")})`);
    const chip = chips.get(name);
    chip?.setAttribute("data-state", "running");
    log(`scenario ${name}: running`);
    const t0 = performance.now();
    let result: ScenarioResult;
    try {
      await ready;
      result = await sc.run(env, opts);
    } catch (e) {
      result = { ok: false, details: { error: e instanceof Error ? e.message : String(e) } };
    }
    const ms = Math.round(performance.now() - t0);
    resultsStore[name] = { ...result, ms };
    chip?.setAttribute("data-state", result.ok ? "ok" : "fail");
    log(`scenario ${name}: ${result.ok ? "passed" : "FAILED"} in ${ms} ms`);
    const details = h("pre", {}, JSON.stringify(result.details, null, 1).slice(0, 2000));
    const item = h("li", { class: result.ok ? "ok" : "fail" },
      h("details", {}, h("summary", {}, h("b", {}, result.ok ? "✓ " : "✗ "), name, h("span", { class: "muted" }, ` ${ms} ms`)), details));
    resultsList.prepend(item);
    return result;
  };
  for (const name of names) {
    const b = h("button", { type: "button", class: "chip", title: aboutScenario(name) }, name);
    b.addEventListener("click", () => { void run(name); });
    chips.set(name, b);
    scenarioBar.append(b);
  }

  const autorun = new URLSearchParams(location.search).get("run");
  if (autorun) void ready.then(() => run(autorun)).catch((e: unknown) => log(String(e)));

  window.demo = {
    ready,
    scenarios: names,
    run,
    options: page,
    client: { line: client.line, version: client.version },
    serverUrl: base,
    transport: () => main.transportName(),
    connected: () => main.connected(),
    call: (event, args, timeoutMs = 5000) => main.call(String(event), Array.isArray(args) ? args : [], timeoutMs),
    results: resultsStore,
  };
}
