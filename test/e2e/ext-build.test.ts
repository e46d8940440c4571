// The build output: both manifests, minimal permissions, web-ext lint clean, store zips that
// hold exactly the unpacked files.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { inflateRawSync } from "node:zlib";
import { ROOT, buildForTest } from "./ext-harness.ts";
import { GECKO_ID } from "../../scripts/build.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const manifest = (dir: string): Json => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));

let CHROME_DIST = "";
let FIREFOX_DIST = "";
let OUT = "";
before(async () => {
  const d = await buildForTest(true);
  CHROME_DIST = d.chrome;
  FIREFOX_DIST = d.firefox;
  OUT = d.root;
});

/** Reads a zip's central directory and inflates every entry (the format written by hand, read by hand). */
function unzip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, "end of central directory");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const elen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString("utf8");
    const lnlen = buf.readUInt16LE(local + 26);
    const lelen = buf.readUInt16LE(local + 28);
    const data = buf.subarray(local + 30 + lnlen + lelen, local + 30 + lnlen + lelen + csize);
    const body = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    assert.equal(body.length, size, `${name}: size`);
    out.set(name, body);
    p += 46 + nlen + elen + clen;
  }
  return out;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe("extension build", () => {
  test("Chrome manifest: MV3 service worker, both content scripts, minimal permissions, strict CSP", () => {
    const m = manifest(CHROME_DIST);
    assert.equal(m.manifest_version, 3);
    assert.deepEqual(m.background, { service_worker: "background.js" });
    assert.equal(m.browser_specific_settings, undefined);
    assert.equal(m.devtools_page, "devtools.html");
    const [hook, relay] = m.content_scripts;
    assert.deepEqual(hook, { matches: ["<all_urls>"], js: ["hook.js"], run_at: "document_start", all_frames: true, match_about_blank: true, match_origin_as_fallback: true, world: "MAIN" });
    assert.deepEqual(relay, { matches: ["<all_urls>"], js: ["relay.js"], run_at: "document_start", all_frames: true, match_about_blank: true, match_origin_as_fallback: true });
    assert.deepEqual(m.permissions, ["storage"]);
    assert.equal(m.host_permissions, undefined);
    for (const bad of ["debugger", "webRequest", "scripting", "tabs"]) assert.ok(!JSON.stringify(m).includes(`"${bad}"`), `no ${bad}`);
    const csp: string = m.content_security_policy.extension_pages;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|https?:/);
    for (const size of ["16", "32", "48", "128"]) {
      const png = readFileSync(join(CHROME_DIST, m.icons[size]));
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "PNG signature");
      assert.equal(png.readUInt32BE(16), Number(size), "width");
    }
  });

  test("Firefox manifest differs only in background and gecko settings", () => {
    const c = manifest(CHROME_DIST);
    const f = manifest(FIREFOX_DIST);
    assert.deepEqual(f.background, { scripts: ["background.js"] });
    assert.equal(f.browser_specific_settings.gecko.id, GECKO_ID);
    assert.match(f.browser_specific_settings.gecko.strict_min_version, /^\d+\.0$/);
    assert.ok(Number.parseInt(f.browser_specific_settings.gecko.strict_min_version) >= 128, "MAIN-world content scripts need 128+");
    assert.deepEqual(f.browser_specific_settings.gecko.data_collection_permissions, { required: ["none"] });
    const { background: _a, minimum_chrome_version: _b, ...restC } = c;
    const { background: _c, browser_specific_settings: _d, ...restF } = f;
    assert.deepEqual(restF, restC);
  });

  test("no bundle writes innerHTML or evaluates strings", () => {
    for (const p of files(CHROME_DIST).filter((x) => x.endsWith(".js"))) {
      const js = readFileSync(p, "utf8");
      assert.doesNotMatch(js, /\.innerHTML\s*=[^=]/, `${relative(ROOT, p)} assigns innerHTML`);
      assert.doesNotMatch(js, /\beval\(|new Function\(/, `${relative(ROOT, p)} evaluates strings`);
    }
  });

  test("web-ext lint: no errors, no warnings, no notices", () => {
    const r = spawnSync(join(ROOT, "node_modules/.bin/web-ext"), ["lint", "-s", FIREFOX_DIST, "-o", "json", "--no-config-discovery"], { encoding: "utf8" });
    const j = JSON.parse(r.stdout) as { summary: { errors: number; warnings: number; notices: number }; errors: unknown[]; warnings: unknown[] };
    assert.deepEqual(j.summary, { errors: 0, warnings: 0, notices: 0 }, JSON.stringify([...j.errors, ...j.warnings]).slice(0, 2000));
  });

  test("npm run package: store zips hold exactly the unpacked files", () => {
    for (const [zip, dir] of [["socket-scope-chrome.zip", CHROME_DIST], ["socket-scope-firefox.zip", FIREFOX_DIST]] as const) {
      const entries = unzip(readFileSync(join(OUT, zip)));
      const want = files(dir).map((p) => relative(dir, p)).sort();
      assert.deepEqual([...entries.keys()].sort(), want, zip);
      for (const name of want) assert.ok(entries.get(name)!.equals(readFileSync(join(dir, name))), `${zip}: ${name}`);
    }
  });
});
