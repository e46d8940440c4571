// What the panel renders: protocol/session's SessionModel fed with the capture events the
// panel received, in order. `createModel()` is the only thing the panel calls.
import type { CaptureEvent } from "../../protocol/capture.ts";
import { SessionModel, type Report, type EioSession, type Diagnostic } from "../../protocol/session/index.ts";

export type { Report, EioSession, Diagnostic };

export interface PanelModel {
  push(events: readonly CaptureEvent[]): void;
  /** Live-mode deadlines (unanswered acks, missed heartbeats); true when one was found (a new diagnostic). */
  tick(now: number): boolean;
  report(): Report;
  /** The live session objects (read-only for the view: no copies on every render). */
  sessions(): readonly EioSession[];
  diagnostics(): readonly Diagnostic[];
  /** How many diagnostics the cap dropped from the front of `diagnostics()`. */
  diagnosticsDropped(): number;
}

/**
 * The panel lives as long as the page does: each namespace keeps its newest 20,000 event records
 * (the oldest quarter goes at once past that), so an hours-long flood cannot grow the panel's
 * memory without bound. The tab's backlog holds at most 20,000 events anyway.
 */
export const MAX_EVENTS_PER_NAMESPACE = 20_000;
/**
 * Likewise the newest 10,000 diagnostics: an app whose every frame is flagged (a custom parser,
 * acks its server never answers) must not grow the panel without bound either.
 */
export const MAX_DIAGNOSTICS = 10_000;

export function createModel(): PanelModel {
  const m = new SessionModel({ maxEventsPerNamespace: MAX_EVENTS_PER_NAMESPACE, maxDiagnostics: MAX_DIAGNOSTICS });
  /** Every diagnostic so far, those the cap dropped included. */
  const seen = () => m.diagnosticsDropped + m.diagnostics.length;
  return {
    push(events) {
      // apply() never throws (bad data becomes a diagnostic), but the panel must survive anything
      for (const e of events) {
        try {
          m.apply(e);
        } catch (err) {
          console.error("socket-scope: the session model rejected an event", err);
        }
      }
    },
    tick(now) {
      // what a tick finds is always reported as a diagnostic (flagAck, checkHeartbeat)
      const before = seen();
      try {
        m.tick(now);
      } catch (err) {
        console.error("socket-scope: tick failed", err);
      }
      return seen() !== before;
    },
    report: () => m.toReport(),
    sessions: () => m.sessions,
    diagnostics: () => m.diagnostics,
    diagnosticsDropped: () => m.diagnosticsDropped,
  };
}
