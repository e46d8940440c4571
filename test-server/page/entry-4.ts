import { Fetch, io } from "sio4-client";
import * as msgpack from "sio-msgpack3";
import { boot } from "./app.ts";
import { modernLine, type ModernIo } from "./client.ts";

boot(modernLine("4", __CLIENT_VERSION__, io as unknown as ModernIo, msgpack, Fetch));
