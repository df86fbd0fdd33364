// The storage boundary: objects under string keys with etcd-revision resourceVersions. The REST layer
// talks only to this interface; etcd-store.ts is the real implementation.
import type { KubeObject } from '../../api/types/meta.js';
import type { CachedObject } from './object-snapshot.js';

export type StoreErrorKind = 'exists' | 'conflict' | 'notfound' | 'compacted' | 'unavailable';

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    /** for a conflict: the current object, when known */
    readonly current?: KubeObject,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface StoredList {
  /** the objects (empty when `raw` was asked for) */
  items: KubeObject[];
  /** with `raw`: each object as JSON text, resourceVersion included */
  raws?: string[];
  /** with `raw`: the key of each entry of `raws` */
  keys?: string[];
  /** the revision the range was read at */
  revision: number;
  /** the key to continue from, when the limit cut the range */
  nextKey?: string;
  /** how many keys remain after this page */
  remaining: number;
}

export interface ListRequest {
  limit?: number;
  /** first key to include (continue tokens) */
  startKey?: string;
  /** read at this revision (0/undefined: latest) */
  revision?: number;
  /** return JSON text (`raws`) instead of parsed objects: lists are served without a parse/serialize round trip */
  raw?: boolean;
}

export type RawEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change from the store, shared by every watcher; parsed or serialized only when needed. */
export interface RawEvent {
  readonly type: RawEventType;
  readonly key: string;
  readonly revision: number;
  /** the new state; for DELETED the last state, with resourceVersion = the delete's revision */
  readonly current: CachedObject;
  /** current.object */
  readonly object: KubeObject;
  /** the object before this change (undefined for ADDED) */
  readonly previous?: KubeObject;
}

export interface StoreWatch {
  cancel(): void;
}

export interface StoreWatchHandlers {
  onEvents(events: RawEvent[], headerRevision: number): void;
  /** the watch ended with an error (compacted → StoreError kind `compacted`) */
  onError(err: StoreError): void;
}

export interface ObjectStore {
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  get(key: string): Promise<KubeObject | undefined>;
  /** writes obj if the key's mod revision is still expectedRevision */
  update(key: string, obj: KubeObject, expectedRevision: number): Promise<KubeObject>;
  /** deletes if the key's mod revision is expectedRevision (when given); returns the deleted object */
  delete(key: string, expectedRevision?: number): Promise<KubeObject>;
  list(prefix: string, req?: ListRequest): Promise<StoredList>;
  /** count of keys under a prefix */
  count(prefix: string): Promise<number>;
  /**
   * At one revision: how many keys are under prefix, and whether any of them was modified after
   * `afterRevision` (modifiedAfter 0 or 1; a cache that has seen every event up to afterRevision and
   * holds `count` keys is current when none was).
   */
  prefixState(prefix: string, afterRevision: number): Promise<{ revision: number; count: number; modifiedAfter: number }>;
  currentRevision(): Promise<number>;
  /** events with revision > afterRevision under prefix */
  watch(prefix: string, afterRevision: number, handlers: StoreWatchHandlers): StoreWatch;
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
