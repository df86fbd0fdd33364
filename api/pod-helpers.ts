// What Kubernetes derives from a pod: its QoS class, readiness, total requests, and the STATUS,
// READY and RESTARTS that `kubectl get pods` prints (as the apiserver's Table printer computes them).
import type { Container, Pod, ResourceList } from './types/core.js';
import { cpuMillis, isValidQuantity, memoryBytes, parseQuantity } from './quantity.js';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

function positive(q: string | undefined): boolean {
  return q !== undefined && isValidQuantity(q) && parseQuantity(q).nanos > 0n;
}

function allContainers(pod: Pod): Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

/** Requests as Kubernetes sees them after defaulting: a limit with no request is also the request. */
function effectiveRequests(c: Container): ResourceList {
  return { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
}

/** Kubernetes' GetPodQOS. */
export function podQosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const c of allContainers(pod)) {
    const req = effectiveRequests(c);
    for (const r of QOS_RESOURCES) {
      if (positive(req[r])) requests.set(r, (requests.get(r) ?? 0n) + parseQuantity(req[r]!).nanos);
    }
    const found = new Set<string>();
    for (const r of QOS_RESOURCES) {
      const l = c.resources?.limits?.[r];
      if (positive(l)) {
        found.add(r);
        limits.set(r, (limits.get(r) ?? 0n) + parseQuantity(l!).nanos);
      }
    }
    if (found.size !== QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [r, v] of requests) if (limits.get(r) !== v) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export interface PodRequests {
  cpuMillis: number;
  memoryBytes: number;
}

function containerRequests(c: Container): PodRequests {
  const req = effectiveRequests(c);
  return {
    cpuMillis: req.cpu !== undefined && isValidQuantity(req.cpu) ? cpuMillis(req.cpu) : 0,
    memoryBytes: req.memory !== undefined && isValidQuantity(req.memory) ? memoryBytes(req.memory) : 0,
  };
}

/** What the scheduler counts: per resource, the larger of any one init container and the sum of the app containers. */
export function podRequests(pod: Pod): PodRequests {
  const sum: PodRequests = { cpuMillis: 0, memoryBytes: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c);
    sum.cpuMillis += r.cpuMillis;
    sum.memoryBytes += r.memoryBytes;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c);
    sum.cpuMillis = Math.max(sum.cpuMillis, r.cpuMillis);
    sum.memoryBytes = Math.max(sum.memoryBytes, r.memoryBytes);
  }
  return sum;
}

export interface PodDisplay {
  /** `1/2` */
  ready: string;
  /** The STATUS column: Running, Pending, ContainerCreating, CrashLoopBackOff, Completed, Init:0/1, ... */
  status: string;
  restarts: number;
  /** When the most recent restart's previous container finished, if any. */
  lastRestartTime?: string;
}

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** kubectl's printPod: READY, STATUS and RESTARTS of one pod. */
export function podDisplay(pod: Pod): PodDisplay {
  const status = pod.status ?? {};
  let restarts = 0;
  let readyContainers = 0;
  let lastRestart: string | undefined;
  const totalContainers = pod.spec?.containers?.length ?? 0;
  let reason: string = status.reason || status.phase || '';
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initCount = pod.spec?.initContainers?.length ?? 0;
  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
    const term = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      else reason = `Init:${term.reason}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initCount}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = 0;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
      const st = cs.state ?? {};
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated?.reason) reason = st.terminated.reason;
      else if (st.terminated) reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode}`;
      else if (cs.ready && st.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = isPodReady(pod) ? 'Running' : 'NotReady';
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const out: PodDisplay = { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts };
  if (lastRestart) out.lastRestartTime = lastRestart;
  return out;
}

/** The STATUS column alone. */
export function podStatusReason(pod: Pod): string {
  return podDisplay(pod).status;
}
