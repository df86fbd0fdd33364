// The node-derived part of a NodeInfo: labels, taints, readiness and allocatable resources.
import type { Node } from '../api/types/index.js';
import { cpuMillis, memoryBytes } from '../api/quantity.js';
import type { NodeInfo } from './types.js';

export type NodeFields = Pick<
  NodeInfo,
  'name' | 'node' | 'labels' | 'taints' | 'ready' | 'unschedulable' | 'allocatableCpuMilli' | 'allocatableMemoryBytes' | 'allocatablePods'
>;

function quantityOr(parse: (q: string) => number, value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  try {
    return parse(value);
  } catch {
    return dflt;
  }
}

export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function nodeInfoFields(node: Node): NodeFields {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    name: node.metadata.name ?? '',
    node,
    labels: node.metadata.labels ?? {},
    taints: node.spec?.taints ?? [],
    ready: isNodeReady(node),
    unschedulable: node.spec?.unschedulable === true,
    allocatableCpuMilli: quantityOr(cpuMillis, alloc.cpu, 0),
    allocatableMemoryBytes: quantityOr(memoryBytes, alloc.memory, 0),
    allocatablePods: quantityOr((q) => Number(q), alloc.pods, 110),
  };
}
