// `socket-scope analyze FILE.har [--json]`: HAR (or a capture JSON array) → session model →
// a readable summary or one JSON document. Exit 0 on success, 1 on bad input (one line on
// stderr, never a stack trace), 2 on usage errors.
import { readFileSync, statSync } from "node:fs";
import { importHar } from "../har/import.ts";
import { SessionModel } from "../session/model.ts";
import { renderSummary } from "./summary.ts";

export const USAGE = `usage: socket-scope analyze FILE.har [--json]

  analyze FILE.har   decode the Engine.IO / Socket.IO traffic of a HAR file (Chrome export with
                     WebSocket messages, or any HAR with long-polling) and print its sessions,
                     transports, namespaces, events with acks and latencies, and diagnostics
  --json             print one JSON document instead of the readable summary
  -h, --help         show this help
`;

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
  readFile(path: string): string;
}

const nodeIo: CliIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  readFile: (p) => {
    const st = statSync(p);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    return readFileSync(p, "utf8");
  },
};

function readError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES") return "permission denied";
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}

/** Runs the CLI; returns the exit code. */
export function run(argv: readonly string[], io: CliIo = nodeIo): number {
  const args = [...argv];
  if (args.length === 0 || args.includes("-h") || args.includes("--help")) {
    if (args.length === 0) {
      io.err(USAGE);
      return 2;
    }
    io.out(USAGE);
    return 0;
  }
  const cmd = args.shift();
  if (cmd !== "analyze") {
    io.err(`socket-scope: unknown command "${cmd}"\n${USAGE}`);
    return 2;
  }
  let json = false;
  const files: string[] = [];
  for (const a of args) {
    if (a === "--json") json = true;
    else if (a.startsWith("-") && a !== "-") {
      io.err(`socket-scope: unknown option "${a}"\n${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length !== 1) {
    io.err(`socket-scope: analyze takes exactly one file (got ${files.length})\n${USAGE}`);
    return 2;
  }
  const file = files[0]!;
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    io.err(`socket-scope: cannot read ${file}: ${readError(e)}\n`);
    return 1;
  }
  const har = importHar(text);
  if ("error" in har) {
    io.err(`socket-scope: ${file}: ${har.error}\n`);
    return 1;
  }
  try {
    const model = new SessionModel();
    for (const ev of har.events) model.apply(ev);
    model.finish();
    const report = model.toReport();
    if (json) io.out(JSON.stringify({ ...report, source: { file, creator: har.creator, entries: har.entries, warnings: har.warnings } }, null, 2) + "\n");
    else {
      const notes = har.websocketsWithoutMessages
        ? [`${har.websocketsWithoutMessages} WebSocket connection(s) carry no messages in this HAR (Firefox exports none): only their opening is known`, ...har.warnings]
        : har.warnings;
      io.out(renderSummary(report, { source: file, warnings: notes }));
    }
    return 0;
  } catch (e) {
    // The model never throws on input; this is our bug, still reported in one line.
    io.err(`socket-scope: ${file}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
