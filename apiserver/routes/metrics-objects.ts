// metrics.k8s.io/v1beta1 objects (what metrics-server serves and `kubectl top` reads), made from
// kubelet summaries: CPU as the rate in nanocores, memory as the working set. Pure.
import { bytesQuantity, formatQuantity } from '../../api/quantity.js';
import type { Node, Pod } from '../../api/types/core.js';
import type { CpuStats, MemoryStats, PodStats, Summary } from '../../api/types/stats.js';

export const METRICS_GROUP_VERSION = 'metrics.k8s.io/v1beta1';
/** the interval a rate covers, as metrics-server reports it */
const WINDOW = '10s';

export interface ResourceUsage {
  cpu: string;
  memory: string;
}

export interface NodeMetrics {
  kind: 'NodeMetrics';
  apiVersion: typeof METRICS_GROUP_VERSION;
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  usage: ResourceUsage;
}

export interface PodMetrics {
  kind: 'PodMetrics';
  apiVersion: typeof METRICS_GROUP_VERSION;
  metadata: { name: string; namespace: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  containers: { name: string; usage: ResourceUsage }[];
}

function usageOf(cpu: CpuStats | undefined, memory: MemoryStats | undefined): ResourceUsage | undefined {
  if (cpu?.usageNanoCores === undefined || memory?.workingSetBytes === undefined) return undefined;
  return { cpu: `${Math.round(cpu.usageNanoCores)}n`, memory: formatQuantity(bytesQuantity(memory.workingSetBytes)) };
}

/** undefined while the node's summary has no CPU rate or working set */
export function nodeMetricsOf(node: Node, summary: Summary, now: Date): NodeMetrics | undefined {
  const usage = usageOf(summary.node.cpu, summary.node.memory);
  if (!usage) return undefined;
  const labels = node.metadata.labels;
  return {
    kind: 'NodeMetrics',
    apiVersion: METRICS_GROUP_VERSION,
    metadata: { name: node.metadata.name ?? '', creationTimestamp: now.toISOString(), ...(labels ? { labels } : {}) },
    timestamp: summary.node.cpu?.time ?? now.toISOString(),
    window: WINDOW,
    usage,
  };
}

/** undefined while any container lacks a figure (a container's first sample has no rate) */
export function podMetricsOf(pod: Pod, stats: PodStats, now: Date): PodMetrics | undefined {
  const containers: PodMetrics['containers'] = [];
  for (const c of stats.containers) {
    const usage = usageOf(c.cpu, c.memory);
    if (!usage) return undefined;
    containers.push({ name: c.name, usage });
  }
  if (containers.length === 0) return undefined;
  const labels = pod.metadata.labels;
  return {
    kind: 'PodMetrics',
    apiVersion: METRICS_GROUP_VERSION,
    metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', creationTimestamp: now.toISOString(), ...(labels ? { labels } : {}) },
    timestamp: stats.containers[0]?.cpu?.time ?? now.toISOString(),
    window: WINDOW,
    containers,
  };
}

/** the list kind of NodeMetrics or PodMetrics */
export function metricsList<T extends NodeMetrics | PodMetrics>(kind: 'NodeMetricsList' | 'PodMetricsList', items: T[]): { kind: string; apiVersion: string; metadata: object; items: T[] } {
  return { kind, apiVersion: METRICS_GROUP_VERSION, metadata: {}, items };
}

export type MetricsRequest =
  | { resource: 'nodes'; name?: string }
  | { resource: 'pods'; namespace?: string; name?: string };

const PREFIX = '/apis/metrics.k8s.io/v1beta1/';

/** what a metrics.k8s.io path asks for; undefined for other paths (and the discovery document) */
export function metricsRequest(path: string): MetricsRequest | undefined {
  if (!path.startsWith(PREFIX)) return undefined;
  const parts = path.slice(PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'nodes' && parts.length <= 2) return { resource: 'nodes', ...(parts[1] ? { name: parts[1] } : {}) };
  if (parts[0] === 'pods' && parts.length === 1) return { resource: 'pods' };
  if (parts[0] === 'namespaces' && parts[1] && parts[2] === 'pods' && parts.length <= 4) return { resource: 'pods', namespace: parts[1], ...(parts[3] ? { name: parts[3] } : {}) };
  return undefined;
}

/** the discovery entries of metrics.k8s.io/v1beta1: read-only nodes and pods */
export const METRICS_RESOURCES = [
  { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
  { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
];
