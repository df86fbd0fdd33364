// ObjectStore on etcd v3 (etcd3 client, raw KV RPCs for speed): values are the object's JSON without
// metadata.resourceVersion, which is filled from the key's mod revision on every read.
import { Etcd3, type IKeyValue, type IEvent } from 'etcd3';
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
import { CachedObject } from './object-snapshot.js';

/** keys per etcd range request when listing */
const LIST_PAGE = 5000;

/** Stored JSON: apiVersion, kind and metadata first (rawWithVersion relies on it), no resourceVersion. */
function encode(obj: KubeObject): Buffer {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  return Buffer.from(JSON.stringify({ apiVersion, kind, metadata: meta, ...rest }));
}

/** The stored JSON text with metadata.resourceVersion (default: the key's mod revision) spliced in, without a parse. */
function rawWithVersion(kv: IKeyValue, revision: string = kv.mod_revision): string {
  const text = kv.value.toString('utf8');
  const at = text.indexOf('"metadata":{');
  if (at < 0) return JSON.stringify(decode(kv, revision));
  const i = at + '"metadata":{'.length;
  const rv = `"resourceVersion":${JSON.stringify(revision)}`;
  return text.slice(0, i) + (text[i] === '}' ? rv : `${rv},`) + text.slice(i);
}

function decode(kv: IKeyValue, revision?: string): KubeObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KubeObject;
  obj.metadata.resourceVersion = revision ?? kv.mod_revision;
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

function isCompacted(e: unknown): boolean {
  return /compacted/i.test((e as Error)?.message ?? '');
}

export class EtcdStore implements ObjectStore {
  private readonly client: Etcd3;

  constructor(endpoints: string[]) {
    this.client = new Etcd3({ hosts: endpoints, dialTimeout: 5000, grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 } });
  }

  async create(key: string, obj: KubeObject): Promise<KubeObject> {
    const k = Buffer.from(key);
    let res;
    try {
      res = await this.client.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: k, value: encode(obj) } }],
        failure: [],
      });
    } catch (e) {
      throw unavailable(e);
    }
    if (!res.succeeded) throw new StoreError('exists', `${key} already exists`);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: res.header.revision } };
  }

  async get(key: string): Promise<KubeObject | undefined> {
    let res;
    try {
      res = await this.client.kv.range({ key: Buffer.from(key) });
    } catch (e) {
      throw unavailable(e);
    }
    const kv = res.kvs[0];
    return kv ? decode(kv) : undefined;
  }

  async update(key: string, obj: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const k = Buffer.from(key);
    let res;
    try {
      res = await this.client.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision }],
        success: [{ request_put: { key: k, value: encode(obj) } }],
        failure: [{ request_range: { key: k } }],
      });
    } catch (e) {
      throw unavailable(e);
    }
    if (!res.succeeded) {
      const kv = res.responses[0]?.response_range?.kvs[0];
      if (!kv) throw new StoreError('notfound', `${key} not found`);
      throw new StoreError('conflict', `${key} was modified`, decode(kv));
    }
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: res.header.revision } };
  }

  async delete(key: string, expectedRevision?: number): Promise<KubeObject> {
    const k = Buffer.from(key);
    let res;
    try {
      res = await this.client.kv.txn({
        compare: expectedRevision === undefined
          ? [{ key: k, target: 'Version', result: 'Greater', version: 0 }]
          : [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision }],
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      });
    } catch (e) {
      throw unavailable(e);
    }
    if (!res.succeeded) {
      const kv = res.responses[0]?.response_range?.kvs[0];
      if (!kv) throw new StoreError('notfound', `${key} not found`);
      throw new StoreError('conflict', `${key} was modified`, decode(kv));
    }
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (!prev) throw new StoreError('notfound', `${key} not found`);
    return decode(prev, res.header.revision);
  }

  async list(prefix: string, req: ListRequest = {}): Promise<StoredList> {
    // Ranges are read in pages (gRPC messages are limited to 4 MiB), all at the first page's revision.
    const end = prefixEnd(prefix);
    const want = req.limit && req.limit > 0 ? req.limit : Infinity;
    let start = req.startKey ? Buffer.from(req.startKey) : Buffer.from(prefix);
    let revision = req.revision ?? 0;
    const items: KubeObject[] = [];
    const raws: string[] = [];
    const keys: string[] = [];
    const count = (): number => (req.raw ? raws.length : items.length);
    for (;;) {
      const pageLimit = Math.min(LIST_PAGE, want - count());
      let res;
      try {
        res = await this.client.kv.range({ key: start, range_end: end, limit: pageLimit, revision });
      } catch (e) {
        if (isCompacted(e)) throw new StoreError('compacted', `revision ${revision} has been compacted`);
        throw unavailable(e);
      }
      if (!revision) revision = Number(res.header.revision);
      if (req.raw) {
        for (const kv of res.kvs) {
          raws.push(rawWithVersion(kv));
          keys.push(kv.key.toString('utf8'));
        }
      }
      else for (const kv of res.kvs) items.push(decode(kv));
      const total = Number(res.count);
      const last = res.kvs[res.kvs.length - 1];
      if (!res.more || !last) return { items, raws: req.raw ? raws : undefined, keys: req.raw ? keys : undefined, revision, remaining: 0 };
      const nextKey = last.key.toString('utf8') + '\x00';
      if (count() >= want) return { items, raws: req.raw ? raws : undefined, keys: req.raw ? keys : undefined, revision, nextKey, remaining: Math.max(0, total - res.kvs.length) };
      start = Buffer.from(nextKey);
    }
  }

  async count(prefix: string): Promise<number> {
    try {
      const res = await this.client.kv.range({ key: Buffer.from(prefix), range_end: prefixEnd(prefix), count_only: true });
      return Number(res.count);
    } catch (e) {
      throw unavailable(e);
    }
  }

  async prefixState(prefix: string, afterRevision: number): Promise<{ revision: number; count: number; modifiedAfter: number }> {
    const key = Buffer.from(prefix);
    const range_end = prefixEnd(prefix);
    let res;
    try {
      res = await this.client.kv.txn({
        compare: [],
        success: [
          { request_range: { key, range_end, count_only: true } },
          // (etcd's count ignores min_mod_revision, so ask for one matching key instead)
          { request_range: { key, range_end, keys_only: true, limit: 1, min_mod_revision: afterRevision + 1 } },
        ],
        failure: [],
      });
    } catch (e) {
      throw unavailable(e);
    }
    return {
      revision: Number(res.header.revision),
      count: Number(res.responses[0]!.response_range.count),
      modifiedAfter: res.responses[1]!.response_range.kvs.length,
    };
  }

  async currentRevision(): Promise<number> {
    try {
      const res = await this.client.kv.range({ key: Buffer.from('/registry/~revision'), count_only: true });
      return Number(res.header.revision);
    } catch (e) {
      throw unavailable(e);
    }
  }

  watch(prefix: string, afterRevision: number, handlers: StoreWatchHandlers): StoreWatch {
    let cancelled = false;
    const watcher = this.client
      .watch()
      .prefix(prefix)
      .withPreviousKV()
      .startRevision(String(afterRevision + 1))
      .watcher();
    watcher.on('data', (res) => {
      if (cancelled || !res.events.length) return;
      const events: RawEvent[] = res.events.map((ev: IEvent) => toRawEvent(ev));
      handlers.onEvents(events, Number(res.header.revision));
    });
    watcher.on('error', (e: Error) => {
      if (cancelled) return;
      cancelled = true;
      watcher.cancel().catch(() => undefined);
      handlers.onError(
        isCompacted(e)
          ? new StoreError('compacted', `too old resource version: ${afterRevision}`)
          : new StoreError('unavailable', `etcd watch: ${e.message}`),
      );
    });
    return {
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        watcher.cancel().catch(() => undefined);
      },
    };
  }

  async compact(revision: number): Promise<void> {
    await this.client.kv.compact({ revision, physical: true });
  }

  async close(): Promise<void> {
    this.client.close();
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
    private readonly prevKv: IKeyValue | undefined,
  ) {}

  get object(): KubeObject {
    return this.current.object;
  }

  get previous(): KubeObject | undefined {
    if (!this.prevKv) return undefined;
    return (this.prev ??= decode(this.prevKv));
  }
}

function toRawEvent(ev: IEvent): RawEvent {
  const key = ev.kv.key.toString('utf8');
  const prevKv = ev.prev_kv && ev.prev_kv.value?.length ? ev.prev_kv : undefined;
  const revision = Number(ev.kv.mod_revision);
  if (ev.type === 'Delete') {
    if (!prevKv) throw new StoreError('unavailable', `etcd watch: delete of ${key} without its previous value`);
    return new EtcdWatchEvent('DELETED', key, revision, new CachedObject(rawWithVersion(prevKv, ev.kv.mod_revision)), prevKv);
  }
  const type = ev.kv.version === '1' ? 'ADDED' : 'MODIFIED';
  return new EtcdWatchEvent(type, key, revision, new CachedObject(rawWithVersion(ev.kv)), prevKv);
}
