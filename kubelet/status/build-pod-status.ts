// Builds a pod's status from what the kubelet observed: the runtime's sandboxes and containers,
// the waiting reasons of the last sync, and the probes' verdicts. Pure: the clock is an argument.
import type { Container, ContainerState, ContainerStatus, Pod, PodStatus } from '../../api/types/core.js';
import type { Condition } from '../../api/types/meta.js';
import { pastActiveDeadline, type WaitingReason } from '../pod-sync/compute-actions.js';
import { containersNamed, currentSandbox, sandboxesNewestFirst, type ObservedContainer, type RuntimePod } from '../pod-sync/runtime-pod.js';
import { podPhase } from './pod-phase.js';

export const CONTAINER_ID_PREFIX = 'skiff://';

export interface ProbeStatusLookup {
  /** readiness of a running container: undefined when no readiness probe runs for it */
  ready(containerId: string): boolean | undefined;
  /** startup: undefined when no startup probe runs for it */
  started(containerId: string): boolean | undefined;
}

export interface StatusInput {
  pod: Pod;
  runtime: RuntimePod;
  /** waiting reasons set by the last sync (CrashLoopBackOff, ErrImagePull, ...), by container name */
  waiting: Record<string, WaitingReason>;
  probes: ProbeStatusLookup;
  hostIP: string;
  qosClass: PodStatus['qosClass'];
  now: number;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function terminatedState(c: ObservedContainer): ContainerState {
  const reason = c.reason || (c.exitCode === 0 ? 'Completed' : 'Error');
  return {
    terminated: {
      exitCode: c.exitCode,
      reason,
      ...(c.message ? { message: c.message } : {}),
      ...(c.startedAt ? { startedAt: isoTime(c.startedAt) } : {}),
      finishedAt: isoTime(c.finishedAt || c.startedAt || c.createdAt),
      containerID: CONTAINER_ID_PREFIX + c.id,
    },
  };
}

function containerStatus(
  input: StatusInput,
  spec: Container,
  isInit: boolean,
  defaultWaiting: string,
): ContainerStatus {
  const { runtime, probes } = input;
  const all = containersNamed(runtime, spec.name, isInit);
  const latest = all[0];
  const waiting = input.waiting[spec.name];
  const base: ContainerStatus = {
    name: spec.name,
    state: { waiting: { reason: defaultWaiting } },
    lastState: {},
    ready: false,
    restartCount: latest?.attempt ?? 0,
    image: spec.image ?? '',
    imageID: '',
    started: false,
  };
  if (!latest) {
    if (waiting) base.state = { waiting: { reason: waiting.reason, message: waiting.message } };
    return base;
  }
  base.imageID = latest.imageRef;
  base.containerID = CONTAINER_ID_PREFIX + latest.id;
  const previous = all[1];
  if (latest.state === 'CONTAINER_RUNNING') {
    base.state = { running: { startedAt: isoTime(latest.startedAt || latest.createdAt) } };
    if (previous?.state === 'CONTAINER_EXITED') base.lastState = terminatedState(previous);
    // no verdict yet (a probe worker not started): a probed container is not started/ready yet
    base.started = probes.started(latest.id) ?? !spec.startupProbe;
    const ready = probes.ready(latest.id) ?? !spec.readinessProbe;
    base.ready = base.started && ready && !isInit;
    return base;
  }
  if (latest.state === 'CONTAINER_EXITED') {
    if (waiting) {
      // about to run again (or blocked): waiting, with the exit as lastState
      base.state = { waiting: { reason: waiting.reason, message: waiting.message } };
      base.lastState = terminatedState(latest);
    } else {
      base.state = terminatedState(latest);
      if (previous?.state === 'CONTAINER_EXITED') base.lastState = terminatedState(previous);
    }
    return base;
  }
  // created (starting) or unknown
  base.state = { waiting: { reason: waiting?.reason ?? defaultWaiting, ...(waiting ? { message: waiting.message } : {}) } };
  if (previous?.state === 'CONTAINER_EXITED') base.lastState = terminatedState(previous);
  return base;
}

function condition(old: Condition[] | undefined, type: string, status: boolean, now: number, reason?: string, message?: string): Condition {
  const s = status ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  const c: Condition = {
    type,
    status: s,
    lastTransitionTime: prev && prev.status === s && prev.lastTransitionTime ? prev.lastTransitionTime : isoTime(now),
  };
  if (!status && reason) c.reason = reason;
  if (!status && message) c.message = message;
  return c;
}

function initDone(statuses: ContainerStatus[]): boolean {
  return statuses.every((s) => s.state?.terminated?.exitCode === 0);
}

function notReadyNames(statuses: ContainerStatus[]): string[] {
  return statuses.filter((s) => !s.ready).map((s) => s.name);
}

export function buildPodStatus(input: StatusInput): PodStatus {
  const { pod, runtime, now } = input;
  const spec = pod.spec ?? { containers: [] };
  const old = pod.status ?? {};
  const initSpecs = spec.initContainers ?? [];

  const initStatuses = initSpecs.map((c) => containerStatus(input, c, true, 'PodInitializing'));
  const initialized = initDone(initStatuses) || spec.containers.some((c) => containersNamed(runtime, c.name, false).length > 0);
  const appStatuses = spec.containers.map((c) => containerStatus(input, c, false, initialized ? 'ContainerCreating' : 'PodInitializing'));

  const deadlineExceeded = pastActiveDeadline(pod, now) && old.phase !== 'Succeeded';
  const phase = deadlineExceeded ? 'Failed' : podPhase(pod, initStatuses, appStatuses, initialized);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  if (terminal) for (const s of appStatuses) s.ready = false;

  const notReady = notReadyNames(appStatuses);
  const containersReady = notReady.length === 0 && !terminal;
  const notReadyMsg = `containers with unready status: [${notReady.join(' ')}]`;
  const pendingInit = initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const conditions: Condition[] = [
    condition(old.conditions, 'Initialized', initialized, now, 'ContainersNotInitialized', `containers with incomplete status: [${pendingInit.join(' ')}]`),
    condition(old.conditions, 'Ready', containersReady, now, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : notReadyMsg),
    condition(old.conditions, 'ContainersReady', containersReady, now, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : notReadyMsg),
    condition(old.conditions, 'PodScheduled', true, now),
  ];

  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    startTime: old.startTime ?? isoTime(now),
    containerStatuses: appStatuses,
    qosClass: input.qosClass,
  };
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  if (deadlineExceeded) {
    status.reason = 'DeadlineExceeded';
    status.message = `Pod was active on the node longer than the specified deadline (${pod.spec?.activeDeadlineSeconds}s)`;
  }

  const ips = podIPs(input);
  if (ips.length) {
    status.podIP = ips[0];
    status.podIPs = ips.map((ip) => ({ ip }));
  }
  return status;
}

function podIPs(input: StatusInput): string[] {
  const { pod, runtime } = input;
  if (pod.spec?.hostNetwork) return [input.hostIP];
  const sandbox = currentSandbox(runtime);
  if (sandbox?.ip) return [sandbox.ip, ...(sandbox.additionalIps ?? [])];
  // a stopped sandbox (a completed pod) keeps the IP it had
  if (pod.status?.podIP) return (pod.status.podIPs ?? [{ ip: pod.status.podIP }]).map((p) => p.ip);
  const any = sandboxesNewestFirst(runtime).find((s) => s.ip);
  return any?.ip ? [any.ip] : [];
}
