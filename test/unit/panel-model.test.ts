// extension/panel/model.ts: the panel's wrapper of the session model (no browser needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel } from "../../extension/panel/model.ts";
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
