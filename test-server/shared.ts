// Shared by the demo server (Node) and the demo pages (browser): no Node or DOM imports here.

export type Line = "0.9" | "1" | "2" | "3" | "4";
export type Variant = "default" | "msgpack" | "recovery" | "eio3";
/** Client transport choice. polling-jsonp: JSONP long-polling (0.9 `jsonp-polling`, 1.x–3.x
 *  `forceJSONP`; engine.io-client 6 dropped it). polling-base64: `forceBase64` (1.x–4.x), binary as base64 text.
 *  polling-fetch: long-polling over `fetch()` instead of XMLHttpRequest (engine.io-client 6.6's `Fetch`
 *  transport, which socket.io-client 4.8 takes in `transports`; 4.x only). */
export type Transport = "polling-upgrade" | "websocket" | "polling" | "polling-jsonp" | "polling-base64" | "polling-fetch";
export type ParserName = "default" | "msgpack";

export const LINES: readonly Line[] = ["0.9", "1", "2", "3", "4"];
export const TRANSPORTS: readonly Transport[] = ["polling-upgrade", "websocket", "polling", "polling-jsonp", "polling-base64", "polling-fetch"];

/** Server variants of each line, in the order their fixed ports are assigned (base port + 1 …). */
export const SERVER_VARIANTS: readonly { line: Line; variant: Variant }[] = [
  { line: "0.9", variant: "default" },
  { line: "1", variant: "default" },
  { line: "2", variant: "default" },
  { line: "2", variant: "msgpack" },
  { line: "3", variant: "default" },
  { line: "3", variant: "msgpack" },
  { line: "4", variant: "default" },
  { line: "4", variant: "msgpack" },
  { line: "4", variant: "recovery" },
  { line: "4", variant: "eio3" },
];

/** What the page is asked for in its URL query. */
export interface PageOptions {
  line: Line;
  transport: Transport;
  parser: ParserName;
  recovery: boolean;
  eio3: boolean;
}

/** The bundle (client line) a page runs: the eio3 variant runs the 2.x client against the 4.x server. */
export function clientLineOf(o: PageOptions): Line {
  return o.eio3 ? "2" : o.line;
}

export function variantOf(o: PageOptions): Variant {
  if (o.eio3) return "eio3";
  if (o.recovery) return "recovery";
  if (o.parser === "msgpack") return "msgpack";
  return "default";
}

/** Parses a page query; returns a one-line error for combinations no server exists for. */
export function parsePageQuery(q: URLSearchParams): PageOptions | { error: string } {
  const line = (q.get("line") ?? "4") as Line;
  if (!LINES.includes(line)) return { error: `unknown line "${line}" (known: ${LINES.join(", ")})` };
  const transport = (q.get("transport") ?? "polling-upgrade") as Transport;
  if (!TRANSPORTS.includes(transport)) return { error: `unknown transport "${transport}" (known: ${TRANSPORTS.join(", ")})` };
  const parser = (q.get("parser") ?? "default") as ParserName;
  if (parser !== "default" && parser !== "msgpack") return { error: `unknown parser "${parser}" (known: default, msgpack)` };
  const flag = (k: string) => q.get(k) === "1" || q.get(k) === "true";
  const o: PageOptions = { line, transport, parser, recovery: flag("recovery"), eio3: flag("eio3") };
  const variant = variantOf(o);
  if ([o.recovery, o.eio3, o.parser === "msgpack"].filter(Boolean).length > 1) {
    return { error: "choose at most one of parser=msgpack, recovery=1, eio3=1" };
  }
  const client = clientLineOf(o);
  if (transport === "polling-jsonp" && client === "4") return { error: "the 4.x client has no JSONP polling (polling-jsonp: lines 0.9, 1, 2, 3 and eio3)" };
  if (transport === "polling-base64" && client === "0.9") return { error: "0.9 has no binary, so no polling-base64 (lines 1–4)" };
  if (transport === "polling-fetch" && client !== "4") return { error: "only the 4.x client polls over fetch() (polling-fetch: line 4, not eio3)" };
  if (!SERVER_VARIANTS.some((s) => s.line === line && s.variant === variant)) {
    const have = SERVER_VARIANTS.filter((s) => s.line === line).map((s) => s.variant).join(", ");
    return { error: `line ${line} has no "${variant}" server (it has: ${have})` };
  }
  return o;
}

export function pageQuery(o: Partial<PageOptions> & { line: Line }): string {
  const q = new URLSearchParams({ line: o.line });
  if (o.transport && o.transport !== "polling-upgrade") q.set("transport", o.transport);
  if (o.parser && o.parser !== "default") q.set("parser", o.parser);
  if (o.recovery) q.set("recovery", "1");
  if (o.eio3) q.set("eio3", "1");
  return q.toString();
}

/** Inlined into each page as JSON: where the line servers listen. */
export interface PageConfig {
  /** "line/variant" → port */
  ports: Record<string, number>;
  maxHttpBufferSize: number;
}

export const MAX_HTTP_BUFFER_SIZE = 1_000_000;
export const ADMIN_TOKEN = "s3cret";

export interface ScenarioResult {
  ok: boolean;
  details: unknown;
}

/** Flood limits, enforced by the server whatever the page asks. */
export const FLOOD_LIMITS = { maxRate: 20_000, maxSize: 65_536, maxCount: 50_000, maxMs: 30_000 };

export type ScenarioName =
  | "namespaces" | "events" | "acks" | "binary" | "ns-disconnect" | "reconnect"
  | "session-unknown" | "flood" | "oversized" | "rooms" | "ticker" | "recovery";

/** What each scenario exercises, and what it needs of the client line / server variant. */
export const SCENARIO_INFO: Record<ScenarioName, { about: string; needs?: "binary" | "engineio" | "recovery" }> = {
  namespaces: { about: "/admin with credentials (auth in 3.x/4.x, query in older lines) is welcomed; /admin with a wrong token and /forbidden are refused by middleware; the main socket stays up" },
  events: { about: "an event with JSON, non-ASCII and emoji arguments is echoed back unchanged" },
  acks: { about: "client→server ack, server→client ack, and an ack that never comes (times out in the page)" },
  binary: { about: "an ArrayBuffer to the server, binary inside its ack and in a server event", needs: "binary" },
  "ns-disconnect": { about: "the server disconnects the /admin namespace socket; it stays down, the main socket stays up" },
  reconnect: { about: "the server cuts the TCP connection; the client reconnects and flushes the emits buffered meanwhile, in order" },
  "session-unknown": { about: "the server restarts: the next poll carries the forgotten sid and meets 400 \"Session ID unknown\"; the client reconnects", needs: "engineio" },
  flood: { about: "the server floods events (opts: rate per s, size in bytes, count, ms; capped); all arrive, in order" },
  oversized: { about: "an event larger than maxHttpBufferSize: the server cuts the connection and never delivers it; 1.x+ clients reconnect" },
  rooms: { about: "two of three sockets join a room: a room message reaches only the other member; a broadcast reaches all three" },
  ticker: { about: "the /ticker namespace sends a price snapshot on connect, then a tick per second" },
  recovery: { about: "4.x connection-state recovery: after a cut the socket comes back with the same id and receives the events it missed", needs: "recovery" },
};

export const SCENARIO_NAMES = Object.keys(SCENARIO_INFO) as ScenarioName[];

/** Scenarios available on a page configuration. */
export function scenariosForPage(o: PageOptions): ScenarioName[] {
  const client = clientLineOf(o);
  return SCENARIO_NAMES.filter((n) => {
    const need = SCENARIO_INFO[n].needs;
    if (need === "binary" || need === "engineio") return client !== "0.9";
    if (need === "recovery") return o.recovery;
    // 0.9 over JSONP: the server cuts the oversized form POST's connection, but the session lives
    // on (its polls keep coming) and the client's writes stall: no disconnect to observe.
    if (n === "oversized" && client === "0.9" && o.transport === "polling-jsonp") return false;
    return true;
  });
}
