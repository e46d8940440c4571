// Connection-state recovery (SIO ≥ 4.6): the server appends an offset as an extra last
// string argument to every non-volatile server EVENT without ack id. Whether to strip it is
// a session decision (only when that namespace's CONNECT reply carried `pid`).

/**
 * Splits the recovery offset off an EVENT's data array (event name first, then args):
 * `["chat","hi","MzUPkW0"]` → `{ args: ["chat","hi"], offset: "MzUPkW0" }`. Needs at least
 * the name plus a trailing string; otherwise returns the array unchanged and `offset: null`.
 */
export function splitRecoveryOffset(args: unknown[]): { args: unknown[]; offset: string | null } {
  const last = args.length >= 2 ? args[args.length - 1] : undefined;
  if (typeof last !== "string") return { args, offset: null };
  return { args: args.slice(0, -1), offset: last };
}
