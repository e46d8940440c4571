// The router's per-tab backlog rules (extension/background/backlog.ts), without a browser:
// the cap and its dropped count, duplicate resends, late batches of a page navigated away
// from, navigation resets, and resuming from an index.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CaptureEvent } from "../../protocol/capture.ts";
import { compactEvent, compactFrame, expandEvent, hasTraffic, readHookBatch, splitHookBatch } from "../../extension/shared/wire.ts";
import { MAX_EVENTS_PER_TAB, MAX_BYTES_PER_TAB, PINNED_EVENTS, appendBatch, clearTab, eventsSince, newTab, parseChunks, topOf, type TabLog } from "../../extension/background/backlog.ts";

/** All held events with their indexes, checking that each segment is consecutive. */
function held(t: TabLog, since = 0): { idx: number[]; events: CaptureEvent[]; missed: number; segments: number } {
  const r = eventsSince(t, since);
  const idx: number[] = [];
  const events: CaptureEvent[] = [];
  // read back and stamped with their segment's frame, as the panel does
  for (const s of r.segments) {
    const list = (JSON.parse(s.json) as unknown[]).map((x) => expandEvent(x, s.base)) as CaptureEvent[];
    assert.equal(list.length, s.count, "a segment's count is its JSON's length");
    list.forEach((e, i) => { idx.push(s.start + i); events.push({ ...e, frameId: s.frameId, ...(s.frameUrl === undefined ? {} : { frameUrl: s.frameUrl }) }); });
  }
  return { idx, events, missed: r.missed, segments: r.segments.length };
}

/** A document's page event; `ts`: when it began (a new page's documents begin after the old one's). */
const page = (url: string, ts = 1): CaptureEvent => ({ v: 1, type: "page", ts, conn: "p", url });
const frame = (i: number, text = `42["n",${i}]`): CaptureEvent => ({ v: 1, type: "ws-frame", ts: 1, conn: "c", dir: "in", data: { text } });

describe("tab backlog", () => {
  test("numbers events, stamps the frame, and resumes from an index", () => {
    const t = newTab(7);
    appendBatch(t, "d1", 1, 0, [page("http://a/"), frame(1)]);
    appendBatch(t, "d1", 2, 0, [frame(2), frame(3)]);
    const all = held(t);
    assert.deepEqual(all.idx, [0, 1, 2, 3]);
    assert.equal(all.segments, 1);
    assert.ok(all.events.every((e) => e.frameId === 0));
    const tail = held(t, 3);
    assert.deepEqual(tail.idx, [3]);
    assert.deepEqual(tail.events.map((e) => (e.type === "ws-frame" && "text" in e.data ? e.data.text : e.type)), ['42["n",3]']);
    assert.equal(tail.missed, 0);
  });

  test("a resent batch is a duplicate; a late batch of the previous page is stale", () => {
    const t = newTab(1);
    assert.equal(appendBatch(t, "d1", 1, 0, [page("http://a/")]).kind, "appended");
    assert.equal(appendBatch(t, "d1", 1, 0, [page("http://a/")]).kind, "duplicate");
    assert.equal(appendBatch(t, "sub", 1, 3, [page("http://a/frame"), frame(1)]).kind, "appended");
    const nav = appendBatch(t, "d2", 1, 0, [page("http://b/", 100)]);
    assert.equal(nav.kind, "appended");
    assert.ok(nav.kind === "appended" && nav.reset !== null && nav.reset.length === 2, "the old page's chunks are cleared");
    assert.equal(nav.kind === "appended" && nav.released, undefined, "the old page's sub-frame stays with it");
    assert.equal(appendBatch(t, "d1", 2, 0, [frame(9)]).kind, "stale");
    assert.equal(appendBatch(t, "sub", 2, 3, [frame(9)]).kind, "stale");
    const now = held(t);
    assert.equal(now.events.length, 1);
    assert.equal(now.missed, 0, "events cleared by a navigation are not reported as missed");
    assert.equal(t.meta.url, "http://b/");
    assert.deepEqual(now.idx, [3], "indexes keep counting across pages");
  });

  test("a new page's sub-frame whose first batches come before its top frame's (another port) goes with the new page, and stays admitted", () => {
    const texts = (t: TabLog) => held(t).events.map((e) => `${e.frameId}:` + (e.type === "ws-frame" && "text" in e.data ? e.data.text : e.type === "page" ? `page ${e.url}` : e.type));
    /** What background.ts does with an append: the released batches follow, in order. */
    const append = (t: TabLog, ...args: Parameters<typeof appendBatch> extends [TabLog, ...infer R] ? R : never) => {
      const r = appendBatch(t, ...args);
      if (r.kind === "appended") for (const h of r.released ?? []) appendBatch(t, h.doc, h.seq, h.frameId, h.events, h.relayDropped, h.extra);
      return r;
    };
    // a fresh tab: the frame's batches, then the top's
    const t = newTab(9);
    assert.equal(append(t, "s1", 1, 5, [page("http://a/frame", 1000.5), frame(1)]).kind, "appended");
    assert.equal(append(t, "s1", 2, 5, [frame(2)]).kind, "appended");
    const top = append(t, "t1", 1, 0, [page("http://a/", 999.9), frame(3)]);
    assert.ok(top.kind === "appended" && top.released?.length === 2, "the frame's two batches are appended again");
    assert.deepEqual(texts(t), ["0:page http://a/", '0:42["n",3]', "5:page http://a/frame", '5:42["n",1]', '5:42["n",2]']);
    assert.deepEqual(t.chunks.map((c) => c.copy ?? false), [false, true, true], "the frame's chunks are marked as copies (a panel that kept the originals skips them)");
    assert.equal(append(t, "s1", 3, 5, [frame(4)]).kind, "appended", "its later batches belong to the page");
    assert.equal(t.chunks[t.chunks.length - 1]!.copy, undefined, "and are no copies");
    assert.equal(append(t, "s1", 2, 5, [frame(2)]).kind, "duplicate", "a resend is still a duplicate");
    // a navigation: the old page's frame (began before it) stays behind, the new page's comes along
    assert.equal(append(t, "s2", 1, 6, [page("http://b/frame", 2003), frame(5)]).kind, "appended");
    assert.equal(append(t, "s1", 4, 5, [frame(6)]).kind, "appended", "still the current page, as far as anyone knows");
    const nav = append(t, "t2", 1, 0, [page("http://b/", 2001)]);
    assert.ok(nav.kind === "appended" && nav.released?.length === 1);
    assert.deepEqual(texts(t), ["0:page http://b/", "6:page http://b/frame", '6:42["n",5]']);
    assert.equal(append(t, "s2", 2, 6, [frame(7)]).kind, "appended");
    assert.equal(append(t, "s1", 5, 5, [frame(8)]).kind, "stale");
    assert.deepEqual(texts(t).slice(-1), ['6:42["n",7]']);
    assert.deepEqual(held(t).idx, [...held(t).idx].sort((a, b) => a - b), "indexes in order");
    assert.equal(new Set(held(t).idx).size, held(t).idx.length, "no index twice");
    // an update (Firefox injects the new version into open pages): every frame's hook starts over
    // late at about the same time, in no set order, and says its open sockets again at once
    const late = (url: string, ts: number) => ({ ...page(url, ts), late: true }) as CaptureEvent;
    assert.equal(append(t, "s5", 1, 6, [late("http://b/frame", 2900), frame(10)]).kind, "appended");
    assert.equal(append(t, "s6", 1, 7, [late("http://b/other", 1500), frame(11)]).kind, "appended");
    const upd = append(t, "t5", 1, 0, [late("http://b/", 3000)]);
    assert.ok(upd.kind === "appended" && upd.released?.length === 1, "the frame that started over 100 ms before its top goes along; one 1.5 s before does not");
    assert.deepEqual(texts(t), ["0:page http://b/", "6:page http://b/frame", '6:42["n",10]']);
    assert.equal(append(t, "s5", 2, 6, [frame(12)]).kind, "appended");
  });

  test("back/forward cache: a stale document that says it was restored is a navigation back to it", () => {
    const t = newTab(8);
    appendBatch(t, "a", 1, 0, [page("http://a/"), frame(1)]);
    appendBatch(t, "b", 1, 0, [page("http://b/"), frame(2)]);
    assert.equal(appendBatch(t, "a", 2, 0, [frame(3)]).kind, "stale", "a's batch after the navigation away");
    const back = appendBatch(t, "a", 3, 0, [{ ...page("http://a/"), restored: true } as CaptureEvent, frame(4)]);
    assert.ok(back.kind === "appended" && back.reset?.length === 1, "b's chunk goes, as on any navigation");
    assert.equal(t.meta.url, "http://a/");
    assert.equal(appendBatch(t, "a", 3, 0, [{ ...page("http://a/"), restored: true } as CaptureEvent, frame(4)]).kind, "duplicate", "a resend");
    assert.equal(appendBatch(t, "a", 2, 0, [frame(3)]).kind, "duplicate", "an older batch resent late");
    assert.equal(appendBatch(t, "b", 2, 0, [frame(5)]).kind, "stale", "b is the page navigated away from now");
    appendBatch(t, "a", 4, 0, [frame(6)]);
    const now = held(t);
    assert.deepEqual(now.events.map((e) => (e.type === "ws-frame" && "text" in e.data ? e.data.text : e.type)), ["page", '42["n",4]', '42["n",6]']);
    // restored without a navigation recorded in between (the tab went to a page with no hook): it starts over too
    appendBatch(t, "a", 5, 0, [{ ...page("http://a/"), restored: true } as CaptureEvent]);
    assert.deepEqual(held(t).events.map((e) => e.type), ["page"]);
  });

  test("back/forward cache: a page's sub-frames come back with it, whichever frame says so first", () => {
    const restoredPage = (url: string) => ({ ...page(url), restored: true }) as CaptureEvent;
    const texts = (t: TabLog) => held(t).events.map((e) => `${e.frameId}:` + (e.type === "ws-frame" && "text" in e.data ? e.data.text : e.type));
    for (const subFirst of [false, true]) {
      const t = newTab(9);
      appendBatch(t, "a", 1, 0, [page("http://a/"), frame(1)]);
      appendBatch(t, "sa", 1, 4, [page("http://a/frame", 2), frame(2)]);
      appendBatch(t, "b", 1, 0, [page("http://b/", 100), frame(3)]);
      assert.equal(appendBatch(t, "sa", 2, 4, [frame(9)]).kind, "stale", "a sub-frame of the page navigated away from");
      const sub = () => appendBatch(t, "sa", 3, 4, [restoredPage("http://a/frame"), frame(4)]);
      if (subFirst) assert.equal(sub().kind, "held", "its restore waits for its page's");
      const back = appendBatch(t, "a", 2, 0, [restoredPage("http://a/"), frame(5)]);
      assert.equal(back.kind, "appended");
      if (subFirst) {
        assert.ok(back.kind === "appended" && back.released?.length === 1, "the page's restore releases it");
        for (const h of back.kind === "appended" ? back.released! : []) assert.equal(appendBatch(t, h.doc, h.seq, h.frameId, h.events, h.relayDropped, h.extra).kind, "appended");
      } else {
        assert.equal(sub().kind, "appended", "its page is current again");
      }
      assert.equal(appendBatch(t, "sa", 4, 4, [frame(6)]).kind, "appended", "and its traffic goes on");
      assert.equal(appendBatch(t, "sa", 3, 4, [restoredPage("http://a/frame"), frame(4)]).kind, "duplicate", "a resend");
      assert.equal(appendBatch(t, "b", 2, 0, [frame(7)]).kind, "stale", "b is the page navigated away from now");
      assert.deepEqual(texts(t), ["0:page", '0:42["n",5]', "4:page", '4:42["n",4]', '4:42["n",6]'], subFirst ? "sub-frame first" : "top frame first");
    }
    // a sub-frame restored with a page that does not come back (a new navigation instead) stays out
    const t = newTab(10);
    appendBatch(t, "a", 1, 0, [page("http://a/")]);
    appendBatch(t, "sa", 1, 4, [page("http://a/frame", 2)]);
    appendBatch(t, "b", 1, 0, [page("http://b/", 100)]);
    assert.equal(appendBatch(t, "sa", 2, 4, [{ ...page("http://a/frame", 150), restored: true } as CaptureEvent]).kind, "held");
    const c = appendBatch(t, "c", 1, 0, [page("http://c/", 200)]);
    assert.ok(c.kind === "appended" && !c.released, "nothing released by another page");
    assert.equal(t.held, undefined, "and nothing held any more");
    assert.deepEqual(texts(t), ["0:page"]);
  });

  test("over the event cap the middle goes: the page's start and the newest events stay", () => {
    const t = newTab(2);
    appendBatch(t, "d", 1, 0, [page("http://a/"), frame(-1, '0{"sid":"x"}')]);
    const per = 1000;
    const batches = Math.ceil(MAX_EVENTS_PER_TAB / per) + 3;
    for (let b = 0; b < batches; b++) appendBatch(t, "d", b + 2, 0, Array.from({ length: per }, (_, i) => frame(b * per + i, "3")));
    const total = 2 + batches * per;
    const h = held(t);
    assert.ok(h.events.length <= MAX_EVENTS_PER_TAB);
    assert.equal(h.events.length + t.meta.dropped, total, "held + dropped = everything the page sent");
    assert.equal(h.missed, t.meta.dropped, "a panel asking from the start learns how many it missed");
    assert.deepEqual(h.idx.slice(0, 2), [0, 1], "the page event and the handshake are pinned");
    assert.equal(h.events[0]!.type, "page");
    assert.equal(h.idx[h.idx.length - 1], total - 1, "the newest event is held");
    assert.equal(h.segments, 2, "one gap, after the pinned head");
    assert.deepEqual(h.idx.slice(0, PINNED_EVENTS), Array.from({ length: PINNED_EVENTS }, (_, i) => i),
      "the page's first PINNED_EVENTS events are all kept, even from a batch that ran past them");
    assert.ok(h.idx[PINNED_EVENTS]! > PINNED_EVENTS, "the gap is in the middle");
  });

  test("over the byte cap chunks go too (the pinned head is bounded in bytes)", () => {
    const t = newTab(3);
    const big = "x".repeat(64 * 1024);
    const n = Math.ceil(MAX_BYTES_PER_TAB / big.length) + 4;
    for (let i = 0; i < n; i++) appendBatch(t, "d", i + 1, 0, [frame(i, big)]);
    assert.ok(t.meta.bytes <= MAX_BYTES_PER_TAB);
    assert.ok(t.meta.dropped >= 4);
    assert.equal(held(t).events.length + t.meta.dropped, n);
  });

  test("large frames among the page's first events go over the byte cap, but the page event and handshake before them stay", () => {
    const t = newTab(4);
    // one batch: the page, its socket's opening, then frames just under the hook's 1 MiB cut
    const big = (i: number) => frame(i, "4" + String(i).repeat(900 * 1024));
    appendBatch(t, "d", 1, 0, [page("http://a/"), { v: 1, type: "ws-open", ts: 1, conn: "c", url: "ws://a/socket.io/?EIO=4&transport=websocket" }, frame(-1, '0{"sid":"x"}'), big(1), big(2)]);
    for (let i = 3; i < 9; i++) appendBatch(t, "d", i, 0, [big(i)]);
    const h = held(t);
    assert.ok(t.meta.bytes <= MAX_BYTES_PER_TAB, `${t.meta.bytes} bytes held`);
    assert.deepEqual(h.events.slice(0, 3).map((e) => e.type), ["page", "ws-open", "ws-frame"], "the head's start is kept");
    assert.deepEqual(h.idx.slice(0, 3), [0, 1, 2]);
    assert.equal(h.idx[h.idx.length - 1], 10, "the newest frame is held");
    assert.equal(h.events.length + t.meta.dropped, 11, "held + dropped = everything");
  });

  test("clear empties the tab but keeps numbering", () => {
    const t = newTab(4);
    appendBatch(t, "d", 1, 0, [page("http://a/"), frame(1)]);
    clearTab(t);
    assert.equal(held(t).events.length, 0);
    appendBatch(t, "d", 2, 0, [frame(2)]);
    const r = held(t);
    assert.deepEqual(r.idx, [2]);
    assert.equal(r.missed, 0);
  });

  test("the tab's hooked top document: none until a top-frame page event, late when its hook started late, kept through Clear", () => {
    const t = newTab(5);
    assert.equal(topOf(t.meta), null, "a new tab has no hooked page (the panel says why)");
    appendBatch(t, "sub", 1, 2, [page("http://a/frame"), frame(1)]);
    assert.equal(topOf(t.meta), null, "a sub-frame's page event is not the tab's page");
    appendBatch(t, "d1", 1, 0, [{ ...page("http://a/"), late: true } as CaptureEvent]);
    assert.deepEqual(topOf(t.meta), { url: "http://a/", late: true });
    clearTab(t);
    assert.deepEqual(topOf(t.meta), { url: "http://a/", late: true }, "Clear forgets events, not the page");
    appendBatch(t, "d2", 1, 0, [page("http://a/"), frame(2)]);
    assert.deepEqual(topOf(t.meta), { url: "http://a/" }, "a reload hooked from its start");
    // a tab stored by an earlier version (no `hooked`): its URL says whether a page reported
    assert.deepEqual(topOf({ ...newTab(6).meta, url: "http://old/" }), { url: "http://old/" });
    assert.equal(topOf(newTab(6).meta), null);
  });

  test("the frame is kept per chunk: segments split where the sending frame changes", () => {
    const t = newTab(5);
    appendBatch(t, "top", 1, 0, [page("http://a/"), frame(1)], 0, { frameUrl: "http://a/" });
    appendBatch(t, "top", 2, 0, [frame(2)], 0, { frameUrl: "http://a/" });
    appendBatch(t, "sub", 1, 3, [page("http://b/"), frame(3)], 0, { frameUrl: "http://b/" });
    appendBatch(t, "top", 3, 0, [frame(4)], 0, { frameUrl: "http://a/" });
    const r = eventsSince(t, 0);
    assert.deepEqual(r.segments.map((s) => [s.start, s.count, s.frameId, s.frameUrl]), [[0, 3, 0, "http://a/"], [3, 2, 3, "http://b/"], [5, 1, 0, "http://a/"]]);
    assert.ok(t.chunks.every((c) => (JSON.parse(c.json) as CaptureEvent[]).every((e) => e.frameId === undefined)), "events are stored as the hook sent them");
    // a page's own claim to be another frame does not survive the stamp (the sender's frame wins)
    appendBatch(t, "top", 4, 0, [{ ...frame(5), frameId: 9 } as CaptureEvent]);
    assert.equal(held(t, 6).events[0]!.frameId, 0);
  });

  test("chunks keep the text they arrived in: a replay joins their texts, and cuts one only where it starts inside it", () => {
    const t = newTab(6);
    // hand-written compact frames (../shared/wire.ts), as the hook sends them
    const a = `[${JSON.stringify(page("http://a/"))},["k.1",1,5,"x"]]`;
    const b = '["k.1",0,6,"y"],["k.1",1,7.5,null,"AQID"]';
    appendBatch(t, "d", 1, 0, JSON.parse(a), 0, { json: a });
    appendBatch(t, "d", 2, 0, [], 0, { json: "[]" });
    appendBatch(t, "d", 3, 0, JSON.parse(`[${b}]`), 0, { json: `[${b}]` });
    const all = eventsSince(t, 0);
    assert.equal(all.segments.length, 1);
    assert.equal(all.segments[0]!.json, `[${a.slice(1, -1)},${b}]`, "joined as sent, not serialised again");
    assert.equal(all.segments[0]!.count, 4);
    const tail = eventsSince(t, 3);
    assert.deepEqual([tail.segments[0]!.start, tail.segments[0]!.count, tail.segments[0]!.json], [3, 1, '[["k.1",1,7.5,null,"AQID"]]']);
    assert.deepEqual(held(t).events.map((e) => (e.type === "ws-frame" ? ("text" in e.data ? e.data.text : e.data.base64) : e.type)), ["page", "x", "y", "AQID"]);
  });

  test("parseChunks keeps the hook's own JSON when every event is well-formed, re-serialises otherwise", () => {
    const a = JSON.stringify([frame(1), frame(2)]);
    const b = ` ${JSON.stringify([frame(3)])}\n`;
    const ok = parseChunks([a, "[]", b]);
    assert.equal(ok.events.length, 3);
    assert.deepEqual(JSON.parse(ok.json), [frame(1), frame(2), frame(3)]);
    const bad = parseChunks([a, "not json", '{"type":"x"}', JSON.stringify([{ type: "ws-frame" }, frame(4), 7, null]), 42]);
    assert.deepEqual(bad.events, [frame(1), frame(2), frame(4)], "malformed chunks and events are skipped");
    assert.deepEqual(JSON.parse(bad.json), bad.events);
    assert.deepEqual(parseChunks([]), { events: [], json: "[]" });
  });

  test("compact WebSocket frames: hand-written compact items expand to the events they stand for, and stay compact in the stored JSON", () => {
    // written by hand from the format in extension/shared/wire.ts, not produced by compactFrame
    const text = '["k1.2",1,1700000000123.456,"42[\\"tick\\",{\\"n\\":1}]"]';
    const bin = '["k1.2",0,5,null,"AQID"]';
    assert.deepEqual(expandEvent(JSON.parse(text)), { type: "ws-frame", conn: "k1.2", dir: "in", v: 1, ts: 1700000000123.456, data: { text: '42["tick",{"n":1}]' } });
    assert.deepEqual(expandEvent(JSON.parse(bin)), { type: "ws-frame", conn: "k1.2", dir: "out", v: 1, ts: 5, data: { base64: "AQID" } });
    // the hook's encoder agrees with the hand-written form
    assert.equal(JSON.stringify(compactFrame("k1.2", "in", 1700000000123.456, { text: '42["tick",{"n":1}]' })), text);
    assert.equal(JSON.stringify(compactFrame("k1.2", "out", 5, { base64: "AQID" })), bin);
    const ok = parseChunks([`[${JSON.stringify(page("http://a/"))},${text}]`, `[${bin}]`]);
    assert.deepEqual(ok.events.map((e) => e.type), ["page", "ws-frame", "ws-frame"]);
    assert.equal(ok.json, `[${JSON.stringify(page("http://a/"))},${text},${bin}]`, "the compact text is stored and forwarded as sent");
  });

  test("relative compact frames: read against their document's base, which travels once per batch and per chunk", () => {
    // written by hand from the format in extension/shared/wire.ts: prefix "k9", clock origin
    // 1700000000000000 µs; connection 11 is "k9.b", 2.5 ms after the origin is epoch 1700000000002.5
    const hook = 'k9|1700000000000000|[["k9.a",1,3,"x"],[11,1,2500,"42[\\"a\\"]"],[11,0,2600,null,"AQID"]]';
    const { base, json } = splitHookBatch(hook);
    assert.deepEqual(base, { prefix: "k9", originUs: 1700000000000000 });
    assert.deepEqual(readHookBatch(hook), [
      { type: "ws-frame", conn: "k9.a", dir: "in", v: 1, ts: 3, data: { text: "x" } },
      { type: "ws-frame", conn: "k9.b", dir: "in", v: 1, ts: 1700000000002.5, data: { text: '42["a"]' } },
      { type: "ws-frame", conn: "k9.b", dir: "out", v: 1, ts: 1700000000002.6, data: { base64: "AQID" } },
    ]);
    assert.equal(expandEvent([11, 1, 2500, "x"]), null, "a relative item without its base is malformed");
    for (const bad of [[-1, 1, 1, "x"], [1.5, 1, 1, "x"], [1, 1, "1", "x"]]) assert.equal(expandEvent(bad, base), null, JSON.stringify(bad));
    for (const text of ["K9|1|[]", "k9|1.5|[]", "k9|-1|[]", "k9|[]", "|1|[]"]) assert.equal(splitHookBatch(text).base, undefined, text);
    // two batches of one document: spliced as sent, the base kept with the chunk and the replay
    const two = parseChunks([hook, 'k9|1700000000000000|[[11,1,2700,"y"]]']);
    assert.equal(two.json, `${json.slice(0, -1)},[11,1,2700,"y"]]`);
    assert.deepEqual(two.base, base);
    const t = newTab(8);
    appendBatch(t, "d", 1, 0, two.events, 0, { json: two.json, base: two.base });
    const h = held(t);
    assert.deepEqual(h.events.map((e) => [e.conn, e.ts]), [["k9.a", 3], ["k9.b", 1700000000002.5], ["k9.b", 1700000000002.6], ["k9.b", 1700000000002.7]]);
    assert.equal(eventsSince(t, 2).segments[0]!.json, '[[11,0,2600,null,"AQID"],[11,1,2700,"y"]]', "a cut chunk stays relative, with its base");
    // batches of two documents in one message (a page dispatching its own): stored as objects
    const mixed = parseChunks([hook, 'zz|5|[[1,1,1000,"z"]]']);
    assert.equal(mixed.base, undefined);
    assert.deepEqual((JSON.parse(mixed.json) as CaptureEvent[]).map((e) => [e.conn, e.ts]), [["k9.a", 3], ["k9.b", 1700000000002.5], ["k9.b", 1700000000002.6], ["zz.1", 1.005]]);
    // a replay never joins chunks of different bases into one segment
    appendBatch(t, "d2", 1, 0, [], 0, {});
    appendBatch(t, "d3", 1, 0, readHookBatch('q|7|[[2,0,0,"w"]]') as CaptureEvent[], 0, { json: '[[2,0,0,"w"]]', base: { prefix: "q", originUs: 7 } });
    assert.deepEqual(eventsSince(t, 0).segments.map((s) => [s.start, s.count, s.base?.prefix]), [[0, 4, "k9"], [4, 1, "q"]]);
    assert.deepEqual(held(t).events[4], { type: "ws-frame", conn: "q.2", dir: "out", v: 1, ts: 0.007, data: { text: "w" }, frameId: 0 });
  });

  test("compact WebSocket frames: malformed ones are refused like any malformed event", () => {
    for (const bad of [[], ["c"], ["c", 2, 1, "x"], ["c", "in", 1, "x"], [1, 0, 1, "x"], ["c", 0, "1", "x"], ["c", 0, 1, 7], ["c", 0, 1, "x", "AQID"], ["c", 0, 1, null], ["c", 0, 1, null, 5], ["c", 0, 1, null, "AQID", 1]]) {
      assert.equal(expandEvent(bad), null, JSON.stringify(bad));
    }
    // objects and other values pass through for the caller's own checks
    assert.deepEqual(expandEvent({ type: "x" }), { type: "x" });
    assert.equal(expandEvent(7), 7);
    const r = parseChunks([JSON.stringify([frame(1), ["c", 5, 1, "x"], ["c", 0, 1, "x"]])]);
    assert.equal(r.events.length, 2, "the malformed compact frame is skipped");
    assert.deepEqual(JSON.parse(r.json), [frame(1), { type: "ws-frame", conn: "c", dir: "out", v: 1, ts: 1, data: { text: "x" } }]);
  });

  test("compact HTTP requests and responses: hand-written items expand to the events they stand for; objects with other fields stay objects", () => {
    const url = "http://h/socket.io/?EIO=4&transport=polling&sid=S";
    // written by hand from the format in extension/shared/wire.ts
    const cases: Array<[string, unknown]> = [
      [`["q1",2,7.5,"GET","${url}",null,null]`, { type: "http-request", conn: "q1", method: "GET", url, v: 1, ts: 7.5 }],
      [`["q1",2,7.5,"GET","${url}",null,"script"]`, { type: "http-request", conn: "q1", method: "GET", url, api: "script", v: 1, ts: 7.5 }],
      [`["q1",2,7.5,"POST","${url}","text/plain;charset=UTF-8","fetch","40"]`, { type: "http-request", conn: "q1", method: "POST", url, contentType: "text/plain;charset=UTF-8", api: "fetch", v: 1, ts: 7.5, body: { text: "40" } }],
      [`["q1",2,7.5,"POST","${url}",null,"xhr",null,"AQID"]`, { type: "http-request", conn: "q1", method: "POST", url, api: "xhr", v: 1, ts: 7.5, body: { base64: "AQID" } }],
      [`["q1",3,9,200,"text/plain; charset=UTF-8","ok"]`, { type: "http-response", conn: "q1", status: 200, contentType: "text/plain; charset=UTF-8", v: 1, ts: 9, body: { text: "ok" } }],
      [`["q1",3,9,204,null]`, { type: "http-response", conn: "q1", status: 204, v: 1, ts: 9 }],
      [`["q1",3,9,200,"application/octet-stream",null,"AAE="]`, { type: "http-response", conn: "q1", status: 200, contentType: "application/octet-stream", v: 1, ts: 9, body: { base64: "AAE=" } }],
    ];
    for (const [text, want] of cases) {
      assert.deepEqual(expandEvent(JSON.parse(text)), want, text);
      // the hook's encoder writes exactly the hand-written form for that event
      const { body, ...rest } = want as { body?: { text: string } | { base64: string } };
      assert.equal(JSON.stringify(compactEvent(rest as never, body)), text);
    }
    for (const bad of [["q", 2, 1, "GET", "u"], ["q", 2, 1, "GET", "u", null], ["q", 2, 1, 5, "u", null, null], ["q", 2, 1, "GET", "u", 7, null], ["q", 2, 1, "GET", "u", null, "beacon"], ["q", 2, 1, "GET", "u", null, 7], ["q", 2, 1, "GET", "u", null, null, 7], ["q", 2, 1, "GET", "u", null, null, null], ["q", 3, 1, "200", null], ["q", 3, 1, 200], ["q", 3, 1, 200, null, "a", "b"], ["q", 4, 1, 200, null]]) {
      assert.equal(expandEvent(bad), null, JSON.stringify(bad));
    }
    // what the compact forms cannot say travels as an object
    assert.equal(compactEvent({ type: "http-request", conn: "q", v: 1, ts: 1, method: "POST", url, bodyUnavailable: "stream" }, undefined), undefined);
    assert.equal(compactEvent({ type: "http-error", conn: "q", v: 1, ts: 1, reason: "abort" }, undefined), undefined);
    assert.equal(compactEvent({ type: "ws-frame", conn: "q", v: 1, ts: 1, dir: "in", bodyUnavailable: "unreadable" }, undefined), undefined);
  });

  test("hasTraffic: a batch with anything but the page event wakes the background; a page event alone, whatever its URL, does not", () => {
    // a frame's hook batch as the hook writes it: JSON.stringify of the event list
    const page = (url: string) => ({ type: "page", conn: "p.1", url, v: 1, ts: 1 });
    const frame = compactEvent({ type: "ws-frame", conn: "p.2", v: 1, ts: 2, dir: "in" }, { text: '},["x' });
    const request = compactEvent({ type: "http-request", conn: "p.3", v: 1, ts: 3, method: "GET", url: "http://h/socket.io/?EIO=4&transport=polling" }, undefined);
    const response = compactEvent({ type: "http-response", conn: "p.3", v: 1, ts: 4, status: 200 }, { text: "ok" });
    const open = { type: "ws-open", conn: "p.2", url: "ws://h/", v: 1, ts: 1 };
    const hostile = ['},["a', '],["b', '},{"c', '[["d', '"type":"ws-x', "}, [", '\\"},{"'];
    for (const url of hostile.map((h) => "http://h/?q=" + h)) assert.equal(hasTraffic(JSON.stringify([page(url)])), false, url);
    const traffic: unknown[][] = [[request], [response], [frame], [open], [page("http://h/"), request], [page("http://h/},[\"x"), response],
      [page("http://h/"), open], [request, response], [frame, frame], [open, frame]];
    for (const batch of traffic) assert.equal(hasTraffic(JSON.stringify(batch)), true, JSON.stringify(batch));
    // as the hook sends them: its document's base first, relative frames
    const base = "p|1700000000000000|";
    for (const url of hostile.map((h) => "http://h/?q=" + h)) assert.equal(hasTraffic(base + JSON.stringify([page(url)])), false, url);
    assert.equal(hasTraffic(base + JSON.stringify([page("http://h/"), [2, 1, 5, "x"]])), true);
    assert.equal(hasTraffic(base + JSON.stringify([[2, 0, 5, null, "AQID"]])), true);
  });
});
