// The event recorder: core/v1 Events about an object, named `<object>.<hex nanoseconds>` as
// Kubernetes names them. A repeat of the same (object, type, reason, message) within 10 minutes
// bumps count and lastTimestamp of the existing Event instead of creating another. Recording
// never throws: a failed write is logged and dropped.
import type { Event, ObjectReference } from '../api/types/core.js';
import type { KubeObject } from '../api/types/meta.js';
import { isNotFound } from './api-error.js';
import { clientLog } from './client-log.js';
import { rfc3339 } from './micro-time.js';
import type { ResourceClient } from './types.js';

export type EventObject = Event & KubeObject;
export type EventType = 'Normal' | 'Warning';

export const AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_CACHED = 4096;

export interface EventRecorderOptions {
  component: string;
  host?: string;
  /** for tests: the clock */
  now?: () => Date;
}

export interface EventRecorder {
  /** resolves once the Event is written (or the write failed and was logged); never rejects */
  record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
}

/** The events client, or anything that can give one (an ApiClient). */
export type EventClientSource = ResourceClient<EventObject> | { resource<T extends KubeObject>(name: string): ResourceClient<T> };

export function referenceOf(obj: KubeObject): ObjectReference {
  const ref: ObjectReference = {
    kind: obj.kind,
    apiVersion: obj.apiVersion,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
  };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** The Event name Kubernetes gives: `<name>.<unix nanoseconds in hex>`. */
export function eventName(objName: string, at: Date, seq: number): string {
  const nanos = BigInt(at.getTime()) * 1_000_000n + BigInt(seq % 1_000_000);
  return `${objName}.${nanos.toString(16)}`;
}

interface Aggregate {
  name: string;
  namespace: string;
  count: number;
  firstSeenMs: number;
}

class ApiEventRecorder implements EventRecorder {
  private readonly cache = new Map<string, Aggregate>();
  private readonly pending = new Map<string, Promise<void>>();
  private seq = 0;
  private readonly now: () => Date;

  constructor(
    private readonly client: ResourceClient<EventObject>,
    private readonly opts: EventRecorderOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const ref = referenceOf(obj);
    const key = [ref.kind, ref.namespace, ref.name, ref.uid, type, reason, message].join('\u0000');
    // writes for one key are serialised so that a repeat never races the create of its first Event
    const prev = this.pending.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.write(key, ref, type, reason, message)).catch((e: unknown) => {
      clientLog.warn({ err: (e as Error).message, reason, object: `${ref.namespace ?? ''}/${ref.name ?? ''}` }, 'could not record event');
    });
    this.pending.set(key, next);
    void next.then(() => {
      if (this.pending.get(key) === next) this.pending.delete(key);
    });
    return next;
  }

  private async write(key: string, ref: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const at = this.now();
    const ts = rfc3339(at);
    const agg = this.cache.get(key);
    if (agg && at.getTime() - agg.firstSeenMs < AGGREGATION_WINDOW_MS) {
      try {
        await this.client.patch(agg.namespace, agg.name, { count: agg.count + 1, lastTimestamp: ts }, 'merge');
        agg.count += 1;
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // the Event was deleted (or expired): start a new one
      }
    }
    const namespace = ref.namespace || 'default';
    const name = eventName(ref.name ?? 'unknown', at, this.seq++);
    const source: Event['source'] = { component: this.opts.component };
    if (this.opts.host) source.host = this.opts.host;
    await this.client.create(namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source,
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    });
    this.cache.delete(key);
    this.cache.set(key, { name, namespace, count: 1, firstSeenMs: at.getTime() });
    if (this.cache.size > MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

export function createEventRecorder(source: EventClientSource, opts: EventRecorderOptions): EventRecorder {
  const client = 'resource' in source && typeof source.resource === 'function'
    ? (source as { resource<T extends KubeObject>(name: string): ResourceClient<T> }).resource<EventObject>('events')
    : (source as ResourceClient<EventObject>);
  return new ApiEventRecorder(client, opts);
}
