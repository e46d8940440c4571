// `npm run build`: one esbuild pass → unpacked extensions in dist/chrome and dist/firefox.
// `npm run package`: the same, then dist/socket-scope-chrome.zip and dist/socket-scope-firefox.zip
// for store upload. Both manifests come from manifest.json; only the browser differences are
// added here (Chrome: background.service_worker; Firefox: background.scripts and the gecko
// settings). Exported `buildExtension()` is what `npm start` calls.
import { build, type Plugin } from "esbuild";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateRawSync, deflateSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export const GECKO_ID = "socket-scope@socket-scope.dev";
export const DIST = { chrome: join(root, "dist/chrome"), firefox: join(root, "dist/firefox") } as const;

/** Entry points: output name → source. The hook's file is owned by extension/hook/. */
function entries(): Record<string, string> {
  const hook = ["extension/hook/index.ts", "extension/hook/hook.ts"].map((p) => join(root, p)).find((p) => existsSync(p));
  return {
    hook: hook ?? join(root, "extension/content/hook-placeholder.ts"),
    relay: join(root, "extension/content/relay.ts"),
    background: join(root, "extension/background/background.ts"),
    devtools: join(root, "extension/devtools/devtools.ts"),
    panel: join(root, "extension/panel/panel.tsx"),
  };
}

const STATIC = ["extension/devtools/devtools.html", "extension/panel/panel.html", "extension/panel/panel.css"];

/**
 * We never use dangerouslySetInnerHTML; this removes preact's one innerHTML write from the
 * bundle, so the panel cannot assign HTML even by mistake (and AMO's linter stays quiet).
 */
const noInnerHtml: Plugin = {
  name: "no-inner-html",
  setup(b) {
    b.onLoad({ filter: /[\\/]preact[\\/]dist[\\/]preact\.m?js$/ }, (args) => {
      const src = readFileSync(args.path, "utf8");
      const out = src.replace(/\(([\w$]+)\.innerHTML=([\w$]+)\.__html\)/g, '(()=>{throw new Error("dangerouslySetInnerHTML is disabled")})()');
      if (out === src) throw new Error(`no-inner-html: preact's innerHTML write not found in ${args.path}; update the pattern`);
      return { contents: out, loader: "js" };
    });
  },
};

type Manifest = Record<string, unknown> & { background?: unknown; browser_specific_settings?: unknown };

export function manifestFor(target: "chrome" | "firefox"): Manifest {
  const base = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as Manifest;
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  base.version = pkg.version;
  if (target === "chrome") {
    base.minimum_chrome_version = "111"; // world: "MAIN" content scripts
    base.background = { service_worker: "background.js" };
  } else {
    base.background = { scripts: ["background.js"] };
    base.browser_specific_settings = {
      gecko: {
        id: GECKO_ID,
        // world: "MAIN" content scripts need 128, but web-ext lint warns unless the minimum is
        // one that knows data_collection_permissions (desktop 140, Android 142).
        strict_min_version: "140.0",
        // Nothing leaves the browser: the panel shows the page's traffic locally.
        data_collection_permissions: { required: ["none"] },
      },
      gecko_android: { strict_min_version: "142.0" },
    };
  }
  return base;
}

export interface BuildOptions {
  /** Also write the store zips. */
  pkg?: boolean;
  minify?: boolean;
  quiet?: boolean;
  /** Where chrome/, firefox/ and the zips go (default dist/); tests build their own copy. */
  outDir?: string;
}

export async function buildExtension(opts: BuildOptions = {}): Promise<{ chrome: string; firefox: string }> {
  const base = opts.outDir ?? join(root, "dist");
  const dist = { chrome: join(base, "chrome"), firefox: join(base, "firefox") };
  // A staging dir of this build's own: two builds into one dist/ at once (npm start in two test
  // files) must not delete each other's files mid-write (seen in CI: esbuild "Failed to write").
  const out = join(base, `.build-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: entries(),
    outdir: out,
    bundle: true,
    format: "iife",
    target: ["chrome111", "firefox128"],
    minify: opts.minify ?? false,
    sourcemap: false,
    legalComments: "none",
    jsx: "automatic",
    jsxImportSource: "preact",
    logLevel: opts.quiet ? "error" : "warning",
    // The hook runs in pages: no stray globals (iife) and nothing that could be eval'd.
    supported: { "dynamic-import": false },
    plugins: [noInnerHtml],
  });
  const icons = makeIcons();
  for (const target of ["chrome", "firefox"] as const) {
    // assembled beside the staging files, then moved into place in one rename
    const dir = join(out, target);
    mkdirSync(join(dir, "icons"), { recursive: true });
    for (const f of readdirSync(out)) if (statSync(join(out, f)).isFile()) copyFileSync(join(out, f), join(dir, f));
    for (const f of STATIC) copyFileSync(join(root, f), join(dir, f.split("/").pop()!));
    for (const [size, png] of icons) writeFileSync(join(dir, `icons/${size}.png`), png);
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifestFor(target), null, 2) + "\n");
    rmSync(dist[target], { recursive: true, force: true });
    try {
      renameSync(dir, dist[target]);
    } catch {
      // another build moved its identical copy in between: keep that one
    }
  }
  rmSync(out, { recursive: true, force: true });
  if (opts.pkg) {
    writeFileSync(join(base, "socket-scope-chrome.zip"), zipDir(dist.chrome));
    writeFileSync(join(base, "socket-scope-firefox.zip"), zipDir(dist.firefox));
  }
  if (!opts.quiet) {
    console.log(`socket-scope: built ${relative(process.cwd(), dist.chrome)} and ${relative(process.cwd(), dist.firefox)}${opts.pkg ? ` (+ zips in ${relative(process.cwd(), base) || "."})` : ""}`);
  }
  return dist;
}

// ---- icons: a ring on a dark rounded square, drawn here so no binary lives in the repo ----

function makeIcons(): Map<number, Buffer> {
  const m = new Map<number, Buffer>();
  for (const size of [16, 32, 48, 128]) m.set(size, png(size, size, (x, y) => iconPixel(x, y, size)));
  return m;
}

function iconPixel(x: number, y: number, s: number): [number, number, number, number] {
  const c = (s - 1) / 2;
  const dx = x - c;
  const dy = y - c;
  const r = Math.hypot(dx, dy) / (s / 2);
  const corner = Math.max(Math.abs(dx), Math.abs(dy)) / (s / 2);
  if (corner > 0.98 && r > 1.15) return [0, 0, 0, 0];
  if (r > 0.5 && r < 0.75) return [37, 194, 160, 255]; // ring
  if (r < 0.22) return [255, 255, 255, 255]; // dot
  return [24, 28, 36, 255];
}

function png(w: number, h: number, px: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 4 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const [r, g, b, a] = px(x, y);
      const o = y * (w * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---- a minimal zip writer (deflate, no extras): enough for both stores ----

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? listFiles(p, base) : [relative(base, p)];
  });
}

export function zipDir(dir: string): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  // a fixed timestamp (1980-01-01) keeps the zips reproducible
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const rel of listFiles(dir)) {
    const data = readFileSync(join(dir, rel));
    const comp = deflateRawSync(data, { level: 9 });
    const name = Buffer.from(rel.split("\\").join("/"), "utf8");
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, comp);
    centrals.push(central, name);
    offset += local.length + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = centrals.length / 2;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildExtension({ pkg: process.argv.includes("--package"), minify: process.argv.includes("--package") }).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
