// Socket.IO 0.9 handshake bodies and the HTTP wrappers of its transports (PROTOCOL.md 2.1,
// 2.4, 12.1): JSONP `io.j[N](…)`, htmlfile script chunks, the `d=` form POST, POST reply `1`.
// Expected values are written by hand from the server source (socket.io 0.9.19).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeSio09Payload,
  isSio09PostOk,
  parseSio09Form,
  parseSio09Handshake,
  parseSio09HandshakeReply,
  parseSio09Jsonp,
  unwrapSio09Body,
  unwrapSio09Htmlfile,
  type Sio09Packet,
} from "../../protocol/sio09/index.ts";
import { isDecodeError } from "../../protocol/types.ts";

const HS = "GkdXWlz2M4Q3HL0h8lmN:60:60:websocket,htmlfile,xhr-polling,jsonp-polling";

test("12.1 handshake body", () => {
  assert.deepEqual(parseSio09Handshake(HS), {
    sid: "GkdXWlz2M4Q3HL0h8lmN",
    heartbeatTimeout: 60,
    closeTimeout: 60,
    transports: ["websocket", "htmlfile", "xhr-polling", "jsonp-polling"],
  });
});

test("handshake: empty heartbeat = disabled, empty transports, decimal sid", () => {
  assert.deepEqual(parseSio09Handshake("abc::60:websocket"), {
    sid: "abc",
    heartbeatTimeout: null,
    closeTimeout: 60,
    transports: ["websocket"],
  });
  assert.deepEqual(parseSio09Handshake("1234567890123:15:25:"), {
    sid: "1234567890123",
    heartbeatTimeout: 15,
    closeTimeout: 25,
    transports: [],
  });
});

test("handshake: JSONP success and failure forms", () => {
  const body = 'io.j[3]("' + HS + '");';
  const h = parseSio09Handshake(body);
  assert.ok(!isDecodeError(h));
  assert.equal(h.sid, "GkdXWlz2M4Q3HL0h8lmN");
  const fail = parseSio09Handshake('io.j[0](new Error("handshake unauthorized"));');
  assert.ok(isDecodeError(fail));
  assert.match(fail.reason, /handshake unauthorized/);
  assert.deepEqual(parseSio09HandshakeReply(200, 'io.j[2](new Error("handshake bad origin"));'), {
    kind: "refused",
    status: 200,
    message: "handshake bad origin",
    jsonp: 2,
  });
  const ok = parseSio09HandshakeReply(200, body);
  assert.equal(ok.kind, "ok");
  assert.equal(ok.kind === "ok" && ok.jsonp, 3);
});

test("handshake replies: refusals, welcome, unsupported protocol, garbage", () => {
  assert.deepEqual(parseSio09HandshakeReply(403, "handshake unauthorized"), { kind: "refused", status: 403, message: "handshake unauthorized" });
  assert.deepEqual(parseSio09HandshakeReply(403, "handshake bad origin"), { kind: "refused", status: 403, message: "handshake bad origin" });
  assert.deepEqual(parseSio09HandshakeReply(500, "handshake error"), { kind: "refused", status: 500, message: "handshake error" });
  assert.deepEqual(parseSio09HandshakeReply(500, "Protocol version not supported."), { kind: "unsupported-protocol" });
  assert.deepEqual(parseSio09HandshakeReply(200, "Welcome to socket.io."), { kind: "welcome" });
  assert.deepEqual(parseSio09HandshakeReply(404, "nope"), { kind: "http-error", status: 404, text: "nope" });
  const ok = parseSio09HandshakeReply(200, HS);
  assert.equal(ok.kind, "ok");
  assert.ok(isDecodeError(parseSio09HandshakeReply(200, "a:b:c")));
  assert.ok(isDecodeError(parseSio09Handshake("sid:x:60:websocket")));
  assert.ok(isDecodeError(parseSio09Handshake("sid:60:y:websocket")));
  assert.ok(isDecodeError(parseSio09Handshake(":60:60:websocket")));
  assert.ok(isDecodeError(parseSio09Handshake("a:1:2:3:4")));
  assert.ok(isDecodeError(parseSio09Handshake("handshake error")));
});

test("12.1 JSONP GET io.j[0](\"1::\");", () => {
  assert.deepEqual(unwrapSio09Body('io.j[0]("1::");', "jsonp"), ["1::"]);
  assert.deepEqual(parseSio09Jsonp('io.j[12]("1::");'), { index: 12, value: "1::" });
  const framed = 'io.j[1]("\ufffd3\ufffd1::\ufffd16\ufffd5:::{\\"name\\":\\"é\\"}");';
  const [payload] = unwrapSio09Body(framed, "jsonp") as string[];
  const items = decodeSio09Payload(payload!);
  assert.deepEqual(items.map((p) => (p as Sio09Packet).typeName), ["connect", "event"]);
  assert.equal((items[1] as Sio09Packet).name, "é");
});

test("JSONP: escapes (\\u2028, \\\\, quotes) and malformed wrappers", () => {
  assert.deepEqual(unwrapSio09Body('io.j[0]("3:::a\\u2028b \\"q\\" \\\\");', "jsonp"), ['3:::a\u2028b "q" \\']);
  assert.deepEqual(unwrapSio09Body('io.j[0]("3:::x")', "jsonp"), ["3:::x"]); // no ';'
  for (const b of ['io.j[0]("1::"', 'io.j[0]("1::);', "io.j[x](\"1::\");", 'io.j[0](1);', 'io.j[0]("1::"); alert(1)', "1::", 'io.j[0]("\\x");']) {
    assert.ok(isDecodeError(unwrapSio09Body(b, "jsonp")), b);
  }
  assert.ok(isDecodeError(unwrapSio09Body('io.j[0](new Error("handshake error"));', "jsonp")));
});

const PREAMBLE = "<html><body><script>var _ = function (msg) { parent.s._(msg, document); };</script>" + " ".repeat(173);

test("htmlfile: preamble then script chunks with \\/ escapes", () => {
  const body = PREAMBLE + '<script>_("1::");</script>' + '<script>_("5:::{\\"name\\":\\"a\\",\\"args\\":[\\"<\\/script>\\"]}");</script>';
  const r = unwrapSio09Htmlfile(body);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.payloads, ["1::", '5:::{"name":"a","args":["</script>"]}']);
  assert.equal(r.rest, "");
  assert.deepEqual(unwrapSio09Body(body, "htmlfile"), r.payloads);
  const ev = decodeSio09Payload(r.payloads[1]!)[0] as Sio09Packet;
  assert.deepEqual(ev.args, ["</script>"]);
});

test("htmlfile: a stream cut in its last chunk keeps the rest; garbage between chunks is an error", () => {
  const cut = unwrapSio09Htmlfile(PREAMBLE + '<script>_("2::");</script><script>_("3:::he');
  assert.deepEqual(cut.payloads, ["2::"]);
  assert.deepEqual(cut.errors, []);
  assert.equal(cut.rest, '<script>_("3:::he');
  const cut2 = unwrapSio09Htmlfile(PREAMBLE + '<script>_("2::");</scr');
  assert.deepEqual(cut2.payloads, []);
  assert.equal(cut2.rest, '<script>_("2::");</scr');
  const junk = unwrapSio09Htmlfile(PREAMBLE + '<script>_("2::");</script>JUNK<script>_("8::");</script>');
  assert.deepEqual(junk.payloads, ["2::", "8::"]);
  assert.equal(junk.errors.length, 1);
  assert.equal(junk.errors[0]!.raw, "JUNK");
  assert.ok(isDecodeError(unwrapSio09Body(PREAMBLE + '<script>_("2::")</script>', "htmlfile")));
  assert.deepEqual(unwrapSio09Body(PREAMBLE, "htmlfile"), []);
});

test("form POST: d= carries a JSON-quoted payload", () => {
  // what a browser submits for JSON.stringify('5:::{"name":"a b","args":["é\n"]}')
  const value = JSON.stringify('5:::{"name":"a b","args":["é\n"]}');
  const body = "d=" + encodeURIComponent(value).replace(/%20/g, "+");
  assert.deepEqual(unwrapSio09Body(body, "form"), ['5:::{"name":"a b","args":["é\n"]}']);
  assert.equal(parseSio09Form("d=%221%3A%3A%22"), "1::");
  assert.equal(parseSio09Form('d="\ufffd3\ufffd1::\ufffd3\ufffd2::"'), "\ufffd3\ufffd1::\ufffd3\ufffd2::");
  assert.ok(isDecodeError(parseSio09Form("x=1")));
  assert.ok(isDecodeError(parseSio09Form("d=1%3A%3A"))); // not JSON-quoted
  assert.ok(isDecodeError(parseSio09Form("d=%zz")));
});

test("POST reply `1` is an acknowledgement, not a payload", () => {
  assert.equal(isSio09PostOk("1"), true);
  assert.equal(isSio09PostOk("1", 200), true);
  assert.equal(isSio09PostOk(new Uint8Array([0x31])), true);
  assert.equal(isSio09PostOk("1", 500), false);
  assert.equal(isSio09PostOk("ok"), false);
  assert.equal(isSio09PostOk("1::"), false);
  assert.equal(isSio09PostOk(""), false);
  assert.equal(isSio09PostOk(undefined), false);
});
