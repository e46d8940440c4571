// Which HTTP requests the hook records: Engine.IO-shaped (query has EIO= or transport=) or
// Socket.IO 0.9-shaped (path /<resource>/1/ with an optional /<transport>/<sid>, see
// PROTOCOL.md §1). Local on purpose: protocol/detect.ts did not exist when the hook was
// written, and this check must stay a cheap, allocation-light test on every request.
const QUERY = /[?&](?:EIO|transport)=/;
const SIO09_PATH = /\/1\/(?:[a-z-]*\/[^/?#]+\/?)?(?:[?#]|$)/;

export function isSocketIoUrl(url: string): boolean {
  const hash = url.indexOf("#");
  const u = hash >= 0 ? url.slice(0, hash) : url;
  if (QUERY.test(u)) return true;
  const q = u.indexOf("?");
  return SIO09_PATH.test(q >= 0 ? u.slice(0, q + 1) : u);
}
