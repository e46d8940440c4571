// PROTOCOL.md 12.2/12.3 binary rows end to end: the real Engine.IO layer of this repo turns the
// body/frames into messages, SioDecoder (one per session and direction) reconstructs the packet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeEioPacket, decodeEioPayload } from "../../protocol/engineio/index.ts";
import { SioDecoder, type SioPacket } from "../../protocol/socketio/index.ts";
import { isDecodeError } from "../../protocol/types.ts";

const HEADER = '451-["a",{"_placeholder":true,"num":0}]';
const EXPECTED: SioPacket = { type: 5, nsp: "/", attachments: 1, data: ["a", Uint8Array.from([1, 2, 3])] };
const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function viaPayload(rev: 3 | 4, bodies: Array<string | Uint8Array>, sioRev: 4 | 5): unknown[] {
  const d = new SioDecoder({ rev: sioRev });
  const out: unknown[] = [];
  for (const body of bodies) {
    const r = decodeEioPayload(rev, body);
    assert.deepEqual(r.errors, []);
    for (const p of r.packets) {
      assert.equal(p.type, "message");
      out.push(...d.push(p.data!));
    }
  }
  return out;
}

test("12.2 XHR2 binary body: 00 03 09 ff 451-[…] 01 04 ff 04 01 02 03", () => {
  const body = Uint8Array.from([0x00, 0x03, 0x09, 0xff, ...bytesOf(HEADER), 0x01, 0x04, 0xff, 0x04, 0x01, 0x02, 0x03]);
  assert.deepEqual(viaPayload(3, [body], 4), [EXPECTED]);
});

test("12.2 base64 client body: 39:451-[…]6:b4AQID", () => {
  assert.deepEqual(viaPayload(3, [`39:${HEADER}6:b4AQID`], 4), [EXPECTED]);
});

test("12.3 rev 4 payload: 451-[…]\\x1ebAQID", () => {
  assert.deepEqual(viaPayload(4, [`${HEADER}\x1ebAQID`], 5), [EXPECTED]);
});

test("header and attachment in separate polling bodies", () => {
  assert.deepEqual(viaPayload(4, [HEADER, "bAQID"], 5), [EXPECTED]);
  assert.deepEqual(viaPayload(3, [`39:${HEADER}`, "6:b4AQID"], 4), [EXPECTED]);
});

test("WebSocket frames: EIO3 binary 04 01 02 03, EIO4 binary 01 02 03, EIO4 text bAQID", () => {
  for (const [rev, sioRev, att] of [
    [3, 4, Uint8Array.from([4, 1, 2, 3])],
    [4, 5, Uint8Array.from([1, 2, 3])],
    [4, 5, "bAQID"],
  ] as const) {
    const d = new SioDecoder({ rev: sioRev });
    const out: unknown[] = [];
    for (const f of [HEADER, att]) {
      const p = decodeEioPacket(rev, f);
      assert.ok(!isDecodeError(p));
      out.push(...d.push(p.data!));
    }
    assert.deepEqual(out, [EXPECTED]);
  }
});

test("header over polling, attachment over the upgraded WebSocket (same SioDecoder)", () => {
  const d = new SioDecoder({ rev: 5 });
  const r = decodeEioPayload(4, `42["before"]\x1e${HEADER}`);
  const out = r.packets.flatMap((p) => d.push(p.data!));
  assert.deepEqual(out, [{ type: 2, nsp: "/", data: ["before"] }]);
  const ws = decodeEioPacket(4, Uint8Array.from([1, 2, 3]));
  assert.ok(!isDecodeError(ws));
  assert.deepEqual(d.push(ws.data!), [EXPECTED]);
});

test("the EIO digit is stripped exactly once: 42[\"chat\",\"hi\"] is an EVENT without ack id", () => {
  const p = decodeEioPacket(4, '42["chat","hi"]');
  assert.ok(!isDecodeError(p));
  assert.deepEqual(new SioDecoder({ rev: 5 }).push(p.data!), [{ type: 2, nsp: "/", data: ["chat", "hi"] }]);
});
