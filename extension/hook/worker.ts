// Web workers. No browser runs an extension's content scripts inside a worker, so the hook never
// sees the sockets a worker opens (a socket.io client in a SharedWorker, shared by an app's
// tabs, is a known pattern). What it can see is that the page started one: it records that, and
// the panel says that a worker's traffic is out of reach rather than look complete.
import { emit, newConn } from "./queue.ts";
import { NativeURL, getter, wrapConstructor } from "./native.ts";

export function installWorkers(win: typeof globalThis): void {
  const href = getter<string>(NativeURL.prototype, "href");
  /** The script's URL, resolved. Never stringifies the page's own objects: their toString would see a second call. */
  const urlOf = (u: unknown): string => {
    if (u instanceof NativeURL) return href(u);
    if (typeof u !== "string") return "";
    try {
      return new NativeURL(u, document.baseURI).href;
    } catch {
      return u;
    }
  };
  const wrap = (name: string, kind: "dedicated" | "shared") =>
    wrapConstructor(win, name, (_worker, args) => {
      emit({ type: "worker", conn: newConn(), kind, url: urlOf(args[0]) });
    });
  wrap("Worker", "dedicated");
  wrap("SharedWorker", "shared");
}
