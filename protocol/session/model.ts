// The session model: a reducer over capture events. Feed it one event at a time with
// `apply()`; it keeps Engine.IO sessions (keyed by sid), their transports and upgrade, heartbeats,
// namespace sockets with their events and acks, reconnection chains and diagnostics.
//
// Cost: every event does a constant number of map look-ups plus the decoding of its own bytes
// (amortised O(1) per frame); nothing rescans history. Memory: what is kept (sessions, events,
// heartbeats, diagnostics) plus one entry per connection still in flight.
//
// Browser-safe: no Node imports. Never throws on hostile input: a decode failure becomes a
// diagnostic that points at the frame.
import { HTTP_APIS, dataToValue, truncatedLength, type CaptureData, type CaptureEvent, type HttpApi, type HttpRequestEvent, type HttpResponseEvent } from "../capture.ts";
import { utf8Decode, utf8Length } from "../bytes.ts";
import { isDecodeError, type DecodeError, type Direction, type EioRevision, type ParserKind } from "../types.ts";
import { detectFromUrl, type UrlShape } from "../detect.ts";
import {
  classifyHttpReply,
  decodeEioPacket,
  decodeEioPayload,
  parseEioOpen,
  WebTransportFrameDecoder,
  type EioPacket,
  type EioPayloadResult,
} from "../engineio/index.ts";
import { SioDecoder, splitRecoveryOffset, type SioPacket } from "../socketio/index.ts";
import {
  decodeSio09Payload,
  parseSio09Form,
  parseSio09HandshakeReply,
  parseSio09Jsonp,
  unwrapSio09Htmlfile,
  type Sio09Packet,
} from "../sio09/index.ts";
import type {
  Change,
  ChangeListener,
  CloseKind,
  Diagnostic,
  DiagnosticCode,
  EioSession,
  EventRecord,
  Heartbeat,
  NamespaceSocket,
  NamespaceState,
  Severity,
  TransportName,
  TransportRecord,
} from "./types.ts";
import { buildReport, type Report } from "./report.ts";

export interface SessionModelOptions {
  /** An ack still unanswered this long after its event is reported by `tick()` (ms). Default 30 s. */
  ackTimeoutMs?: number;
  /** Out events after a namespace connected, before the server sent anything else on the session and within this time, count as flushed from the client's send buffer (ms). Default 1000. */
  burstMs?: number;
  /** Tolerance added to heartbeat deadlines (ms). Default 1000. */
  heartbeatSlackMs?: number;
  /** Keep at most this many heartbeats per session (older ones are dropped; stats stay exact). Default 1000. */
  maxHeartbeats?: number;
  /**
   * Keep at most this many event records per namespace: past it the oldest quarter goes at once
   * (counted in `eventsDropped`; an ack still pending finds its event all the same). For a model
   * that lives as long as a page does (the DevTools panel). Default: no limit.
   */
  maxEventsPerNamespace?: number;
  /**
   * Keep at most this many diagnostics: past it the oldest quarter goes at once (counted in
   * `diagnosticsDropped`; ids keep counting up). An app whose every frame is flagged (a custom
   * parser, acks its server never answers) would otherwise grow a long-lived model without
   * bound. Default: no limit.
   */
  maxDiagnostics?: number;
  /**
   * Clock resolution of the capture (ms). HAR files time requests to the millisecond
   * (`startedDateTime`) and responses to the microsecond (`time`), so a page's answer posted
   * right after a poll returned can sort up to this long before the poll's response. An ack
   * that matches no event is held this long: if its event follows within it, the two are paired
   * (latency 0, the ack timed at its event) instead of reporting an unknown ack. Likewise a pong
   * before its ping, and a page CONNECT just after the reply that answered it. Default 2.
   */
  clockToleranceMs?: number;
}

/** A handshake that failed before any session existed (HTTP error, refused, version mismatch). */
export interface FailedHandshake {
  url: string;
  ts: number;
  status: number;
  reason: string;
  seq: number;
}

type Shape = {
  family: "eio" | "sio09";
  rev: EioRevision | null;
  /** Normalised: polling | websocket | webtransport. */
  transport: TransportName | null;
  variant: string | null;
  sid: string | null;
  jsonp: boolean;
  endpoint: string;
  handshake: boolean;
  disconnect: boolean;
  /** Recognised by `transport=` alone (no EIO): may be an unrelated URL. */
  weak: boolean;
};

interface HttpConn {
  kind: "http";
  shape: Shape;
  method: string;
  url: string;
  ts: number;
  seq: number;
  session: EioSession | null;
  contentType: string | undefined;
  bodySize: number;
  /** The API that made it (capture HttpRequestEvent.api), when known and valid. */
  api: HttpApi | null;
}

interface WsConn {
  kind: "ws" | "wt";
  shape: Shape;
  url: string;
  ts: number;
  seq: number;
  session: EioSession | null;
  transport: number;
  decOut: WebTransportFrameDecoder | null;
  decIn: WebTransportFrameDecoder | null;
}

type Conn = HttpConn | WsConn;

interface PendingAck {
  ev: EventRecord;
  ns: NamespaceSocket;
  flagged: boolean;
}

/** A frame or body the capture cut short, while the model reads it (see `withCut`). */
interface CutContext {
  full: number;
  kept: number;
  unit: "characters" | "bytes";
  what: string;
  seq: number;
  /** The packet being read is the last of the frame or body: the one that was cut. */
  last: boolean;
  /** Its "capture-cut" diagnostic is out. */
  told: boolean;
}

/** An ack that came before any event with its id, held for `clockToleranceMs` (see there). */
interface EarlyAck {
  s: EioSession;
  key: string;
  nsp: string;
  dir: Direction;
  ts: number;
  frames: number[];
  id: number;
  args: unknown[];
  mayBin: boolean;
  cut: number | null;
  /** Paired or reported: left in the queue, skipped when it reaches the head. */
  done: boolean;
}

/** Per-session state that is not part of the public data. */
interface Internal {
  dec: { out: SioDecoder | null; in: SioDecoder | null };
  /** Capture seqs and first ts of the messages a pending binary packet is made of, per direction. */
  partFrames: { out: number[]; in: number[] };
  partTs: { out: number; in: number };
  acks: Map<string, PendingAck>;
  /** Acks held in case their event sorts just after them (keyed as `acks`). */
  early: Map<string, EarlyAck>;
  pendingPing: Heartbeat | null;
  /** A pong that came with no ping pending, held in case its ping sorts just after it (clockToleranceMs). */
  earlyPong: { ts: number; seq: number; dir: Direction } | null;
  /** Reference point of the heartbeat deadline whose miss was already reported. */
  missedRef: number;
  /** Last time a ping in the expected direction was seen (or the open time). */
  hbRef: number | null;
  polling: number; // index of the polling transport record, -1 when none
  flushOpen: Set<string>;
  nonConformantSeen: Set<string>;
  lastDecodeErrorAt: number | null;
  versionMismatch: boolean;
  /** Key of a successor linked while this session still looked open (see linkToCandidate). */
  tentativeNext: string | null;
  /** The page disconnected its last namespace (the client then closes Engine.IO, silently on WebSocket). */
  clientLeftAt: number | null;
  /** Last Engine.IO noop (the server releasing a poll, e.g. during an upgrade). */
  lastNoopAt: number | null;
  /** Namespaces the page itself joined or emitted on. */
  usedByPage: Set<string>;
  /** Sessions shown not to be this one's predecessor. */
  rejected: Set<string>;
}

const EMPTY: readonly Change[] = [];

function opposite(d: Direction): Direction {
  return d === "out" ? "in" : "out";
}

/** Adds an exchange's API to its transport's list (capture HttpRequestEvent.api; null: unknown). */
function noteApi(t: TransportRecord, api: HttpApi | null): void {
  if (api !== null && !t.apis.includes(api)) t.apis.push(api);
}

function normaliseTransport(t: string | null | undefined): { name: TransportName | null; variant: string | null } {
  if (!t) return { name: null, variant: null };
  if (t === "websocket" || t === "flashsocket") return { name: "websocket", variant: t === "websocket" ? null : t };
  if (t === "webtransport") return { name: "webtransport", variant: null };
  if (t === "polling") return { name: "polling", variant: null };
  if (t === "xhr-polling" || t === "jsonp-polling" || t === "htmlfile" || t === "xhr-multipart") return { name: "polling", variant: t };
  return { name: null, variant: t };
}

// Polling URLs differ only by their cache buster: remember shapes by the URL without `t`.
const shapeCache = new Map<string, Shape | null>();
const T_PARAM = /([?&])t=[^&#]*&?/;

function shapeOf(url: string): Shape | null {
  const key = url.replace(T_PARAM, "$1");
  const hit = shapeCache.get(key);
  if (hit !== undefined) return hit;
  const shape = detectShape(url);
  if (shapeCache.size > 512) shapeCache.clear();
  shapeCache.set(key, shape);
  return shape;
}

function detectShape(url: string): Shape | null {
  let s: UrlShape | null;
  try {
    s = detectFromUrl(url);
  } catch {
    return null;
  }
  if (!s) return null;
  if (s.family === "eio") {
    const t = normaliseTransport(s.transport);
    return {
      family: "eio",
      rev: s.rev,
      transport: t.name,
      variant: s.jsonp !== undefined ? "jsonp" : s.b64 ? "b64" : t.variant,
      sid: s.sid ?? null,
      jsonp: s.jsonp !== undefined,
      endpoint: s.endpoint,
      handshake: !s.sid,
      disconnect: false,
      weak: s.eio === null,
    };
  }
  const t = normaliseTransport(s.transport);
  return {
    family: "sio09",
    rev: null,
    transport: s.kind === "handshake" ? null : t.name,
    variant: t.variant,
    sid: s.sid ?? null,
    jsonp: s.transport === "jsonp-polling" || (s.kind === "handshake" && s.jsonp !== undefined),
    endpoint: s.endpoint,
    handshake: s.kind === "handshake",
    disconnect: !!s.disconnect,
    weak: false,
  };
}

const NON_ASCII = /[^\x00-\x7f]/;

function sizeOf(v: string | Uint8Array | null): number {
  if (v === null) return 0;
  if (typeof v !== "string") return v.length;
  return NON_ASCII.test(v) ? utf8Length(v) : v.length;
}

function hasBinaryValue(v: unknown, depth = 0): boolean {
  if (v instanceof Uint8Array) return true;
  if (depth > 32 || v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) {
    for (const x of v) if (hasBinaryValue(x, depth + 1)) return true;
    return false;
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return true;
  for (const k in v as Record<string, unknown>) if (hasBinaryValue((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

function splitNsp(raw: string): { nsp: string; query: string | null } {
  const q = raw.indexOf("?");
  if (q < 0) return { nsp: raw || "/", query: null };
  return { nsp: raw.slice(0, q) || "/", query: raw.slice(q + 1) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export class SessionModel {
  /** Sessions in the order they were created. */
  readonly sessions: EioSession[] = [];
  /** In order; with `maxDiagnostics`, only the newest (a diagnostic's `id` is its place among all of them). */
  readonly diagnostics: Diagnostic[] = [];
  /** Diagnostics dropped from the front of `diagnostics` by `maxDiagnostics` (0 without one). */
  diagnosticsDropped = 0;
  readonly failedHandshakes: FailedHandshake[] = [];
  /** Number of capture events applied so far (the next event's seq). */
  seq = 0;
  /** Timestamp of the latest event applied. */
  now = 0;

  private readonly bySid = new Map<string, EioSession>();
  private readonly byKey = new Map<string, EioSession>();
  private readonly internals = new Map<string, Internal>();
  private readonly conns = new Map<string, Conn>();
  private readonly byClient = new Map<string, EioSession[]>();
  private readonly byPid = new Map<string, EioSession>();
  private readonly listeners = new Set<ChangeListener>();
  private changes: Change[] | null = null;
  private readonly opts: Required<SessionModelOptions>;
  private finished = false;
  /** Every session's early acks, oldest first from `earlyHead` (expired from `apply`, flushed by `finish`). */
  private early: EarlyAck[] = [];
  private earlyHead = 0;
  /** The frame or body being read was cut short by the capture (see `withCut`). */
  private cutNow: CutContext | null = null;

  constructor(opts: SessionModelOptions = {}) {
    this.opts = {
      ackTimeoutMs: opts.ackTimeoutMs ?? 30_000,
      burstMs: opts.burstMs ?? 1000,
      heartbeatSlackMs: opts.heartbeatSlackMs ?? 1000,
      maxHeartbeats: opts.maxHeartbeats ?? 1000,
      maxEventsPerNamespace: opts.maxEventsPerNamespace ?? Infinity,
      maxDiagnostics: opts.maxDiagnostics ?? Infinity,
      clockToleranceMs: opts.clockToleranceMs ?? 2,
    };
  }

  // ---------------------------------------------------------------- public API

  /** Subscribe to the change feed; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The serialisable report (the JSON shape of `socket-scope analyze --json`). */
  toReport(): Report {
    return buildReport(this);
  }

  session(key: string): EioSession | undefined {
    return this.byKey.get(key);
  }

  sessionBySid(sid: string): EioSession | undefined {
    return this.bySid.get(sid);
  }

  /** Applies one capture event; returns its seq. Never throws. */
  apply(ev: CaptureEvent): number {
    const seq = this.seq++;
    if (this.listeners.size > 0) this.changes = [];
    // Events cross a trust boundary (page → extension, or a HAR from anywhere): anything that
    // is not even an object with a type is reported, never dereferenced.
    const ts = typeof ev === "object" && ev !== null && typeof ev.ts === "number" ? ev.ts : this.now;
    try {
      if (typeof ev !== "object" || ev === null || typeof ev.type !== "string") {
        this.diag("undecodable-frame", "error", "malformed capture event (not an object with a type)", ts, null, null, [seq]);
      } else {
        if (ts > this.now) this.now = ts;
        this.dispatch(ev, seq);
      }
      if (this.earlyHead < this.early.length) this.expireEarlyAcks(this.now - this.opts.clockToleranceMs);
    } catch (e) {
      this.diag("undecodable-frame", "error", `internal error while reading this event: ${String(e)}`, ts, null, null, [seq]);
    }
    this.emit();
    return seq;
  }

  /** Applies many events in order. */
  applyAll(events: Iterable<CaptureEvent>): void {
    for (const ev of events) this.apply(ev);
  }

  /**
   * Live mode: checks the deadlines that only the passing of time reveals (acks unanswered
   * after `ackTimeoutMs`, heartbeats overdue on open sessions). Call it from a timer.
   */
  tick(now: number): void {
    if (this.listeners.size > 0) this.changes = [];
    if (this.earlyHead < this.early.length) this.expireEarlyAcks(now - this.opts.clockToleranceMs);
    for (const s of this.sessions) {
      if (s.state === "closed") continue;
      this.checkHeartbeat(s, now, true);
      const int = this.internals.get(s.key)!;
      for (const p of int.acks.values()) {
        if (!p.flagged && now - p.ev.ts > this.opts.ackTimeoutMs) this.flagAck(s, p, `no ack after ${Math.round(now - p.ev.ts)} ms`, now);
      }
    }
    this.emit();
  }

  /**
   * End of a recorded capture: every ack still pending is reported as never answered, every
   * probe that never upgraded as a failed upgrade, incomplete binary packets as undecodable.
   */
  finish(ts: number = this.now): void {
    if (this.finished) return;
    this.finished = true;
    if (this.listeners.size > 0) this.changes = [];
    this.expireEarlyAcks(Infinity);
    for (const s of this.sessions) {
      // Still open but followed by a reconnection of the same client: it ended when that began.
      const n = s.next ? this.byKey.get(s.next) : undefined;
      if (n && s.state !== "closed") this.closeSession(s, "superseded", null, `session ${n.sid ?? n.key} of the same client followed`, Math.max(n.startedAt, s.lastActivity), []);
      const left = this.internals.get(s.key)!.clientLeftAt;
      if (left !== null && s.state !== "closed") this.closeSession(s, "transport-close", "client", "the page disconnected its last namespace, then closed the transport", left, [], true);
    }
    for (const s of this.sessions) {
      const int = this.internals.get(s.key)!;
      for (const p of int.acks.values()) if (!p.flagged) this.flagAck(s, p, "never answered before the end of the capture", ts);
      for (let i = 0; i < s.transports.length; i++) {
        const t = s.transports[i]!;
        if (t.probe !== "probing" && t.probe !== "probed") continue;
        if (!t.framesVisible) {
          // Frames not recorded: the noop that released the pending poll shows the upgrade went on.
          if (int.lastNoopAt !== null && int.lastNoopAt >= t.openingAt && !s.upgraded) {
            t.probe = "upgraded";
            const old = s.transports[s.active];
            if (old && old !== t && old.state !== "closed") {
              old.state = "closed";
              old.closedAt = int.lastNoopAt;
              old.closeReason = "upgraded (inferred)";
            }
            s.active = i;
            s.upgraded = true;
            if (this.changes) this.change({ kind: "transport", session: s.key, index: i });
          }
          continue;
        }
        this.failProbe(s, t, ts, "the probe never completed with an upgrade packet", []);
      }
      for (const d of ["out", "in"] as const) {
        const dec = int.dec[d];
        if (!dec) continue;
        for (const r of dec.flush()) if (isDecodeError(r)) this.decodeProblem(s, r, ts, int.partFrames[d].slice());
      }
      const pp = int.pendingPing;
      if (pp && s.pingTimeout !== null && ts - pp.pingAt > s.pingTimeout + this.opts.heartbeatSlackMs && int.missedRef !== pp.pingAt) {
        int.missedRef = pp.pingAt;
        this.missHeartbeat(s, `no pong for the ping at ${iso(pp.pingAt)}`, pp.pingAt, [pp.pingSeq]);
      }
    }
    this.emit();
  }

  // ---------------------------------------------------------------- plumbing

  private emit(): void {
    const c = this.changes;
    this.changes = null;
    if (!c || c.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(c);
      } catch {
        /* a listener's bug must not break the model */
      }
    }
  }

  private change(c: Change): void {
    if (this.changes) this.changes.push(c);
  }

  private diag(code: DiagnosticCode, severity: Severity, message: string, ts: number, s: EioSession | null, nsp: string | null, frames: number[]): Diagnostic {
    const d: Diagnostic = { id: this.diagnosticsDropped + this.diagnostics.length, code, severity, message, ts, session: s ? s.key : null, nsp, frames };
    this.diagnostics.push(d);
    if (this.diagnostics.length > this.opts.maxDiagnostics) {
      const n = Math.max(1, Math.floor(this.opts.maxDiagnostics / 4));
      this.diagnostics.splice(0, n);
      this.diagnosticsDropped += n;
    }
    if (s) s.diagnostics.push(d.id);
    if (this.changes) this.change({ kind: "diagnostic", id: d.id });
    return d;
  }

  private dispatch(ev: CaptureEvent, seq: number): void {
    switch (ev.type) {
      case "http-request":
        return this.onHttpRequest(ev, seq);
      case "http-response":
        return this.onHttpResponse(ev, seq);
      case "http-error": {
        const c = this.conns.get(ev.conn);
        if (!c || c.kind !== "http") return;
        this.conns.delete(ev.conn);
        return this.onHttpFailure(c, ev.ts, seq, `${ev.reason}${ev.message ? `: ${ev.message}` : ""}`, ev.reason);
      }
      case "ws-open":
      case "wt-open":
        this.onSocketOpen(ev.type === "ws-open" ? "ws" : "wt", ev.conn, ev.url, ev.ts, seq, ev.frameId, ev.frameUrl);
        if (ev.type === "ws-open" && ev.framesUnavailable) {
          const c = this.conns.get(ev.conn);
          if (c && c.kind !== "http" && c.session && c.transport >= 0) c.session.transports[c.transport]!.framesVisible = false;
        }
        return;
      case "ws-opened": {
        const c = this.conns.get(ev.conn);
        if (!c || c.kind === "http" || !c.session || c.transport < 0) return;
        const t = c.session.transports[c.transport]!;
        if (t.state === "opening") {
          t.state = "open";
          t.openedAt = ev.ts;
          if (this.changes) this.change({ kind: "transport", session: c.session.key, index: c.transport });
        }
        return;
      }
      case "ws-frame":
        return this.onSocketData(ev.conn, ev.dir, ev.data, ev.ts, seq);
      case "wt-chunk":
        return this.onSocketData(ev.conn, ev.dir, ev.data, ev.ts, seq);
      case "ws-close":
        return this.onSocketClose(ev.conn, ev.ts, seq, `code ${ev.code}${ev.reason ? ` ${ev.reason}` : ""}${ev.wasClean ? "" : " (not clean)"}`, ev.by ?? null);
      case "ws-error":
        return this.onSocketClose(ev.conn, ev.ts, seq, `error${ev.message ? `: ${ev.message}` : ""}`, null);
      case "wt-close":
        return this.onSocketClose(ev.conn, ev.ts, seq, ev.reason ?? "closed", null);
      case "page":
        return this.onPage(ev.ts, seq, ev.frameId);
    }
  }

  private clientKey(endpoint: string, frameId: number | undefined, frameUrl: string | undefined): string {
    return `${endpoint}\u0000${frameId ?? 0}\u0000${frameUrl ?? ""}`;
  }

  // ---------------------------------------------------------------- sessions

  private createSession(shape: Shape, sid: string | null, startedAt: number, ts: number, client: string, partial: boolean): EioSession {
    const key = `s${this.sessions.length + 1}`;
    const rev = shape.rev;
    const s: EioSession = {
      key,
      sid,
      url: shape.endpoint,
      family: shape.family,
      eio: shape.family === "sio09" ? null : rev,
      sio: shape.family === "sio09" ? 1 : rev === 4 ? 5 : 4,
      parser: "default",
      parserKnown: false,
      state: "open",
      startedAt,
      openedAt: ts,
      closedAt: null,
      lastActivity: ts,
      closeReason: null,
      pingInterval: null,
      pingTimeout: null,
      maxPayload: null,
      upgrades: [],
      openExtra: {},
      transports: [],
      active: -1,
      upgraded: false,
      noops: 0,
      heartbeats: [],
      heartbeat: { count: 0, answered: 0, missed: 0, minRttMs: null, maxRttMs: null, meanRttMs: null, lastPingAt: null },
      namespaces: new Map(),
      prev: null,
      next: null,
      chain: key,
      linkedBy: null,
      client,
      partial,
      diagnostics: [],
    };
    this.sessions.push(s);
    this.byKey.set(key, s);
    if (sid) this.bySid.set(sid, s);
    this.internals.set(key, {
      dec: { out: null, in: null },
      partFrames: { out: [], in: [] },
      partTs: { out: 0, in: 0 },
      acks: new Map(),
      early: new Map(),
      pendingPing: null,
      earlyPong: null,
      missedRef: -1,
      hbRef: ts,
      polling: -1,
      flushOpen: new Set(),
      nonConformantSeen: new Set(),
      lastDecodeErrorAt: null,
      versionMismatch: false,
      tentativeNext: null,
      clientLeftAt: null,
      lastNoopAt: null,
      usedByPage: new Set(),
      rejected: new Set(),
    });
    if (this.changes) this.change({ kind: "session-added", session: key });
    // Reconnection chain: the previous session of the same client manager on the same endpoint.
    let list = this.byClient.get(client);
    if (!list) this.byClient.set(client, (list = []));
    this.linkToCandidate(s, list);
    list.push(s);
    return s;
  }

  /**
   * Picks the session `s` reconnects from: one of the same client (endpoint + frame) with no
   * successor that was not closed on purpose by the page. Closed ones first (latest close), then
   * ones still open — a HAR has no WebSocket close frames — quietest first, tentatively: traffic
   * on that session later proves it was another manager, and the link moves on.
   */
  private linkToCandidate(s: EioSession, list: EioSession[]): void {
    const int = this.internals.get(s.key)!;
    let best: EioSession | null = null;
    let bestScore = -Infinity;
    for (let i = list.length - 1; i >= 0 && i >= list.length - 32; i--) {
      const p = list[i]!;
      if (p === s || p.next !== null || int.rejected.has(p.key) || p.startedAt >= s.startedAt) continue;
      const pint = this.internals.get(p.key)!;
      if (pint.clientLeftAt !== null) continue; // the page closed it: a new manager, not a reconnection
      if (p.state === "closed") {
        const r = p.closeReason;
        if (r && ((r.kind === "close-packet" && r.by === "client") || r.kind === "page")) continue;
        const score = 1e15 + (p.closedAt ?? 0);
        if (score > bestScore) { best = p; bestScore = score; }
      } else {
        const score = -p.lastActivity;
        if (score > bestScore) { best = p; bestScore = score; }
      }
    }
    if (!best) return;
    this.link(best, s, "reconnect");
    if (best.state !== "closed") this.internals.get(best.key)!.tentativeNext = s.key;
  }

  private link(prev: EioSession, next: EioSession, by: "reconnect" | "recovery"): void {
    if (next.prev && next.prev !== prev.key) {
      const old = this.byKey.get(next.prev);
      if (old && old.next === next.key) old.next = null;
    }
    if (prev.next && prev.next !== next.key) {
      const other = this.byKey.get(prev.next);
      if (other && other.prev === prev.key) {
        other.prev = null;
        other.chain = other.key;
        other.linkedBy = null;
      }
    }
    prev.next = next.key;
    next.prev = prev.key;
    next.chain = prev.chain;
    next.linkedBy = by;
    if (this.changes) this.change({ kind: "session", session: prev.key });
    if (this.changes) this.change({ kind: "session", session: next.key });
  }

  private touch(s: EioSession, ts: number): void {
    s.lastActivity = ts;
    const int = this.internals.get(s.key)!;
    if (int.tentativeNext === null) return;
    const n = this.byKey.get(int.tentativeNext);
    if (!n || n.prev !== s.key || n.linkedBy !== "reconnect") {
      int.tentativeNext = null;
      return;
    }
    if (ts <= n.startedAt) return;
    // Traffic after the "successor" started: this session is alive, another manager made that handshake.
    int.tentativeNext = null;
    s.next = null;
    n.prev = null;
    n.chain = n.key;
    n.linkedBy = null;
    const nint = this.internals.get(n.key)!;
    nint.rejected.add(s.key);
    if (this.changes) this.change({ kind: "session", session: s.key });
    if (this.changes) this.change({ kind: "session", session: n.key });
    const list = this.byClient.get(n.client);
    if (list) this.linkToCandidate(n, list);
  }

  private closeSession(s: EioSession, kind: CloseKind, by: "client" | "server" | null, detail: string | null, ts: number, frames: number[], inferred = false): void {
    if (s.state === "closed") return;
    const int = this.internals.get(s.key)!;
    // A transport that went away after the heartbeat deadline passed: that was the ping timeout.
    // (Superseded sessions only when their heartbeats were visible at all: a HAR without
    // WebSocket messages shows none, which is not a timeout.)
    if ((kind === "transport-close" || (kind === "superseded" && s.heartbeat.count > 0)) && this.heartbeatOverdue(s, ts)) {
      this.checkHeartbeat(s, ts, true);
      kind = "ping-timeout";
      detail = `${detail ?? ""}${detail ? "; " : ""}the heartbeat deadline had passed`;
    } else if (kind === "transport-close" && int.lastDecodeErrorAt !== null && ts - int.lastDecodeErrorAt < 5000) {
      kind = "parse-error";
    }
    s.state = "closed";
    s.closedAt = ts;
    s.closeReason = { kind, by, detail: inferred && kind !== "superseded" ? `${detail} (inferred)` : detail, ts, frames };
    for (let i = 0; i < s.transports.length; i++) {
      const t = s.transports[i]!;
      if (t.state !== "closed") {
        t.state = "closed";
        t.closedAt = ts;
        t.closeReason = "session closed";
        if (this.changes) this.change({ kind: "transport", session: s.key, index: i });
      }
    }
    for (const ns of s.namespaces.values()) {
      if (ns.state === "connected" || ns.state === "connecting" || ns.state === "disconnecting") {
        this.nsState(s, ns, "disconnected", ts, null, `engine.io session closed (${kind})`, frames[0] ?? -1);
      }
    }
    if (this.changes) this.change({ kind: "session", session: s.key });
  }

  // ---------------------------------------------------------------- HTTP

  /** The session of HTTP exchange `conn`, once its request was read. */
  private httpSession(conn: string): EioSession | null {
    const c = this.conns.get(conn);
    return c && c.kind === "http" ? c.session : null;
  }

  private onHttpRequest(ev: HttpRequestEvent, seq: number): void {
    if (this.cutNow === null && (ev.body as { truncated?: unknown } | null | undefined)?.truncated !== undefined) {
      const kept = dataToValue(ev.body);
      const full = truncatedLength(ev.body, kept);
      if (full !== undefined) return this.withCut(full, kept!, () => this.httpSession(ev.conn), ev.ts, seq, `${(ev.method || "GET").toUpperCase()} body`, () => this.onHttpRequest(ev, seq));
    }
    const shape = shapeOf(ev.url);
    if (!shape) return;
    const method = (ev.method || "GET").toUpperCase();
    if (method === "OPTIONS") return; // CORS preflight carries no protocol data
    const session = shape.sid ? this.sessionFor(shape, shape.sid, ev.ts, ev.frameId, ev.frameUrl) : null;
    const body = ev.body ? dataToValue(ev.body) : null;
    const c: HttpConn = { kind: "http", shape, method, url: ev.url, ts: ev.ts, seq, session, contentType: ev.contentType, bodySize: this.cutNow?.full ?? sizeOf(body), api: ev.api !== undefined && HTTP_APIS.includes(ev.api) ? ev.api : null };
    this.conns.set(ev.conn, c);
    if (!session) return;
    this.touch(session, ev.ts);
    const t = this.ensureTransport(session, shape, ev.ts);
    t.requests++;
    noteApi(t, c.api);
    if (session.family === "sio09" && shape.disconnect) {
      this.closeSession(session, "close-packet", "client", "forced disconnect (?disconnect)", ev.ts, [seq]);
      return;
    }
    if (method !== "POST") return;
    if (body === null) {
      if (ev.bodyUnavailable) this.diag("undecodable-frame", "warning", `request body unavailable: ${ev.bodyUnavailable}`, ev.ts, session, null, [seq]);
      return;
    }
    t.framesOut++;
    t.bytesOut += c.bodySize;
    if (session.maxPayload !== null && c.bodySize > session.maxPayload) {
      this.diag("payload-too-large", "error", `POST body of ${c.bodySize} bytes is over maxPayload ${session.maxPayload}`, ev.ts, session, null, [seq]);
    }
    this.onPollingBody(session, shape, "out", body, ev.contentType, ev.ts, seq, t.name);
  }

  private onHttpResponse(ev: HttpResponseEvent, seq: number): void {
    const c = this.conns.get(ev.conn);
    if (!c || c.kind !== "http") return;
    if (this.cutNow === null && (ev.body as { truncated?: unknown } | null | undefined)?.truncated !== undefined) {
      const kept = dataToValue(ev.body);
      const full = truncatedLength(ev.body, kept);
      if (full !== undefined) return this.withCut(full, kept!, () => c.session, ev.ts, seq, `response body`, () => this.onHttpResponse(ev, seq));
    }
    this.conns.delete(ev.conn);
    const body = ev.body ? dataToValue(ev.body) : null;
    // A POST whose reply could not be read (a JSONP form's, loaded in its iframe): it was
    // answered, and that is all it says.
    if (c.method === "POST" && body === null && ev.bodyUnavailable) {
      if (c.session) this.touch(c.session, ev.ts);
      return;
    }
    if (c.shape.handshake) return this.onHandshakeReply(c, ev, body, seq);
    const s = c.session;
    if (!s) return;
    this.touch(s, ev.ts);
    const t = this.ensureTransport(s, c.shape, ev.ts);
    if (t.state === "opening") {
      t.state = "open";
      t.openedAt = ev.ts;
    }
    if (s.family === "sio09") return this.onSio09Reply(s, c, ev, body, seq, t);
    const reply = classifyHttpReply(ev.status, ev.contentType, body ?? undefined, c.method);
    switch (reply.kind) {
      case "post-ok":
        return;
      case "payload": {
        if (body === null) {
          if (ev.bodyUnavailable) this.diag("undecodable-frame", "warning", `response body unavailable: ${ev.bodyUnavailable}`, ev.ts, s, null, [seq]);
          return;
        }
        t.framesIn++;
        t.bytesIn += this.cutNow?.full ?? sizeOf(body);
        return this.onPollingBody(s, c.shape, "in", body, ev.contentType, ev.ts, seq, t.name);
      }
      case "too-large":
        this.diag("payload-too-large", "error", `the server refused a ${c.bodySize}-byte ${c.method} with 413 Payload Too Large${s.maxPayload !== null ? ` (maxPayload ${s.maxPayload})` : ""}`, ev.ts, s, null, [c.seq, seq]);
        return this.closeSession(s, "http-error", "server", "413 Payload Too Large", ev.ts, [seq]);
      case "eio-error":
        return this.onEioError(s, c, reply.code, reply.message, ev.status, ev.ts, seq);
      case "http-error":
        if (s.state === "closed" || (s.upgraded && t.name === "polling")) return;
        this.diag("http-error", "error", `${c.method} answered ${reply.status}: ${reply.text.slice(0, 120)}`, ev.ts, s, null, [c.seq, seq]);
        return this.closeSession(s, "http-error", "server", `HTTP ${reply.status}`, ev.ts, [seq]);
    }
  }

  private onEioError(s: EioSession | null, c: HttpConn, code: number, message: string, status: number, ts: number, seq: number): void {
    if (code === 1) {
      if (!s || s.state === "closed" || s.upgraded) return; // late polls after a close/upgrade are expected to get this
      this.diag(
        "sid-unknown",
        "error",
        `"Session ID unknown" for ${s.sid}: the server does not know this session (server restarted, or several server processes without sticky sessions)`,
        ts,
        s,
        null,
        [c.seq, seq],
      );
      return this.closeSession(s, "sid-unknown", "server", `HTTP ${status} {"code":1,"message":"${message}"}`, ts, [seq]);
    }
    if (code === 5) {
      this.diag("version-mismatch", "error", `the server refused Engine.IO revision ${c.shape.rev ?? "?"} ("${message}"): a Socket.IO v2 client against a v3/v4 server without allowEIO3`, ts, s, null, [c.seq, seq]);
    } else {
      this.diag("http-error", "error", `Engine.IO error ${code} "${message}" (HTTP ${status})`, ts, s, null, [c.seq, seq]);
    }
    if (s) this.closeSession(s, "http-error", "server", `{"code":${code},"message":"${message}"}`, ts, [seq]);
  }

  private onHttpFailure(c: HttpConn, ts: number, seq: number, detail: string, reason: string): void {
    if (c.shape.handshake) {
      this.failedHandshakes.push({ url: c.url, ts, status: 0, reason: detail, seq });
      return;
    }
    const s = c.session;
    if (!s || s.state === "closed" || s.upgraded) return;
    this.touch(s, ts);
    const t = s.transports[this.internals.get(s.key)!.polling];
    if (t && t.name === "polling" && (t.probe === null || s.active < 0)) {
      this.closeSession(s, "transport-close", reason === "abort" ? "client" : null, `polling ${c.method} failed (${detail})`, ts, [seq]);
    }
  }

  private onHandshakeReply(c: HttpConn, ev: HttpResponseEvent, body: string | Uint8Array | null, seq: number): void {
    const frames = [c.seq, seq];
    if (c.shape.family === "sio09") {
      const text = body === null ? undefined : typeof body === "string" ? body : utf8Decode(body);
      const r = parseSio09HandshakeReply(ev.status, text);
      if (isDecodeError(r)) {
        this.diag("undecodable-frame", "error", `0.9 handshake reply: ${r.reason}`, ev.ts, null, null, frames);
        this.failedHandshakes.push({ url: c.url, ts: ev.ts, status: ev.status, reason: r.reason, seq });
        return;
      }
      if (r.kind !== "ok") {
        const reason = r.kind === "refused" ? r.message : r.kind === "http-error" ? `HTTP ${r.status}` : r.kind;
        if (r.kind === "unsupported-protocol") this.diag("version-mismatch", "error", "the 0.9 server refused the protocol revision in the path", ev.ts, null, null, frames);
        if (r.kind !== "welcome") this.failedHandshakes.push({ url: c.url, ts: ev.ts, status: ev.status, reason, seq });
        return;
      }
      const h = r.handshake;
      const client = this.clientKey(c.shape.endpoint, ev.frameId, ev.frameUrl);
      const existing = this.bySid.get(h.sid);
      if (existing && existing.partial) {
        // The transport with this sid was seen first (same-millisecond timestamps): this is its handshake.
        existing.partial = false;
        existing.startedAt = Math.min(existing.startedAt, c.ts);
      }
      const s = existing ?? this.createSession(c.shape, h.sid, c.ts, ev.ts, client, false);
      s.pingTimeout = h.heartbeatTimeout !== null ? h.heartbeatTimeout * 1000 : null;
      s.upgrades = h.transports;
      s.openExtra = { closeTimeout: h.closeTimeout };
      if (this.changes) this.change({ kind: "session", session: s.key });
      return;
    }
    const reply = classifyHttpReply(ev.status, ev.contentType, body ?? undefined, c.method);
    if (c.shape.weak && (reply.kind !== "payload" || body === null || !looksLikeOpen(body))) return; // some other app's URL with a `transport` parameter
    if (reply.kind === "eio-error") {
      this.failedHandshakes.push({ url: c.url, ts: ev.ts, status: ev.status, reason: `${reply.code} ${reply.message}`, seq });
      return this.onEioError(null, c, reply.code, reply.message, ev.status, ev.ts, seq);
    }
    if (reply.kind !== "payload" || body === null) {
      const reason = reply.kind === "http-error" ? `HTTP ${reply.status}` : reply.kind;
      this.failedHandshakes.push({ url: c.url, ts: ev.ts, status: ev.status, reason, seq });
      this.diag("http-error", "error", `handshake failed: ${reason}`, ev.ts, null, null, frames);
      return;
    }
    const rev = c.shape.rev ?? 4;
    let res = decodeEioPayload(rev, body, { contentType: ev.contentType, jsonp: c.shape.jsonp || undefined });
    let mismatch = false;
    if ((res.packets.length === 0 || res.packets[0]!.type !== "open") && rev === 4) {
      // An Engine.IO 3 server answering an EIO=4 client (v3+ client, v2 server) frames with lengths.
      const alt = decodeEioPayload(3, body, { contentType: ev.contentType });
      if (alt.packets[0]?.type === "open") {
        res = alt;
        mismatch = true;
      }
    }
    const first = res.packets[0];
    const open = first && first.type === "open" && typeof first.data === "string" ? parseEioOpen(first.data) : null;
    if (!open || isDecodeError(open)) {
      const why = open && isDecodeError(open) ? open.reason : res.errors[0]?.reason ?? "no open packet";
      this.diag("undecodable-frame", "error", `handshake reply has no valid open packet: ${why}`, ev.ts, null, null, frames);
      this.failedHandshakes.push({ url: c.url, ts: ev.ts, status: ev.status, reason: why, seq });
      return;
    }
    const client = this.clientKey(c.shape.endpoint, ev.frameId, ev.frameUrl);
    const known = this.bySid.get(open.sid);
    if (known && known.partial) {
      // Requests with this sid were seen first (same-millisecond timestamps): this is its handshake.
      known.partial = false;
      known.startedAt = Math.min(known.startedAt, c.ts);
    }
    const s = known ?? this.createSession(c.shape, open.sid, c.ts, ev.ts, client, false);
    const t = this.ensureTransport(s, c.shape, c.ts);
    t.requests++;
    noteApi(t, c.api);
    t.state = "open";
    t.openedAt = ev.ts;
    t.framesIn++;
    t.bytesIn += sizeOf(body);
    if (mismatch) {
      this.internals.get(s.key)!.versionMismatch = true;
      this.diag("version-mismatch", "error", "the server answered an EIO=4 handshake with Engine.IO 3 framing: a Socket.IO v3/v4 client against a v2 server", ev.ts, s, null, frames);
    }
    this.applyOpen(s, open, ev.ts);
    this.onEioPackets(s, res, "in", ev.ts, seq, t.name, 1, mismatch ? 3 : rev);
  }

  private onSio09Reply(s: EioSession, c: HttpConn, ev: HttpResponseEvent, body: string | Uint8Array | null, seq: number, t: TransportRecord): void {
    const text = body === null ? "" : typeof body === "string" ? body : utf8Decode(body);
    if (c.method === "POST") {
      if (ev.status === 200 && text.trim() === "1") return;
      if (s.state !== "closed") {
        this.diag("http-error", "error", `POST answered ${ev.status}: ${text.slice(0, 120)}`, ev.ts, s, null, [c.seq, seq]);
      }
      return;
    }
    if (ev.status !== 200) {
      if (s.state === "closed") return;
      this.diag("http-error", "error", `poll answered ${ev.status}: ${text.slice(0, 120)}`, ev.ts, s, null, [c.seq, seq]);
      return this.closeSession(s, "http-error", "server", `HTTP ${ev.status}`, ev.ts, [seq]);
    }
    t.framesIn++;
    t.bytesIn += sizeOf(body);
    let payloads: string[];
    if (c.shape.variant === "jsonp-polling" || /^\s*io\.j\[/.test(text)) {
      const j = parseSio09Jsonp(text);
      if (isDecodeError(j)) return this.decodeProblem(s, j, ev.ts, [seq]);
      if ("error" in j) return this.decodeProblem(s, { kind: "decode-error", layer: "sio09", reason: `JSONP error: ${j.error}`, offset: 0, raw: text }, ev.ts, [seq]);
      payloads = [j.value];
    } else if (c.shape.variant === "htmlfile") {
      const r = unwrapSio09Htmlfile(text);
      for (const e of r.errors) this.decodeProblem(s, e, ev.ts, [seq]);
      payloads = r.payloads;
    } else payloads = [text];
    for (const p of payloads) this.onSio09Text(s, p, "in", ev.ts, seq, t.name);
  }

  private onPollingBody(s: EioSession, shape: Shape, dir: Direction, body: string | Uint8Array, contentType: string | undefined, ts: number, seq: number, tn: TransportName): void {
    if (s.family === "sio09") {
      let text = typeof body === "string" ? body : utf8Decode(body);
      if (dir === "out" && (shape.variant === "jsonp-polling" || /^d=/.test(text))) {
        const f = parseSio09Form(text);
        if (isDecodeError(f)) return this.decodeProblem(s, f, ts, [seq]);
        text = f;
      }
      return this.onSio09Text(s, text, dir, ts, seq, tn);
    }
    const rev = s.eio ?? 4;
    const res = decodeEioPayload(rev, body, { contentType, jsonp: dir === "in" && shape.jsonp ? true : undefined, cut: this.cutNow !== null || undefined });
    this.onEioPackets(s, res, dir, ts, seq, tn, 0, rev);
  }

  private onEioPackets(s: EioSession, res: EioPayloadResult, dir: Direction, ts: number, seq: number, tn: TransportName, from: number, _rev: EioRevision): void {
    for (const e of res.errors) this.decodeProblem(s, e, ts, [seq]);
    if (res.nonConformant) {
      const int = this.internals.get(s.key)!;
      if (!int.nonConformantSeen.has(res.nonConformant)) {
        int.nonConformantSeen.add(res.nonConformant);
        const what =
          res.nonConformant === "double-utf8"
            ? "packets double UTF-8 encoded with lengths in UTF-8 bytes (Socket.IO 1.x engine.io-parser)"
            : res.nonConformant === "utf8-byte-lengths"
              ? "lengths counted in UTF-8 bytes instead of UTF-16 code units"
              : "lengths counted in code points instead of UTF-16 code units";
        // Double UTF-8 is what Socket.IO 1.x itself sends: worth knowing, not a fault.
        this.diag("non-conformant-length", res.nonConformant === "double-utf8" ? "info" : "warning", `polling payload with ${what}`, ts, s, null, [seq]);
      }
    }
    const cut = this.cutNow;
    for (let i = from; i < res.packets.length; i++) {
      // of a body the capture cut, only the last packet is cut (those before it are whole), and
      // only when the payload decoder says so (the cut may have fallen where nothing decodes)
      if (cut) cut.last = res.cut === true && i === res.packets.length - 1;
      this.onEioPacket(s, res.packets[i]!, dir, ts, seq, tn, -1);
    }
  }

  // ---------------------------------------------------------------- transports

  private ensureTransport(s: EioSession, shape: Shape, ts: number): TransportRecord {
    const int = this.internals.get(s.key)!;
    const name = shape.transport ?? "polling";
    if (name === "polling") {
      if (int.polling >= 0) {
        const t = s.transports[int.polling]!;
        if (shape.variant && !t.variant) t.variant = shape.variant;
        return t;
      }
      int.polling = this.addTransport(s, "polling", shape.variant, ts, null);
      if (s.active < 0) s.active = int.polling;
      return s.transports[int.polling]!;
    }
    // 0.9 websocket requests are not expected over HTTP; keep one record per name for safety.
    for (const t of s.transports) if (t.name === name) return t;
    const i = this.addTransport(s, name, shape.variant, ts, null);
    if (s.active < 0) s.active = i;
    return s.transports[i]!;
  }

  private addTransport(s: EioSession, name: TransportName, variant: string | null, ts: number, probe: TransportRecord["probe"]): number {
    s.transports.push({
      name,
      variant,
      state: "opening",
      openingAt: ts,
      openedAt: null,
      closingAt: null,
      closedAt: null,
      closeReason: null,
      probe,
      probeAt: null,
      probedAt: null,
      upgradedAt: null,
      requests: 0,
      apis: [],
      framesVisible: true,
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
    });
    const i = s.transports.length - 1;
    if (this.changes) this.change({ kind: "transport", session: s.key, index: i });
    return i;
  }

  /** A request or socket carrying a sid: its session, created as partial when the handshake was not captured. */
  private sessionFor(shape: Shape, sid: string, ts: number, frameId: number | undefined, frameUrl: string | undefined): EioSession {
    const s = this.bySid.get(sid);
    if (s) return s;
    const p = this.createSession(shape, sid, ts, ts, this.clientKey(shape.endpoint, frameId, frameUrl), true);
    return p;
  }

  private onSocketOpen(kind: "ws" | "wt", conn: string, url: string, ts: number, seq: number, frameId: number | undefined, frameUrl: string | undefined): void {
    const shape = shapeOf(url);
    if (!shape) return;
    const c: WsConn = { kind, shape, url, ts, seq, session: null, transport: -1, decOut: null, decIn: null };
    if (kind === "wt") {
      c.decOut = new WebTransportFrameDecoder();
      c.decIn = new WebTransportFrameDecoder();
    }
    this.conns.set(conn, c);
    if (!shape.sid) {
      // Handshake over the socket itself: bound by its open packet (first server frame).
      (c as WsConn & { client?: string }).client = this.clientKey(shape.endpoint, frameId, frameUrl);
      return;
    }
    const s = this.sessionFor(shape, shape.sid, ts, frameId, frameUrl);
    this.touch(s, ts);
    c.session = s;
    const name = shape.transport ?? "websocket";
    if (s.family === "sio09") {
      c.transport = this.addTransport(s, name, shape.variant, ts, null);
      s.active = c.transport;
    } else if (s.partial && s.transports.length === 0) {
      c.transport = this.addTransport(s, name, shape.variant, ts, null);
      s.active = c.transport;
    } else {
      c.transport = this.addTransport(s, name, shape.variant, ts, "probing");
    }
    s.transports[c.transport]!.requests++;
  }

  private onSocketData(conn: string, dir: Direction, data: CaptureData, ts: number, seq: number): void {
    const c = this.conns.get(conn);
    if (!c || c.kind === "http") return;
    if (this.cutNow === null && (data as { truncated?: unknown } | null)?.truncated !== undefined && c.kind !== "wt") {
      const kept = dataToValue(data);
      const full = truncatedLength(data, kept);
      if (full !== undefined) return this.withCut(full, kept!, () => c.session, ts, seq, `${dir === "out" ? "sent" : "received"} WebSocket frame`, () => this.onSocketData(conn, dir, data, ts, seq));
    }
    const value = dataToValue(data);
    if (value === null) {
      const why = typeof (data as { base64?: unknown } | null)?.base64 === "string" ? "frame data is not valid base64" : "frame data is missing or malformed";
      this.diag("undecodable-frame", "error", why, ts, c.session, null, [seq]);
      return;
    }
    if (c.kind === "wt") return this.onWtChunk(c, dir, value, ts, seq);
    const s = c.session;
    if (!s) return this.onUnboundWsFrame(c, dir, value, ts, seq);
    this.touch(s, ts);
    const t = s.transports[c.transport]!;
    if (t.state === "opening") {
      t.state = "open";
      t.openedAt = ts;
    }
    const size = this.cutNow?.full ?? sizeOf(value);
    if (dir === "out") {
      t.framesOut++;
      t.bytesOut += size;
      if (s.maxPayload !== null && size > s.maxPayload) {
        this.diag("payload-too-large", "error", `WebSocket frame of ${size} bytes is over maxPayload ${s.maxPayload}`, ts, s, null, [seq]);
      }
    } else {
      t.framesIn++;
      t.bytesIn += size;
    }
    if (s.family === "sio09") {
      const text = typeof value === "string" ? value : utf8Decode(value);
      return this.onSio09Text(s, text, dir, ts, seq, t.name);
    }
    const p = decodeEioPacket(s.eio ?? 4, value);
    if (isDecodeError(p)) return this.decodeProblem(s, p, ts, [seq]);
    this.onEioPacket(s, p, dir, ts, seq, t.name, c.transport);
  }

  private onUnboundWsFrame(c: WsConn, dir: Direction, value: string | Uint8Array, ts: number, seq: number): void {
    const rev = c.shape.rev ?? 4;
    if (c.shape.family === "sio09") return;
    const p = decodeEioPacket(rev, value);
    if (isDecodeError(p)) {
      this.diag("undecodable-frame", "error", `frame before the open packet: ${p.reason}`, ts, null, null, [seq]);
      return;
    }
    if (dir !== "in" || p.type !== "open" || typeof p.data !== "string") {
      this.diag("undecodable-frame", "warning", `${p.type} packet before the open packet on a WebSocket without sid`, ts, null, null, [seq]);
      return;
    }
    const open = parseEioOpen(p.data);
    if (isDecodeError(open)) {
      this.diag("undecodable-frame", "error", `open packet: ${open.reason}`, ts, null, null, [seq]);
      return;
    }
    const client = (c as WsConn & { client?: string }).client ?? this.clientKey(c.shape.endpoint, undefined, undefined);
    const s = this.bySid.get(open.sid) ?? this.createSession(c.shape, open.sid, c.ts, ts, client, false);
    c.session = s;
    c.transport = this.addTransport(s, c.shape.transport ?? "websocket", c.shape.variant, c.ts, null);
    const t = s.transports[c.transport]!;
    t.requests++;
    t.state = "open";
    t.openedAt = t.openedAt ?? ts;
    t.framesIn++;
    t.bytesIn += sizeOf(value);
    s.active = c.transport;
    this.applyOpen(s, open, ts);
  }

  private onWtChunk(c: WsConn, dir: Direction, value: string | Uint8Array, ts: number, seq: number): void {
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    const dec = dir === "out" ? c.decOut! : c.decIn!;
    for (const r of dec.push(bytes)) {
      if (isDecodeError(r)) {
        this.diag("undecodable-frame", "error", `WebTransport stream: ${r.reason}`, ts, c.session, null, [seq]);
        continue;
      }
      if (!c.session) {
        if (r.type !== "open") continue;
        const data = typeof r.data === "string" ? r.data : "";
        if (dir === "out") {
          // Client's first packet: `0` (new session) or `0{"sid":"…"}` (upgrade of that session).
          const m = data ? parseEioOpenSid(data) : null;
          if (m) {
            const s = this.bySid.get(m) ?? this.createSession(c.shape, m, c.ts, ts, this.clientKey(c.shape.endpoint, undefined, undefined), true);
            c.session = s;
            c.transport = this.addTransport(s, "webtransport", null, c.ts, s.transports.length ? "probing" : null);
          }
          continue;
        }
        const open = parseEioOpen(data);
        if (isDecodeError(open)) {
          this.diag("undecodable-frame", "error", `open packet: ${open.reason}`, ts, null, null, [seq]);
          continue;
        }
        const s = this.bySid.get(open.sid) ?? this.createSession(c.shape, open.sid, c.ts, ts, this.clientKey(c.shape.endpoint, undefined, undefined), false);
        c.session = s;
        c.transport = this.addTransport(s, "webtransport", null, c.ts, null);
        s.active = c.transport;
        s.transports[c.transport]!.state = "open";
        s.transports[c.transport]!.openedAt = ts;
        this.applyOpen(s, open, ts);
        continue;
      }
      const s = c.session;
      this.touch(s, ts);
      const t = s.transports[c.transport]!;
      if (t.state === "opening") {
        t.state = "open";
        t.openedAt = ts;
      }
      if (dir === "out") t.framesOut++;
      else t.framesIn++;
      this.onEioPacket(s, r, dir, ts, seq, "webtransport", c.transport);
    }
  }

  private onSocketClose(conn: string, ts: number, seq: number, detail: string, by: "page" | "remote" | null): void {
    const c = this.conns.get(conn);
    if (!c || c.kind === "http") return;
    this.conns.delete(conn);
    const s = c.session;
    if (!s || c.transport < 0) {
      if (!c.shape.sid && !s) this.failedHandshakes.push({ url: c.url, ts, status: 0, reason: `socket closed before the open packet (${detail})`, seq });
      return;
    }
    const t = s.transports[c.transport]!;
    if (t.state === "closed") return;
    if (s.active === c.transport) this.touch(s, ts); // it was alive until now: not superseded earlier
    if (t.probe === "probing" || t.probe === "probed") {
      this.failProbe(s, t, ts, `the ${t.name} closed during the probe (${detail})`, [seq]);
      return;
    }
    t.state = "closed";
    t.closedAt = ts;
    t.closeReason = detail;
    if (this.changes) this.change({ kind: "transport", session: s.key, index: c.transport });
    if (s.active === c.transport) {
      this.closeSession(s, "transport-close", by === "page" ? "client" : by === "remote" ? "server" : null, `${t.name} closed (${detail})`, ts, [seq]);
    }
  }

  private failProbe(s: EioSession, t: TransportRecord, ts: number, why: string, frames: number[]): void {
    t.probe = "failed";
    if (t.state !== "closed") {
      t.state = "closed";
      t.closedAt = ts;
      t.closeReason = "probe failed";
    }
    // A probe abandoned because the session itself ended is not a failed upgrade.
    if (s.state === "closed" && (s.closedAt ?? ts) <= ts) {
      if (this.changes) this.change({ kind: "transport", session: s.key, index: s.transports.indexOf(t) });
      return;
    }
    this.diag("upgrade-failed", "warning", `upgrade to ${t.name} failed: ${why}; the session stays on ${s.transports[s.active]?.name ?? "polling"}`, ts, s, null, frames);
    if (this.changes) this.change({ kind: "transport", session: s.key, index: s.transports.indexOf(t) });
  }

  private onPage(ts: number, seq: number, frameId: number | undefined): void {
    const f = frameId ?? 0;
    for (const s of this.sessions) {
      if (s.state === "closed") continue;
      const parts = s.client.split("\u0000");
      if (Number(parts[1]) === f) this.closeSession(s, "page", "client", "the page navigated", ts, [seq]);
    }
  }

  // ---------------------------------------------------------------- Engine.IO packets

  private applyOpen(s: EioSession, open: { sid: string; upgrades: string[]; pingInterval: number | null; pingTimeout: number | null; maxPayload: number | null; extra: Record<string, unknown> }, ts: number): void {
    s.pingInterval = open.pingInterval;
    s.pingTimeout = open.pingTimeout;
    s.maxPayload = open.maxPayload;
    s.upgrades = open.upgrades;
    s.openExtra = open.extra;
    s.openedAt = s.openedAt ?? ts;
    s.state = "open";
    this.internals.get(s.key)!.hbRef = ts;
    if (this.changes) this.change({ kind: "session", session: s.key });
  }

  private onEioPacket(s: EioSession, p: EioPacket, dir: Direction, ts: number, seq: number, tn: TransportName, tIndex: number): void {
    const int = this.internals.get(s.key)!;
    switch (p.type) {
      case "message":
        this.checkHeartbeat(s, ts, false);
        if (p.data === undefined) return this.onSioMessage(s, "", dir, ts, seq, tn);
        return this.onSioMessage(s, p.data, dir, ts, seq, tn);
      case "ping":
        if (p.data === "probe") {
          const t = tIndex >= 0 ? s.transports[tIndex] : undefined;
          if (t && dir === "out" && t.probe === null && t !== s.transports[s.active]) t.probe = "probing";
          if (t && t.probe === "probing" && t.probeAt === null) t.probeAt = ts;
          if (t && t.probe && this.changes) this.change({ kind: "transport", session: s.key, index: tIndex });
          return;
        }
        return this.onPing(s, dir, ts, seq);
      case "pong":
        if (p.data === "probe") {
          const t = tIndex >= 0 ? s.transports[tIndex] : undefined;
          if (t && t.probe === "probing") {
            t.probe = "probed";
            t.probedAt = ts;
            // The client now pauses polling: the old transport is closing until the upgrade packet.
            const old = s.transports[s.active];
            if (old && old !== t && old.state === "open") {
              old.state = "closing";
              old.closingAt = ts;
              if (this.changes) this.change({ kind: "transport", session: s.key, index: s.active });
            }
            if (this.changes) this.change({ kind: "transport", session: s.key, index: tIndex });
          }
          return;
        }
        return this.onPong(s, dir, ts, seq);
      case "upgrade": {
        const t = tIndex >= 0 ? s.transports[tIndex] : undefined;
        if (!t) return;
        t.probe = "upgraded";
        t.upgradedAt = ts;
        const old = s.transports[s.active];
        if (old && old !== t) {
          old.state = "closed";
          old.closedAt = ts;
          old.closeReason = "upgraded";
          if (this.changes) this.change({ kind: "transport", session: s.key, index: s.active });
        }
        s.active = tIndex;
        s.upgraded = true;
        if (this.changes) this.change({ kind: "transport", session: s.key, index: tIndex });
        if (this.changes) this.change({ kind: "session", session: s.key });
        return;
      }
      case "noop":
        s.noops++;
        int.lastNoopAt = ts;
        return;
      case "close":
        return this.closeSession(s, "close-packet", dir === "out" ? "client" : "server", "close packet", ts, [seq]);
      case "open": {
        if (typeof p.data !== "string") return;
        const open = parseEioOpen(p.data);
        if (isDecodeError(open)) return this.decodeProblem(s, open, ts, [seq]);
        if (open.sid === s.sid || s.sid === null) this.applyOpen(s, open, ts);
        void int;
        return;
      }
    }
  }

  // ---------------------------------------------------------------- heartbeats

  private expectedPingDir(s: EioSession): Direction {
    return s.family === "sio09" || s.eio === 4 ? "in" : "out";
  }

  private heartbeatLimit(s: EioSession): number | null {
    if (s.family === "sio09") return s.pingTimeout;
    if (s.pingInterval === null && s.pingTimeout === null) return null;
    return (s.pingInterval ?? 0) + (s.pingTimeout ?? 0);
  }

  private heartbeatOverdue(s: EioSession, ts: number): boolean {
    const limit = this.heartbeatLimit(s);
    const ref = this.internals.get(s.key)!.hbRef;
    if (limit === null || ref === null) return false;
    return ts - ref > limit + this.opts.heartbeatSlackMs;
  }

  private checkHeartbeat(s: EioSession, ts: number, closing: boolean): void {
    const int = this.internals.get(s.key)!;
    const limit = this.heartbeatLimit(s);
    if (limit === null || int.hbRef === null) return;
    if (ts - int.hbRef > limit + this.opts.heartbeatSlackMs && int.missedRef !== int.hbRef) {
      int.missedRef = int.hbRef;
      const who = this.expectedPingDir(s) === "in" ? "server" : "client";
      this.missHeartbeat(s, `no ping from the ${who} for ${Math.round(ts - int.hbRef)} ms (pingInterval + pingTimeout = ${limit} ms)${closing ? "" : ""}`, ts, []);
    }
    const pp = int.pendingPing;
    if (pp && s.pingTimeout !== null && ts - pp.pingAt > s.pingTimeout + this.opts.heartbeatSlackMs && int.missedRef !== pp.pingAt) {
      int.missedRef = pp.pingAt;
      this.missHeartbeat(s, `no pong within pingTimeout (${s.pingTimeout} ms) for the ping at ${iso(pp.pingAt)}`, ts, [pp.pingSeq]);
    }
  }

  private missHeartbeat(s: EioSession, message: string, ts: number, frames: number[]): void {
    s.heartbeat.missed++;
    this.diag("heartbeat-missed", "warning", `heartbeat missed: ${message}`, ts, s, null, frames);
    if (this.changes) this.change({ kind: "session", session: s.key });
  }

  private onPing(s: EioSession, dir: Direction, ts: number, seq: number): void {
    const int = this.internals.get(s.key)!;
    const expected = this.expectedPingDir(s);
    if (dir !== expected) {
      if (s.family === "sio09") {
        // 0.9: the client echoes the server's heartbeat with the same packet.
        return this.onPong(s, dir, ts, seq);
      }
      this.diag(
        "heartbeat-direction",
        "error",
        `${dir === "out" ? "client" : "server"} sent a ping, but Engine.IO ${s.eio} expects the ${expected === "out" ? "client" : "server"} to ping: the two ends speak different revisions`,
        ts,
        s,
        null,
        [seq],
      );
      if (!int.versionMismatch) {
        int.versionMismatch = true;
        this.diag("version-mismatch", "error", `heartbeat direction of Engine.IO ${s.eio === 4 ? 3 : 4} on an Engine.IO ${s.eio} session`, ts, s, null, [seq]);
      }
      return;
    }
    this.checkHeartbeat(s, ts, false);
    const hb: Heartbeat = { dir, pingAt: ts, pongAt: null, rttMs: null, pingSeq: seq, pongSeq: null };
    s.heartbeats.push(hb);
    if (s.heartbeats.length > this.opts.maxHeartbeats) s.heartbeats.shift();
    s.heartbeat.count++;
    s.heartbeat.lastPingAt = ts;
    int.pendingPing = hb;
    int.hbRef = ts;
    const early = int.earlyPong;
    int.earlyPong = null;
    // Its pong sorted just before it (a HAR's millisecond request times: the page's pong POST
    // starts within the millisecond the poll carrying the ping ended): no time in between.
    if (early && early.dir !== dir && ts - early.ts <= this.opts.clockToleranceMs) this.answerPing(s, hb, ts, early.seq);
    else if (this.changes) this.change({ kind: "heartbeat", session: s.key, index: s.heartbeats.length - 1 });
  }

  private onPong(s: EioSession, dir: Direction, ts: number, seq: number): void {
    const int = this.internals.get(s.key)!;
    const pp = int.pendingPing;
    if (!pp || pp.dir === dir) {
      int.earlyPong = { ts, seq, dir };
      return;
    }
    this.answerPing(s, pp, ts, seq);
  }

  private answerPing(s: EioSession, pp: Heartbeat, ts: number, seq: number): void {
    const int = this.internals.get(s.key)!;
    pp.pongAt = ts;
    pp.pongSeq = seq;
    pp.rttMs = ts - pp.pingAt;
    int.pendingPing = null;
    const st = s.heartbeat;
    st.answered++;
    st.minRttMs = st.minRttMs === null ? pp.rttMs : Math.min(st.minRttMs, pp.rttMs);
    st.maxRttMs = st.maxRttMs === null ? pp.rttMs : Math.max(st.maxRttMs, pp.rttMs);
    st.meanRttMs = st.meanRttMs === null ? pp.rttMs : st.meanRttMs + (pp.rttMs - st.meanRttMs) / st.answered;
    if (this.changes) this.change({ kind: "heartbeat", session: s.key, index: s.heartbeats.lastIndexOf(pp) });
  }

  // ---------------------------------------------------------------- Socket.IO layer

  private decoder(s: EioSession, dir: Direction): SioDecoder {
    const int = this.internals.get(s.key)!;
    let d = int.dec[dir];
    if (!d) {
      d = new SioDecoder({ rev: s.sio === 5 ? 5 : s.sio === 3 ? 3 : 4, parser: "auto" });
      int.dec[dir] = d;
    }
    return d;
  }

  private onSioMessage(s: EioSession, data: string | Uint8Array, dir: Direction, ts: number, seq: number, tn: TransportName): void {
    const int = this.internals.get(s.key)!;
    const dec = this.decoder(s, dir);
    const parts = int.partFrames[dir];
    if (parts.length === 0) int.partTs[dir] = ts;
    if (parts[parts.length - 1] !== seq) parts.push(seq);
    const cut = this.cutNow;
    const out = cut && cut.last ? dec.push(data, cut.full) : dec.push(data);
    if (out.length === 0) return; // waiting for attachments
    const frames = parts.length === 1 ? [parts[0]!] : parts.slice();
    const firstTs = int.partTs[dir];
    parts.length = 0;
    if (!s.parserKnown && dec.parser !== "auto") {
      s.parser = dec.parser;
      s.parserKnown = true;
      if (this.changes) this.change({ kind: "session", session: s.key });
    }
    for (const r of out) {
      if (isDecodeError(r)) this.decodeProblem(s, r, ts, frames);
      else this.onSioPacket(s, r, dir, firstTs, frames, tn);
    }
  }

  private ns(s: EioSession, nsp: string, query: string | null): NamespaceSocket {
    let ns = s.namespaces.get(nsp);
    if (!ns) {
      ns = {
        nsp,
        query,
        state: "connecting",
        history: [],
        socketId: null,
        pid: null,
        lastOffset: null,
        recoveryRequested: null,
        recovered: false,
        auth: undefined,
        error: undefined,
        events: [],
        eventsDropped: 0,
        connectedAt: null,
      };
      s.namespaces.set(nsp, ns);
      if (this.changes) this.change({ kind: "namespace", session: s.key, nsp });
    } else if (query !== null && ns.query === null) ns.query = query;
    return ns;
  }

  private nsState(s: EioSession, ns: NamespaceSocket, state: NamespaceState, ts: number, by: "client" | "server" | null, reason: string | null, seq: number): void {
    if (ns.state === "refused" && state === "disconnected") return; // a refused socket has nothing left to close
    ns.state = state;
    ns.history.push({ state, ts, by, reason, seq });
    const int = this.internals.get(s.key)!;
    if (state === "connected") {
      ns.connectedAt = ts;
      int.flushOpen.add(ns.nsp);
    } else int.flushOpen.delete(ns.nsp);
    if (this.changes) this.change({ kind: "namespace", session: s.key, nsp: ns.nsp });
  }

  private onSioPacket(s: EioSession, p: SioPacket, dir: Direction, ts: number, frames: number[], tn: TransportName): void {
    const { nsp, query } = splitNsp(p.nsp);
    const seq = frames[0] ?? -1;
    const by = dir === "out" ? "client" : "server";
    const int = this.internals.get(s.key)!;
    if (dir === "in") int.flushOpen.clear();
    switch (p.type) {
      case 0: {
        const ns = this.ns(s, nsp, query);
        if (dir === "out") {
          int.clientLeftAt = null;
          int.usedByPage.add(nsp);
          ns.auth = p.data;
          if (isRecord(p.data) && typeof p.data.pid === "string") {
            const pid = p.data.pid;
            ns.recoveryRequested = { pid, offset: typeof p.data.offset === "string" ? p.data.offset : null };
            const prev = this.byPid.get(pid);
            if (prev && prev !== s && s.prev !== prev.key) this.link(prev, s, "recovery");
            else if (prev && s.prev === prev.key) s.linkedBy = "recovery";
          }
          const h = ns.history;
          const reply = h[h.length - 1];
          if (ns.state === "connected" && reply && reply.by === "server" && h[h.length - 2]?.state !== "connecting" && ts - reply.ts <= this.opts.clockToleranceMs) {
            // The reply sorted just before this CONNECT (a HAR's millisecond request times): this
            // is the request it answered. The socket stays connected; the request goes before it.
            h.splice(h.length - 1, 0, { state: "connecting", ts: reply.ts, by: "client", reason: null, seq });
            if (ns.recoveryRequested && ns.pid !== null && ns.recoveryRequested.pid === ns.pid) {
              ns.recovered = true;
              reply.reason = "recovered";
            }
            if (this.changes) this.change({ kind: "namespace", session: s.key, nsp: ns.nsp });
          } else this.nsState(s, ns, "connecting", ts, "client", null, seq);
          if (s.linkedBy === "reconnect") this.relinkByNamespace(s, nsp);
          return;
        }
        if (s.sio === 5) {
          if (isRecord(p.data) && typeof p.data.sid === "string") {
            ns.socketId = p.data.sid;
            if (typeof p.data.pid === "string") {
              ns.pid = p.data.pid;
              this.byPid.set(ns.pid, s);
              if (ns.recoveryRequested && ns.recoveryRequested.pid === ns.pid) ns.recovered = true;
            }
          } else if (!int.versionMismatch) {
            int.versionMismatch = true;
            this.diag("version-mismatch", "error", `CONNECT reply for ${nsp} without a socket id: a Socket.IO v3/v4 client talking to a v2 server`, ts, s, nsp, frames);
          }
        }
        this.nsState(s, ns, "connected", ts, "server", ns.recovered ? "recovered" : null, seq);
        return;
      }
      case 1: {
        const ns = this.ns(s, nsp, query);
        this.nsState(s, ns, "disconnected", ts, by, dir === "out" ? "client disconnect" : "server disconnect", seq);
        if (dir === "out") this.checkClientLeft(s, ts);
        return;
      }
      case 4: {
        const ns = this.ns(s, nsp, query);
        ns.error = p.data;
        if (dir === "in" && (ns.state === "connecting" || ns.history.length === 0)) {
          this.nsState(s, ns, "refused", ts, "server", errorText(p.data), seq);
          this.diag("namespace-refused", "info", `namespace ${nsp} refused: ${errorText(p.data)}`, ts, s, nsp, frames);
        }
        return;
      }
      case 2:
      case 5: {
        const arr = Array.isArray(p.data) ? p.data : [];
        // Binary values exist only in packets with attachments, or with the msgpack parser.
        const mayBin = (p.attachments ?? 0) > 0 || s.parser !== "default";
        this.addEvent(s, nsp, query, dir, ts, frames, tn, arr.length ? String(arr[0]) : "", arr.slice(1), p.id ?? null, "event", mayBin, p.cut ?? null);
        return;
      }
      case 3:
      case 6: {
        const args = Array.isArray(p.data) ? p.data : p.data === undefined ? [] : [p.data];
        this.addAck(s, nsp, dir, ts, frames, p.id ?? null, args, (p.attachments ?? 0) > 0 || s.parser !== "default", p.cut ?? null);
        return;
      }
    }
  }

  /**
   * A reconnecting client joins again the namespaces it had. When the session we linked as the
   * predecessor never had this one but another candidate of the same client did, that one is
   * the real predecessor (two managers on one endpoint that dropped together). If that candidate
   * was already taken by the other manager's reconnection, which joined nothing our linked
   * predecessor lacks, the two links are swapped (the managers handshook in the other order).
   */
  private relinkByNamespace(s: EioSession, nsp: string): void {
    const prev = s.prev ? this.byKey.get(s.prev) : undefined;
    if (!prev || prev.namespaces.has(nsp)) return;
    const list = this.byClient.get(s.client);
    if (!list) return;
    for (let i = list.length - 1; i >= 0 && i >= list.length - 32; i--) {
      const q = list[i]!;
      if (q === s || q === prev || q.startedAt >= s.startedAt || !q.namespaces.has(nsp)) continue;
      let taken: EioSession | undefined;
      if (q.next !== null) {
        taken = this.byKey.get(q.next);
        if (!taken || taken === s || taken.linkedBy !== "reconnect" || taken.startedAt <= prev.startedAt) continue;
        if (this.internals.get(taken.key)!.rejected.has(prev.key)) continue;
        let fits = true;
        for (const n of taken.namespaces.keys()) if (!prev.namespaces.has(n)) fits = false;
        if (!fits) continue;
      }
      const qint = this.internals.get(q.key)!;
      if (qint.clientLeftAt !== null) continue;
      const r = q.closeReason;
      if (r && ((r.kind === "close-packet" && r.by === "client") || r.kind === "page")) continue;
      const pint = this.internals.get(prev.key)!;
      prev.next = null;
      pint.tentativeNext = null;
      this.link(q, s, "reconnect");
      qint.tentativeNext = q.state !== "closed" ? s.key : null;
      if (taken) {
        this.link(prev, taken, "reconnect");
        if (prev.state !== "closed") pint.tentativeNext = taken.key;
      }
      if (this.changes) this.change({ kind: "session", session: prev.key });
      return;
    }
  }

  /** After a client DISCONNECT: does the page still use any namespace on this session? */
  private checkClientLeft(s: EioSession, ts: number): void {
    for (const ns of s.namespaces.values()) {
      if (ns.state !== "connected" && ns.state !== "connecting") continue;
      // Rev 4 connects "/" implicitly: it counts only if the page used it.
      const used = !(s.sio === 4 && ns.nsp === "/") || this.internals.get(s.key)!.usedByPage.has(ns.nsp);
      if (used) return;
    }
    this.internals.get(s.key)!.clientLeftAt = ts;
  }

  private addEvent(
    s: EioSession,
    nsp: string,
    query: string | null,
    dir: Direction,
    ts: number,
    frames: number[],
    tn: TransportName,
    name: string,
    args: unknown[],
    ackId: number | null,
    kind: EventRecord["kind"],
    mayBin = false,
    cut: number | null = null,
  ): void {
    const existed = s.namespaces.has(nsp);
    const ns = this.ns(s, nsp, query);
    const int = this.internals.get(s.key)!;
    if (!existed) {
      // Traffic on a namespace whose CONNECT we never saw: the capture started late, or rev 4 "/".
      if (s.partial || (s.sio === 4 && nsp === "/") || s.sio === 1) this.nsState(s, ns, "connected", ts, null, "inferred from traffic", frames[0] ?? -1);
    }
    let offset: string | null = null;
    // Recovery offsets: the CONNECT reply carried a pid, or (missed events are replayed before
    // that reply) the page asked to recover with one.
    if (dir === "in" && (ns.pid !== null || ns.recoveryRequested !== null) && ackId === null) {
      const r = splitRecoveryOffset([name, ...args]);
      if (r.offset !== null) {
        offset = r.offset;
        args = r.args.slice(1);
        ns.lastOffset = offset;
      }
    }
    if (dir === "out" && !int.usedByPage.has(nsp)) int.usedByPage.add(nsp);
    const beforeConnect = dir === "out" && ns.state !== "connected";
    const buffered = dir === "out" && !beforeConnect && ns.connectedAt !== null && ts - ns.connectedAt <= this.opts.burstMs && int.flushOpen.has(nsp);
    const ev: EventRecord = {
      index: ns.eventsDropped + ns.events.length,
      ts,
      dir,
      name,
      args,
      ackId,
      ack: null,
      binary: mayBin && hasBinaryValue(args),
      offset,
      buffered,
      beforeConnect,
      transport: tn,
      frames,
      kind,
      cut,
    };
    ns.events.push(ev);
    if (ns.events.length > this.opts.maxEventsPerNamespace) {
      const n = Math.max(1, Math.floor(this.opts.maxEventsPerNamespace / 4));
      ns.events.splice(0, n);
      ns.eventsDropped += n;
    }
    if (this.changes) this.change({ kind: "event", session: s.key, nsp, index: ev.index });
    if (beforeConnect) {
      this.diag("emit-before-connect", "warning", `event "${name}" sent on ${nsp} while the namespace was ${ns.state}`, ts, s, nsp, frames);
    }
    if (ackId !== null) {
      const key = `${nsp}\u0000${dir}\u0000${ackId}`;
      const early = int.early.get(key);
      if (early && ts - early.ts <= this.opts.clockToleranceMs) {
        // Its ack sorted just before it (clock resolution): pair them, no time in between.
        int.early.delete(key);
        early.done = true;
        ev.ack = { args: early.args, ts, latencyMs: 0, seq: early.frames[0] ?? -1, binary: early.mayBin && hasBinaryValue(early.args), cut: early.cut };
        if (this.changes) this.change({ kind: "ack", session: s.key, nsp, index: ev.index });
      } else int.acks.set(key, { ev, ns, flagged: false });
    }
  }

  private addAck(s: EioSession, nsp: string, dir: Direction, ts: number, frames: number[], id: number | null, args: unknown[], mayBin = false, cut: number | null = null): void {
    const int = this.internals.get(s.key)!;
    const key = `${nsp}\u0000${opposite(dir)}\u0000${id}`;
    const p = id === null ? undefined : int.acks.get(key);
    if (!p && id !== null && !this.finished) {
      // Maybe its event sorts just after it: hold it for the clock tolerance.
      const old = int.early.get(key);
      if (old) this.expireEarlyAck(old);
      const e: EarlyAck = { s, key, nsp, dir, ts, frames, id, args, mayBin, cut, done: false };
      int.early.set(key, e);
      this.early.push(e);
      return;
    }
    if (!p) {
      this.unknownAck(s, nsp, dir, id, ts, frames);
      return;
    }
    int.acks.delete(key);
    p.ev.ack = { args, ts, latencyMs: ts - p.ev.ts, seq: frames[0] ?? -1, binary: mayBin && hasBinaryValue(args), cut };
    if (this.changes) this.change({ kind: "ack", session: s.key, nsp, index: p.ev.index });
  }

  /** Reports the held acks older than `before` as unknown (`Infinity`: all of them). */
  private expireEarlyAcks(before: number): void {
    const q = this.early;
    while (this.earlyHead < q.length && (q[this.earlyHead]!.done || q[this.earlyHead]!.ts < before)) {
      const e = q[this.earlyHead++]!;
      if (!e.done) this.expireEarlyAck(e);
    }
    if (this.earlyHead === q.length) {
      q.length = 0;
      this.earlyHead = 0;
    } else if (this.earlyHead > 1024 && this.earlyHead * 2 > q.length) {
      q.splice(0, this.earlyHead);
      this.earlyHead = 0;
    }
  }

  private expireEarlyAck(e: EarlyAck): void {
    e.done = true;
    this.internals.get(e.s.key)!.early.delete(e.key);
    this.unknownAck(e.s, e.nsp, e.dir, e.id, e.ts, e.frames);
  }

  private unknownAck(s: EioSession, nsp: string, dir: Direction, id: number | null, ts: number, frames: number[]): void {
    this.diag("ack-unknown", "info", `ack ${id ?? "(no id)"} on ${nsp} matches no ${dir === "in" ? "sent" : "received"} event with that id`, ts, s, nsp, frames);
  }

  private flagAck(s: EioSession, p: PendingAck, why: string, ts: number): void {
    p.flagged = true;
    const who = p.ev.dir === "out" ? "server" : "page";
    this.diag("ack-unanswered", "warning", `event "${p.ev.name}" (ack id ${p.ev.ackId}) on ${p.ns.nsp}: the ${who} ${why}`, ts, s, p.ns.nsp, p.ev.frames);
  }

  private decodeProblem(s: EioSession | null, e: DecodeError, ts: number, frames: number[]): void {
    const cut = this.cutNow;
    if (cut) {
      // what the capture cut does not decode: that is the capture's doing, not the app's
      if (!cut.told) this.cutTold(cut, s, ts, `: ${e.layer}: ${e.reason}`);
      return;
    }
    if (s) this.internals.get(s.key)!.lastDecodeErrorAt = ts;
    this.diag("undecodable-frame", "error", `${e.layer}: ${e.reason}${e.offset > 0 ? ` at offset ${e.offset}` : ""}`, ts, s, null, frames);
  }

  /**
   * Runs `f` over a frame or body the capture cut short (CaptureData.truncated: `full` long,
   * `kept` of it captured): decode errors it causes become one "capture-cut" note, and the cut
   * packet (the last one of a body) is decoded as far as its start allows.
   */
  private withCut(full: number, kept: string | Uint8Array, session: () => EioSession | null, ts: number, seq: number, what: string, f: () => void): void {
    const cut: CutContext = { full, kept: kept.length, unit: typeof kept === "string" ? "characters" : "bytes", what, seq, last: true, told: false };
    const outer = this.cutNow;
    this.cutNow = cut;
    try {
      f();
    } finally {
      this.cutNow = outer;
    }
    if (!cut.told) this.cutTold(cut, session(), ts, "");
  }

  private cutTold(cut: CutContext, s: EioSession | null, ts: number, why: string): void {
    cut.told = true;
    // a polling body may carry many packets: those after the cut are not seen at all
    const lost = cut.what.endsWith(" body") ? "; packets after that are not seen" : "";
    this.diag("capture-cut", "info", `${cut.what} of ${cut.full} ${cut.unit}: the capture kept its first ${cut.kept}${lost}${why}`, ts, s, null, [cut.seq]);
  }

  // ---------------------------------------------------------------- Socket.IO 0.9

  private onSio09Text(s: EioSession, text: string, dir: Direction, ts: number, seq: number, tn: TransportName): void {
    for (const r of decodeSio09Payload(text, this.cutNow !== null)) {
      if (isDecodeError(r)) this.decodeProblem(s, r, ts, [seq]);
      else this.onSio09Packet(s, r, dir, ts, seq, tn);
    }
  }

  private onSio09Packet(s: EioSession, p: Sio09Packet, dir: Direction, ts: number, seq: number, tn: TransportName): void {
    const { nsp, query } = splitNsp(p.endpoint);
    const by = dir === "out" ? "client" : "server";
    const frames = [seq];
    const int = this.internals.get(s.key)!;
    if (dir === "in") int.flushOpen.clear();
    if (!s.parserKnown) {
      s.parserKnown = true;
      if (this.changes) this.change({ kind: "session", session: s.key });
    }
    switch (p.type) {
      case 0:
        if (p.endpoint === "") return this.closeSession(s, "close-packet", by, "disconnect packet 0::", ts, frames);
        return this.nsState(s, this.ns(s, nsp, query), "disconnected", ts, by, `${by} disconnect`, seq);
      case 1: {
        const ns = this.ns(s, nsp, query ?? (p.qs ? p.qs.replace(/^\?/, "") : null));
        if (dir === "out") return this.nsState(s, ns, "connecting", ts, "client", null, seq);
        return this.nsState(s, ns, "connected", ts, "server", null, seq);
      }
      case 2:
        this.checkHeartbeat(s, ts, false);
        return dir === "in" ? this.onPing(s, dir, ts, seq) : this.onPong(s, dir, ts, seq);
      case 3:
      case 4:
      case 5: {
        this.checkHeartbeat(s, ts, false);
        const id = p.id !== undefined && /^\d+$/.test(p.id) ? Number(p.id) : null;
        const cut = p.cut ? (this.cutNow?.full ?? null) : null;
        if (p.type === 5) return this.addEvent(s, nsp, query, dir, ts, frames, tn, p.name ?? "", p.args ?? [], id, "event", false, cut);
        const arg = p.type === 3 ? (p.data ?? "") : p.json;
        return this.addEvent(s, nsp, query, dir, ts, frames, tn, "message", p.type === 4 && p.cut ? [] : [arg], id, p.type === 3 ? "message" : "json", false, cut);
      }
      case 6: {
        const id = p.ackId !== undefined && /^\d+$/.test(p.ackId) ? Number(p.ackId) : null;
        return this.addAck(s, nsp, dir, ts, frames, id, p.args ?? [], false, p.cut ? (this.cutNow?.full ?? null) : null);
      }
      case 7: {
        const reason = `${p.reason ?? "error"}${p.advice ? ` (advice: ${p.advice})` : ""}`;
        if (p.endpoint === "" && p.reasonCode === "1") {
          this.diag("sid-unknown", "error", `0.9 server does not know session ${s.sid} ("client not handshaken")`, ts, s, null, frames);
          return this.closeSession(s, "sid-unknown", "server", reason, ts, frames);
        }
        const ns = this.ns(s, nsp, query);
        ns.error = reason;
        if (dir === "in" && ns.state !== "connected") {
          this.nsState(s, ns, "refused", ts, "server", reason, seq);
          this.diag("namespace-refused", "info", `namespace ${nsp} refused: ${reason}`, ts, s, nsp, frames);
        }
        return;
      }
      case 8:
        s.noops++;
        return;
    }
  }
}

/** First bytes of an Engine.IO handshake body: `0{`, `<len>:0{`, XHR2 binary, or JSONP. */
function looksLikeOpen(body: string | Uint8Array): boolean {
  if (typeof body !== "string") return body.length > 0 && body[0]! <= 1;
  return /^(?:\d+:)?0\{|^___eio\[/.test(body);
}

function parseEioOpenSid(data: string): string | null {
  try {
    const v: unknown = JSON.parse(data);
    return isRecord(v) && typeof v.sid === "string" ? v.sid : null;
  } catch {
    return null;
  }
}

function errorText(v: unknown): string {
  if (typeof v === "string") return v;
  if (isRecord(v) && typeof v.message === "string") return v.message;
  try {
    return JSON.stringify(v) ?? "error";
  } catch {
    return "error";
  }
}

function iso(ts: number): string {
  const d = new Date(ts);
  return Number.isFinite(d.getTime()) ? d.toISOString() : String(ts);
}

export type { ParserKind };
