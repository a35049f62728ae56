/**
 * CPU time of processes on this machine (Linux /proc), so a benchmark can
 * report what each request cost in CPU as well as how many were served: on a
 * shared, noisy machine throughput swings with the neighbours, CPU per request
 * much less.
 */
import { readdir, readFile } from "node:fs/promises";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface ProcessStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in seconds: its own CPU and that of its children that ended. */
  cpuSeconds: number;
  cmdline: string;
}

async function stats(): Promise<ProcessStat[]> {
  const result: ProcessStat[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [stat, cmdline] = await Promise.all([
        readFile(`/proc/${entry}/stat`, "utf8"),
        readFile(`/proc/${entry}/cmdline`, "utf8"),
      ]);
      // Fields after the command name in parentheses (which may hold spaces): state is field 3.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const tick = (i: number) => Number(fields[i - 3]);
      result.push({
        pid: Number(entry),
        ppid: tick(4),
        cpuSeconds: (tick(14) + tick(15) + tick(16) + tick(17)) / TICKS_PER_SECOND,
        cmdline: cmdline.replace(/\0/g, " "),
      });
    } catch {
      // the process ended while we read
    }
  }
  return result;
}

/** The CPU seconds used so far by the processes whose command line contains `marker`, and their children. */
export async function cpuSecondsOf(marker: string): Promise<number> {
  const all = await stats();
  const roots = new Set(all.filter((p) => p.cmdline.includes(marker)).map((p) => p.pid));
  return all.filter((p) => roots.has(p.pid) || roots.has(p.ppid)).reduce((sum, p) => sum + p.cpuSeconds, 0);
}
