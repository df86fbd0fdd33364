// The Node's status from the machine facts, the runtime's health and the pressure verdicts. Pure:
// heartbeats are `now`, and a condition keeps its lastTransitionTime while its status holds.
import type { NodeCondition, NodeStatus } from '../../api/types/core.js';
import { isoTime } from '../status/build-pod-status.js';
import type { Pressures } from './pressure.js';
import type { MachineFacts } from './system-info.js';

export const MAX_PODS = 110;

export interface NodeStatusInput {
  facts: MachineFacts;
  nodeIP: string;
  kubeletPort: number;
  /** e.g. `skiff://0.1.0` from the CRI Version */
  runtimeVersion: string;
  /** undefined when the runtime is ready, else why not */
  runtimeProblem?: string;
  pressures: Pressures;
  previous?: NodeCondition[];
  now: number;
}

function cond(
  prev: NodeCondition[] | undefined,
  type: string,
  status: boolean,
  reason: string,
  message: string,
  now: number,
): NodeCondition {
  const s = status ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  return {
    type,
    status: s,
    lastHeartbeatTime: isoTime(now),
    lastTransitionTime: old && old.status === s && old.lastTransitionTime ? old.lastTransitionTime : isoTime(now),
    reason,
    message,
  };
}

export function buildNodeStatus(i: NodeStatusInput): NodeStatus {
  const { facts, pressures: p, previous, now } = i;
  const memKi = `${Math.floor(facts.memoryBytes / 1024)}Ki`;
  const resources = { cpu: String(facts.cpuCores), memory: memKi, pods: String(MAX_PODS) };
  const ready = !i.runtimeProblem;
  return {
    capacity: { ...resources },
    allocatable: { ...resources },
    conditions: [
      cond(previous, 'MemoryPressure', p.memory, p.memory ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory', p.memory ? 'kubelet has insufficient memory available' : 'kubelet has sufficient memory available', now),
      cond(previous, 'DiskPressure', p.disk, p.disk ? 'KubeletHasDiskPressure' : 'KubeletHasNoDiskPressure', p.disk ? 'kubelet has disk pressure' : 'kubelet has no disk pressure', now),
      cond(previous, 'PIDPressure', p.pid, p.pid ? 'KubeletHasInsufficientPID' : 'KubeletHasSufficientPID', p.pid ? 'kubelet has insufficient PID available' : 'kubelet has sufficient PID available', now),
      cond(previous, 'Ready', ready, ready ? 'KubeletReady' : 'KubeletNotReady', ready ? 'kubelet is posting ready status' : `container runtime is down: ${i.runtimeProblem}`, now),
    ],
    addresses: [
      { type: 'InternalIP', address: i.nodeIP },
      { type: 'Hostname', address: facts.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: i.kubeletPort } },
    nodeInfo: { ...facts.info, containerRuntimeVersion: i.runtimeVersion },
  };
}

/** Did anything but the heartbeat times change? Then the status is written at once. */
export function nodeStatusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  const strip = (s: NodeStatus | undefined) =>
    JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) !== strip(b);
}
