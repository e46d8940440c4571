import io from "sio1-client";
import { boot } from "./app.ts";
import { modernLine, type ModernIo } from "./client.ts";

// socket.io 1.x has no parser option: no msgpack variant.
boot(modernLine("1", __CLIENT_VERSION__, io as unknown as ModernIo));
