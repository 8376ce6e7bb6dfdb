import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const TICKS = 100;

/**
 * CPU seconds used so far by the processes of each kind, read from /proc (Linux): PostgreSQL's
 * processes by name, roomhook's by the pids given. What a configuration costs per change, split by
 * side, is the difference of two readings divided by the changes made between them.
 */
export function cpuSeconds(roomhookPids: number[]): { postgres: number; roomhook: number } {
  const out = { postgres: 0, roomhook: 0 };
  const ours = new Set(roomhookPids);
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const d of entries) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
    if (comm === "postgres") out.postgres += seconds;
    else if (ours.has(Number(d))) out.roomhook += seconds;
  }
  return out;
}

/** CPU seconds of a process so far, all threads and its main thread, from /proc (0 where unreadable). */
export function processCpu(pid: number | undefined): { all: number; main: number } {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / TICKS; // utime + stime
  };
  if (pid === undefined) return { all: 0, main: 0 };
  try {
    let all = 0;
    // Per thread (the process's own stat would count threads that ended too: none do here).
    for (const tid of readdirSync(`/proc/${pid}/task`))
      all += ticks(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
    return { all, main: ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8")) };
  } catch {
    return { all: 0, main: 0 };
  }
}
