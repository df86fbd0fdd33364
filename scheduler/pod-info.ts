// The scheduler's per-pod view: effective requests (max of the sum of containers and any init
// container, as Kubernetes computes them), host ports, tolerations, node affinity, owner.
import type { Container, Pod } from '../api/types/index.js';
import { cpuMillis, memoryBytes } from '../api/quantity.js';
import type { HostPortKey, PodInfo } from './types.js';
import { WILDCARD_IP } from './plugins/node-ports.js';

/** Kubernetes' scoring defaults for containers that request nothing */
export const DEFAULT_SCORE_CPU_MILLI = 100;
export const DEFAULT_SCORE_MEMORY_BYTES = 200 * 1024 * 1024;

interface Requests {
  cpu: number;
  mem: number;
  scoreCpu: number;
  scoreMem: number;
}

function containerRequests(c: Container): Requests {
  const r = c.resources?.requests ?? {};
  const cpu = r.cpu !== undefined ? cpuMillis(r.cpu) : 0;
  const mem = r.memory !== undefined ? memoryBytes(r.memory) : 0;
  return {
    cpu,
    mem,
    scoreCpu: r.cpu !== undefined ? cpu : DEFAULT_SCORE_CPU_MILLI,
    scoreMem: r.memory !== undefined ? mem : DEFAULT_SCORE_MEMORY_BYTES,
  };
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
}

export function effectiveRequests(pod: Pod): Requests {
  const total: Requests = { cpu: 0, mem: 0, scoreCpu: 0, scoreMem: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c);
    total.cpu += r.cpu;
    total.mem += r.mem;
    total.scoreCpu += r.scoreCpu;
    total.scoreMem += r.scoreMem;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c);
    total.cpu = Math.max(total.cpu, r.cpu);
    total.mem = Math.max(total.mem, r.mem);
    total.scoreCpu = Math.max(total.scoreCpu, r.scoreCpu);
    total.scoreMem = Math.max(total.scoreMem, r.scoreMem);
  }
  return total;
}

export function hostPorts(pod: Pod): HostPortKey[] {
  const out: HostPortKey[] = [];
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ ip: p.hostIP || WILDCARD_IP, protocol: p.protocol ?? 'TCP', port: p.hostPort });
    }
  }
  return out;
}

export function podInfo(pod: Pod): PodInfo {
  const req = effectiveRequests(pod);
  const affinity = pod.spec?.affinity?.nodeAffinity;
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  return {
    pod,
    key: podKey(pod),
    cpuMilli: req.cpu,
    memoryBytes: req.mem,
    scoreCpuMilli: req.scoreCpu,
    scoreMemoryBytes: req.scoreMem,
    hostPorts: hostPorts(pod),
    tolerations: pod.spec?.tolerations ?? [],
    nodeSelector: pod.spec?.nodeSelector && Object.keys(pod.spec.nodeSelector).length > 0 ? pod.spec.nodeSelector : undefined,
    requiredNodeTerms: affinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    preferredNodeTerms: affinity?.preferredDuringSchedulingIgnoredDuringExecution,
    ownerUid: owner?.uid,
  };
}
