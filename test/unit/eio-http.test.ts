// HTTP-level replies (PROTOCOL.md 6, 10.9, 10.10, 12.3): never payloads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyHttpReply } from "../../protocol/engineio/index.ts";

test("200 GET is a payload; POST `ok` is an acknowledgement (rev 3 and 4)", () => {
  assert.deepEqual(classifyHttpReply(200, "text/plain; charset=UTF-8", "96:0{}", "GET"), { kind: "payload" });
  assert.deepEqual(classifyHttpReply(200, "application/octet-stream", new Uint8Array([0, 1, 0xff, 0x32]), "GET"), { kind: "payload" });
  assert.deepEqual(classifyHttpReply(200, "text/html", "ok", "POST"), { kind: "post-ok" });
  assert.deepEqual(classifyHttpReply(200, "text/html", new TextEncoder().encode("ok"), "post"), { kind: "post-ok" });
  // a POST reply is never a payload
  assert.deepEqual(classifyHttpReply(200, "text/html", "1", "POST"), { kind: "http-error", status: 200, text: "1" });
  assert.deepEqual(classifyHttpReply(200, "text/plain", "1", "POST", { family: "sio09" }), { kind: "post-ok" });
  // CORS preflight / HEAD: not payloads
  assert.deepEqual(classifyHttpReply(200, undefined, "", "OPTIONS"), { kind: "http-error", status: 200, text: "" });
  assert.deepEqual(classifyHttpReply(200, "text/plain", "", "HEAD"), { kind: "http-error", status: 200, text: "" });
  assert.deepEqual(classifyHttpReply(200, "text/plain", "2:40", "get"), { kind: "payload" });
});

test("12.3 / 6: {code,message} errors with the named codes 0-5", () => {
  const names = ["Transport unknown", "Session ID unknown", "Bad handshake method", "Bad request", "Forbidden", "Unsupported protocol version"];
  names.forEach((name, code) => {
    const status = code === 4 ? 403 : 400;
    assert.deepEqual(classifyHttpReply(status, "application/json", JSON.stringify({ code, message: name }), "GET"), { kind: "eio-error", code, name, message: name, status });
  });
  assert.deepEqual(classifyHttpReply(400, "application/json", '{"code":1,"message":"Session ID unknown"}', "POST"), {
    kind: "eio-error",
    code: 1,
    name: "Session ID unknown",
    message: "Session ID unknown",
    status: 400,
  });
  // custom allowRequest message (code 4, 403)
  assert.deepEqual(classifyHttpReply(403, "application/json", '{"code":4,"message":"not today"}', "GET"), { kind: "eio-error", code: 4, name: "Forbidden", message: "not today", status: 403 });
  // unknown code, missing message, no content type
  assert.deepEqual(classifyHttpReply(400, undefined, '{"code":9}', "GET"), { kind: "eio-error", code: 9, name: "Unknown error code 9", message: "Unknown error code 9", status: 400 });
});

test("413, raw-text 400 of a refused upgrade, other statuses", () => {
  assert.deepEqual(classifyHttpReply(413, "text/html", "", "POST"), { kind: "too-large", status: 413 });
  assert.deepEqual(classifyHttpReply(400, "text/html", "Bad Request", "GET"), { kind: "http-error", status: 400, text: "Bad Request" });
  assert.deepEqual(classifyHttpReply(400, "application/json", "{not json", "GET"), { kind: "http-error", status: 400, text: "{not json" });
  assert.deepEqual(classifyHttpReply(400, "application/json", '{"message":"x"}', "GET"), { kind: "http-error", status: 400, text: '{"message":"x"}' });
  assert.deepEqual(classifyHttpReply(500, undefined, "", "PUT"), { kind: "http-error", status: 500, text: "" });
  assert.deepEqual(classifyHttpReply(0, undefined, undefined, "GET"), { kind: "http-error", status: 0, text: "" });
  assert.deepEqual(classifyHttpReply(404, "text/html", "Cannot GET /socket.io/", "GET"), { kind: "http-error", status: 404, text: "Cannot GET /socket.io/" });
  // an error body on a status other than 400/403 is not an engine.io error
  assert.deepEqual(classifyHttpReply(500, "application/json", '{"code":1}', "GET"), { kind: "http-error", status: 500, text: '{"code":1}' });
});
