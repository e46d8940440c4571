// Shared by the demo server (Node) and the demo pages (browser): no Node or DOM imports here.

export type Line = "0.9" | "1" | "2" | "3" | "4";
export type Variant = "default" | "msgpack" | "recovery" | "eio3";
export type Transport = "polling-upgrade" | "websocket" | "polling";
export type ParserName = "default" | "msgpack";

export const LINES: readonly Line[] = ["0.9", "1", "2", "3", "4"];
export const TRANSPORTS: readonly Transport[] = ["polling-upgrade", "websocket", "polling"];

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
