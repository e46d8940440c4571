// A HAR recorder over the Chrome DevTools Protocol: listens to a page's Network domain and
// writes what Chrome's own "Export HAR" writes — entries with base64 response bodies,
// postData, and `_webSocketMessages` (opcode 1 text, opcode 2 base64) — so fixtures recorded
// here exercise the same import path as a HAR a user saves from DevTools.
//
//   const rec = new HarRecorder(await context.newCDPSession(page), { filter: isSocketIoUrl });
//   await rec.start();  … drive the page …  const har = await rec.stop();
import { isSocketIoUrl } from "../protocol/detect.ts";

/** The part of a CDP session we use (Playwright's CDPSession and puppeteer's both fit). */
export interface CdpLike {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  on(event: string, listener: (params: never) => void): unknown;
}

interface Header {
  name: string;
  value: string;
}

interface Req {
  id: string;
  url: string;
  method: string;
  headers: Header[];
  postData?: { mimeType: string; text: string; encoding?: string };
  hasPostData: boolean;
  /** Monotonic seconds (CDP `timestamp`) at the start; NaN for a WebSocket until its handshake. */
  t0: number;
  frameId?: string;
  /** CDP's resource type, lowercased as Chrome's export writes `_resourceType` ("xhr", "fetch", "script"). */
  resourceType: string;
  status?: number;
  /** Monotonic seconds when the response headers came. */
  responseAt?: number;
  /** Body bytes seen arriving (Network.dataReceived). */
  received?: number;
  statusText?: string;
  resHeaders?: Header[];
  mimeType?: string;
  httpVersion?: string;
  end?: number;
  body?: { text: string; encoding?: string };
  /** Why Network.getResponseBody failed: the entry says so (`_bodyError`) instead of looking empty. */
  bodyError?: string;
  failed?: { errorText: string; canceled: boolean };
  ws?: { messages: WsMsg[]; closed?: number };
  /** Pending body / post-data fetches. */
  waits: Promise<void>[];
  done: boolean;
}

interface WsMsg {
  type: "send" | "receive";
  /** Monotonic seconds while recording; wall seconds in the HAR. */
  time: number;
  opcode: number;
  data: string;
}

export interface HarRecorderOptions {
  /** Keep only requests whose URL passes (default: Socket.IO / Engine.IO URLs). */
  filter?: (url: string) => boolean;
  /** Drop HTTP headers from entries (smaller fixtures). Default false. */
  dropHeaders?: boolean;
  pageTitle?: string;
}

function headersOf(h: unknown): Header[] {
  if (!h || typeof h !== "object") return [];
  return Object.entries(h as Record<string, unknown>).map(([name, value]) => ({ name, value: String(value) }));
}

function contentTypeOf(headers: Header[]): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === "content-type")?.value;
}

const DECODER = new TextDecoder("utf-8", { fatal: true });

export class HarRecorder {
  private readonly reqs = new Map<string, Req>();
  private readonly order: Req[] = [];
  private readonly filter: (url: string) => boolean;
  private readonly opts: HarRecorderOptions;
  private started = 0;
  private offset: number | null = null;

  constructor(private readonly cdp: CdpLike, opts: HarRecorderOptions = {}) {
    this.opts = opts;
    this.filter = opts.filter ?? ((u) => isSocketIoUrl(u));
  }

  /**
   * Monotonic CDP seconds → wall-clock seconds, with ONE offset for the whole recording: the
   * smallest `wallTime − timestamp` seen. Each event reads the two clocks one after the other, and
   * a thread descheduled in between makes that event's difference larger (by up to 9 ms among 63
   * requests of a loaded 2-core machine): an entry placed by its own wallTime could then end after
   * the request its own response caused, and an importer sorting by time would see the effect
   * first. Every time in the HAR comes from the monotonic clock through this one offset.
   */
  private wall(t: number): number {
    return this.offset === null ? t : t + this.offset;
  }

  private anchor(wallTime: number, ts: number): void {
    if (!Number.isFinite(wallTime) || !Number.isFinite(ts)) return;
    const o = wallTime - ts;
    if (this.offset === null || o < this.offset) this.offset = o;
  }

  async start(): Promise<void> {
    this.started = Date.now();
    const on = (ev: string, f: (p: Record<string, unknown>) => void) => this.cdp.on(`Network.${ev}`, f as (p: never) => void);
    on("requestWillBeSent", (p) => this.onRequest(p));
    on("responseReceived", (p) => this.onResponse(p));
    on("dataReceived", (p) => this.onData(p));
    on("loadingFinished", (p) => this.onFinished(p));
    on("loadingFailed", (p) => this.onFailed(p));
    on("webSocketCreated", (p) => this.onWsCreated(p));
    on("webSocketWillSendHandshakeRequest", (p) => this.onWsHandshake(p));
    on("webSocketHandshakeResponseReceived", (p) => this.onWsResponse(p));
    on("webSocketFrameSent", (p) => this.onWsFrame(p, "send"));
    on("webSocketFrameReceived", (p) => this.onWsFrame(p, "receive"));
    on("webSocketClosed", (p) => this.onWsClosed(p));
    on("webSocketFrameError", (p) => this.onWsClosed(p));
    await this.cdp.send("Network.enable", { maxTotalBufferSize: 64 * 1024 * 1024, maxResourceBufferSize: 16 * 1024 * 1024 });
  }

  private onRequest(p: Record<string, unknown>): void {
    const request = p.request as Record<string, unknown>;
    const url = String(request.url);
    const ts = Number(p.timestamp);
    const wallTime = Number(p.wallTime);
    this.anchor(wallTime, ts);
    if (!this.filter(url)) return;
    const id = String(p.requestId);
    if (this.reqs.has(id)) return; // redirect: keep the first
    const headers = headersOf(request.headers);
    const r: Req = {
      id, url, method: String(request.method ?? "GET"), headers, hasPostData: !!request.hasPostData, t0: ts, waits: [], done: false,
      resourceType: typeof p.type === "string" ? p.type.toLowerCase() : "xhr",
    };
    if (typeof p.frameId === "string") r.frameId = p.frameId;
    const mime = contentTypeOf(headers) ?? "";
    const entries = request.postDataEntries as { bytes?: string }[] | undefined;
    if (Array.isArray(entries) && entries.length) {
      r.postData = this.postFromBase64(entries.map((e) => e.bytes ?? "").join(""), mime);
    } else if (typeof request.postData === "string") {
      r.postData = { mimeType: mime, text: request.postData };
    } else if (r.hasPostData) {
      r.waits.push(
        (this.cdp.send("Network.getRequestPostData", { requestId: id }) as Promise<{ postData: string; base64Encoded?: boolean }>).then(
          (d) => { r.postData = d.base64Encoded ? this.postFromBase64(d.postData, mime) : { mimeType: mime, text: d.postData }; },
          () => {},
        ),
      );
    }
    this.reqs.set(id, r);
    this.order.push(r);
  }

  /** Binary request bodies: text when they are valid UTF-8, else base64 with `encoding` (as other HAR tools write). */
  private postFromBase64(b64: string, mimeType: string): { mimeType: string; text: string; encoding?: string } {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    try {
      return { mimeType, text: DECODER.decode(bytes) };
    } catch {
      return { mimeType, text: b64, encoding: "base64" };
    }
  }

  private onResponse(p: Record<string, unknown>): void {
    const r = this.reqs.get(String(p.requestId));
    if (!r) return;
    const res = p.response as Record<string, unknown>;
    r.status = Number(res.status);
    r.statusText = String(res.statusText ?? "");
    r.resHeaders = headersOf(res.headers);
    r.mimeType = String(res.mimeType ?? "");
    r.httpVersion = String(res.protocol ?? "http/1.1");
    r.responseAt = Number(p.timestamp);
  }

  private onData(p: Record<string, unknown>): void {
    const r = this.reqs.get(String(p.requestId));
    if (r && !r.ws) r.received = (r.received ?? 0) + (Number(p.dataLength) || 0);
  }

  private onFinished(p: Record<string, unknown>): void {
    const r = this.reqs.get(String(p.requestId));
    if (!r || r.ws) return;
    r.end = Number(p.timestamp);
    if (r.method === "OPTIONS") {
      r.done = true;
      return;
    }
    r.waits.push(this.fetchBody(r));
  }

  /**
   * The response body, asked for at loadingFinished. A CORS preflight (OPTIONS) has none, and
   * Chromium keeps no resource for it ("No resource with given identifier found"): it is not
   * asked. Any other failure is retried a few times, then the entry records why (`_bodyError`),
   * so that a lost body is reported as such instead of looking like traffic that never came (a
   * live 4.x recording in CI once lacked a namespace refusal, cause not found).
   */
  private async fetchBody(r: Req): Promise<void> {
    const RETRIES = 5;
    for (let i = 0; ; i++) {
      try {
        const b = (await this.cdp.send("Network.getResponseBody", { requestId: r.id })) as { body: string; base64Encoded: boolean };
        r.body = b.base64Encoded ? { text: b.body, encoding: "base64" } : { text: b.body };
        delete r.bodyError;
        break;
      } catch (e) {
        r.bodyError = e instanceof Error ? e.message : String(e);
        if (i >= RETRIES) break;
        await new Promise((res) => setTimeout(res, 20 * 2 ** i));
      }
    }
    r.done = true;
  }

  private onFailed(p: Record<string, unknown>): void {
    const r = this.reqs.get(String(p.requestId));
    if (!r) return;
    if (r.ws) {
      r.ws.closed = Number(p.timestamp);
      return;
    }
    r.end = Number(p.timestamp);
    r.failed = { errorText: String(p.errorText ?? "failed"), canceled: !!p.canceled };
    r.done = true;
  }

  private onWsCreated(p: Record<string, unknown>): void {
    const url = String(p.url);
    if (!this.filter(url)) return;
    const id = String(p.requestId);
    const r: Req = { id, url, method: "GET", headers: [], hasPostData: false, t0: NaN, ws: { messages: [] }, waits: [], done: true, resourceType: "websocket" };
    this.reqs.set(id, r);
    this.order.push(r);
  }

  private onWsHandshake(p: Record<string, unknown>): void {
    const r = this.reqs.get(String(p.requestId));
    if (!r) return;
    const ts = Number(p.timestamp);
    const wallTime = Number(p.wallTime);
    this.anchor(wallTime, ts);
    r.t0 = ts;
    r.headers = headersOf((p.request as Record<string, unknown>)?.headers);
  }

  private onWsResponse(p: Record<string, unknown>): void {
    const r = this.reqs.get(String(p.requestId));
    if (!r) return;
    const res = p.response as Record<string, unknown>;
    r.status = Number(res.status);
    r.statusText = String(res.statusText ?? "");
    r.resHeaders = headersOf(res.headers);
    r.end = Number(p.timestamp);
  }

  private onWsFrame(p: Record<string, unknown>, type: "send" | "receive"): void {
    const r = this.reqs.get(String(p.requestId));
    if (!r?.ws) return;
    const res = p.response as { opcode: number; payloadData: string };
    r.ws.messages.push({ type, time: Number(p.timestamp), opcode: res.opcode, data: res.payloadData });
  }

  private onWsClosed(p: Record<string, unknown>): void {
    const r = this.reqs.get(String(p.requestId));
    if (r?.ws && r.ws.closed === undefined) r.ws.closed = Number(p.timestamp);
  }

  /** Waits for outstanding body fetches and returns the HAR document. HTTP exchanges with no response yet are left out. */
  async stop(): Promise<unknown> {
    for (let i = 0; i < 3; i++) await Promise.all(this.order.flatMap((r) => r.waits));
    const entries: unknown[] = [];
    for (const r of this.order) {
      const e = this.entry(r);
      if (e) entries.push(e);
    }
    return {
      log: {
        version: "1.2",
        creator: { name: "socket-scope record-har (CDP, Chrome HAR format)", version: "1" },
        pages: [{ startedDateTime: new Date(this.started).toISOString(), id: "page_1", title: this.opts.pageTitle ?? "", pageTimings: {} }],
        entries,
      },
    };
  }

  private entry(r: Req): unknown | null {
    const keepHeaders = !this.opts.dropHeaders;
    if (!Number.isFinite(r.t0)) return null; // a WebSocket whose handshake never came
    const started = new Date(this.wall(r.t0) * 1000).toISOString();
    const q = new URL(r.url);
    const queryString = [...q.searchParams].map(([name, value]) => ({ name, value }));
    const request = {
      method: r.method,
      url: r.url,
      httpVersion: r.httpVersion ?? "HTTP/1.1",
      headers: keepHeaders ? r.headers : [],
      queryString,
      cookies: [],
      headersSize: -1,
      bodySize: r.postData ? r.postData.text.length : 0,
      ...(r.postData ? { postData: r.postData } : {}),
    };
    if (r.ws) {
      const endAt = r.end ?? r.ws.closed;
      const wait = endAt !== undefined ? Math.max(0, (endAt - r.t0) * 1000) : 0;
      return {
        startedDateTime: started,
        time: wait,
        request,
        response: { status: r.status ?? 0, statusText: r.statusText ?? "", httpVersion: "HTTP/1.1", headers: keepHeaders ? (r.resHeaders ?? []) : [], cookies: [], content: { size: 0, mimeType: "x-unknown" }, redirectURL: "", headersSize: -1, bodySize: 0 },
        cache: {},
        timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait, receive: 0 },
        pageref: "page_1",
        _resourceType: "websocket",
        _webSocketMessages: r.ws.messages.map((m) => ({ ...m, time: this.wall(m.time) })),
      };
    }
    // A response whose body the page never read (engine.io-client's fetch() transport ignores a
    // POST's "ok") is never reported finished: Chrome's export still lists it, status and size
    // without the text. What has no response yet (a long poll) was still in flight: left out.
    const unread = r.end === undefined && r.responseAt !== undefined && r.status !== undefined && !r.failed;
    if (!unread && (r.end === undefined || !r.done)) return null;
    const time = Math.max(0, ((r.end ?? r.responseAt!) - r.t0) * 1000);
    const base = {
      startedDateTime: started,
      time,
      request,
      cache: {},
      timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: time, receive: 0 },
      pageref: "page_1",
      _resourceType: r.resourceType,
    };
    if (r.failed) {
      return {
        ...base,
        response: { status: 0, statusText: "", httpVersion: "", headers: [], cookies: [], content: { size: 0, mimeType: "x-unknown" }, redirectURL: "", headersSize: -1, bodySize: -1, _error: r.failed.errorText },
        _error: r.failed.errorText,
      };
    }
    const content: Record<string, unknown> = { size: r.body ? r.body.text.length : (r.received ?? 0), mimeType: r.mimeType ?? contentTypeOf(r.resHeaders ?? []) ?? "x-unknown" };
    if (r.body) {
      content.text = r.body.text;
      if (r.body.encoding) content.encoding = r.body.encoding;
    }
    if (r.bodyError) content._bodyError = r.bodyError;
    return {
      ...base,
      response: { status: r.status ?? 0, statusText: r.statusText ?? "", httpVersion: r.httpVersion ?? "HTTP/1.1", headers: keepHeaders ? (r.resHeaders ?? []) : [], cookies: [], content, redirectURL: "", headersSize: -1, bodySize: -1 },
    };
  }
}
