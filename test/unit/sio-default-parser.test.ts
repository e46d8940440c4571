// Default parser (revs 3/4/5): PROTOCOL.md 12.4 vectors, expected values written by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeSioString, sioTypeName, type SioPacket } from "../../protocol/socketio/index.ts";
import { isDecodeError, type DecodeError } from "../../protocol/types.ts";

function ok(rev: 3 | 4 | 5, text: string): SioPacket {
  const p = decodeSioString(rev, text);
  assert.ok(!isDecodeError(p), `${text} (rev ${rev}) should decode, got ${JSON.stringify(p)}`);
  return p as SioPacket;
}
function bad(rev: 3 | 4 | 5, text: string): DecodeError {
  const p = decodeSioString(rev, text);
  assert.ok(isDecodeError(p), `${text} (rev ${rev}) should fail, got ${JSON.stringify(p)}`);
  assert.equal(p.layer, "sio");
  assert.equal(p.raw, text);
  return p;
}

test("12.4 CONNECT forms", () => {
  for (const rev of [4, 5] as const) assert.deepEqual(ok(rev, "0"), { type: 0, nsp: "/" });
  assert.deepEqual(ok(5, '0{"token":"123"}'), { type: 0, nsp: "/", data: { token: "123" } });
  assert.deepEqual(ok(5, '0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}'), {
    type: 0,
    nsp: "/admin",
    data: { sid: "oSO0OpakMV_3jnilAAAA" },
  });
  assert.deepEqual(ok(4, "0/admin?token=1234,"), { type: 0, nsp: "/admin?token=1234" });
  for (const rev of [4, 5] as const) {
    assert.deepEqual(ok(rev, "0/random"), { type: 0, nsp: "/random" });
    assert.deepEqual(ok(rev, "0/random,"), { type: 0, nsp: "/random" });
  }
});

test("12.4 DISCONNECT, EVENT, ACK", () => {
  for (const rev of [4, 5] as const) {
    assert.deepEqual(ok(rev, "1/admin,"), { type: 1, nsp: "/admin" });
    assert.deepEqual(ok(rev, '2["foo"]'), { type: 2, nsp: "/", data: ["foo"] });
    assert.deepEqual(ok(rev, '212["foo"]'), { type: 2, nsp: "/", id: 12, data: ["foo"] });
    assert.deepEqual(ok(rev, '2/admin,456["project:delete",123]'), {
      type: 2,
      nsp: "/admin",
      id: 456,
      data: ["project:delete", 123],
    });
    assert.deepEqual(ok(rev, '3/admin,13["bar"]'), { type: 3, nsp: "/admin", id: 13, data: ["bar"] });
  }
  // wire `43456[1,"2",{"3":[false]}]` → after the EIO digit
  assert.deepEqual(ok(5, '3456[1,"2",{"3":[false]}]'), { type: 3, nsp: "/", id: 456, data: [1, "2", { "3": [false] }] });
  assert.deepEqual(ok(5, "3[]"), { type: 3, nsp: "/", data: [] });
});

test("12.4 ERROR / CONNECT_ERROR per revision", () => {
  assert.deepEqual(ok(4, '4"Invalid namespace"'), { type: 4, nsp: "/", data: "Invalid namespace" });
  assert.deepEqual(ok(4, '4/admin,"Not authorized"'), { type: 4, nsp: "/admin", data: "Not authorized" });
  assert.deepEqual(ok(5, '4{"message":"Not authorized"}'), { type: 4, nsp: "/", data: { message: "Not authorized" } });
  assert.deepEqual(ok(5, '4/random,{"message":"Invalid namespace"}'), {
    type: 4,
    nsp: "/random",
    data: { message: "Invalid namespace" },
  });
  assert.deepEqual(ok(5, '4{"message":"m","data":{"code":7}}'), { type: 4, nsp: "/", data: { message: "m", data: { code: 7 } } });
  // a v4 server talking to an EIO3 client sends string errors: accepted, flagged
  assert.deepEqual(ok(5, '4"Not authorized"'), { type: 4, nsp: "/", data: "Not authorized", notes: ["string-connect-error"] });
  assert.equal(sioTypeName(4, 4), "ERROR");
  assert.equal(sioTypeName(5, 4), "CONNECT_ERROR");
  assert.equal(sioTypeName(5, 6), "BINARY_ACK");
});

test("12.4 binary headers keep placeholders and the count", () => {
  for (const rev of [4, 5] as const) {
    assert.deepEqual(ok(rev, '51-["baz",{"_placeholder":true,"num":0}]'), {
      type: 5,
      nsp: "/",
      attachments: 1,
      data: ["baz", { _placeholder: true, num: 0 }],
    });
    assert.deepEqual(ok(rev, '52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'), {
      type: 5,
      nsp: "/admin",
      attachments: 2,
      data: ["baz", { _placeholder: true, num: 0 }, { _placeholder: true, num: 1 }],
    });
    assert.deepEqual(ok(rev, '61-/admin,456[{"_placeholder":true,"num":0}]'), {
      type: 6,
      nsp: "/admin",
      id: 456,
      attachments: 1,
      data: [{ _placeholder: true, num: 0 }],
    });
  }
  assert.deepEqual(ok(5, '52-789["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]').id, 789);
  assert.deepEqual(ok(5, '62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'), {
    type: 6,
    nsp: "/",
    id: 789,
    attachments: 2,
    data: [{ _placeholder: true, num: 0 }, { _placeholder: true, num: 1 }],
  });
  assert.deepEqual(ok(4, '51-1["a",{"_placeholder":true,"num":0}]'), {
    type: 5,
    nsp: "/",
    id: 1,
    attachments: 1,
    data: ["a", { _placeholder: true, num: 0 }],
  });
});

test("rev 3: every ACK carries an attachment count (`30-1[\"x\"]`)", () => {
  assert.deepEqual(ok(3, '30-1["x"]'), { type: 3, nsp: "/", id: 1, attachments: 0, data: ["x"] });
  assert.deepEqual(ok(3, '32-/a,7[{"_placeholder":true,"num":1}]'), {
    type: 3,
    nsp: "/a",
    id: 7,
    attachments: 2,
    data: [{ _placeholder: true, num: 1 }],
  });
  // without a dash it is an ordinary ack id
  assert.deepEqual(ok(3, '31["x"]'), { type: 3, nsp: "/", id: 1, data: ["x"] });
  // a rev-5 decoder reads id 30 and then fails on `-1[…]`
  bad(5, '30-1["x"]');
});

test("pitfall: `42[\"chat\",\"hi\"]` is EIO message + EVENT, never ack id 2", () => {
  // with exactly one EIO digit stripped
  assert.deepEqual(ok(5, '2["chat","hi"]'), { type: 2, nsp: "/", data: ["chat", "hi"] });
  assert.deepEqual(ok(4, '2["chat","hi"]'), { type: 2, nsp: "/", data: ["chat", "hi"] });
  // the unstripped frame is a CONNECT_ERROR with an array: refused, not mistaken for an event
  const e = bad(5, '42["chat","hi"]');
  assert.match(e.reason, /payload/);
  assert.equal(e.offset, 2);
});

test("12.4 invalid rev-5 payloads and unknown types", () => {
  assert.match(bad(5, "2{}").reason, /invalid payload/);
  assert.match(bad(5, '2abc["a"]').reason, /invalid JSON payload/);
  assert.equal(bad(5, '2abc["a"]').offset, 1);
  assert.match(bad(5, "7").reason, /unknown packet type/);
  assert.match(bad(5, "9").reason, /unknown packet type/);
  // socket.io-parser reads the type of "" as Number("") = 0: the peer takes it as CONNECT /
  assert.deepEqual(ok(5, ""), { type: 0, nsp: "/", notes: ["empty-packet"] });
  assert.match(bad(5, "2[]").reason, /non-empty/);
  assert.match(bad(5, "2[true]").reason, /event name/);
  assert.match(bad(5, "2[null]").reason, /event name/);
  assert.match(bad(5, '3{"a":1}').reason, /ACK/);
  assert.match(bad(5, "0[1]").reason, /CONNECT/);
  assert.match(bad(5, "0null").reason, /CONNECT/);
  assert.match(bad(5, '0"x"').reason, /CONNECT/);
  assert.match(bad(5, "1{}").reason, /DISCONNECT/);
  assert.match(bad(4, "1{}").reason, /DISCONNECT/);
  assert.match(bad(5, "4[1]").reason, /CONNECT_ERROR/);
  assert.match(bad(5, "4 1").reason, /CONNECT_ERROR/); // JSON.parse(" 1") is the number 1
  assert.match(bad(5, "4x").reason, /JSON/);
  assert.match(bad(5, "2[").reason, /JSON/);
  // a header without payload is a packet without data (socket.io-parser accepts it too)
  assert.deepEqual(ok(5, "51-"), { type: 5, nsp: "/", attachments: 1 });
});

test("attachment header errors and limits", () => {
  assert.match(bad(5, '5-["a"]').reason, /illegal attachments/);
  assert.match(bad(5, '5x-["a"]').reason, /illegal attachments/);
  assert.match(bad(5, '51["a"]').reason, /illegal attachments/);
  assert.match(bad(5, "5").reason, /illegal attachments/);
  assert.match(bad(4, '61["a"]').reason, /illegal attachments/);
  assert.match(bad(5, '51001-["a"]').reason, /too many attachments/);
  // a peer that sent 11 attachments was accepted by socket.io-parser < 4.2.6: decode, flag
  assert.deepEqual(ok(5, '511-["a"]'), { type: 5, nsp: "/", attachments: 11, data: ["a"], notes: ["attachments-over-limit"] });
  assert.deepEqual(ok(4, '50-["a"]'), { type: 5, nsp: "/", attachments: 0, data: ["a"], notes: ["zero-attachments"] });
});

test("rev 5 reserved event names are decoded but flagged; rev 4 does not flag", () => {
  for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"])
    assert.deepEqual(ok(5, `2["${name}"]`).notes, ["reserved-event-name"]);
  assert.equal(ok(4, '2["disconnect"]').notes, undefined);
  assert.equal(ok(5, '2["connection"]').notes, undefined);
});

test("numbers as event names, big ids, absent payloads", () => {
  assert.deepEqual(ok(5, "2[1,2]"), { type: 2, nsp: "/", data: [1, 2] });
  assert.deepEqual(ok(5, "2/x,0"), { type: 2, nsp: "/x", id: 0 });
  assert.deepEqual(ok(5, '29007199254740991["a"]'), { type: 2, nsp: "/", id: 9007199254740991, data: ["a"] });
  const big = ok(5, '2123456789012345678901["a"]');
  assert.equal(big.id, 123456789012345678901);
  assert.deepEqual(big.notes, ["unsafe-ack-id"]);
  // nsp is only read when the next char is "/"
  assert.deepEqual(ok(5, '2["/a,b"]'), { type: 2, nsp: "/", data: ["/a,b"] });
  // JSON with U+2028, \x1e escapes and emoji
  assert.deepEqual(ok(5, '2["e","\u2028\\u001e🎉\\ud800"]'), { type: 2, nsp: "/", data: ["e", "\u2028\x1e🎉\ud800"] });
});

test("no throw on garbage strings", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = '0123456789-/,[]{}":abc\\\ud800 \x1e';
  for (let n = 0; n < 3000; n++) {
    let s = "";
    const len = Math.floor(rnd() * 20);
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    for (const rev of [3, 4, 5] as const) {
      const r = decodeSioString(rev, s);
      if (isDecodeError(r)) assert.equal(r.raw, s);
      else assert.ok(r.type >= 0 && r.type <= 6 && typeof r.nsp === "string");
    }
  }
});
