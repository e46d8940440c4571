// The session model against fixtures recorded from real traffic (scripts/record-fixtures.ts):
// Chromium driving the demo pages with the real socket.io clients and servers of every major
// line. The checks (test/fixtures/scenario-checks.ts) come from what each scenario did — its
// code and the results it reported from inside the page (<name>.scenario.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FIXTURES } from "../fixtures/fixture-specs.ts";
import { checkRecording } from "../fixtures/scenario-checks.ts";

const dir = new URL("../fixtures/har/", import.meta.url).pathname;

for (const spec of FIXTURES) {
  test(`fixture ${spec.name}: ${spec.scenarios.join(", ")}`, () => {
    const har = readFileSync(`${dir}${spec.name}.har`, "utf8");
    const sc = JSON.parse(readFileSync(`${dir}${spec.name}.scenario.json`, "utf8")) as { scenarios: Record<string, { ok: boolean; details: Record<string, unknown> }> };
    assert.ok(har.length < 200 * 1024, "fixtures stay small");
    for (const [name, r] of Object.entries(sc.scenarios)) assert.equal(r.ok, true, `scenario ${name} passed in the page when recorded`);
    checkRecording(har, spec, sc.scenarios);
  });
}
