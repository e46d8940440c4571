// Which HTTP requests the hook records: Engine.IO-shaped (query has EIO= or transport=) or
// Socket.IO 0.9-shaped (/<resource>/1/…). The predicate lives with the rest of detection in
// protocol/detect.ts (cheap, no URL parsing); esbuild bundles only that function.
export { isSocketIoUrl } from "../../protocol/detect.ts";
