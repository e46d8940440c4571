// Programmatic API of the demo: the page server plus one real socket.io server per line/variant.
//
//   const demo = await startDemo({ port: 0 });         // every port free-chosen
//   await page.goto(demo.pageUrl({ line: "4", transport: "websocket" }));
//   await demo.stop();
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket as NetSocket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundles, client09Dist } from "./bundle.ts";
import { startLineServer, type LineServer } from "./lines.ts";
import {
  LINES, MAX_HTTP_BUFFER_SIZE, SERVER_VARIANTS, clientLineOf, pageQuery, parsePageQuery,
  type Line, type PageConfig, type PageOptions, type Variant,
} from "./shared.ts";

export { LINES, SERVER_VARIANTS, parsePageQuery, pageQuery };
export type { Line, Variant, PageOptions, Transport, ParserName, ScenarioResult } from "./shared.ts";

const here = dirname(fileURLToPath(import.meta.url));

export interface StartDemoOptions {
  /** Port of the page server; 0 (the default) picks free ports for everything. A fixed port P puts
   *  the line servers on P+1 … P+10 in the order of SERVER_VARIANTS. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Lines to start; default all. */
  lines?: Line[];
  /** No log output (default false: one line per notable server event). */
  quiet?: boolean;
}

export interface LineServerInfo {
  line: Line;
  variant: Variant;
  port: number;
  /** http://host:port of the socket.io server (its path is /socket.io). */
  url: string;
}

export interface Demo {
  /** http://host:port/ of the page server. */
  url: string;
  port: number;
  host: string;
  servers: LineServerInfo[];
  /** URL of the demo page for one configuration (defaults: polling-upgrade, default parser). */
  pageUrl(o: Partial<PageOptions> & { line: Line }): string;
  /** URL of the socket.io server of a line/variant. */
  serverUrl(line: Line, variant?: Variant): string;
  /** Restart one line server (sessions forgotten, same port). */
  restart(line: Line, variant?: Variant): void;
  stop(): Promise<void>;
}

export class DemoError extends Error {}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

async function listen(server: HttpServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onErr = (e: NodeJS.ErrnoException) =>
      reject(new DemoError(e.code === "EADDRINUSE" ? `port ${port} on ${host} is already in use` : `cannot listen on ${host}:${port}: ${e.message}`));
    server.once("error", onErr);
    server.listen(port, host, () => { server.off("error", onErr); resolve(); });
  });
  return (server.address() as AddressInfo).port;
}

function html(page: PageOptions, config: PageConfig): string {
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  const line = clientLineOf(page);
  const title = `Socket.IO ${page.line === "0.9" ? "0.9" : page.line + ".x"} demo · Socket Scope`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/style.css">
<link rel="icon" href="data:,">
<script type="application/json" id="demo-config">${json}</script>
</head>
<body>
${line === "0.9" ? '<script src="/vendor/socket.io-0.9.js"></script>\n' : ""}<script src="/js/${line}.js" defer></script>
</body>
</html>
`;
}

export async function startDemo(opts: StartDemoOptions = {}): Promise<Demo> {
  const host = opts.host ?? "127.0.0.1";
  const basePort = opts.port ?? 0;
  const lines = opts.lines ?? [...LINES];
  for (const l of lines) if (!LINES.includes(l)) throw new DemoError(`unknown line "${l}" (known: ${LINES.join(", ")})`);
  const quiet = opts.quiet ?? false;
  const log = (msg: string) => { if (!quiet) console.log(`[demo] ${msg}`); };
  // The eio3 variant serves the 2.x client from the 4.x server.
  const needBundles = new Set<Line>(lines);
  if (lines.includes("4")) needBundles.add("2");
  const code = await bundles([...needBundles]);
  const vendor09 = lines.includes("0.9") ? client09Dist() : "";
  const css = readFileSync(join(here, "page", "style.css"), "utf8");

  const config: PageConfig = { ports: {}, maxHttpBufferSize: MAX_HTTP_BUFFER_SIZE };
  const sockets = new Set<NetSocket>();
  const pageServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      const u = new URL(req.url ?? "/", "http://x");
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store", "x-content-type-options": "nosniff" });
        res.end(body);
      };
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain", "method not allowed\n");
      if (u.pathname === "/" || u.pathname === "/index.html") {
        const p = parsePageQuery(u.searchParams);
        if ("error" in p) return send(400, "text/plain", `bad demo page query: ${p.error}\n`);
        if (!lines.includes(p.line)) return send(404, "text/plain", `line ${p.line} is not started by this demo server\n`);
        return send(200, "text/html", html(p, config));
      }
      const js = /^\/js\/(0\.9|1|2|3|4)\.js$/.exec(u.pathname);
      if (js && code.has(js[1] as Line)) return send(200, "text/javascript", code.get(js[1] as Line)!);
      if (u.pathname === "/vendor/socket.io-0.9.js" && vendor09) return send(200, "text/javascript", vendor09);
      if (u.pathname === "/style.css") return send(200, "text/css", css);
      if (u.pathname === "/config.json") return send(200, "application/json", JSON.stringify(config));
      return send(404, "text/plain", "not found\n");
    } catch (e) {
      res.writeHead(500).end();
      log(`page server error: ${String(e)}`);
    }
  });
  pageServer.on("connection", (s: NetSocket) => {
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  pageServer.on("clientError", (_e: Error, s: NetSocket) => { s.destroy(); });

  const port = await listen(pageServer, basePort, host);
  const origins = [...new Set([urlHost(host), "localhost", "127.0.0.1", "[::1]"])].map((h) => `http://${h}:${port}`);
  const servers: LineServer[] = [];
  const stopAll = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => pageServer.close(() => r()));
  };
  try {
    const wanted = SERVER_VARIANTS.map((sv, i) => ({ ...sv, i })).filter((sv) => lines.includes(sv.line));
    const started = await Promise.allSettled(wanted.map((sv) =>
      startLineServer({ line: sv.line, variant: sv.variant, host, port: basePort === 0 ? 0 : basePort + 1 + sv.i, origins, log })));
    for (const r of started) if (r.status === "fulfilled") servers.push(r.value);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      const e = failed.reason as NodeJS.ErrnoException;
      const which = wanted[started.indexOf(failed)]!;
      const p = basePort === 0 ? 0 : basePort + 1 + which.i;
      throw new DemoError(e.code === "EADDRINUSE" ? `port ${p} (socket.io ${which.line}, ${which.variant}) on ${host} is already in use` : String(e.message));
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  for (const s of servers) config.ports[`${s.line}/${s.variant}`] = s.port;
  const url = `http://${urlHost(host)}:${port}/`;
  const find = (line: Line, variant: Variant = "default") => {
    const s = servers.find((x) => x.line === line && x.variant === variant);
    if (!s) throw new DemoError(`no socket.io ${line} "${variant}" server in this demo`);
    return s;
  };
  log(`page server ${url}; socket.io servers: ${servers.map((s) => `${s.line}/${s.variant}=${s.port}`).join(" ")}`);
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    host,
    servers: servers.map((s) => ({ line: s.line, variant: s.variant, port: s.port, url: `http://${urlHost(host)}:${s.port}` })),
    pageUrl(o) {
      const p = parsePageQuery(new URLSearchParams(pageQuery(o)));
      if ("error" in p) throw new DemoError(p.error);
      if (!lines.includes(p.line)) throw new DemoError(`line ${p.line} is not started by this demo server`);
      return `${url}?${pageQuery(o)}`;
    },
    serverUrl: (line, variant) => `http://${urlHost(host)}:${find(line, variant).port}`,
    restart: (line, variant) => find(line, variant).restart(),
    stop() {
      stopped ??= stopAll();
      return stopped;
    },
  };
}
