// Writes pod statuses through `pods/status`: only when they changed, coalesced per pod (the newest
// wins), with a bounded number of writes in flight (the rate limit), and retried on a conflict by
// re-reading the pod. A pod gone from the API (404) is dropped.
import type { Logger } from 'pino';
import type { Pod, PodStatus } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import type { ResourceClient } from '../../client/types.js';

export type PodObject = Pod & KubeObject;

const MAX_CONFLICT_RETRIES = 5;
const RETRY_AFTER_ERROR_MS = 1000;

/** JSON with sorted keys, so equal statuses compare equal whatever their key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.keys(val as Record<string, unknown>).sort().map((k) => [k, (val as Record<string, unknown>)[k]]))
      : val,
  );
}

interface Pending {
  namespace: string;
  name: string;
  uid: string;
  status: PodStatus;
  json: string;
}

export interface StatusManagerOptions {
  pods: ResourceClient<PodObject>;
  /** the informer's copy, to start from its resourceVersion */
  cached: (namespace: string, name: string) => PodObject | undefined;
  log: Logger;
  maxInFlight?: number;
}

export class StatusManager {
  private readonly lastWritten = new Map<string, string>();
  private readonly pending = new Map<string, Pending>();
  private readonly writing = new Set<string>();
  private readonly maxInFlight: number;
  private readonly listeners = new Set<(uid: string, status: PodStatus) => void>();
  private stopped = false;

  constructor(private readonly o: StatusManagerOptions) {
    this.maxInFlight = o.maxInFlight ?? 16;
  }

  /** called after every successful write (tests, the bench) */
  onWritten(fn: (uid: string, status: PodStatus) => void): void {
    this.listeners.add(fn);
  }

  set(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata.uid ?? '';
    const json = canonicalJson(status);
    const last = this.lastWritten.get(uid) ?? (pod.status ? canonicalJson(pod.status) : undefined);
    if (json === last && !this.pending.has(uid)) return;
    this.pending.set(uid, { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid, status, json });
    this.pump();
  }

  forget(uid: string): void {
    this.lastWritten.delete(uid);
    this.pending.delete(uid);
  }

  stop(): void {
    this.stopped = true;
  }

  private pump(): void {
    if (this.stopped) return;
    for (const [uid, p] of this.pending) {
      if (this.writing.size >= this.maxInFlight) return;
      if (this.writing.has(uid)) continue;
      this.pending.delete(uid);
      this.writing.add(uid);
      void this.write(p).finally(() => {
        this.writing.delete(uid);
        this.pump();
      });
    }
  }

  private async write(p: Pending): Promise<void> {
    let base = this.o.cached(p.namespace, p.name);
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      if (this.stopped) return;
      try {
        if (!base || base.metadata.uid !== p.uid) base = await this.o.pods.get(p.namespace, p.name);
        if (base.metadata.uid !== p.uid) return; // a new pod with the same name
        const started = performance.now();
        await this.o.pods.updateStatus(p.namespace, { ...base, status: p.status });
        this.o.log.debug({ pod: `${p.namespace}/${p.name}`, ms: Math.round(performance.now() - started), phase: p.status.phase }, 'pod status written');
        this.lastWritten.set(p.uid, p.json);
        for (const l of this.listeners) l(p.uid, p.status);
        return;
      } catch (err) {
        if (isNotFound(err)) {
          this.forget(p.uid);
          return;
        }
        if (isConflict(err)) {
          base = undefined; // re-read and retry
          continue;
        }
        this.o.log.warn({ pod: `${p.namespace}/${p.name}`, err: (err as Error).message }, 'pod status update failed; retrying');
        await new Promise((r) => setTimeout(r, RETRY_AFTER_ERROR_MS));
      }
    }
    // still conflicting: try again later unless something newer is queued
    if (!this.pending.has(p.uid)) setTimeout(() => this.requeue(p), RETRY_AFTER_ERROR_MS);
  }

  private requeue(p: Pending): void {
    if (this.stopped || this.pending.has(p.uid)) return;
    this.pending.set(p.uid, p);
    this.pump();
  }
}
