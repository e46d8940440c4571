// The readable summary `socket-scope analyze FILE.har` prints: sessions, transports,
// namespaces with their states, an event table with acks and latencies, diagnostics.
// Pure (string in, string out) so tests can read it without a terminal.
import { transportLabel, type ConnectionReport, type EventReport, type Report } from "../session/report.ts";

const MAX_ARG_CHARS = 60;
/** Event rows per namespace in the readable summary. */
const MAX_ROWS = 40;

function clip(s: string, n: number): string {
  // Hostile payloads: keep the table on one line per event and strip control characters.
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");
  return clean.length > n ? `${clean.slice(0, n - 1)}…` : clean;
}

function fmtArgs(args: unknown[]): string {
  let s: string;
  try {
    s = args.map((a) => JSON.stringify(a) ?? "undefined").join(", ");
  } catch {
    s = "[unprintable]";
  }
  return clip(s, MAX_ARG_CHARS);
}

function time(ts: number | null, t0: number): string {
  if (ts === null) return "-";
  return `+${((ts - t0) / 1000).toFixed(3)}s`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join("  ").trimEnd());
}

function versionLabel(c: ConnectionReport): string {
  if (c.socketio === 1) return "Socket.IO 0.9 (protocol 1)";
  const line = c.socketio === 5 ? "Socket.IO 3.x/4.x" : "Socket.IO 1.x/2.x";
  return `${line} (Engine.IO ${c.engineio}, Socket.IO protocol ${c.socketio}, ${c.parser} parser)`;
}

function eventRow(e: EventReport, t0: number): string[] {
  // the capture kept only the start of the event or its ack (EventReport.cut): their whole sizes
  const cut = e.cut !== undefined ? `cut (${e.cut} in all)` : "";
  const ackCut = e.ack?.cut !== undefined ? `ack cut (${e.ack.cut} in all)` : "";
  const flags = [e.binary ? "binary" : "", e.buffered ? "buffered" : "", e.beforeConnect ? "before-connect" : "", e.offset !== null ? `offset ${e.offset}` : "", cut, ackCut].filter(Boolean).join(",");
  const ack = e.ackId === null ? "" : e.ack ? `#${e.ackId} ← ${fmtArgs(e.ack.args)} (${e.ack.latencyMs.toFixed(1)} ms)` : `#${e.ackId} (no ack)`;
  return [time(e.ts, t0), e.dir === "out" ? "→ out" : "← in", clip(e.name, 32), fmtArgs(e.args), ack, flags];
}

export function renderSummary(report: Report, opts: { source?: string; warnings?: string[] } = {}): string {
  const out: string[] = [];
  // Times are shown relative to the first thing the capture shows.
  let t0 = Infinity;
  for (const c of report.connections) t0 = Math.min(t0, c.startedAt);
  for (const f of report.failedHandshakes) t0 = Math.min(t0, f.ts);
  for (const d of report.diagnostics) t0 = Math.min(t0, d.ts);
  if (!Number.isFinite(t0)) t0 = 0;
  const s = report.summary;
  out.push(`socket-scope analyze${opts.source ? ` ${opts.source}` : ""}`);
  out.push(
    `${s.connections} Engine.IO session${s.connections === 1 ? "" : "s"}, ${s.namespaces} namespace socket${s.namespaces === 1 ? "" : "s"}, ${s.events} event${s.events === 1 ? "" : "s"} (${s.acks} acked), diagnostics: ${s.diagnostics.error} error, ${s.diagnostics.warning} warning, ${s.diagnostics.info} info`,
  );
  if (report.connections.length === 0) out.push("No Socket.IO / Engine.IO traffic found in this file.");
  report.connections.forEach((c, i) => {
    out.push("");
    out.push(`[${i + 1}] ${c.url}  sid ${c.sid ?? "?"}`);
    out.push(`    ${versionLabel(c)}`);
    const tr = c.transportDetails
      .map((t) => `${transportLabel(t)}${t.probe ? ` [probe ${t.probe}]` : ""} ${t.state}, ${t.framesOut}↑ ${t.framesIn}↓`)
      .join("; ");
    out.push(`    transports: ${c.transports.join(" → ") || "-"}${c.upgraded ? " (upgraded)" : ""}   ${tr}`);
    out.push(`    heartbeat: pingInterval ${c.pingInterval ?? "-"} ms, pingTimeout ${c.pingTimeout ?? "-"} ms${c.maxPayload !== null ? `, maxPayload ${c.maxPayload}` : ""}; ${c.heartbeat.count} ping${c.heartbeat.count === 1 ? "" : "s"}, ${c.heartbeat.answered} answered${c.heartbeat.meanRttMs !== null ? `, rtt mean ${c.heartbeat.meanRttMs.toFixed(1)} ms (min ${c.heartbeat.minRttMs!.toFixed(1)}, max ${c.heartbeat.maxRttMs!.toFixed(1)})` : ""}${c.heartbeat.missed ? `, ${c.heartbeat.missed} missed` : ""}`);
    const life = `opened ${time(c.openedAt, t0)}${c.closedAt !== null ? `, closed ${time(c.closedAt, t0)}` : ", still open at the end of the capture"}${c.closeReason ? ` — ${c.closeReason.kind}${c.closeReason.by ? ` by ${c.closeReason.by}` : ""}${c.closeReason.detail ? `: ${clip(c.closeReason.detail, 100)}` : ""}` : ""}`;
    out.push(`    ${life}${c.partial ? " (handshake not captured)" : ""}`);
    if (c.reconnect.prev || c.reconnect.next) {
      out.push(`    reconnection: ${c.reconnect.prevSid ? `after ${c.reconnect.prevSid} (${c.reconnect.linkedBy})` : "first"}${c.reconnect.nextSid ? `, followed by ${c.reconnect.nextSid}` : ""}`);
    }
    for (const ns of c.namespaces) {
      const hist = ns.history.map((h) => `${h.state} ${time(h.ts, t0)}`).join(" → ");
      out.push(`    namespace ${ns.nsp}: ${ns.state}${ns.socketId ? `, socket id ${ns.socketId}` : ""}${ns.pid ? `, pid ${ns.pid}` : ""}${ns.recovered ? " (recovered)" : ""}${ns.error !== null ? `, error ${clip(JSON.stringify(ns.error) ?? "", 80)}` : ""}`);
      if (hist) out.push(`      states: ${hist}`);
      if (ns.events.length) {
        const shown = ns.events.length > MAX_ROWS ? ns.events.slice(0, MAX_ROWS) : ns.events;
        const rows = [["time", "dir", "event", "args", "ack", "flags"], ...shown.map((e) => eventRow(e, t0))];
        for (const line of table(rows)) out.push(`      ${line}`);
        if (shown.length < ns.events.length) out.push(`      … ${ns.events.length - shown.length} more events (--json lists them all)`);
      }
    }
  });
  if (report.failedHandshakes.length) {
    out.push("");
    out.push("Failed handshakes:");
    for (const f of report.failedHandshakes) out.push(`  ${time(f.ts, t0)} ${f.url} — ${clip(f.reason, 120)}`);
  }
  out.push("");
  if (report.diagnostics.length === 0) out.push("Diagnostics: none");
  else {
    out.push("Diagnostics:");
    const keyToIndex = new Map(report.connections.map((c, i) => [c.key, i + 1]));
    for (const d of report.diagnostics) {
      const where = d.session ? `[${keyToIndex.get(d.session) ?? "?"}]${d.nsp ? ` ${d.nsp}` : ""}` : "";
      out.push(`  ${pad(d.severity.toUpperCase(), 7)} ${pad(d.code, 22)} ${time(d.ts, t0)} ${where} ${clip(d.message, 200)}`.trimEnd());
    }
  }
  if (opts.warnings && opts.warnings.length) {
    out.push("");
    out.push(`HAR import notes (${opts.warnings.length}):`);
    for (const w of opts.warnings.slice(0, 10)) out.push(`  ${clip(w, 160)}`);
    if (opts.warnings.length > 10) out.push(`  … ${opts.warnings.length - 10} more`);
  }
  return out.join("\n") + "\n";
}
