// Builders for scheduler unit tests: nodes and pods with just the fields a case needs.
import type { Container, Node, Pod, PodSpec, Taint } from '../../api/types/index.js';
import { nodeInfoFields } from '../../scheduler/node-info.js';
import { podInfo } from '../../scheduler/pod-info.js';
import type { NodeInfo, PodInfo } from '../../scheduler/types.js';

export interface NodeOpts {
  labels?: Record<string, string>;
  taints?: Taint[];
  ready?: boolean;
  unschedulable?: boolean;
  cpu?: string;
  memory?: string;
  pods?: string;
}

export function makeNode(name: string, o: NodeOpts = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: o.labels },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' },
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

export function nodeInfo(name: string, o: NodeOpts = {}, used: Partial<NodeInfo> = {}): NodeInfo {
  return {
    ...nodeInfoFields(makeNode(name, o)),
    requestedCpuMilli: 0,
    requestedMemoryBytes: 0,
    scoreRequestedCpuMilli: 0,
    scoreRequestedMemoryBytes: 0,
    podCount: 0,
    usedPorts: new Map(),
    ownerCounts: new Map(),
    ...used,
  };
}

export function makePod(name: string, spec: Partial<PodSpec> = {}, requests?: { cpu?: string; memory?: string }, ownerUid?: string): Pod {
  const container: Container = { name: 'c', image: 'busybox' };
  if (requests) container.resources = { requests: { ...(requests.cpu ? { cpu: requests.cpu } : {}), ...(requests.memory ? { memory: requests.memory } : {}) } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ownerReferences: ownerUid ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: ownerUid, controller: true }] : undefined,
    },
    spec: { containers: [container], ...spec },
  };
}

export function pod(name: string, spec: Partial<PodSpec> = {}, requests?: { cpu?: string; memory?: string }, ownerUid?: string): PodInfo {
  return podInfo(makePod(name, spec, requests, ownerUid));
}
