// Makes sure the browsers the end-to-end tests drive are present: Debian's chromium,
// firefox-esr and xvfb. On Debian as root it installs what is missing; elsewhere it stops
// with one line naming the command to run. Exported for scripts/test.mjs and npm start.
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

export const BROWSERS = {
  chromium: "/usr/bin/chromium",
  firefox: "/usr/bin/firefox-esr",
  xvfb: "/usr/bin/xvfb-run",
};
const INSTALL = "apt-get update && apt-get install -y chromium xvfb firefox-esr";

export function missingBrowsers() {
  return Object.entries(BROWSERS).filter(([, p]) => !existsSync(p)).map(([n]) => n);
}

export function ensureBrowsers({ quiet = false } = {}) {
  const missing = missingBrowsers();
  if (missing.length === 0) return true;
  const debian = existsSync("/etc/debian_version") || /ID(_LIKE)?=.*debian/.test(safeRead("/etc/os-release"));
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!debian || !root) {
    console.error(`socket-scope: missing ${missing.join(", ")}; run as root: ${INSTALL}`);
    return false;
  }
  if (!quiet) console.log(`socket-scope: installing ${missing.join(", ")} (${INSTALL})`);
  const r = spawnSync("sh", ["-c", `DEBIAN_FRONTEND=noninteractive ${INSTALL} >/tmp/socket-scope-apt.log 2>&1`], { stdio: "inherit" });
  if (r.status !== 0 || missingBrowsers().length > 0) {
    console.error(`socket-scope: '${INSTALL}' failed (see /tmp/socket-scope-apt.log)`);
    return false;
  }
  return true;
}

function safeRead(p) {
  try { return readFileSync(p, "utf8"); } catch { return ""; }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensureBrowsers() ? 0 : 1);
}
