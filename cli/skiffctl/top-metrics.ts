// `skiffctl top`: usage rows from kubelet summaries (stats/summary through nodes/proxy), as
// metrics-server would derive them for `kubectl top` — CPU is the rate (usageNanoCores, rounded up
// to millicores), memory the working set. Pure: the fetching lives in top.ts.
import { cpuMillis, memoryBytes } from '../../api/quantity.js';
import type { Node } from '../../api/types/core.js';
import type { CpuStats, MemoryStats, PodStats, Summary } from '../../api/types/stats.js';

export interface Usage {
  cpuMillis: number;
  memoryBytes: number;
}

export interface ContainerUsage extends Usage {
  name: string;
}

export interface PodUsage extends Usage {
  namespace: string;
  name: string;
  containers: ContainerUsage[];
}

export interface NodeUsage {
  name: string;
  /** undefined when the node's kubelet gave no figures */
  usage?: Usage;
  /** status.allocatable, for CPU% and MEMORY% */
  allocatable?: Usage;
}

/** nanocores to millicores, rounded up as resource.Quantity.MilliValue does */
export function nanoCoresToMillis(nanoCores: number): number {
  return Math.ceil(nanoCores / 1e6);
}

function usageOf(cpu: CpuStats | undefined, memory: MemoryStats | undefined): { nanoCores: number; bytes: number } | undefined {
  if (cpu?.usageNanoCores === undefined || memory?.workingSetBytes === undefined) return undefined;
  return { nanoCores: cpu.usageNanoCores, bytes: memory.workingSetBytes };
}

/**
 * A pod's usage as the sum of its containers' (what metrics-server reports and kubectl adds up);
 * the pod-level figures when it lists no containers; undefined while any figure is missing (the
 * first sample of a new container has no rate yet).
 */
export function podUsageFrom(p: PodStats): PodUsage | undefined {
  const containers: ContainerUsage[] = [];
  let nanoCores = 0;
  let bytes = 0;
  for (const c of p.containers) {
    const u = usageOf(c.cpu, c.memory);
    if (!u) return undefined;
    nanoCores += u.nanoCores;
    bytes += u.bytes;
    containers.push({ name: c.name, cpuMillis: nanoCoresToMillis(u.nanoCores), memoryBytes: u.bytes });
  }
  if (containers.length === 0) {
    const u = usageOf(p.cpu, p.memory);
    if (!u) return undefined;
    nanoCores = u.nanoCores;
    bytes = u.bytes;
  }
  containers.sort((a, b) => a.name.localeCompare(b.name));
  return { namespace: p.podRef.namespace, name: p.podRef.name, containers, cpuMillis: nanoCoresToMillis(nanoCores), memoryBytes: bytes };
}

/** the node's usage from its summary (if any) and its allocatable from the Node object */
export function nodeUsageFrom(node: Node, summary: Summary | undefined): NodeUsage {
  const alloc = node.status?.allocatable;
  const allocatable = alloc?.cpu !== undefined && alloc.memory !== undefined ? { cpuMillis: cpuMillis(alloc.cpu), memoryBytes: memoryBytes(alloc.memory) } : undefined;
  const u = summary ? usageOf(summary.node.cpu, summary.node.memory) : undefined;
  return {
    name: node.metadata?.name ?? '',
    ...(u ? { usage: { cpuMillis: nanoCoresToMillis(u.nanoCores), memoryBytes: u.bytes } } : {}),
    ...(allocatable ? { allocatable } : {}),
  };
}

export type SortBy = 'cpu' | 'memory' | undefined;

/** `--sort-by`: `cpu` or `memory` (largest first); anything else is an error naming the value */
export function parseSortBy(v: string | undefined): SortBy {
  if (v === undefined || v === '') return undefined;
  if (v === 'cpu' || v === 'memory') return v;
  throw new Error(`invalid argument "${v}" for "--sort-by" flag: must be one of: cpu, memory`);
}

/** the figure `--sort-by` orders by; -1 for a row without figures (last) */
function sortKey(u: Usage | undefined, sortBy: 'cpu' | 'memory'): number {
  if (!u) return -1;
  return sortBy === 'cpu' ? u.cpuMillis : u.memoryBytes;
}

/** by namespace and name, or by usage (largest first, then by name) */
export function sortPods(rows: PodUsage[], sortBy: SortBy): PodUsage[] {
  const byName = (a: PodUsage, b: PodUsage): number => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
  if (!sortBy) return [...rows].sort(byName);
  return [...rows].sort((a, b) => sortKey(b, sortBy) - sortKey(a, sortBy) || byName(a, b));
}

export function sortNodes(rows: NodeUsage[], sortBy: SortBy): NodeUsage[] {
  const byName = (a: NodeUsage, b: NodeUsage): number => a.name.localeCompare(b.name);
  if (!sortBy) return [...rows].sort(byName);
  return [...rows].sort((a, b) => sortKey(b.usage, sortBy) - sortKey(a.usage, sortBy) || byName(a, b));
}
