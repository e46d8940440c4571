import io from "sio2-client";
import msgpack from "sio-msgpack2";
import { boot } from "./app.ts";
import { modernLine, type ModernIo } from "./client.ts";

boot(modernLine("2", __CLIENT_VERSION__, io as unknown as ModernIo, msgpack));
