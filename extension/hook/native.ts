// Pristine copies of the built-ins the hook relies on, taken before any page script runs
// (document_start), so a page that later patches Reflect, WeakMap or JSON can neither break
// the hook nor watch it work. `uncurry(f)(self, ...args)` calls `f` with `self` as `this`
// without going through a page-patchable `Function.prototype.call`.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = (...args: any[]) => any;

const bindCall = Function.prototype.bind.bind(Function.prototype.call) as <F extends Fn>(f: F) => (self: unknown, ...args: Parameters<F>) => ReturnType<F>;
export const uncurry = <F extends Fn>(f: F) => bindCall(f);

export const apply = Reflect.apply;
export const construct = Reflect.construct;
export const reflectGet = Reflect.get;
export const ownKeys = Reflect.ownKeys;
export const defineProperty = Reflect.defineProperty;
export const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
export const stringify = JSON.stringify;
export const NativeProxy = Proxy;
export const NativeURL = URL;
export const NativeBlob = Blob;
export const NativeArrayBuffer = ArrayBuffer;
export const NativeUint8Array = Uint8Array;
export const NativeTextDecoder = TextDecoder;
export const NativeResponse = Response;
export const NativePromise = Promise;
export const isView = ArrayBuffer.isView;
export const isArray = Array.isArray;
export const mathRandom = Math.random;
export const setTimer = setTimeout.bind(globalThis);
export const clearTimer = clearTimeout.bind(globalThis);

const wmGetRaw = uncurry(WeakMap.prototype.get);
const wmSetRaw = uncurry(WeakMap.prototype.set);
export const wmGet = <K extends object, V>(m: WeakMap<K, V>, k: K): V | undefined => wmGetRaw(m, k) as V | undefined;
export const wmSet = <K extends object, V>(m: WeakMap<K, V>, k: K, v: V): void => void wmSetRaw(m, k, v);
export const addListener = uncurry(EventTarget.prototype.addEventListener);
export const NativeMutationObserver = MutationObserver;
export const observeMutations = uncurry(MutationObserver.prototype.observe);
export const dispatch = uncurry(EventTarget.prototype.dispatchEvent);
export const abSlice = uncurry(ArrayBuffer.prototype.slice);
export const blobSlice = uncurry(Blob.prototype.slice);
export const strSlice = uncurry(String.prototype.slice);
export const blobArrayBuffer = uncurry(Blob.prototype.arrayBuffer);
export const promiseThen = uncurry(Promise.prototype.then) as <T>(p: Promise<T>, ok: (v: T) => unknown, err?: (e: unknown) => unknown) => Promise<unknown>;
export const decodeText = uncurry(TextDecoder.prototype.decode);
export const strLower = uncurry(String.prototype.toLowerCase);
export const strUpper = uncurry(String.prototype.toUpperCase);

const perf = performance;
const perfNow = uncurry(Performance.prototype.now);
/** The document's clock origin (performance.now() 0) in whole epoch µs. */
export const originUs = Math.round((Date.now() - perfNow(perf)) * 1000);
/** Whole µs since the document's clock origin (a relative compact item's time: ../shared/wire.ts). */
export function relNow(): number {
  return Math.round(perfNow(perf) * 1000);
}
/** Epoch milliseconds with performance.now() precision (µs): the same clock as relNow(), absolute. */
export function now(): number {
  return (originUs + relNow()) / 1000;
}

const urlHref = uncurry(getOwnPropertyDescriptor(URL.prototype, "href")!.get!) as (u: URL) => string;
/**
 * The text of a URL argument, read without running the page's code: a string, or a URL's href
 * through the original getter. Anything else (an object with a toString of its own) is not read:
 * the browser converts it once, and a second conversion by us would be seen by the page.
 */
export function urlText(u: unknown): string | undefined {
  if (typeof u === "string") return u;
  if (u instanceof NativeURL) return urlHref(u);
  return undefined;
}

/** Reads an accessor of a prototype through its original getter (null if there is none). */
export function getter<T>(proto: object, name: string): (self: unknown) => T {
  const d = getOwnPropertyDescriptor(proto, name);
  const g = d?.get;
  if (!g) return () => undefined as T;
  return uncurry(g) as (self: unknown) => T;
}

// Wrapped functions report the source text of the function they replace.
const masks = new WeakMap<object, object>();

export function installToStringMask(): void {
  const FP = Function.prototype;
  const original = FP.toString;
  const masked = new NativeProxy(original, {
    apply(target, self, args) {
      const real = typeof self === "function" ? wmGet(masks, self as object) : undefined;
      return apply(target, real ?? self, args);
    },
  });
  wmSet(masks, masked, original);
  replaceValue(FP, "toString", masked);
}

/** Registers `wrapper` as looking exactly like `original` to Function.prototype.toString. */
export function mask<T extends object>(wrapper: T, original: object): T {
  wmSet(masks, wrapper, original);
  return wrapper;
}

/** Replaces a data property keeping its attributes (writable/enumerable/configurable). */
export function replaceValue(obj: object, name: PropertyKey, value: unknown): boolean {
  const d = getOwnPropertyDescriptor(obj, name);
  if (!d || !("value" in d)) return false;
  return defineProperty(obj, name, { value, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
}

/**
 * Wraps a method in place with a Proxy whose apply trap is `trap(original, self, args)`; the
 * Proxy keeps name, length, prototype-lessness and (via the mask) the native source text.
 */
export function wrapMethod(obj: object, name: string, trap: (original: Fn, self: unknown, args: unknown[]) => unknown): boolean {
  const d = getOwnPropertyDescriptor(obj, name);
  const original = d && "value" in d ? (d.value as Fn) : undefined;
  if (typeof original !== "function") return false;
  // the trap is the handler's apply itself: no frame of ours between the caller and the trap,
  // so every wrapped call (and any stack a native takes while inside it) carries one hook frame
  const wrapped = new NativeProxy(original, { apply: trap });
  mask(wrapped, original);
  return replaceValue(obj, name, wrapped);
}

/** Wraps one half of an accessor in place (same masking); the other half stays as it is. */
function wrapAccessor(obj: object, name: string, half: "get" | "set", trap: (original: Fn, self: unknown, args: unknown[]) => unknown): boolean {
  const d = getOwnPropertyDescriptor(obj, name);
  const original = d?.[half];
  if (!d || typeof original !== "function") return false;
  const wrapped = new NativeProxy(original, { apply: trap });
  mask(wrapped, original);
  return defineProperty(obj, name, { get: d.get, set: d.set, [half]: wrapped, enumerable: d.enumerable, configurable: d.configurable });
}

/** Wraps an accessor's getter in place (same masking). */
export const wrapGetter = (obj: object, name: string, trap: (original: Fn, self: unknown) => unknown): boolean => wrapAccessor(obj, name, "get", trap);

/** Wraps an accessor's setter in place (same masking); `trap` gets the setter's arguments. */
export const wrapSetter = (obj: object, name: string, trap: (original: Fn, self: unknown, args: unknown[]) => unknown): boolean => wrapAccessor(obj, name, "set", trap);

/**
 * Replaces a global constructor by a Proxy that keeps its identity for the page: same
 * prototype object (so instanceof and the constants hold), prototype.constructor points at the
 * Proxy, name/length/statics are forwarded, source text is masked. `after` sees every instance.
 */
export function wrapConstructor<C extends new (...a: never[]) => object>(
  holder: object, name: string, after: (instance: InstanceType<C>, args: unknown[]) => void,
): C | undefined {
  const d = getOwnPropertyDescriptor(holder, name);
  const Original = d && "value" in d ? (d.value as C) : undefined;
  if (typeof Original !== "function") return undefined;
  const Wrapped: C = new NativeProxy(Original, {
    construct(target, args, newTarget) {
      // `new Wrapped()` builds from Original itself: the same prototype (Wrapped.prototype is
      // Original's) on V8's fast path; a Proxy as new.target takes a slow one (~0.5 µs more per
      // XMLHttpRequest in Chromium, ~2.5 µs per EventTarget in node). A subclass or
      // Reflect.construct's own new.target is passed on as is.
      const instance = construct(target, args, newTarget === Wrapped ? target : newTarget) as InstanceType<C>;
      try {
        after(instance, args);
      } catch {
        // the hook never breaks the page
      }
      return instance;
    },
  });
  mask(Wrapped, Original);
  replaceValue(holder, name, Wrapped);
  replaceValue(Original.prototype as object, "constructor", Wrapped);
  return Wrapped;
}
