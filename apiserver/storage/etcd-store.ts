// ObjectStore on etcd v3 (Skiff's own lean gRPC client, see etcd/): values are the object's JSON
// without metadata.resourceVersion, which is filled from the key's mod revision on every read.
import type { KubeObject } from '../../api/types/meta.js';
import {
  type ListRequest,
  type ObjectStore,
  type RawEvent,
  type RawEventType,
  StoreError,
  type StoredList,
  type StoreWatch,
  type StoreWatchHandlers,
} from './object-store.js';
import { CachedObject, rememberObjectJson } from './object-snapshot.js';
import { EtcdClient, type EtcdClientOptions, isCompactedError } from './etcd/etcd-client.js';
import type { KeyValue } from './etcd/etcd-kv-messages.js';
import type { WatchEvent } from './etcd/etcd-watch-messages.js';
import { resumingWatch } from './etcd/resuming-watch.js';

/** keys per etcd range request when listing */
const LIST_PAGE = 5000;

/** Stored JSON: apiVersion, kind and metadata first (rawWithVersion relies on it), no resourceVersion. */
function encode(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
}

/** Stored JSON text with metadata.resourceVersion spliced in, without a parse; undefined if it has no metadata. */
function withVersion(text: string, revision: string): string | undefined {
  const at = text.indexOf('"metadata":{');
  if (at < 0) return undefined;
  const i = at + '"metadata":{'.length;
  const rv = `"resourceVersion":${JSON.stringify(revision)}`;
  return text.slice(0, i) + (text[i] === '}' ? rv : `${rv},`) + text.slice(i);
}

/** The stored JSON text with metadata.resourceVersion (default: the key's mod revision) spliced in. */
function rawWithVersion(kv: KeyValue, revision: string = String(kv.modRevision)): string {
  return withVersion(kv.value.toString('utf8'), revision) ?? JSON.stringify(decode(kv, revision));
}

/** The object as written at a revision, with its JSON text remembered for the reply. */
function written(obj: KubeObject, value: string, revision: number): KubeObject {
  const rv = String(revision);
  const out = { ...obj, metadata: { ...obj.metadata, resourceVersion: rv } };
  const text = withVersion(value, rv);
  if (text !== undefined) rememberObjectJson(out, text);
  return out;
}

function decode(kv: KeyValue, revision?: string): KubeObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  obj.metadata.resourceVersion = revision ?? String(kv.modRevision);
  return obj;
}

/** The end of a prefix range: the prefix with its last byte incremented. */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  const end = Buffer.from(b);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function unavailable(e: unknown): StoreError {
  return new StoreError('unavailable', `etcd: ${(e as Error).message ?? String(e)}`);
}

export class EtcdStore implements ObjectStore {
  private readonly client: EtcdClient;

  /** throws when an endpoint is not an http:// or https:// URL */
  constructor(endpoints: string[], options: Omit<EtcdClientOptions, 'endpoints'> = {}) {
    this.client = new EtcdClient({ ...options, endpoints });
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    const value = encode(obj);
    let res;
    try {
      res = await this.client.txn({
        compare: [{ key, target: 'mod', result: 'equal', modRevision: 0 }],
        success: [{ put: { key, value } }],
        failure: [],
      });
    } catch (e) {
      throw unavailable(e);
    }
    if (!res.succeeded) throw new StoreError('exists', `${key} already exists`);
    return written(obj, value, res.header.revision);
  }

  async get(key: string): Promise<KubeObject | undefined> {
    let res;
    try {
      res = await this.client.range({ key });
    } catch (e) {
      throw unavailable(e);
    }
    const kv = res.kvs[0];
    return kv ? decode(kv) : undefined;
  }

  async update(key: string, obj: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const value = encode(obj);
    let res;
    try {
      res = await this.client.txn({
        compare: [{ key, target: 'mod', result: 'equal', modRevision: expectedRevision }],
        success: [{ put: { key, value } }],
        failure: [{ range: { key } }],
      });
    } catch (e) {
      throw unavailable(e);
    }
    if (!res.succeeded) {
      const kv = res.responses[0]?.range?.kvs[0];
      if (!kv) throw new StoreError('notfound', `${key} not found`);
      throw new StoreError('conflict', `${key} was modified`, decode(kv));
    }
    return written(obj, value, res.header.revision);
  }

  async delete(key: string, expectedRevision?: number): Promise<KubeObject> {
    let res;
    try {
      res = await this.client.txn({
        compare: expectedRevision === undefined
          ? [{ key, target: 'version', result: 'greater', version: 0 }]
          : [{ key, target: 'mod', result: 'equal', modRevision: expectedRevision }],
        success: [{ deleteRange: { key, prevKv: true } }],
        failure: [{ range: { key } }],
      });
    } catch (e) {
      throw unavailable(e);
    }
    if (!res.succeeded) {
      const kv = res.responses[0]?.range?.kvs[0];
      if (!kv) throw new StoreError('notfound', `${key} not found`);
      throw new StoreError('conflict', `${key} was modified`, decode(kv));
    }
    const prev = res.responses[0]?.deleteRange?.prevKvs[0];
    if (!prev) throw new StoreError('notfound', `${key} not found`);
    return decode(prev, String(res.header.revision));
  }

  async list(prefix: string, req: ListRequest = {}): Promise<StoredList> {
    // Ranges are read in pages (bounded response messages), all at the first page's revision.
    const end = prefixEnd(prefix);
    const want = req.limit && req.limit > 0 ? req.limit : Infinity;
    let start: string = req.startKey ?? prefix;
    let revision = req.revision ?? 0;
    const items: KubeObject[] = [];
    const raws: string[] = [];
    const keys: string[] = [];
    const count = (): number => (req.raw ? raws.length : items.length);
    for (;;) {
      const pageLimit = Math.min(LIST_PAGE, want - count());
      let res;
      try {
        res = await this.client.range({ key: start, rangeEnd: end, limit: pageLimit, revision });
      } catch (e) {
        if (isCompactedError(e)) throw new StoreError('compacted', `revision ${revision} has been compacted`);
        throw unavailable(e);
      }
      if (!revision) revision = res.header.revision;
      if (req.raw) {
        for (const kv of res.kvs) {
          raws.push(rawWithVersion(kv));
          keys.push(kv.key.toString('utf8'));
        }
      }
      else for (const kv of res.kvs) items.push(decode(kv));
      const total = res.count;
      const last = res.kvs[res.kvs.length - 1];
      if (!res.more || !last) return { items, raws: req.raw ? raws : undefined, keys: req.raw ? keys : undefined, revision, remaining: 0 };
      const nextKey = last.key.toString('utf8') + '\x00';
      if (count() >= want) return { items, raws: req.raw ? raws : undefined, keys: req.raw ? keys : undefined, revision, nextKey, remaining: Math.max(0, total - res.kvs.length) };
      start = nextKey;
    }
  }

  async count(prefix: string): Promise<number> {
    try {
      const res = await this.client.range({ key: prefix, rangeEnd: prefixEnd(prefix), countOnly: true });
      return res.count;
    } catch (e) {
      throw unavailable(e);
    }
  }

  async prefixState(prefix: string, afterRevision: number): Promise<{ revision: number; count: number; modifiedAfter: number }> {
    const rangeEnd = prefixEnd(prefix);
    let res;
    try {
      res = await this.client.txn({
        compare: [],
        success: [
          { range: { key: prefix, rangeEnd, countOnly: true } },
          // (etcd's count ignores min_mod_revision, so ask for one matching key instead)
          { range: { key: prefix, rangeEnd, keysOnly: true, limit: 1, minModRevision: afterRevision + 1 } },
        ],
        failure: [],
      });
    } catch (e) {
      throw unavailable(e);
    }
    const counted = res.responses[0]?.range;
    const modified = res.responses[1]?.range;
    if (!counted || !modified) throw new StoreError('unavailable', `etcd: the prefixState transaction on ${prefix} answered ${res.responses.length} range responses, expected 2`);
    return { revision: res.header.revision, count: counted.count, modifiedAfter: modified.kvs.length };
  }

  async currentRevision(): Promise<number> {
    try {
      const res = await this.client.range({ key: '/registry/~revision', countOnly: true });
      return res.header.revision;
    } catch (e) {
      throw unavailable(e);
    }
  }

  watch(prefix: string, afterRevision: number, handlers: StoreWatchHandlers): StoreWatch {
    let cancelled = false;
    // The watch survives stream loss (an etcd restart) by resuming after the last event, as the etcd3
    // client's watcher did; it ends only on compaction, a cancel by etcd, or close().
    const watch = resumingWatch(this.client, { key: prefix, rangeEnd: prefixEnd(prefix), prevKv: true, startRevision: afterRevision + 1 }, {
      onEvents: (events, headerRevision) => {
        if (cancelled) return;
        let raw: RawEvent[];
        try {
          raw = events.map(toRawEvent);
        } catch (e) {
          cancelled = true;
          watch.cancel();
          handlers.onError(e instanceof StoreError ? e : new StoreError('unavailable', `etcd watch: ${(e as Error).message}`));
          return;
        }
        handlers.onEvents(raw, headerRevision);
      },
      onError: (e) => {
        if (cancelled) return;
        cancelled = true;
        handlers.onError(
          isCompactedError(e)
            ? new StoreError('compacted', `too old resource version: ${afterRevision}`)
            : new StoreError('unavailable', `etcd watch: ${e.message}`),
        );
      },
    });
    return {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        watch.cancel();
      },
    };
  }

  async compact(revision: number): Promise<void> {
    await this.client.compact(revision, true);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A watch event whose objects are parsed only when someone looks at them. */
class EtcdWatchEvent implements RawEvent {
  private prev?: KubeObject;

  constructor(
    readonly type: RawEventType,
    readonly key: string,
    readonly revision: number,
    readonly current: CachedObject,
    private readonly prevKv: KeyValue | undefined,
  ) {}

  get object(): KubeObject {
    return this.current.object;
  }

  get previous(): KubeObject | undefined {
    if (!this.prevKv) return undefined;
    return (this.prev ??= decode(this.prevKv));
  }
}

function toRawEvent(ev: WatchEvent): RawEvent {
  const key = ev.kv.key.toString('utf8');
  const prevKv = ev.prevKv && ev.prevKv.value.length ? ev.prevKv : undefined;
  const revision = ev.kv.modRevision;
  if (ev.type === 'delete') {
    if (!prevKv) throw new StoreError('unavailable', `etcd watch: delete of ${key} without its previous value`);
    return new EtcdWatchEvent('DELETED', key, revision, new CachedObject(rawWithVersion(prevKv, String(revision))), prevKv);
  }
  const type = ev.kv.version === 1 ? 'ADDED' : 'MODIFIED';
  return new EtcdWatchEvent(type, key, revision, new CachedObject(rawWithVersion(ev.kv)), prevKv);
}
