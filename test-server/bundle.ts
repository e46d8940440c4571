// esbuild bundles of the demo page, one per client line, built in memory once per process.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Line } from "./shared.ts";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const CLIENT_PKG: Record<Line, string> = { "0.9": "sio09-client", "1": "sio1-client", "2": "sio2-client", "3": "sio3-client", "4": "sio4-client" };

export function clientVersion(line: Line): string {
  const pkgDir = dirname(require.resolve(`${CLIENT_PKG[line]}/package.json`, { paths: [here] }));
  return (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
}

/** The 0.9 client's own browser build (it predates bundlers). */
export function client09Dist(): string {
  const pkgDir = dirname(require.resolve("sio09-client/package.json", { paths: [here] }));
  return readFileSync(join(pkgDir, "dist", "socket.io.js"), "utf8");
}

let cache: Promise<Map<Line, string>> | undefined;

export async function bundles(lines: readonly Line[]): Promise<Map<Line, string>> {
  cache ??= (async () => {
    const out = new Map<Line, string>();
    const all: Line[] = ["0.9", "1", "2", "3", "4"];
    await Promise.all(all.map(async (line) => {
      const r = await build({
        entryPoints: [join(here, "page", `entry-${line}.ts`)],
        bundle: true,
        write: false,
        format: "iife",
        platform: "browser",
        target: "es2020",
        minify: false,
        sourcemap: false,
        logLevel: "silent",
        define: {
          __CLIENT_VERSION__: JSON.stringify(clientVersion(line)),
          global: "globalThis",
          "process.env.NODE_ENV": '"production"',
        },
      });
      out.set(line, r.outputFiles[0]!.text);
    }));
    return out;
  })();
  const m = await cache;
  return new Map(lines.map((l) => [l, m.get(l)!] as const));
}
