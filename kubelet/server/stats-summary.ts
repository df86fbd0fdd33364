// GET /stats/summary: the kubelet Summary API (stats/v1alpha1) shape — node CPU and memory from
// /proc, per-pod and per-container usage from the CRI's ListPodSandboxStats — what metrics
// consumers (`kubectl top` through a metrics server) read. The shaping is pure.
import { readFileSync } from 'node:fs';
import type { PodSandboxStatsInfo, UsageSample } from '../cri/runtime-service.js';
import { memAvailableFrom } from '../node/pressure.js';

export interface CpuStats {
  time: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

export interface MemoryStats {
  time: string;
  workingSetBytes?: number;
  availableBytes?: number;
}

export interface StatsSummary {
  node: { nodeName: string; cpu: CpuStats; memory: MemoryStats };
  pods: {
    podRef: { name: string; namespace: string; uid: string };
    cpu: CpuStats;
    memory: MemoryStats;
    network?: { time: string; rxBytes?: number; txBytes?: number };
    containers: { name: string; cpu: CpuStats; memory: MemoryStats }[];
  }[];
}

export interface NodeSample {
  /** ms since the epoch */
  at: number;
  cpuCoreNanoSeconds: number;
  memoryTotalBytes: number;
  memoryAvailableBytes: number;
}

function nsTime(ns: number, fallbackMs: number): string {
  return new Date(ns > 0 ? Math.floor(ns / 1e6) : fallbackMs).toISOString();
}

function cpuOf(u: UsageSample, now: number): CpuStats {
  return { time: nsTime(u.timestamp, now), usageNanoCores: u.cpu_usage_nano_cores, usageCoreNanoSeconds: u.cpu_usage_core_nano_seconds };
}

function memOf(u: UsageSample, now: number): MemoryStats {
  return { time: nsTime(u.timestamp, now), workingSetBytes: u.memory_working_set_bytes };
}

export function buildStatsSummary(nodeName: string, node: NodeSample, previous: NodeSample | undefined, pods: PodSandboxStatsInfo[]): StatsSummary {
  const t = new Date(node.at).toISOString();
  const elapsedNs = previous ? (node.at - previous.at) * 1e6 : 0;
  const nanoCores = previous && elapsedNs > 0 ? Math.round(((node.cpuCoreNanoSeconds - previous.cpuCoreNanoSeconds) / elapsedNs) * 1e9) : undefined;
  return {
    node: {
      nodeName,
      cpu: { time: t, usageNanoCores: nanoCores, usageCoreNanoSeconds: node.cpuCoreNanoSeconds },
      memory: { time: t, workingSetBytes: node.memoryTotalBytes - node.memoryAvailableBytes, availableBytes: node.memoryAvailableBytes },
    },
    pods: pods.map((p) => ({
      podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
      cpu: cpuOf(p, node.at),
      memory: memOf(p, node.at),
      ...(p.rx_bytes !== undefined || p.tx_bytes !== undefined ? { network: { time: nsTime(p.timestamp, node.at), rxBytes: p.rx_bytes, txBytes: p.tx_bytes } } : {}),
      containers: p.containers.map((c) => ({ name: c.name, cpu: cpuOf(c, node.at), memory: memOf(c, node.at) })),
    })),
  };
}

/** USER_HZ is 100 on Linux: /proc/stat counts in hundredths of a second */
const NS_PER_TICK = 10_000_000;

export function cpuNanoSecondsFromProcStat(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  const busy = f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0);
  return busy * NS_PER_TICK;
}

export function readNodeSample(now: number): NodeSample {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const total = /^MemTotal:\s+(\d+) kB/m.exec(meminfo);
  return {
    at: now,
    cpuCoreNanoSeconds: cpuNanoSecondsFromProcStat(readFileSync('/proc/stat', 'utf8')),
    memoryTotalBytes: total ? Number(total[1]) * 1024 : 0,
    memoryAvailableBytes: memAvailableFrom(meminfo),
  };
}
