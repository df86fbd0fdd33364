// The informer's cache: objects keyed by `namespace/name` (or `name` when cluster-scoped), with
// the `namespace` and `nodeName` indexes, and the pure diff a relist delivers.
import type { KubeObject } from '../api/types/meta.js';

export type IndexName = 'namespace' | 'nodeName';

export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata?.name ?? '');
}

function indexValues(obj: KubeObject): Record<IndexName, string | undefined> {
  const spec = obj.spec as { nodeName?: unknown } | undefined;
  return {
    namespace: obj.metadata?.namespace || undefined,
    nodeName: typeof spec?.nodeName === 'string' && spec.nodeName ? spec.nodeName : undefined,
  };
}

export interface ListDiff<T> {
  adds: T[];
  updates: { oldObj: T; newObj: T }[];
  deletes: T[];
}

/**
 * What turns the cached state into a freshly listed one: objects new to the cache, objects whose
 * resourceVersion changed (or whose uid changed: deleted and re-created), and objects gone.
 */
export function diffList<T extends KubeObject>(cached: ReadonlyMap<string, T>, listed: readonly T[]): ListDiff<T> {
  const diff: ListDiff<T> = { adds: [], updates: [], deletes: [] };
  const seen = new Set<string>();
  for (const obj of listed) {
    const key = objectKey(obj);
    seen.add(key);
    const old = cached.get(key);
    if (!old) diff.adds.push(obj);
    else if (old.metadata.uid && obj.metadata.uid && old.metadata.uid !== obj.metadata.uid) {
      diff.deletes.push(old);
      diff.adds.push(obj);
    } else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) diff.updates.push({ oldObj: old, newObj: obj });
  }
  for (const [key, old] of cached) if (!seen.has(key)) diff.deletes.push(old);
  return diff;
}

export class ObjectStore<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexes: Record<IndexName, Map<string, Set<string>>> = { namespace: new Map(), nodeName: new Map() };

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  entries(): ReadonlyMap<string, T> {
    return this.items;
  }

  size(): number {
    return this.items.size;
  }

  /** Stores the object; returns the previous version. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes the object; returns the last cached version. */
  remove(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  byIndex(index: IndexName, value: string): T[] {
    const keys = this.indexes[index].get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  private index(key: string, obj: T): void {
    const values = indexValues(obj);
    for (const name of ['namespace', 'nodeName'] as const) {
      const v = values[name];
      if (v === undefined) continue;
      let set = this.indexes[name].get(v);
      if (!set) this.indexes[name].set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    const values = indexValues(obj);
    for (const name of ['namespace', 'nodeName'] as const) {
      const v = values[name];
      if (v === undefined) continue;
      const set = this.indexes[name].get(v);
      set?.delete(key);
      if (set && set.size === 0) this.indexes[name].delete(v);
    }
  }
}
