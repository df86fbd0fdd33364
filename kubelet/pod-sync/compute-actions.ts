// The pod worker's brain: from the pod, what the runtime holds for it, the restart back-off and the
// probe verdicts, decide what to do now. Pure: no I/O, the clock is an argument. The worker applies
// the result (kubelet/pod-sync/pod-syncer.ts) and calls this again on the next event.
import type { Container, Pod } from '../../api/types/core.js';
import { backoffRemainingMs, containerBackoffKey, type BackoffLookup } from './crash-backoff.js';
import { containersNamed, currentSandbox, sandboxesNewestFirst, type ObservedContainer, type RuntimePod } from './runtime-pod.js';
import { containerHash } from './container-hash.js';

export interface ContainerToStart {
  /** index into spec.containers or spec.initContainers */
  index: number;
  name: string;
  isInit: boolean;
  /** CRI attempt, i.e. the restart count this run will show */
  attempt: number;
  /** true when this is a restart after an exit: the worker records a back-off step */
  isRestart: boolean;
}

export interface ContainerToKill {
  id: string;
  name: string;
  /** why, for the event and the log */
  reason: string;
}

export interface WaitingReason {
  reason: string;
  message: string;
}

export interface PodActions {
  /** run a new sandbox (after stopping the containers and sandboxes listed) */
  createSandbox: boolean;
  /** the attempt of the new sandbox, or of the current one */
  sandboxAttempt: number;
  /** the ready sandbox to start containers in, when not creating one */
  sandboxId?: string;
  killContainers: ContainerToKill[];
  stopSandboxes: string[];
  /** dead sandboxes no longer needed: all but the newest dead one, once a newer one is ready */
  removeSandboxes: string[];
  /** exited containers no longer needed (only the newest two attempts per name are kept) */
  removeContainers: string[];
  /** at most one init container, or the app containers */
  startContainers: ContainerToStart[];
  /** containers that wait for a reason the decision itself knows (CrashLoopBackOff) */
  waiting: Record<string, WaitingReason>;
  /** sync again after this long (a back-off expires), if set */
  requeueAfterMs?: number;
}

export interface ProbeVerdicts {
  /** container IDs whose liveness probe has failed (failureThreshold reached) */
  livenessFailed: ReadonlySet<string>;
  /** container IDs whose startup probe has failed */
  startupFailed: ReadonlySet<string>;
}

export interface ComputeInput {
  pod: Pod;
  runtime: RuntimePod;
  backoff: BackoffLookup;
  probes: ProbeVerdicts;
  now: number;
}

type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export function restartPolicyOf(pod: Pod): RestartPolicy {
  return pod.spec?.restartPolicy ?? 'Always';
}

/** Would this exited container be run again under the policy? Init containers follow OnFailure unless Never. */
export function shouldRestart(policy: RestartPolicy, exitCode: number, isInit: boolean): boolean {
  if (isInit) return policy !== 'Never' && exitCode !== 0;
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

function latestAttempt(rp: RuntimePod, name: string, isInit: boolean): number {
  const all = containersNamed(rp, name, isInit);
  return all.length ? all[0].attempt : -1;
}

/** ms until spec.activeDeadlineSeconds runs out (counted from status.startTime); undefined without one */
export function activeDeadlineRemainingMs(pod: Pod, now: number): number | undefined {
  const deadline = pod.spec?.activeDeadlineSeconds;
  const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  if (deadline === undefined || Number.isNaN(start)) return undefined;
  return start + deadline * 1000 - now;
}

export function pastActiveDeadline(pod: Pod, now: number): boolean {
  const r = activeDeadlineRemainingMs(pod, now);
  return r !== undefined && r <= 0;
}

/** Every container done and none to run again: a Succeeded/Failed pod whose sandbox should go. */
export function podCompleted(pod: Pod, rp: RuntimePod, now: number = Date.now()): boolean {
  if (pastActiveDeadline(pod, now)) return true;
  const policy = restartPolicyOf(pod);
  if (policy === 'Always') return false;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return true;
  const spec = pod.spec;
  if (!spec) return false;
  // a failed init container under Never ends the pod
  for (const c of spec.initContainers ?? []) {
    const latest = containersNamed(rp, c.name, true)[0];
    if (latest?.state === 'CONTAINER_EXITED' && latest.exitCode !== 0 && policy === 'Never') return true;
  }
  return spec.containers.every((c) => {
    const latest = containersNamed(rp, c.name, false)[0];
    return latest?.state === 'CONTAINER_EXITED' && !shouldRestart(policy, latest.exitCode, false);
  });
}

function crashLoopMessage(pod: Pod, name: string, delayMs: number): string {
  const m = pod.metadata;
  return `back-off ${Math.round(delayMs / 1000)}s restarting failed container=${name} pod=${m.name}_${m.namespace}(${m.uid})`;
}

/**
 * Decide, for an exited container, between restarting now, waiting (CrashLoopBackOff) and nothing.
 * Returns the start or the waiting reason, and how long the wait is.
 */
function restartDecision(
  input: ComputeInput,
  spec: Container,
  index: number,
  latest: ObservedContainer,
): { start?: ContainerToStart; waiting?: WaitingReason; waitMs?: number } {
  const { pod, backoff, now } = input;
  const policy = restartPolicyOf(pod);
  if (!shouldRestart(policy, latest.exitCode, latest.isInit)) return {};
  const key = containerBackoffKey(pod.metadata.uid ?? '', spec.name);
  const entry = backoff.get(key);
  const remaining = backoffRemainingMs(entry, latest.finishedAt || now, now);
  if (remaining > 0 && entry) {
    return {
      waiting: { reason: 'CrashLoopBackOff', message: crashLoopMessage(pod, spec.name, entry.delayMs) },
      waitMs: remaining,
    };
  }
  return { start: { index, name: spec.name, isInit: latest.isInit, attempt: latest.attempt + 1, isRestart: true } };
}

/** Garbage: exited containers older than the newest two attempts of their name. */
function garbageContainers(rp: RuntimePod): string[] {
  const byName = new Map<string, ObservedContainer[]>();
  for (const c of rp.containers) {
    const k = `${c.isInit ? 'init' : 'app'}/${c.name}`;
    byName.set(k, [...(byName.get(k) ?? []), c]);
  }
  const out: string[] = [];
  for (const list of byName.values()) {
    list.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
    for (const c of list.slice(2)) if (c.state === 'CONTAINER_EXITED') out.push(c.id);
  }
  return out;
}

function emptyActions(): PodActions {
  return { createSandbox: false, sandboxAttempt: 0, killContainers: [], stopSandboxes: [], removeSandboxes: [], removeContainers: [], startContainers: [], waiting: {} };
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Everything to start in a fresh sandbox: the first init container, or all app containers. */
function startFresh(pod: Pod, rp: RuntimePod): ContainerToStart[] {
  const spec = pod.spec!;
  const inits = spec.initContainers ?? [];
  if (inits.length > 0) {
    return [{ index: 0, name: inits[0].name, isInit: true, attempt: latestAttempt(rp, inits[0].name, true) + 1, isRestart: false }];
  }
  return spec.containers.map((c, index) => ({
    index,
    name: c.name,
    isInit: false,
    attempt: latestAttempt(rp, c.name, false) + 1,
    isRestart: false,
  }));
}

export function computePodActions(input: ComputeInput): PodActions {
  const { pod, runtime: rp, probes } = input;
  const actions = emptyActions();
  const spec = pod.spec;
  if (!spec) return actions;
  const completed = podCompleted(pod, rp, input.now);
  const deadlineIn = activeDeadlineRemainingMs(pod, input.now) ?? (spec.activeDeadlineSeconds !== undefined ? spec.activeDeadlineSeconds * 1000 : undefined);
  if (deadlineIn !== undefined && deadlineIn > 0) actions.requeueAfterMs = deadlineIn;
  const current = currentSandbox(rp);
  const running = (c: ObservedContainer) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED';

  // Extra ready sandboxes, and containers living outside the current sandbox, go.
  for (const s of sandboxesNewestFirst(rp)) {
    if (s.state === 'SANDBOX_READY' && s.id !== current?.id) actions.stopSandboxes.push(s.id);
  }
  for (const c of rp.containers) {
    if (c.sandboxId !== current?.id && running(c)) actions.killContainers.push({ id: c.id, name: c.name, reason: 'sandbox is gone' });
  }

  if (completed) {
    // nothing runs again; stop what is left (the sandbox releases its IP)
    for (const c of rp.containers) {
      if (c.sandboxId === current?.id && running(c)) {
        const reason = pastActiveDeadline(pod, input.now) ? 'pod was active longer than its activeDeadlineSeconds' : 'pod completed';
        actions.killContainers.push({ id: c.id, name: c.name, reason });
      }
    }
    if (current) actions.stopSandboxes.push(current.id);
    actions.removeContainers = garbageContainers(rp);
    return actions;
  }

  if (!current) {
    for (const c of rp.containers) {
      if (running(c) && !actions.killContainers.some((k) => k.id === c.id)) {
        actions.killContainers.push({ id: c.id, name: c.name, reason: 'sandbox is gone' });
      }
    }
    actions.createSandbox = true;
    actions.sandboxAttempt = rp.sandboxes.reduce((m, s) => Math.max(m, s.attempt + 1), 0);
    actions.startContainers = startFresh(pod, rp);
    actions.removeContainers = garbageContainers(rp);
    return actions;
  }

  actions.sandboxId = current.id;
  actions.sandboxAttempt = current.attempt;
  const sid = current.id;
  const policy = restartPolicyOf(pod);

  // Unknown or created-but-never-started containers (a kubelet crash between create and start) are
  // killed; the next sync sees them exited and proceeds as for any exit.
  for (const c of rp.containers) {
    if (c.sandboxId !== sid) continue;
    if (c.state === 'CONTAINER_UNKNOWN' || (c.state === 'CONTAINER_CREATED' && c.startedAt === 0)) {
      actions.killContainers.push({ id: c.id, name: c.name, reason: 'container in unknown state' });
    }
  }

  // Init containers, in order, unless an app container already exists in this sandbox.
  const appStarted = spec.containers.some((c) => containersNamed(rp, c.name, false, sid).length > 0);
  if (!appStarted) {
    const inits = spec.initContainers ?? [];
    for (let i = 0; i < inits.length; i++) {
      const latest = containersNamed(rp, inits[i].name, true, sid)[0];
      if (!latest) {
        actions.startContainers.push({ index: i, name: inits[i].name, isInit: true, attempt: latestAttempt(rp, inits[i].name, true) + 1, isRestart: false });
        return finish(actions, rp);
      }
      if (latest.state === 'CONTAINER_EXITED' && latest.exitCode === 0) continue;
      if (latest.state === 'CONTAINER_EXITED') {
        const d = restartDecision(input, inits[i], i, latest);
        if (d.start) actions.startContainers.push(d.start);
        if (d.waiting) actions.waiting[inits[i].name] = d.waiting;
        actions.requeueAfterMs = minDefined(actions.requeueAfterMs, d.waitMs);
        if (!d.start && !d.waiting && policy === 'Never') actions.stopSandboxes.push(sid);
      }
      // running, created or unknown: wait for it (unknown was killed above)
      return finish(actions, rp);
    }
  }

  // App containers.
  spec.containers.forEach((c, index) => {
    const latest = containersNamed(rp, c.name, false, sid)[0];
    if (!latest) {
      actions.startContainers.push({ index, name: c.name, isInit: false, attempt: latestAttempt(rp, c.name, false) + 1, isRestart: false });
      return;
    }
    if (latest.state === 'CONTAINER_RUNNING') {
      if (probes.livenessFailed.has(latest.id)) {
        actions.killContainers.push({ id: latest.id, name: c.name, reason: 'failed liveness probe, will be restarted' });
      } else if (probes.startupFailed.has(latest.id)) {
        actions.killContainers.push({ id: latest.id, name: c.name, reason: 'failed startup probe, will be restarted' });
      } else if (latest.hash && latest.hash !== containerHash(c)) {
        actions.killContainers.push({ id: latest.id, name: c.name, reason: 'container spec changed, will be restarted' });
      }
      return;
    }
    if (latest.state === 'CONTAINER_EXITED') {
      const d = restartDecision(input, c, index, latest);
      if (d.start) actions.startContainers.push(d.start);
      if (d.waiting) actions.waiting[c.name] = d.waiting;
      actions.requeueAfterMs = minDefined(actions.requeueAfterMs, d.waitMs);
    }
  });
  return finish(actions, rp);
}

/** Dead sandboxes older than the newest dead one, when a ready sandbox has replaced them. */
function garbageSandboxes(rp: RuntimePod): string[] {
  const current = currentSandbox(rp);
  if (!current) return [];
  const dead = sandboxesNewestFirst(rp).filter((s) => s.state !== 'SANDBOX_READY');
  const busy = new Set(rp.containers.filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED').map((c) => c.sandboxId));
  return dead.slice(1).filter((s) => s.attempt < current.attempt && !busy.has(s.id)).map((s) => s.id);
}

function finish(actions: PodActions, rp: RuntimePod): PodActions {
  actions.removeContainers = garbageContainers(rp);
  actions.removeSandboxes = garbageSandboxes(rp);
  return actions;
}
