// The serialisable view of the session model: the JSON document `socket-scope analyze --json`
// prints, and what the panel can store or export. Binary values become {"$binary": base64}.
import { bytesToBase64 } from "../capture.ts";
import type { EioRevision, ParserKind, SioRevision } from "../types.ts";
import type { SessionModel, FailedHandshake } from "./model.ts";
import type { CloseReason, Diagnostic, EioSession, HeartbeatStats, NamespaceTransition, TransportName, TransportRecord } from "./types.ts";

export interface EventReport {
  dir: "out" | "in";
  name: string;
  args: unknown[];
  ackId: number | null;
  ack: { args: unknown[]; latencyMs: number; cut?: number } | null;
  ts: number;
  binary: boolean;
  /** Present when the capture kept only the start of the event (EventRecord.cut): its whole length. */
  cut?: number;
  offset: string | null;
  buffered: boolean;
  beforeConnect: boolean;
  transport: TransportName;
  frames: number[];
}

export interface NamespaceReport {
  nsp: string;
  state: "connecting" | "connected" | "disconnected" | "refused";
  socketId: string | null;
  query: string | null;
  pid: string | null;
  recovered: boolean;
  error: unknown;
  history: NamespaceTransition[];
  events: EventReport[];
  /** Present when the model's maxEventsPerNamespace dropped the oldest events (how many). */
  eventsDropped?: number;
}

export interface ConnectionReport {
  key: string;
  url: string;
  engineio: EioRevision | null;
  socketio: SioRevision;
  parser: ParserKind;
  sid: string | null;
  transports: TransportName[];
  upgraded: boolean;
  pingInterval: number | null;
  pingTimeout: number | null;
  maxPayload: number | null;
  state: "handshaking" | "open" | "closed";
  startedAt: number;
  openedAt: number | null;
  closedAt: number | null;
  closeReason: CloseReason | null;
  transportDetails: TransportRecord[];
  heartbeat: HeartbeatStats;
  noops: number;
  reconnect: { chain: string; prev: string | null; next: string | null; prevSid: string | null; nextSid: string | null; linkedBy: string | null };
  partial: boolean;
  namespaces: NamespaceReport[];
  diagnostics: number[];
}

export interface Report {
  tool: "socket-scope";
  version: 1;
  connections: ConnectionReport[];
  diagnostics: Diagnostic[];
  /** Present when the model's maxDiagnostics dropped the oldest diagnostics (how many). */
  diagnosticsDropped?: number;
  failedHandshakes: FailedHandshake[];
  summary: { connections: number; namespaces: number; events: number; acks: number; diagnostics: { error: number; warning: number; info: number } };
}

/**
 * A transport as the panel and the CLI name it: "websocket", "polling (via fetch)", "polling
 * (jsonp, via script+form)", 0.9's "polling (xhr-polling, via xhr)". The variant is what the
 * wire says; the APIs, what the page used (empty when the recorder did not say).
 */
export function transportLabel(t: Pick<TransportRecord, "name" | "variant" | "apis">): string {
  const parts: string[] = [];
  if (t.variant) parts.push(t.variant);
  if (t.apis.length) parts.push(`via ${t.apis.join("+")}`);
  return parts.length ? `${t.name} (${parts.join(", ")})` : t.name;
}

/** JSON-safe copy of a decoded value: bytes → {"$binary"}, undefined → null, Map/Date handled. */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (v === undefined) return null;
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return { $binary: bytesToBase64(v) };
  if (v instanceof ArrayBuffer) return { $binary: bytesToBase64(new Uint8Array(v)) };
  if (ArrayBuffer.isView(v)) return { $binary: bytesToBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString() : null;
  if (depth > 64) return "[too deep]";
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = jsonSafe(x, depth + 1);
    return o;
  }
  if (typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v as object)) o[k] = jsonSafe((v as Record<string, unknown>)[k], depth + 1);
    return o;
  }
  return String(v);
}

function endState(s: string): NamespaceReport["state"] {
  return s === "disconnecting" ? "disconnected" : (s as NamespaceReport["state"]);
}

export function sessionReport(model: SessionModel, s: EioSession): ConnectionReport {
  const names: TransportName[] = [];
  for (const t of s.transports) {
    // "used" = carried the session: the first transport, or one the session upgraded to.
    if (t.probe !== null && t.probe !== "upgraded") continue;
    if (!names.includes(t.name)) names.push(t.name);
  }
  const prev = s.prev ? model.session(s.prev) : undefined;
  const next = s.next ? model.session(s.next) : undefined;
  return {
    key: s.key,
    url: s.url,
    engineio: s.eio,
    socketio: s.sio,
    parser: s.parser,
    sid: s.sid,
    transports: names,
    upgraded: s.upgraded,
    pingInterval: s.pingInterval,
    pingTimeout: s.pingTimeout,
    maxPayload: s.maxPayload,
    state: s.state,
    startedAt: s.startedAt,
    openedAt: s.openedAt,
    closedAt: s.closedAt,
    closeReason: s.closeReason ? { ...s.closeReason, frames: [...s.closeReason.frames] } : null,
    transportDetails: s.transports.map((t) => ({ ...t, apis: [...t.apis] })),
    heartbeat: { ...s.heartbeat },
    noops: s.noops,
    reconnect: { chain: s.chain, prev: s.prev, next: s.next, prevSid: prev?.sid ?? null, nextSid: next?.sid ?? null, linkedBy: s.linkedBy },
    partial: s.partial,
    namespaces: [...s.namespaces.values()].map((ns) => ({
      nsp: ns.nsp,
      state: endState(ns.state),
      socketId: ns.socketId,
      query: ns.query,
      pid: ns.pid,
      recovered: ns.recovered,
      error: jsonSafe(ns.error),
      history: ns.history.map((h) => ({ ...h })),
      ...(ns.eventsDropped ? { eventsDropped: ns.eventsDropped } : {}),
      events: ns.events.map((e) => ({
        dir: e.dir,
        name: e.name,
        args: jsonSafe(e.args) as unknown[],
        ackId: e.ackId,
        ack: e.ack ? { args: jsonSafe(e.ack.args) as unknown[], latencyMs: Math.round(e.ack.latencyMs * 1000) / 1000, ...(e.ack.cut !== null ? { cut: e.ack.cut } : {}) } : null,
        ts: e.ts,
        binary: e.binary || (e.ack?.binary ?? false),
        ...(e.cut !== null ? { cut: e.cut } : {}),
        offset: e.offset,
        buffered: e.buffered,
        beforeConnect: e.beforeConnect,
        transport: e.transport,
        frames: [...e.frames],
      })),
    })),
    diagnostics: [...s.diagnostics],
  };
}

export function buildReport(model: SessionModel): Report {
  const connections = model.sessions.map((s) => sessionReport(model, s));
  let namespaces = 0;
  let events = 0;
  let acks = 0;
  for (const c of connections) {
    namespaces += c.namespaces.length;
    for (const n of c.namespaces) {
      events += n.events.length;
      for (const e of n.events) if (e.ack) acks++;
    }
  }
  const sev = { error: 0, warning: 0, info: 0 };
  for (const d of model.diagnostics) sev[d.severity]++;
  return {
    tool: "socket-scope",
    version: 1,
    connections,
    diagnostics: model.diagnostics.map((d) => ({ ...d, frames: [...d.frames] })),
    ...(model.diagnosticsDropped ? { diagnosticsDropped: model.diagnosticsDropped } : {}),
    failedHandshakes: model.failedHandshakes.map((f) => ({ ...f })),
    summary: { connections: connections.length, namespaces, events, acks, diagnostics: sev },
  };
}
