import { boot } from "./app.ts";
import { line09, type Io09 } from "./client.ts";

// The 0.9 client is its own dist file (served as /vendor/socket.io-0.9.js), loaded before this one.
const io = (window as unknown as { io: Io09 }).io;
boot(line09(io));
