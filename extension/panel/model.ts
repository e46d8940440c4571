// What the panel renders, derived from the capture events it received. This is the stand-in
// until protocol/session's SessionModel lands: connections grouped by endpoint URL, with the
// raw frames. `createModel()` is the only thing the panel calls, so the switch is one file.
import type { CaptureEvent } from "../../protocol/capture.ts";

export interface RawConn {
  conn: string;
  kind: "ws" | "http" | "wt" | "page";
  url: string;
  frameId: number | undefined;
  events: number;
}
export interface EndpointGroup {
  /** URL without the per-request query parameters (sid, t, j, …). */
  endpoint: string;
  conns: RawConn[];
}
export interface Report {
  kind: "raw";
  events: number;
  pages: number;
  groups: EndpointGroup[];
}

export interface PanelModel {
  push(events: readonly CaptureEvent[]): void;
  report(): Report;
}

const VOLATILE = new Set(["sid", "t", "j", "b64", "EIO", "transport"]);

export function endpointOf(url: string): string {
  try {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) if (VOLATILE.has(k)) u.searchParams.delete(k);
    let path = u.pathname;
    // socket.io 0.9 puts the transport and session id in the path: /socket.io/1/websocket/<sid>
    const m = /^(.*\/1)(?:\/[a-z-]+\/[^/]+)?\/?$/.exec(path);
    if (m && /socket\.io/.test(path)) path = m[1]! + "/";
    return `${u.origin}${path}${u.search}`;
  } catch {
    return url;
  }
}

export function createModel(): PanelModel {
  const conns = new Map<string, RawConn>();
  let count = 0;
  let pages = 0;
  return {
    push(events) {
      for (const e of events) {
        count++;
        if (e.type === "page") {
          pages++;
          continue;
        }
        let c = conns.get(e.conn);
        if (!c) {
          const kind = e.type.startsWith("ws-") ? "ws" : e.type.startsWith("wt-") ? "wt" : "http";
          c = { conn: e.conn, kind, url: "", frameId: e.frameId, events: 0 };
          conns.set(e.conn, c);
        }
        if ((e.type === "ws-open" || e.type === "http-request" || e.type === "wt-open") && typeof e.url === "string") c.url = e.url;
        c.events++;
      }
    },
    report() {
      const groups = new Map<string, EndpointGroup>();
      for (const c of conns.values()) {
        const endpoint = endpointOf(c.url);
        let g = groups.get(endpoint);
        if (!g) groups.set(endpoint, (g = { endpoint, conns: [] }));
        g.conns.push({ ...c });
      }
      return { kind: "raw", events: count, pages, groups: [...groups.values()] };
    },
  };
}
