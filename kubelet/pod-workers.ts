// One worker per pod: syncs are serialised per pod (a trigger during a sync runs another sync
// right after), and run independently across pods. A pod with a deletionTimestamp (or gone from the
// API) is terminated, then the object is deleted with grace 0 and a UID precondition.
import type { Logger } from 'pino';
import type { Pod } from '../api/types/core.js';
import { isNotFound, isConflict } from '../client/api-error.js';
import type { ResourceClient } from '../client/types.js';
import { podGracePeriodSeconds } from './cri-config/sandbox-config.js';
import type { PodSyncer } from './pod-sync/pod-syncer.js';
import type { ProbeManager } from './probes/probe-manager.js';
import type { PodObject, StatusManager } from './status/status-manager.js';

const RETRY_AFTER_ERROR_MS = 2000;
const RESYNC_MS = 10_000;

interface WorkerState {
  pod: Pod;
  /** gone from the API: terminate, do not delete */
  removed: boolean;
  busy: boolean;
  again: boolean;
  timer?: NodeJS.Timeout;
  done: boolean;
}

export interface PodWorkersOptions {
  syncer: PodSyncer;
  status: StatusManager;
  probes: ProbeManager;
  pods: ResourceClient<PodObject>;
  log: Logger;
  /** called once a pod has been fully terminated and cleaned up */
  onTerminated?: (uid: string) => void;
}

/** Did anything the kubelet acts on change (spec, deletion, labels/annotations), not just status? */
export function podNeedsSync(prev: Pod, next: Pod): boolean {
  const pick = (p: Pod) =>
    JSON.stringify([p.spec, p.metadata.deletionTimestamp, p.metadata.deletionGracePeriodSeconds, p.metadata.labels, p.metadata.annotations]);
  return pick(prev) !== pick(next);
}

export class PodWorkers {
  private readonly workers = new Map<string, WorkerState>();
  private stopped = false;

  constructor(private readonly o: PodWorkersOptions) {}

  /** UIDs of every pod with a worker (known to the kubelet) */
  knownUids(): Set<string> {
    return new Set(this.workers.keys());
  }

  /** the newest pod object from the informer */
  update(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    let w = this.workers.get(uid);
    if (!w) {
      w = { pod, removed: false, busy: false, again: false, done: false };
      this.workers.set(uid, w);
    }
    if (w.done) return;
    const prev = w.pod;
    w.pod = pod;
    // our own status writes come back as updates: only a change the kubelet acts on wakes the worker
    if (prev !== pod && !podNeedsSync(prev, pod)) return;
    this.trigger(uid);
  }

  /** the pod left the API (deleted, or force-deleted while running) */
  remove(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const w = this.workers.get(uid);
    if (!w) return;
    if (w.done) {
      this.workers.delete(uid);
      return;
    }
    w.removed = true;
    this.trigger(uid);
  }

  trigger(uid: string): void {
    const w = this.workers.get(uid);
    if (!w || this.stopped) return;
    if (w.busy) {
      w.again = true;
      return;
    }
    if (w.timer) clearTimeout(w.timer);
    w.timer = undefined;
    void this.run(uid, w);
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers.values()) if (w.timer) clearTimeout(w.timer);
  }

  private schedule(uid: string, w: WorkerState, ms: number): void {
    if (this.stopped || w.done) return;
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => this.trigger(uid), ms);
  }

  private async run(uid: string, w: WorkerState): Promise<void> {
    w.busy = true;
    try {
      do {
        w.again = false;
        let next = RESYNC_MS;
        try {
          if (w.removed || w.pod.metadata.deletionTimestamp) {
            await this.terminate(uid, w);
            return;
          }
          const pod = w.pod;
          const started = performance.now();
          const r = await this.o.syncer.syncPod(pod, (early) => this.o.status.set(pod, early));
          this.o.log.debug({ pod: `${pod.metadata.namespace}/${pod.metadata.name}`, ms: Math.round(performance.now() - started), phase: r.status.phase }, 'pod synced');
          this.o.probes.sync(pod, r.runtime);
          this.o.status.set(pod, r.status);
          if (r.requeueAfterMs !== undefined) next = Math.min(next, Math.max(50, r.requeueAfterMs));
        } catch (err) {
          this.o.log.warn({ pod: `${w.pod.metadata.namespace}/${w.pod.metadata.name}`, err: (err as Error).message }, 'pod sync failed');
          next = RETRY_AFTER_ERROR_MS;
        }
        this.schedule(uid, w, next);
      } while (w.again && !this.stopped);
    } finally {
      w.busy = false;
    }
  }

  private async terminate(uid: string, w: WorkerState): Promise<void> {
    const pod = w.pod;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    this.o.probes.removePod(uid);
    await this.o.syncer.terminatePod(pod, podGracePeriodSeconds(pod));
    this.o.status.forget(uid);
    w.done = true;
    if (w.timer) clearTimeout(w.timer);
    if (!w.removed) {
      try {
        await this.o.pods.delete(pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) {
          this.o.log.warn({ pod: key, err: (err as Error).message }, 'deleting the terminated pod failed; will retry');
          w.done = false;
          this.schedule(uid, w, RETRY_AFTER_ERROR_MS);
          return;
        }
      }
    } else {
      this.workers.delete(uid);
    }
    this.o.log.info({ pod: key }, 'pod terminated');
    this.o.onTerminated?.(uid);
  }
}
