// The session model (issue 4): capture events in, sessions / transports / namespaces / events /
// diagnostics out, with a change feed for the live panel.
export { SessionModel, type SessionModelOptions, type FailedHandshake } from "./model.ts";
export { buildReport, sessionReport, jsonSafe, transportLabel, type Report, type ConnectionReport, type NamespaceReport, type EventReport } from "./report.ts";
export type * from "./types.ts";
