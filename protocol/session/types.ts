// The session model's data: what the reducer keeps about every Engine.IO session, transport,
// namespace socket, event and diagnostic. Plain objects (no classes, no live handles) so the
// panel can read them directly and `toReport()` can serialise them.
//
// Frame references (`frames`, `seq`) are the 0-based index of the capture event in the order it
// was passed to `SessionModel.apply` — the panel's raw frame list uses the same order.
import type { HttpApi } from "../capture.ts";
import type { Direction, EioRevision, ParserKind, SioRevision } from "../types.ts";

export type TransportName = "polling" | "websocket" | "webtransport";
export type TransportState = "opening" | "open" | "closing" | "closed";
export type ProbeState = "probing" | "probed" | "upgraded" | "failed";

export interface TransportRecord {
  name: TransportName;
  /** What the wire said exactly: "xhr-polling", "jsonp-polling", "htmlfile" (0.9), "jsonp", "b64"… */
  variant: string | null;
  state: TransportState;
  openingAt: number;
  openedAt: number | null;
  closingAt: number | null;
  closedAt: number | null;
  closeReason: string | null;
  /** Upgrade probe on this transport (null for the transport the session started on). */
  probe: ProbeState | null;
  /** Upgrade sequence on this transport: `2probe` sent, `3probe` received, `5` sent. */
  probeAt: number | null;
  probedAt: number | null;
  upgradedAt: number | null;
  /** HTTP exchanges (polling) or connections (websocket) carried by this record. */
  requests: number;
  /**
   * The browser APIs its HTTP exchanges went through, in the order first seen (capture
   * `HttpRequestEvent.api`): ["xhr"] or ["fetch"] for engine.io-client's two polling transports,
   * ["script", "form"] for JSONP. Empty when the recorder did not say, and for sockets.
   */
  apis: HttpApi[];
  /** False when the capture could not see this transport's frames (Firefox HAR WebSockets). */
  framesVisible: boolean;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export type SessionState = "handshaking" | "open" | "closed";

export type CloseKind =
  | "close-packet" // EIO "1" (or 0.9 "0::")
  | "transport-close" // WebSocket closed / polling request failed, without an upgrade to go on with
  | "sid-unknown" // HTTP 400 {"code":1} or 0.9 "7:::1+0"
  | "ping-timeout" // the heartbeat deadline passed, then the transport went away
  | "parse-error" // undecodable traffic, then the transport went away
  | "http-error" // another EIO error code / unexpected HTTP status
  | "page" // the page navigated away
  | "superseded"; // inferred: a new handshake of the same client on the same endpoint

export interface CloseReason {
  kind: CloseKind;
  by: "client" | "server" | null;
  detail: string | null;
  ts: number;
  /** Capture seqs of the frames that show it. */
  frames: number[];
}

export interface Heartbeat {
  /** "in" when the server pings (EIO 4, 0.9), "out" when the client pings (EIO 3). */
  dir: Direction;
  pingAt: number;
  pongAt: number | null;
  rttMs: number | null;
  pingSeq: number;
  pongSeq: number | null;
}

export interface HeartbeatStats {
  count: number;
  answered: number;
  missed: number;
  minRttMs: number | null;
  maxRttMs: number | null;
  meanRttMs: number | null;
  lastPingAt: number | null;
}

export type NamespaceState = "connecting" | "connected" | "disconnecting" | "disconnected" | "refused";

export interface NamespaceTransition {
  state: NamespaceState;
  ts: number;
  /** Who caused it, and why, when known. */
  by: "client" | "server" | null;
  reason: string | null;
  seq: number;
}

export interface AckRecord {
  args: unknown[];
  ts: number;
  latencyMs: number;
  seq: number;
  binary: boolean;
  /** As EventRecord.cut: the capture kept only the start of this ack; `args` are unknown ([]). */
  cut: number | null;
}

export interface EventRecord {
  /** Position in the namespace's sequence of events (`events[index - eventsDropped]` while held). */
  index: number;
  ts: number;
  dir: Direction;
  name: string;
  args: unknown[];
  ackId: number | null;
  ack: AckRecord | null;
  /** Some argument is binary (Uint8Array) — attachments, msgpack bin, 0.9 never. */
  binary: boolean;
  /** Connection-state-recovery offset stripped from the arguments (server events only). */
  offset: string | null;
  /** Sent in the burst right after the namespace connected (the client's send buffer flushed). */
  buffered: boolean;
  /** Sent by the page before its namespace was connected. */
  beforeConnect: boolean;
  transport: TransportName;
  /** Capture seqs: header frame first, then binary attachments. */
  frames: number[];
  /** 0.9: the packet was a "message"/"json" packet rather than an event. */
  kind: "event" | "message" | "json";
  /**
   * The capture kept only the start of this event's frame or body (the extension keeps payloads
   * over 1 MiB as their first 64 KiB; CaptureData.truncated), or of one of its attachments: the
   * whole length of what was cut (bytes; UTF-16 code units for text). A cut text packet keeps
   * its name, ack id and namespace but no arguments; a cut attachment keeps its first bytes.
   * Null when everything was captured.
   */
  cut: number | null;
}

export interface NamespaceSocket {
  nsp: string;
  /** Query attached to the namespace on CONNECT (`/admin?token=1`), without the "?". */
  query: string | null;
  state: NamespaceState;
  history: NamespaceTransition[];
  /** Socket id from the CONNECT reply (rev 5); null where it never travels (rev 4, 0.9). */
  socketId: string | null;
  /** Connection-state recovery: private session id from the CONNECT reply. */
  pid: string | null;
  /** Last recovery offset received. */
  lastOffset: string | null;
  /** The client asked to recover (CONNECT with pid/offset). */
  recoveryRequested: { pid: string; offset: string | null } | null;
  /** The server answered with the same pid: the state was recovered. */
  recovered: boolean;
  auth: unknown;
  /** CONNECT_ERROR / 0.9 error payload when refused. */
  error: unknown;
  /** The namespace's events in order; with the model's maxEventsPerNamespace, only the newest. */
  events: EventRecord[];
  /** Event records dropped from the front of `events` by that cap (0 without one). */
  eventsDropped: number;
  connectedAt: number | null;
}

export type Severity = "error" | "warning" | "info";

export type DiagnosticCode =
  | "ack-unanswered"
  | "ack-unknown"
  | "emit-before-connect"
  | "heartbeat-missed"
  | "heartbeat-direction"
  | "upgrade-failed"
  | "sid-unknown"
  | "version-mismatch"
  | "payload-too-large"
  | "non-conformant-length"
  | "undecodable-frame"
  | "capture-cut"
  | "namespace-refused"
  | "http-error";

export interface Diagnostic {
  id: number;
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  ts: number;
  /** Session key (see EioSession.key), or null when no session could be found. */
  session: string | null;
  nsp: string | null;
  frames: number[];
}

export interface EioSession {
  /** Stable key inside the model ("s1", "s2", …), also when the sid is not known yet. */
  key: string;
  sid: string | null;
  /** Endpoint URL without query (`http://host:port/socket.io/`). */
  url: string;
  family: "eio" | "sio09";
  eio: EioRevision | null;
  sio: SioRevision;
  parser: ParserKind;
  /** The parser has been seen on the wire (otherwise `parser` is the default assumption). */
  parserKnown: boolean;
  state: SessionState;
  startedAt: number;
  openedAt: number | null;
  closedAt: number | null;
  lastActivity: number;
  closeReason: CloseReason | null;
  pingInterval: number | null;
  pingTimeout: number | null;
  maxPayload: number | null;
  upgrades: string[];
  /** Open packet fields we do not model, as sent. */
  openExtra: Record<string, unknown>;
  transports: TransportRecord[];
  /** Index in `transports` of the transport carrying the session now. */
  active: number;
  upgraded: boolean;
  noops: number;
  heartbeats: Heartbeat[];
  heartbeat: HeartbeatStats;
  namespaces: Map<string, NamespaceSocket>;
  /** Reconnection chain: previous / next session of the same client manager (keys). */
  prev: string | null;
  next: string | null;
  /** Key of the first session of the chain. */
  chain: string;
  /** Why `prev` was linked: same endpoint after a close, or the same recovery pid. */
  linkedBy: "reconnect" | "recovery" | null;
  /** Which page/frame the client lives in (links reconnections). */
  client: string;
  /** No handshake was seen (the capture started mid-session). */
  partial: boolean;
  /** Diagnostic ids about this session. */
  diagnostics: number[];
}

/** The change feed: one apply() produces a small list of these. */
export type Change =
  | { kind: "session-added"; session: string }
  | { kind: "session"; session: string }
  | { kind: "transport"; session: string; index: number }
  | { kind: "heartbeat"; session: string; index: number }
  | { kind: "namespace"; session: string; nsp: string }
  | { kind: "event"; session: string; nsp: string; index: number }
  | { kind: "ack"; session: string; nsp: string; index: number }
  | { kind: "diagnostic"; id: number };

export type ChangeListener = (changes: readonly Change[]) => void;
