// extension/panel/model.ts: the panel's wrapper of the session model (no browser needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_DIAGNOSTICS, createModel } from "../../extension/panel/model.ts";
import { Cap } from "../fixtures/capture-builder.ts";

test("tick() says whether it found something to draw: an ack unanswered for 30 s, once", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  // no heartbeat deadline in the way (pingInterval + pingTimeout far beyond the ticks below)
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":600000,"pingTimeout":600000}').out(w, "40").in(w, '40{"sid":"q"}');
  c.out(w, '421["lonely"]');
  const m = createModel();
  m.push(c.events);
  assert.equal(m.tick(c.t + 1_000), false, "nothing yet: no render");
  assert.equal(m.tick(c.t + 31_000), true, "the ack is overdue: render");
  assert.deepEqual(m.diagnostics().map((d) => d.code), ["ack-unanswered"]);
  assert.equal(m.tick(c.t + 33_000), false, "reported once, so the next tick draws nothing");
});

test("the panel's model keeps the newest MAX_DIAGNOSTICS diagnostics: ids keep counting, the dropped ones are counted, and the report says how many", () => {
  const c = new Cap();
  const w = c.ws(`ws://localhost:3000/socket.io/?EIO=4&transport=websocket`);
  c.in(w, '0{"sid":"abc","upgrades":[],"pingInterval":600000,"pingTimeout":600000}').out(w, "40").in(w, '40{"sid":"q"}');
  // acks for events never sent: one "ack-unknown" each (a custom parser or a server bug can flag every frame)
  const n = MAX_DIAGNOSTICS + 10;
  for (let i = 0; i < n; i++) c.in(w, `43${i}[1]`);
  const m = createModel();
  m.push(c.events);
  m.tick(c.t + 1000); // held acks expire into their diagnostics
  const ds = m.diagnostics();
  assert.ok(ds.length <= MAX_DIAGNOSTICS, `${ds.length} held`);
  assert.equal(ds.length + m.diagnosticsDropped(), n, "held + dropped = all of them");
  assert.equal(ds[ds.length - 1]!.id, n - 1, "ids count every diagnostic");
  assert.equal(ds[0]!.id, m.diagnosticsDropped(), "the held ones are the newest, in order");
  assert.match(ds[ds.length - 1]!.message, new RegExp(`^ack ${n - 1} on / `));
  assert.equal(m.report().diagnosticsDropped, m.diagnosticsDropped());
  assert.ok(ds.every((d) => d.code === "ack-unknown"));
});
