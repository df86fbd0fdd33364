// The node's own CPU and memory from /proc: cumulative busy CPU time and boot time from
// /proc/stat, memory from /proc/meminfo. Parsers are pure; readNodeSample is the edge.
import { readFileSync } from 'node:fs';

/** USER_HZ is 100 on Linux: /proc/stat counts hundredths of a second */
const NS_PER_TICK = 10_000_000;

export interface ProcStat {
  /** CPU time of all cores not idle or waiting on I/O, in core-nanoseconds */
  busyCoreNanoSeconds: number;
  /** boot time, seconds since the epoch (`btime`) */
  bootTimeSeconds?: number;
}

export function parseProcStat(text: string): ProcStat {
  const lines = text.split('\n');
  const cpu = lines.find((l) => l.startsWith('cpu '));
  if (!cpu) throw new Error('/proc/stat: no aggregate "cpu" line');
  const f = cpu.trim().split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait
  const busy = f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0);
  const btime = lines.find((l) => l.startsWith('btime '));
  return { busyCoreNanoSeconds: busy * NS_PER_TICK, ...(btime ? { bootTimeSeconds: Number(btime.split(/\s+/)[1]) } : {}) };
}

export interface NodeMemory {
  totalBytes: number;
  availableBytes: number;
  /** MemTotal - MemFree: everything in use, page cache included */
  usageBytes: number;
  /** usage minus inactive file pages, as cAdvisor computes it for the root cgroup */
  workingSetBytes: number;
}

export function parseMeminfo(text: string): NodeMemory {
  const kb = (field: string): number | undefined => {
    const m = new RegExp(`^${field.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const free = kb('MemFree');
  if (total === undefined || free === undefined) throw new Error('/proc/meminfo: MemTotal or MemFree missing');
  const usage = total - free;
  return {
    totalBytes: total,
    availableBytes: kb('MemAvailable') ?? free,
    usageBytes: usage,
    workingSetBytes: Math.max(0, usage - (kb('Inactive(file)') ?? 0)),
  };
}

export interface NodeSample {
  /** when it was read, ms since the epoch */
  atMs: number;
  stat: ProcStat;
  memory: NodeMemory;
}

export function readNodeSample(atMs: number): NodeSample {
  return { atMs, stat: parseProcStat(readFileSync('/proc/stat', 'utf8')), memory: parseMeminfo(readFileSync('/proc/meminfo', 'utf8')) };
}
