// Recognising Engine.IO / Socket.IO 0.9 requests by URL (PROTOCOL.md 1.1): query parameters
// in any order, custom paths, third-party `t` values, the 0.9 path layout; never a throw.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { detectFromUrl, isSocketIoUrl } from "../../protocol/detect.ts";

test("EIO=4 polling handshake (no sid)", () => {
  assert.deepEqual(detectFromUrl("http://localhost:3000/socket.io/?EIO=4&transport=polling&t=P3bq9Xa"), {
    family: "eio",
    rev: 4,
    eio: "4",
    transport: "polling",
    endpoint: "http://localhost:3000/socket.io/",
  });
});

test("EIO=3 with sid, b64 and JSONP j, user query first (engine.io-client ≥ 6 order)", () => {
  assert.deepEqual(detectFromUrl("https://chat.example.com/socket.io/?token=abc&EIO=3&transport=polling&t=1552303654.18&b64=1&j=2&sid=lv_VI97HAXpY6yYWAAAC"), {
    family: "eio",
    rev: 3,
    eio: "3",
    transport: "polling",
    sid: "lv_VI97HAXpY6yYWAAAC",
    jsonp: 2,
    b64: true,
    endpoint: "https://chat.example.com/socket.io/",
  });
});

test("query parameters in any order give the same shape", () => {
  const params = ["EIO=4", "transport=websocket", "sid=abc-_DEF", "t=NxYz.1", "room=42"];
  const expected = detectFromUrl("wss://h:8443/io?" + params.join("&"));
  assert.equal(expected?.family, "eio");
  fc.assert(
    fc.property(fc.shuffledSubarray(params, { minLength: params.length, maxLength: params.length }), (order) => {
      assert.deepEqual(detectFromUrl("wss://h:8443/io?" + order.join("&")), expected);
    }),
    { numRuns: 100 },
  );
});

test("WebSocket and WebTransport URLs; ws: endpoints are written http:", () => {
  const ws = detectFromUrl("ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket&sid=S1");
  assert.deepEqual(ws, { family: "eio", rev: 4, eio: "4", transport: "websocket", sid: "S1", endpoint: "http://127.0.0.1:3000/socket.io/" });
  const wss = detectFromUrl("wss://h/socket.io/?EIO=3&transport=websocket");
  assert.equal(wss?.endpoint, "https://h/socket.io/");
  const wt = detectFromUrl("https://h:4433/socket.io/?EIO=4&transport=webtransport");
  assert.equal(wt?.family === "eio" && wt.transport, "webtransport");
});

test("custom paths, no trailing slash, raw engine.io path", () => {
  assert.equal(detectFromUrl("http://h/my/custom/path?EIO=4&transport=polling")?.endpoint, "http://h/my/custom/path");
  assert.equal(detectFromUrl("http://h/engine.io/?EIO=3&transport=polling")?.endpoint, "http://h/engine.io/");
  assert.equal(detectFromUrl("http://h/?EIO=4&transport=polling")?.endpoint, "http://h/");
});

test("EIO=2 decodes as rev 3; transport without EIO is rev 3; EIO without transport", () => {
  const two = detectFromUrl("http://h/engine.io/?EIO=2&transport=flashsocket");
  assert.equal(two?.family === "eio" && two.rev, 3);
  assert.equal(two?.family === "eio" && two.eio, "2");
  const none = detectFromUrl("http://h/socket.io/?transport=polling&t=123");
  assert.deepEqual(none, { family: "eio", rev: 3, eio: null, transport: "polling", endpoint: "http://h/socket.io/" });
  const noTransport = detectFromUrl("http://h/socket.io/?EIO=4");
  assert.deepEqual(noTransport, { family: "eio", rev: 4, eio: "4", transport: null, endpoint: "http://h/socket.io/" });
});

test("third-party t values are irrelevant", () => {
  for (const t of ["1390000000000", "1390000000000-3", "NxYz1Ab", "NxYz1Ab.2", "k3j9x0qz", "1552303654.18", ""]) {
    assert.equal(detectFromUrl(`http://h/socket.io/?EIO=4&transport=polling&t=${t}`)?.family, "eio", t);
  }
});

test("b64 is any non-empty value (engine.io reads it as truthy); j must be a number", () => {
  const s = (u: string) => detectFromUrl(u);
  assert.equal((s("http://h/?EIO=3&transport=polling&b64=true") as { b64?: boolean }).b64, true);
  assert.equal((s("http://h/?EIO=3&transport=polling&b64=") as { b64?: boolean }).b64, undefined);
  assert.equal((s("http://h/?EIO=3&transport=polling&j=x") as { jsonp?: number }).jsonp, undefined);
});

test("0.9 handshake /<resource>/1/?t=, with user query and JSONP", () => {
  assert.deepEqual(detectFromUrl("http://h:8080/socket.io/1/?t=1390000000000"), {
    family: "sio09",
    kind: "handshake",
    endpoint: "http://h:8080/socket.io/",
  });
  assert.deepEqual(detectFromUrl("http://h/app/socket.io/1/?user=bob&t=1390000000000&jsonp=0"), {
    family: "sio09",
    kind: "handshake",
    jsonp: 0,
    endpoint: "http://h/app/socket.io/",
  });
});

test("0.9 transports /1/<transport>/<sid>", () => {
  assert.deepEqual(detectFromUrl("ws://h:8080/socket.io/1/websocket/GkdXWlz2M4Q3HL0h8lmN"), {
    family: "sio09",
    kind: "transport",
    transport: "websocket",
    sid: "GkdXWlz2M4Q3HL0h8lmN",
    endpoint: "http://h:8080/socket.io/",
  });
  for (const t of ["flashsocket", "xhr-polling", "htmlfile", "xhr-multipart"]) {
    const s = detectFromUrl(`http://h/socket.io/1/${t}/SID?t=1`);
    assert.equal(s?.family === "sio09" && s.transport, t);
    assert.equal(s?.family === "sio09" && s.sid, "SID");
  }
  assert.deepEqual(detectFromUrl("http://h/socket.io/1/jsonp-polling/SID?t=1390000000000&i=3"), {
    family: "sio09",
    kind: "transport",
    transport: "jsonp-polling",
    sid: "SID",
    jsonp: 3,
    endpoint: "http://h/socket.io/",
  });
});

test("0.9 forced disconnect forms", () => {
  assert.deepEqual(detectFromUrl("http://h/socket.io/1//SID/?disconnect=1"), {
    family: "sio09",
    kind: "transport",
    transport: "",
    sid: "SID",
    disconnect: true,
    endpoint: "http://h/socket.io/",
  });
  const s = detectFromUrl("http://h/socket.io/1/xhr-polling/SID?disconnect");
  assert.equal(s?.family === "sio09" && s.disconnect, true);
});

test("relative URLs need a base", () => {
  assert.equal(detectFromUrl("/socket.io/?EIO=4&transport=polling"), null);
  assert.equal(detectFromUrl("/socket.io/?EIO=4&transport=polling", "https://app.example/page")?.endpoint, "https://app.example/socket.io/");
  assert.equal(detectFromUrl("socket.io/1/?t=1", "http://h/app/")?.endpoint, "http://h/app/socket.io/");
  assert.equal(detectFromUrl("//cdn.h/socket.io/?EIO=3&transport=polling", "https://a/")?.endpoint, "https://cdn.h/socket.io/");
});

test("not Socket.IO: ordinary URLs, 0.9-lookalike paths, other schemes", () => {
  for (const u of [
    "http://h/api/users?id=1",
    "http://h/api/1/?x=2",
    "http://h/v/1/users/2",
    "http://h/socket.io/1/unknown-transport/SID",
    "http://h/socket.io/1/xhr-polling/",
    "http://h/socket.io/?EIO=x",
    "http://h/socket.io/?transport=carrier-pigeon",
    "http://h/?notEIO=4&xtransport=polling",
    "http://h/#?EIO=4&transport=polling",
    "data:text/plain,?EIO=4&transport=polling",
    "blob:http://h/?EIO=4&transport=polling",
  ]) {
    assert.equal(detectFromUrl(u), null, u);
  }
});

test("garbage never throws", () => {
  for (const u of ["", "::::", "http://", "http://[::1", "%", "?EIO=4", "\u0000", "http://h/?EIO=4&transport=polling&sid=%E0%A4%A"]) {
    assert.doesNotThrow(() => detectFromUrl(u));
    assert.doesNotThrow(() => detectFromUrl(u, "::bad base"));
    assert.doesNotThrow(() => isSocketIoUrl(u));
  }
  assert.equal(detectFromUrl(42 as unknown as string), null);
  assert.equal(isSocketIoUrl(undefined as unknown as string), false);
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), fc.option(fc.webUrl()), (u, base) => {
      detectFromUrl(u, base ?? undefined);
      isSocketIoUrl(u);
    }),
    { numRuns: 500 },
  );
});

test("isSocketIoUrl: true for every shape above, false for ordinary traffic", () => {
  for (const u of [
    "/socket.io/?EIO=4&transport=polling&t=x",
    "socket.io/?transport=websocket",
    "http://h/socket.io/1/?t=1",
    "/socket.io/1/xhr-polling/SID?t=2",
    "ws://h/socket.io/1/websocket/SID",
    "/socket.io/1//SID/?disconnect=1",
    "http://h/?a=1&EIO=3",
  ]) {
    assert.equal(isSocketIoUrl(u), true, u);
  }
  for (const u of ["/api/users?id=1", "/static/app.js", "http://h/api/1/?x=2", "/search?q=EIO=4", "/x?myEIO=4", "/v1/1/2"]) {
    assert.equal(isSocketIoUrl(u), false, u);
  }
});

test("isSocketIoUrl never misses a URL that detectFromUrl recognises", () => {
  const seg = fc.constantFrom("socket.io", "engine.io", "1", "", "xhr-polling", "websocket", "jsonp-polling", "SID", "api", "%31");
  const kv = fc.tuple(
    fc.constantFrom("EIO", "transport", "sid", "t", "j", "b64", "i", "jsonp", "disconnect", "x", "E%49O"),
    fc.constantFrom("", "1", "2", "3", "4", "polling", "websocket", "abc"),
  );
  fc.assert(
    fc.property(
      fc.constantFrom("http://h", "https://h:8443", "ws://h", "wss://h"),
      fc.array(seg, { maxLength: 5 }),
      fc.array(kv, { maxLength: 5 }),
      fc.boolean(),
      (origin, segs, kvs, q) => {
        const url = origin + "/" + segs.join("/") + (q ? "?" + kvs.map(([k, v]) => `${k}=${v}`).join("&") : "");
        if (detectFromUrl(url) !== null) assert.equal(isSocketIoUrl(url), true, url);
      },
    ),
    { numRuns: 2000 },
  );
});
