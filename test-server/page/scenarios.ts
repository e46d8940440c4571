// The scenarios, written once over the ClientLine interface. Each one drives the real client and
// returns what it saw; `ok` is decided here, in the page, from what actually happened.
import { ADMIN_TOKEN, SCENARIO_INFO, scenariosForPage, type PageOptions, type ScenarioName, type ScenarioResult } from "../shared.ts";
import type { ClientLine, Sock, StateEvent } from "./client.ts";

export interface ScenarioEnv {
  client: ClientLine;
  page: PageOptions;
  base: string;
  main: Sock;
  maxHttpBufferSize: number;
  log(msg: string): void;
}

type Opts = Record<string, unknown>;
type Scenario = (env: ScenarioEnv, opts: Opts) => Promise<ScenarioResult>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function nextState(s: Sock, kinds: StateEvent["kind"][], ms: number): Promise<StateEvent> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { stop(); reject(new Error(`no ${kinds.join("/")} on ${s.nsp} within ${ms} ms`)); }, ms);
    const stop = s.onState((e) => {
      if (kinds.includes(e.kind)) { clearTimeout(t); stop(); resolve(e); }
    });
  });
}

function nextEvent(s: Sock, ev: string, ms: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const f = (...a: unknown[]) => { clearTimeout(t); s.off(ev, f); resolve(a); };
    const t = setTimeout(() => { s.off(ev, f); reject(new Error(`no "${ev}" on ${s.nsp} within ${ms} ms`)); }, ms);
    s.on(ev, f);
  });
}

async function connected(s: Sock, ms = 5000): Promise<void> {
  if (s.connected()) return;
  const e = await nextState(s, ["connect", "refused"], ms);
  if (e.kind === "refused") throw new Error(`refused: ${e.message}`);
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Structural equality for JSON-like values (what a round trip must preserve). */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function toBytes(x: unknown): Uint8Array | null {
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return null;
}

const rid = () => Math.random().toString(36).slice(2, 8);

// Every scenario closes the sockets it opened, whatever happens.
async function using<T>(socks: Sock[], f: () => Promise<T>): Promise<T> {
  try { return await f(); } finally { for (const s of socks) { try { s.close(); } catch { /* ignore */ } } }
}

const SAMPLE_ARGS: unknown[] = [
  { id: 7, nested: { list: [1, 2.5, null, true, "x"], empty: {} } },
  "héllo wörld — ñ, 中文, русский, עברית",
  "emoji 🎉🚀👍🏽 🏳️‍🌈 and a surrogate pair 𝄞",
  42,
  null,
];

export const SCENARIOS: Record<ScenarioName, { run: Scenario }> = {
  namespaces: {
    async run(env) {
      const viaQuery = env.client.authVia === "query";
      const open = (token?: string, nsp = "/admin") =>
        env.client.open(env.base, nsp, { token, forceNew: viaQuery }, env.page.transport);
      const good = open(ADMIN_TOKEN);
      const bad = open("wrong");
      const forbidden = env.client.open(env.base, "/forbidden", {}, env.page.transport);
      return using([good, bad, forbidden], async () => {
        const welcome = nextEvent(good, "welcome", 5000);
        const badE = nextState(bad, ["refused", "connect", "disconnect"], 5000);
        const forbE = nextState(forbidden, ["refused", "connect", "disconnect"], 5000);
        const [w, b, f] = await Promise.allSettled([welcome, badE, forbE]);
        const details = {
          welcome: w.status === "fulfilled" ? w.value[0] : errText(w.reason),
          wrongToken: b.status === "fulfilled" ? b.value : errText(b.reason),
          forbidden: f.status === "fulfilled" ? f.value : errText(f.reason),
          mainStillConnected: env.main.connected(),
        };
        const refused = (r: PromiseSettledResult<StateEvent>) => r.status === "fulfilled" && r.value.kind === "refused";
        const ok = w.status === "fulfilled" && (w.value[0] as { user?: string })?.user === "admin" && refused(b) && refused(f) && env.main.connected();
        return { ok, details };
      });
    },
  },

  events: {
    async run(env) {
      const echo = nextEvent(env.main, "echo", 5000);
      env.main.emit("echo", ...SAMPLE_ARGS);
      const got = await echo;
      // With 4.x connection-state recovery the server appends the packet offset to every event.
      const offset = env.page.recovery ? got[got.length - 1] : undefined;
      const args = env.page.recovery ? got.slice(0, -1) : got;
      const ok = same(args, SAMPLE_ARGS) && (!env.page.recovery || typeof offset === "string");
      return { ok, details: { sent: SAMPLE_ARGS, got: args, offset } };
    },
  },

  acks: {
    async run(env) {
      const c2s = await env.main.call("ack-me", [1, "ü", { x: "🎉" }], 5000).catch(errText);
      const s2c = await env.main.call("ask-client", ["ping"], 5000).catch(errText);
      const t0 = Date.now();
      const never = await env.main.call("no-ack", ["are you there?"], 300).then(() => "acked?!", errText);
      const details = { clientToServer: c2s, serverToClient: s2c, never, waitedMs: Date.now() - t0 };
      const ok = same(c2s, [1, "ü", { x: "🎉" }]) && same(s2c, [{ reply: ["ping → pong"] }]) && /no ack/.test(String(never));
      return { ok, details };
    },
  },

  binary: {
    async run(env) {
      const bytes = new Uint8Array(300);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 256;
      const expectSum = bytes.reduce((a, b) => (a + b) % 65536, 0);
      const fromServer = nextEvent(env.main, "bin", 5000);
      const [reply] = await env.main.call("bin", [bytes.buffer], 5000);
      const r = (reply ?? {}) as { len?: number; sum?: number; reversed?: unknown };
      const reversed = toBytes(r.reversed);
      const [evBytes, evMeta] = await fromServer;
      const ev = toBytes(evBytes);
      const reversedOk = !!reversed && reversed.length === bytes.length && reversed.every((b, i) => b === bytes[bytes.length - 1 - i]);
      const evOk = !!ev && same(Array.from(ev), [0, 1, 2, 253, 254, 255]);
      return {
        ok: r.len === bytes.length && r.sum === expectSum && reversedOk && evOk,
        details: { len: r.len, sum: r.sum, expectSum, reversedOk, serverEvent: ev ? Array.from(ev) : String(evBytes), evMeta },
      };
    },
  },

  "ns-disconnect": {
    async run(env) {
      const viaQuery = env.client.authVia === "query";
      const s = env.client.open(env.base, "/admin", { token: ADMIN_TOKEN, forceNew: viaQuery }, env.page.transport);
      return using([s], async () => {
        await nextEvent(s, "welcome", 5000);
        const gone = nextState(s, ["disconnect"], 5000);
        s.emit("kick-me");
        const e = await gone;
        let reconnected = false;
        const stop = s.onState((x) => { if (x.kind === "connect") reconnected = true; });
        await sleep(200);
        stop();
        const reason = e.kind === "disconnect" ? e.reason : "";
        const reasonOk = env.client.line === "0.9" || reason === "io server disconnect";
        return { ok: reasonOk && !reconnected && env.main.connected(), details: { reason, reconnected, mainStillConnected: env.main.connected() } };
      });
    },
  },

  reconnect: {
    async run(env) {
      const s = env.client.open(env.base, "/", { forceNew: true }, env.page.transport);
      return using([s], async () => {
        await connected(s);
        const before = s.engineId();
        const key = rid();
        const down = nextState(s, ["disconnect"], 10000);
        s.emit("drop-me");
        const d = await down;
        const back = nextState(s, ["connect"], 10000);
        for (let i = 1; i <= 5; i++) s.emit("buffered", key, i);
        await back;
        const [tally] = await s.call("tally", [key], 5000);
        return {
          ok: same(tally, [1, 2, 3, 4, 5]) && s.engineId() !== before,
          details: { disconnect: d, tally, sessionBefore: before, sessionAfter: s.engineId(), transport: s.transportName() },
        };
      });
    },
  },

  "session-unknown": {
    async run(env) {
      // long-polling, over fetch() on a polling-fetch page
      const transport = env.page.transport === "polling-fetch" ? "polling-fetch" : "polling";
      const s = env.client.open(env.base, "/", { forceNew: true, transport }, env.page.transport);
      return using([s], async () => {
        await connected(s);
        const sid = s.engineId();
        const down = nextState(s, ["disconnect"], 8000);
        await s.call("restart", [], 5000);
        const d = await down;
        await nextState(s, ["connect"], 10000);
        // Ask the restarted server about the old session ourselves, to show what the client met.
        const probe = await fetch(`${env.base}/socket.io/?EIO=${env.client.eio}&transport=polling&sid=${encodeURIComponent(sid ?? "")}&t=${Date.now()}`);
        const body = await probe.text();
        await connected(env.main, 10000);
        return {
          ok: probe.status === 400 && /Session ID unknown/.test(body) && s.engineId() !== sid,
          details: { sid, newSid: s.engineId(), disconnect: d, probeStatus: probe.status, probeBody: body },
        };
      });
    },
  },

  flood: {
    async run(env, opts) {
      let received = 0;
      let outOfOrder = 0;
      const onFlood = (seq: unknown) => { if (seq !== received) outOfOrder++; received++; };
      env.main.on("flood", onFlood);
      try {
        const ask = { rate: opts.rate ?? 2000, size: opts.size ?? 32, count: opts.count ?? 500, ms: opts.ms ?? 5000 };
        const t0 = Date.now();
        const end = nextEvent(env.main, "flood-end", Number(ask.ms) + 15000);
        const [accepted] = await env.main.call("flood", [ask], 5000);
        const [summary] = await end;
        const ms = Date.now() - t0;
        const sent = (summary as { sent?: number }).sent;
        return {
          ok: sent === received && outOfOrder === 0 && received > 0,
          details: { accepted, sent, received, outOfOrder, ms, perSecond: Math.round((received * 1000) / Math.max(1, ms)) },
        };
      } finally {
        env.main.off("flood", onFlood);
      }
    },
  },

  oversized: {
    async run(env) {
      const s = env.client.open(env.base, "/", { forceNew: true }, env.page.transport);
      return using([s], async () => {
        await connected(s);
        const [before] = await s.call("stats", [], 5000);
        const down = nextState(s, ["disconnect"], 8000);
        s.emit("big", "x".repeat(env.maxHttpBufferSize + 100_000));
        const d = await down;
        // 1.x+ reconnect after the cut; 0.9 over WebSocket treats it as a kick and stays away.
        const reconnected = await nextState(s, ["connect"], env.client.line === "0.9" ? 500 : 10000).then(() => true, () => false);
        await connected(env.main, 10000);
        const [after] = await env.main.call("stats", [], 5000);
        const b = (before as { oversizedReceived: number }).oversizedReceived;
        const a = (after as { oversizedReceived: number }).oversizedReceived;
        return {
          ok: a === b && (reconnected || env.client.line === "0.9"),
          details: { disconnect: d, reconnected, oversizedReceivedBefore: b, oversizedReceivedAfter: a, limit: env.maxHttpBufferSize },
        };
      });
    },
  },

  rooms: {
    async run(env) {
      const [a, b, c] = [0, 1, 2].map(() => env.client.open(env.base, "/", { forceNew: true }, env.page.transport)) as [Sock, Sock, Sock];
      return using([a, b, c], async () => {
        await Promise.all([connected(a), connected(b), connected(c)]);
        const room = "room-" + rid();
        await a.call("room-join", [room], 5000);
        await b.call("room-join", [room], 5000);
        const seen: Record<string, unknown[]> = { a: [], b: [], c: [] };
        const track = (name: string, s: Sock) => s.on("room-msg", (m) => seen[name]!.push(m));
        track("a", a); track("b", b); track("c", c);
        const msg = { text: "only for the room ✨", room };
        const atB = nextEvent(b, "room-msg", 5000);
        a.emit("room-say", room, msg);
        await atB;
        // Anything wrongly sent to a or c would reach them before this broadcast does.
        const shoutTag = "shout-" + rid();
        const shouts = Promise.all([a, b, c].map((s) => nextEvent(s, "shout", 5000)));
        a.emit("shout", shoutTag);
        const got = await shouts;
        const everyone = got.every((g) => g[0] === shoutTag);
        const roomOk = seen.b!.length === 1 && same(seen.b![0], msg) && seen.a!.length === 0 && seen.c!.length === 0;
        return { ok: roomOk && everyone, details: { room, roomMessages: seen, broadcastReachedAll: everyone } };
      });
    },
  },

  ticker: {
    async run(env) {
      const s = env.client.open(env.base, "/ticker", {}, env.page.transport);
      return using([s], async () => {
        const [tick] = await nextEvent(s, "tick", 5000);
        const t = tick as { symbol?: string; price?: number };
        return { ok: typeof t.symbol === "string" && typeof t.price === "number", details: tick };
      });
    },
  },

  recovery: {
    async run(env) {
      const s = env.client.open(env.base, "/", { forceNew: true }, env.page.transport);
      return using([s], async () => {
        await connected(s);
        // The client only sends a recovery offset once it has received an event carrying one.
        const warm = nextEvent(s, "echo", 5000);
        s.emit("echo", "warm-up");
        await warm;
        const missed: unknown[] = [];
        s.on("missed", (i) => missed.push(i));
        const down = nextState(s, ["disconnect"], 10000);
        const [info] = await s.call("recovery-drop", [], 5000);
        const d = await down;
        await nextState(s, ["connect"], 10000);
        await sleep(300);
        const id = (info as { id?: string }).id;
        const raw = s.raw as { id?: string };
        return {
          ok: s.recovered() && raw.id === id && same(missed, [1, 2, 3]),
          details: { recovered: s.recovered(), idBefore: id, idAfter: raw.id, missed, disconnect: d },
        };
      });
    },
  },
};

export function scenariosFor(env: ScenarioEnv): ScenarioName[] {
  return scenariosForPage(env.page);
}

export function aboutScenario(name: ScenarioName): string {
  return SCENARIO_INFO[name].about;
}
