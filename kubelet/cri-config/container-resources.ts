// Container resources → CRI Linux resources, as Kubernetes maps them: CPU shares from the request
// (1024 per core, at least 2), a CFS quota from the limit over a 100 ms period, the memory limit,
// and an OOM score by QoS class (clamped at 0: this node cannot lower scores).
import type { Container, PodStatus } from '../../api/types/core.js';
import { cpuMillis, memoryBytes } from '../../api/quantity.js';
import type { LinuxContainerResources } from '../cri/runtime-service.js';
import { ContainerConfigError } from './config-error.js';

export const CPU_PERIOD_US = 100_000;
const MIN_SHARES = 2;
const SHARES_PER_CPU = 1024;
const MIN_QUOTA_US = 1000;

function quantity<T>(f: (q: string) => T, v: string, field: string): T {
  try {
    return f(v);
  } catch {
    throw new ContainerConfigError(`${field}: invalid quantity "${v}"`);
  }
}

export function cpuShares(requestMillis: number | undefined): number {
  if (!requestMillis) return MIN_SHARES;
  return Math.max(MIN_SHARES, Math.floor((requestMillis * SHARES_PER_CPU) / 1000));
}

export function cpuQuota(limitMillis: number | undefined): number {
  if (!limitMillis) return 0;
  return Math.max(MIN_QUOTA_US, Math.floor((limitMillis * CPU_PERIOD_US) / 1000));
}

export function oomScoreAdj(qos: PodStatus['qosClass'], memoryRequest: number, nodeMemory: number): number {
  if (qos === 'Guaranteed') return 0;
  if (qos === 'BestEffort' || !qos) return 1000;
  const score = 1000 - Math.floor((1000 * memoryRequest) / Math.max(1, nodeMemory));
  return Math.min(999, Math.max(2, score));
}

export function containerResources(c: Container, qos: PodStatus['qosClass'], nodeMemoryBytes: number): LinuxContainerResources {
  const field = `spec.containers[${c.name}].resources`;
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const cpuReq = req.cpu !== undefined ? quantity(cpuMillis, req.cpu, `${field}.requests.cpu`) : undefined;
  const cpuLim = lim.cpu !== undefined ? quantity(cpuMillis, lim.cpu, `${field}.limits.cpu`) : undefined;
  const memReq = req.memory !== undefined ? quantity(memoryBytes, req.memory, `${field}.requests.memory`) : undefined;
  const memLim = lim.memory !== undefined ? quantity(memoryBytes, lim.memory, `${field}.limits.memory`) : undefined;
  return {
    cpu_period: CPU_PERIOD_US,
    cpu_quota: cpuQuota(cpuLim),
    cpu_shares: cpuShares(cpuReq ?? cpuLim),
    memory_limit_in_bytes: memLim ?? 0,
    oom_score_adj: oomScoreAdj(qos, memReq ?? memLim ?? 0, nodeMemoryBytes),
  };
}
