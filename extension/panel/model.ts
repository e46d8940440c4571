// What the panel renders: protocol/session's SessionModel fed with the capture events the
// panel received, in order. `createModel()` is the only thing the panel calls.
import type { CaptureEvent } from "../../protocol/capture.ts";
import { SessionModel, type Report, type EioSession, type Diagnostic } from "../../protocol/session/index.ts";

export type { Report, EioSession, Diagnostic };

export interface PanelModel {
  push(events: readonly CaptureEvent[]): void;
  /** Live-mode deadlines (unanswered acks, missed heartbeats). */
  tick(now: number): void;
  report(): Report;
  /** The live session objects (read-only for the view: no copies on every render). */
  sessions(): readonly EioSession[];
  diagnostics(): readonly Diagnostic[];
}

export function createModel(): PanelModel {
  const m = new SessionModel();
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
      try {
        m.tick(now);
      } catch (err) {
        console.error("socket-scope: tick failed", err);
      }
    },
    report: () => m.toReport(),
    sessions: () => m.sessions,
    diagnostics: () => m.diagnostics,
  };
}
