// The Summary API document (GET /stats/summary) from one sample: the node's /proc figures, the
// CRI's pod and container stats, the CPU rates the kubelet computed, and the pod objects (for start
// times). Pure.
import type { Pod } from '../../api/types/core.js';
import type { ContainerStats, CpuStats, MemoryStats, PodStats, Summary } from '../../api/types/stats.js';
import type { ContainerStatsInfo, PodSandboxStatsInfo, UsageSample } from '../cri/runtime-service.js';
import type { NodeSample } from './proc-node.js';

export const NODE_KEY = 'node';

/** the rate-tracker key of a pod sandbox */
export function podKey(p: PodSandboxStatsInfo): string {
  return `pod/${p.sandbox_id}`;
}

/** the rate-tracker key of a container: its id, else its sandbox and name */
export function containerKey(p: PodSandboxStatsInfo, c: ContainerStatsInfo): string {
  return c.id ? `ctr/${c.id}` : `ctr/${p.sandbox_id}/${c.name}`;
}

export interface SummaryInput {
  nodeName: string;
  node: NodeSample;
  /** CRI ListPodSandboxStats */
  pods: PodSandboxStatsInfo[];
  /** the pods this kubelet runs, for start times */
  apiPods: Pod[];
  /** usageNanoCores the kubelet computed, by NODE_KEY / podKey / containerKey */
  rates: ReadonlyMap<string, number>;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** a CRI sample's time (ns since the epoch), or the node sample's when the runtime gave none */
function sampleTime(u: UsageSample, fallbackMs: number): string {
  return iso(u.timestamp > 0 ? Math.floor(u.timestamp / 1e6) : fallbackMs);
}

function cpuOf(u: UsageSample, rate: number | undefined, fallbackMs: number): CpuStats {
  const nanoCores = rate ?? u.cpu_usage_nano_cores;
  return {
    time: sampleTime(u, fallbackMs),
    ...(nanoCores !== undefined ? { usageNanoCores: nanoCores } : {}),
    ...(u.cpu_usage_core_nano_seconds !== undefined ? { usageCoreNanoSeconds: u.cpu_usage_core_nano_seconds } : {}),
  };
}

function memoryOf(u: UsageSample, fallbackMs: number): MemoryStats {
  return {
    time: sampleTime(u, fallbackMs),
    ...(u.memory_available_bytes !== undefined ? { availableBytes: u.memory_available_bytes } : {}),
    ...(u.memory_usage_bytes !== undefined ? { usageBytes: u.memory_usage_bytes } : {}),
    ...(u.memory_working_set_bytes !== undefined ? { workingSetBytes: u.memory_working_set_bytes } : {}),
  };
}

function containerStartTime(pod: Pod | undefined, name: string): string | undefined {
  const st = pod?.status?.containerStatuses?.find((c) => c.name === name);
  return st?.state?.running?.startedAt;
}

export function buildSummary(input: SummaryInput): Summary {
  const at = input.node.atMs;
  const byUid = new Map(input.apiPods.map((p) => [p.metadata.uid ?? '', p]));
  const nodeRate = input.rates.get(NODE_KEY);
  const boot = input.node.stat.bootTimeSeconds;
  const pods: PodStats[] = input.pods.map((p) => {
    const pod = byUid.get(p.metadata.uid);
    const containers: ContainerStats[] = p.containers.map((c) => {
      const started = containerStartTime(pod, c.name);
      return {
        name: c.name,
        ...(started ? { startTime: started } : {}),
        cpu: cpuOf(c, input.rates.get(containerKey(p, c)), at),
        memory: memoryOf(c, at),
      };
    });
    const startTime = pod?.status?.startTime;
    return {
      podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
      ...(startTime ? { startTime } : {}),
      containers,
      cpu: cpuOf(p, input.rates.get(podKey(p)), at),
      memory: memoryOf(p, at),
      ...(p.rx_bytes !== undefined || p.tx_bytes !== undefined ? { network: { time: sampleTime(p, at), rxBytes: p.rx_bytes, txBytes: p.tx_bytes } } : {}),
    };
  });
  const m = input.node.memory;
  return {
    node: {
      nodeName: input.nodeName,
      ...(boot !== undefined ? { startTime: iso(boot * 1000) } : {}),
      cpu: { time: iso(at), ...(nodeRate !== undefined ? { usageNanoCores: nodeRate } : {}), usageCoreNanoSeconds: input.node.stat.busyCoreNanoSeconds },
      memory: { time: iso(at), availableBytes: m.availableBytes, usageBytes: m.usageBytes, workingSetBytes: m.workingSetBytes },
    },
    pods,
  };
}

/** a cumulative counter without a rate: the first sample of that object */
function rateless(cpu: CpuStats | undefined): boolean {
  return cpu?.usageCoreNanoSeconds !== undefined && cpu.usageNanoCores === undefined;
}

/** true when some CPU counter has no rate yet (a first sample): the caller samples again */
export function missingRates(s: Summary): boolean {
  return rateless(s.node.cpu) || s.pods.some((p) => rateless(p.cpu) || p.containers.some((c) => rateless(c.cpu)));
}
