// Web workers. No browser runs an extension's content scripts inside a worker, so the hook never
// sees the sockets a worker opens (a socket.io client in a SharedWorker, shared by an app's
// tabs, is a known pattern). What it can see is that the page started one: it records that, and
// the panel says that a worker's traffic is out of reach rather than look complete.
import { emit, newConn } from "./queue.ts";
import { NativeURL, urlText, wrapConstructor } from "./native.ts";

export function installWorkers(win: typeof globalThis): void {
  /** The script's URL, resolved; "" for anything but a string or URL (urlText). */
  const urlOf = (u: unknown): string => {
    const text = urlText(u);
    if (text === undefined) return "";
    try {
      return urlText(new NativeURL(text, document.baseURI)) ?? text;
    } catch {
      return text;
    }
  };
  const wrap = (name: string, kind: "dedicated" | "shared") =>
    wrapConstructor(win, name, (_worker, args) => {
      emit({ type: "worker", conn: newConn(), kind, url: urlOf(args[0]) });
    });
  wrap("Worker", "dedicated");
  wrap("SharedWorker", "shared");
}
