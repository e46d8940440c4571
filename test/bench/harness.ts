// Shared measuring helpers for `npm run bench`. Throughput is always compared as a ratio of
// two implementations measured in the same process, interleaved, so a noisy shared machine
// moves both sides alike; absolute timings are printed only as context.

export interface Contender {
  name: string;
  /** Runs the workload once; returns a value that is consumed so the JIT cannot drop it. */
  run: () => unknown;
}

let sink = 0;
function consume(x: unknown): void {
  if (x !== undefined && x !== null) sink = (sink + 1) | 0;
}

/**
 * Process CPU time in ms. On a shared, oversubscribed machine wall-clock time counts the
 * moments another process had the core; CPU time counts only our own work.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs each contender for ~`ms` of CPU time per round, `rounds` times interleaved; returns median ops per CPU-second. */
export function measure(contenders: Contender[], { rounds = 7, ms = 150, warmupMs = 300 } = {}): Map<string, number> {
  for (const c of contenders) {
    const end = performance.now() + warmupMs;
    while (performance.now() < end) consume(c.run());
  }
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    // rotate the order every round so no contender always runs right after another
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
    for (const c of order) {
      let n = 0;
      const start = cpuMs();
      let now = start;
      while (now - start < ms) {
        for (let k = 0; k < 16; k++) consume(c.run());
        n += 16;
        now = cpuMs();
      }
      samples.get(c.name)!.push((n * 1000) / (now - start));
    }
  }
  const out = new Map<string, number>();
  for (const [name, s] of samples) {
    s.sort((a, b) => a - b);
    out.set(name, s[Math.floor(s.length / 2)]!);
  }
  if (sink === 42.5) console.log(""); // keeps `sink` observable
  return out;
}

export function bench(name: string, value: number, digits = 3): string {
  const line = `BENCH ${name}=${Number(value.toFixed(digits))}`;
  return line;
}
