// One timer-driven worker per (running container, probe kind). Workers start after
// initialDelaySeconds from the container's start, run every periodSeconds, and tell the pod worker
// (onChange) when a verdict flips, so liveness kills and readiness changes act at once. While a
// startup probe has not passed, liveness and readiness wait, as in Kubernetes.
import type { Logger } from 'pino';
import type { Container, Pod, Probe } from '../../api/types/core.js';
import type { ProbeVerdicts } from '../pod-sync/compute-actions.js';
import { containersNamed, currentSandbox, type RuntimePod } from '../pod-sync/runtime-pod.js';
import type { ProbeStatusLookup } from '../status/build-pod-status.js';
import { applyProbeResult, initialProbeState, probeTimings, type ProbeKind, type ProbeState } from './probe-state.js';
import type { Prober, ProbeTarget } from './prober.js';

interface Worker {
  podUid: string;
  kind: ProbeKind;
  probe: Probe;
  target: ProbeTarget;
  state: ProbeState;
  timer?: NodeJS.Timeout;
  running: boolean;
  stopped: boolean;
}

const KINDS: ProbeKind[] = ['startup', 'liveness', 'readiness'];

function probeOf(c: Container, kind: ProbeKind): Probe | undefined {
  return kind === 'liveness' ? c.livenessProbe : kind === 'readiness' ? c.readinessProbe : c.startupProbe;
}

export interface ProbeManagerOptions {
  prober: Prober;
  /** a verdict changed for this pod: sync it */
  onChange: (podUid: string, kind: ProbeKind, containerName: string, message: string) => void;
  log: Logger;
  now?: () => number;
}

export class ProbeManager implements ProbeVerdicts, ProbeStatusLookup {
  private readonly workers = new Map<string, Worker>();
  readonly livenessFailed = new Set<string>();
  readonly startupFailed = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly o: ProbeManagerOptions) {
    this.now = o.now ?? Date.now;
  }

  private key(containerId: string, kind: ProbeKind): string {
    return `${containerId}/${kind}`;
  }

  ready(containerId: string): boolean | undefined {
    const w = this.workers.get(this.key(containerId, 'readiness'));
    return w ? w.state.verdict === 'success' : undefined;
  }

  started(containerId: string): boolean | undefined {
    const w = this.workers.get(this.key(containerId, 'startup'));
    return w ? w.state.verdict === 'success' : undefined;
  }

  /** Starts workers for the pod's running containers and stops those of containers gone. */
  sync(pod: Pod, rp: RuntimePod): void {
    const uid = pod.metadata.uid ?? '';
    const podIP = pod.spec?.hostNetwork ? '' : (currentSandbox(rp)?.ip ?? '');
    const wanted = new Set<string>();
    for (const c of pod.spec?.containers ?? []) {
      const latest = containersNamed(rp, c.name, false)[0];
      if (!latest || latest.state !== 'CONTAINER_RUNNING') continue;
      for (const kind of KINDS) {
        const probe = probeOf(c, kind);
        if (!probe) continue;
        const key = this.key(latest.id, kind);
        wanted.add(key);
        if (this.workers.has(key)) continue;
        const w: Worker = {
          podUid: uid,
          kind,
          probe,
          target: { containerId: latest.id, container: c, podIP: podIP || '127.0.0.1' },
          state: initialProbeState(kind),
          running: false,
          stopped: false,
        };
        this.workers.set(key, w);
        const delay = Math.max(0, (latest.startedAt || this.now()) + probeTimings(probe).initialDelayMs - this.now());
        w.timer = setTimeout(() => void this.tick(w), delay);
      }
    }
    for (const [key, w] of this.workers) {
      if (w.podUid === uid && !wanted.has(key)) this.stopWorker(key, w);
    }
  }

  /** Stops every worker of a pod (terminated or deleted). */
  removePod(uid: string): void {
    for (const [key, w] of this.workers) if (w.podUid === uid) this.stopWorker(key, w);
  }

  stop(): void {
    for (const [key, w] of this.workers) this.stopWorker(key, w);
  }

  private stopWorker(key: string, w: Worker): void {
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
    this.workers.delete(key);
    this.livenessFailed.delete(w.target.containerId);
    this.startupFailed.delete(w.target.containerId);
  }

  private gatedByStartup(w: Worker): boolean {
    if (w.kind === 'startup') return false;
    const s = this.workers.get(this.key(w.target.containerId, 'startup'));
    return s !== undefined && s.state.verdict !== 'success';
  }

  private async tick(w: Worker): Promise<void> {
    if (w.stopped) return;
    const t = probeTimings(w.probe);
    const startupDone = w.kind === 'startup' && w.state.verdict === 'success';
    if (!this.gatedByStartup(w) && !startupDone) {
      const outcome = await this.o.prober.run(w.probe, w.target, t.timeoutSeconds);
      if (w.stopped) return;
      const before = w.state.verdict;
      w.state = applyProbeResult(w.state, outcome.result, t);
      // startup starts out "failing" (not started): it fails for good at failureThreshold
      const startupGaveUp = w.kind === 'startup' && w.state.verdict === 'failure' && w.state.consecutiveFailures === t.failureThreshold;
      if (w.state.verdict !== before || startupGaveUp) this.flip(w, outcome.message);
    }
    if (!w.stopped) w.timer = setTimeout(() => void this.tick(w), t.periodMs);
  }

  private flip(w: Worker, message: string): void {
    const id = w.target.containerId;
    const failed = w.state.verdict === 'failure';
    if (w.kind === 'liveness' && failed) this.livenessFailed.add(id);
    if (w.kind === 'startup' && failed) this.startupFailed.add(id);
    this.o.log.info({ container: w.target.container.name, probe: w.kind, verdict: w.state.verdict, message }, 'probe verdict changed');
    this.o.onChange(w.podUid, w.kind, w.target.container.name, message);
  }
}
