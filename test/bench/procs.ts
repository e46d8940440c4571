// Chromium's processes as /proc shows them (Linux only): kind and CPU seconds used so far. Used by
// the diagnostics ext-profile.ts and ext-cpu.ts, never by a benchmark's BENCH lines.
import { readFileSync, readdirSync } from "node:fs";

const TICKS = 100; // USER_HZ

export interface Proc {
  pid: number;
  ppid: number;
  /** "browser", "renderer", "renderer (extension)", "gpu-process", "utility network.mojom.NetworkService", … */
  kind: string;
  /** The whole command line (Chromium rewrites its children's argv with spaces, not NULs). */
  args: string[];
  /** User + system CPU seconds since the process started. */
  cpu: number;
}

/** Every Chromium process on the machine, by pid. */
export function chromiumProcesses(): Map<number, Proc> {
  const out = new Map<number, Proc>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const args = readFileSync(`/proc/${d}/cmdline`, "utf8").split(/[\0 ]/);
      if (!args[0]?.includes("chromium") && !args[0]?.includes("chrome")) continue;
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const type = args.find((a) => a.startsWith("--type="))?.slice(7) ?? "browser";
      const sub = args.find((a) => a.startsWith("--utility-sub-type="))?.slice(19);
      const kind = `${type}${sub ? ` ${sub}` : ""}${args.includes("--extension-process") ? " (extension)" : ""}`;
      out.set(Number(d), { pid: Number(d), ppid: Number(f[1]), kind, args, cpu: (Number(f[11]) + Number(f[12])) / TICKS });
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * CPU seconds each thread of process `pid` used so far, summed by thread name (Chromium names
 * its threads: CrRendererMain shows as the binary's name, Chrome_ChildIOThread, Compositor,
 * ServiceWorker thread, ThreadPoolForegroundWorker…; trailing numbers dropped). Empty when gone.
 */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
      const name = s.slice(s.indexOf("(") + 1, s.lastIndexOf(")")).replace(/\d+$/, "");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) / TICKS);
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The processes of the browser whose command line names `userDataDir` (itself and its descendants). */
export function browserTree(all: Map<number, Proc>, userDataDir: string): Proc[] {
  const owns = (p: Proc) => p.args.some((a) => a === `--user-data-dir=${userDataDir}`);
  const out: Proc[] = [];
  for (const p of all.values()) {
    let q: Proc | undefined = p;
    for (let i = 0; i < 10 && q && !owns(q); i++) q = all.get(q.ppid);
    if (q && owns(q)) out.push(p);
  }
  return out;
}
