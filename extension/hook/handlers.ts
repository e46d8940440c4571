// Capture inside the app's own event handler attribute (`ws.onmessage`,
// `xhr.onreadystatechange`) instead of a listener of our own, wherever the app has set one.
//
// Why: one more `message` listener on a WebSocket cost the page 4-9% of its echo round trips in
// Chromium (measured with the same page and the same socket, with and without an extra empty
// listener, interleaved rounds: 0.91 with DevTools open, 0.92-0.96 without), while the same
// work run first inside the app's handler cost ~1%. Every Socket.IO client line sets
// `onmessage` on its WebSocket and `onreadystatechange` on its polling XHRs.
//
// How it stays invisible and complete:
// - the attribute's getter answers with the app's own function, never our wrapper; the setter
//   keeps the handler's place among the listeners (the spec and both browsers replace the
//   callback in place);
// - our wrapper runs our capture, then the app's function with the same `this` and arguments,
//   and returns what it returns (so `return false` still cancels); an exception from the app's
//   function propagates unchanged, with one more frame (the hook's) in its stack, as for the
//   other wrapped natives;
// - while the app has no function there, our own listener does the work (`uncovered`);
// - a listener the app runs before its handler may stop the event with
//   stopImmediatePropagation(): the wrapped stopImmediatePropagation captures it first, so
//   nothing is missed (the capture functions ignore an event they have already seen).
import { apply, getOwnPropertyDescriptor, getter, wmGet, wmSet, wrapAccessor, wrapMethod } from "./native.ts";

export interface HandlerCapture {
  /** Whether the hook records this object's events (a tracked socket or request). */
  tracks(self: unknown): boolean;
  /** Our capture of one event; must ignore an event it has already seen and never throw. */
  capture(self: object, ev: Event): void;
  /** The app's handler now runs our capture first: our own listener can go. */
  covered(self: object): void;
  /** The app's handler went away: our own listener must come back. */
  uncovered(self: object): void;
}

/** Our wrapper → the app's function it stands for. */
const originals = new WeakMap<object, unknown>();

function wrapHandler(fn: (...a: unknown[]) => unknown, c: HandlerCapture): (...a: unknown[]) => unknown {
  const w = function (this: object, ev: unknown): unknown {
    try {
      c.capture(this, ev as Event);
    } catch {
      // never disturb the page
    }
    // eslint-disable-next-line prefer-rest-params
    return apply(fn, this, arguments as unknown as unknown[]);
  };
  wmSet(originals, w, fn);
  return w;
}

// stopImmediatePropagation(): every capture of an event type (WebSocket `message`, XHR
// `readystatechange`) gets the event before it is stopped.
const rescues: Array<{ type: string; c: HandlerCapture }> = [];
let rescueInstalled = false;
function installRescue(): void {
  if (rescueInstalled) return;
  rescueInstalled = true;
  const eventTarget = getter<unknown>(Event.prototype, "target");
  const eventType = getter<string>(Event.prototype, "type");
  wrapMethod(Event.prototype, "stopImmediatePropagation", (original, self, args) => {
    try {
      const t = eventTarget(self); // throws for what is not an Event: then the native throws too
      if (t !== null && typeof t === "object") {
        const type = eventType(self);
        for (let i = 0; i < rescues.length; i++) {
          const r = rescues[i]!;
          if (r.type === type && r.c.tracks(t)) r.c.capture(t, self as Event);
        }
      }
    } catch {
      // ignore
    }
    return apply(original, self, args);
  });
}

/**
 * Wraps the handler attribute `name` (e.g. "onmessage") of `proto` for events of `type`.
 * Returns `adopt(self)`: for an object the hook starts tracking after its handler was set (an
 * XHR whose handler came before open()), wraps that handler in place; true when the object
 * now has a handler running our capture.
 */
export function captureInHandler(proto: object, name: string, type: string, c: HandlerCapture): (self: object) => boolean {
  const d = getOwnPropertyDescriptor(proto, name);
  const rawGet = d?.get;
  const rawSet = d?.set;
  if (typeof rawGet !== "function" || typeof rawSet !== "function") return () => false;
  const ok = wrapAccessor(proto, name, (get, self) => {
    const v = apply(get, self, []);
    return typeof v === "function" ? (wmGet(originals, v) ?? v) : v;
  }, (set, self, args) => {
    if (!c.tracks(self)) return apply(set, self, args);
    const v = args[0];
    if (typeof v === "function") {
      const r = apply(set, self, [wrapHandler(v as (...a: unknown[]) => unknown, c)]);
      c.covered(self as object);
      return r;
    }
    const r = apply(set, self, args);
    c.uncovered(self as object);
    return r;
  });
  if (!ok) return () => false;
  rescues[rescues.length] = { type, c };
  installRescue();
  return (self) => {
    const v = apply(rawGet, self, []);
    if (typeof v !== "function") return false;
    if (wmGet(originals, v) === undefined) apply(rawSet, self, [wrapHandler(v as (...a: unknown[]) => unknown, c)]);
    return true;
  };
}
