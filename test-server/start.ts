// `npm start`: the demo server on http://localhost:3000 (PORT to change), and what to do next.
//   npm start -- [--port N] [--host H] [--lines 0.9,1,2,3,4] [--line L --scenario NAME] [--open[=firefox]]
import { extensionSteps, prepareExtension } from "./extension-steps.ts";
import { DemoError, startDemo, type Demo } from "./index.ts";
import { LINES, SCENARIO_INFO, SCENARIO_NAMES, pageQuery, scenariosForPage, type Line, type ScenarioName } from "./shared.ts";

function fail(msg: string): never {
  console.error(`socket-scope demo: ${msg}`);
  process.exit(1);
}

function parseArgs(argv: string[]): { port: number; host: string; lines: Line[]; line: Line; scenario?: ScenarioName } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) fail(`--${name} needs a value`);
    return v;
  };
  const known = new Set(["--port", "--host", "--lines", "--line", "--scenario"]);
  for (let i = 0; i < argv.length; i += 2) if (!known.has(argv[i]!)) fail(`unknown argument "${argv[i]}" (usage: npm start -- [--port N] [--host H] [--lines 0.9,1,2,3,4] [--line L --scenario NAME] [--open[=firefox]])`);
  const portText = get("port") ?? process.env.PORT ?? "3000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535 - 10) fail(`bad port "${portText}" (an integer 0–65525; the line servers take the next 10 ports)`);
  const lines = (get("lines") ?? LINES.join(",")).split(",").map((s) => s.trim()) as Line[];
  for (const l of lines) if (!LINES.includes(l)) fail(`unknown line "${l}" (known: ${LINES.join(", ")})`);
  const line = (get("line") ?? (lines.includes("4") ? "4" : lines[0])) as Line;
  if (!LINES.includes(line)) fail(`unknown line "${line}" (known: ${LINES.join(", ")})`);
  if (!lines.includes(line)) fail(`line ${line} is not among --lines ${lines.join(",")}`);
  const scenario = get("scenario");
  if (scenario !== undefined) {
    if (!SCENARIO_NAMES.includes(scenario as ScenarioName)) fail(`unknown scenario "${scenario}" (known: ${SCENARIO_NAMES.join(", ")})`);
    const avail = scenariosForPage({ line, transport: "polling-upgrade", parser: "default", recovery: scenario === "recovery", eio3: false });
    if (!avail.includes(scenario as ScenarioName)) fail(`scenario "${scenario}" does not exist for line ${line} (it needs ${SCENARIO_INFO[scenario as ScenarioName].needs})`);
  }
  return { port, host: get("host") ?? "127.0.0.1", lines, line, scenario: scenario as ScenarioName | undefined };
}

function nextSteps(demo: Demo, line: Line, scenario: ScenarioName | undefined): string {
  const base = `http://localhost:${demo.port}/`;
  const first = scenario
    ? `${base}?${pageQuery({ line, recovery: scenario === "recovery" })}&run=${scenario}`
    : `${base}?${pageQuery({ line })}`;
  const out: string[] = [
    "",
    "Socket Scope demo is running.",
    "",
    `  Demo page      ${first}`,
    `  Other lines    ${demo.servers.some((s) => s.line !== line) ? LINES.filter((l) => l !== line && demo.servers.some((s) => s.line === l)).map((l) => `${base}?line=${l}`).join("  ") : "(none started)"}`,
    "  Variants       add &transport=websocket|polling|polling-jsonp (0.9-3)|polling-base64 (1-4)|polling-fetch (4)",
    "                 or one of &parser=msgpack (2, 3, 4)  &recovery=1 (4)  &eio3=1 (4: the 2.x client)",
    "",
    "  socket.io servers (path /socket.io, serveClient off):",
    ...demo.servers.map((s) => `    ${(s.line === "0.9" ? "0.9" : s.line + ".x").padEnd(4)} ${s.variant.padEnd(9)} ${s.url}`),
    "",
    "Next:",
    ...extensionSteps().map((l, i) => `  ${i + 1}. ${l}`),
    `  ${extensionSteps().length + 1}. Open the demo page, open DevTools (F12) and its Socket.IO panel; chat, switch rooms,`,
    "     and click the scenario buttons in the control strip to produce each kind of traffic.",
    "",
    "Ctrl+C stops the servers.",
  ];
  return out.join("\n");
}

const ext = await prepareExtension(process.argv.slice(2)); // builds dist/, takes --open
if (ext.error) fail(ext.error);
const args = parseArgs(ext.argv);
let demo: Demo;
try {
  demo = await startDemo({ port: args.port, host: args.host, lines: args.lines, quiet: true });
} catch (e) {
  fail(e instanceof DemoError ? e.message : `cannot start: ${e instanceof Error ? e.message : String(e)}`);
}
console.log(nextSteps(demo, args.line, args.scenario));
// Ctrl+C from here on stops the demo and closes the browser --open starts, removing its profile
// (extension-steps.ts), even while it is still opening: with no handler yet, the signal would
// end the process at once and leave both behind.
let opening: Promise<void> = Promise.resolve();
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void Promise.allSettled([opening.then(() => ext.close()), demo.stop()]).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 8000).unref();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
opening = ext.open(`http://localhost:${demo.port}/?${pageQuery({ line: args.line })}`);
