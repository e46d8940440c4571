// Untyped client libraries of the old lines, as the demo bundles use them.
declare module "sio1-client" {
  const io: (url: string, opts: object) => never;
  export default io;
}
declare module "sio2-client" {
  const io: (url: string, opts: object) => never;
  export default io;
}
declare module "sio-msgpack2" {
  const parser: object;
  export default parser;
}
/** Replaced by esbuild with the bundled client's version. */
declare const __CLIENT_VERSION__: string;
declare module "sio3-client" {
  export const io: (url: string, opts: object) => never;
}
declare module "sio-msgpack3" {
  export const Encoder: unknown;
  export const Decoder: unknown;
}
