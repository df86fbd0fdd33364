// An in-memory ResourceClient for unit tests: a revision counter, an event log that watches
// replay from, compaction (watches from before it get a 410 ERROR event), and a way to end
// every open watch as a server restart would.
import type { DeleteOptions, KubeObject, List, Status, WatchEvent } from '../../api/types/meta.js';
import { ApiError } from '../../client/api-error.js';
import type { ListOptions, ResourceClient, Watch, WatchOptions } from '../../client/types.js';

interface OpenWatch {
  onEvent: (e: WatchEvent<KubeObject>) => void;
  end: () => void;
}

function gone(): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' };
}

export class FakeResourceClient implements ResourceClient<KubeObject> {
  rev = 1;
  compactedRev = 0;
  readonly objects = new Map<string, KubeObject>();
  readonly log: { rev: number; ev: WatchEvent<KubeObject> }[] = [];
  readonly watches = new Set<OpenWatch>();
  listCalls = 0;
  watchCalls: WatchOptions[] = [];

  private key(ns: string | undefined, name: string): string {
    return `${ns ?? ''}/${name}`;
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    const ev = { type, object: structuredClone(obj) };
    this.log.push({ rev: this.rev, ev });
    for (const w of this.watches) w.onEvent(ev);
  }

  put(obj: KubeObject): KubeObject {
    const k = this.key(obj.metadata.namespace, obj.metadata.name!);
    const existed = this.objects.has(k);
    this.rev++;
    const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(this.rev) } };
    this.objects.set(k, stored);
    this.emit(existed ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  remove(ns: string | undefined, name: string): void {
    const k = this.key(ns, name);
    const obj = this.objects.get(k);
    if (!obj) return;
    this.objects.delete(k);
    this.rev++;
    this.emit('DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rev) } });
  }

  compact(): void {
    this.compactedRev = this.rev;
  }

  endWatches(): void {
    for (const w of [...this.watches]) w.end();
  }

  async list(_ns?: string, opts?: ListOptions): Promise<List<KubeObject>> {
    this.listCalls++;
    const all = [...this.objects.values()].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    const start = opts?.continue ? Number(opts.continue) : 0;
    const end = opts?.limit ? start + opts.limit : all.length;
    return {
      kind: 'List',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.rev), continue: end < all.length ? String(end) : undefined },
      items: structuredClone(all.slice(start, end)),
    };
  }

  watch(_ns: string | undefined, opts: WatchOptions, onEvent: (e: WatchEvent<KubeObject>) => void): Watch {
    this.watchCalls.push(opts);
    const from = Number(opts.resourceVersion ?? '0');
    let resolveDone!: () => void;
    let rejectDone!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    done.catch(() => undefined);
    const w: OpenWatch = {
      onEvent,
      end: () => {
        this.watches.delete(w);
        resolveDone();
      },
    };
    queueMicrotask(() => {
      if (from < this.compactedRev) {
        rejectDone(new ApiError(gone()));
        return;
      }
      for (const { rev, ev } of this.log) if (rev > from) onEvent(ev);
      this.watches.add(w);
    });
    return { stop: () => w.end(), done };
  }

  async get(ns: string | undefined, name: string): Promise<KubeObject> {
    const o = this.objects.get(this.key(ns, name));
    if (!o) throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: `"${name}" not found` });
    return structuredClone(o);
  }

  async create(_ns: string | undefined, obj: KubeObject): Promise<KubeObject> {
    return this.put(obj);
  }
  async update(_ns: string | undefined, obj: KubeObject): Promise<KubeObject> {
    return this.put(obj);
  }
  async updateStatus(_ns: string | undefined, obj: KubeObject): Promise<KubeObject> {
    return this.put(obj);
  }
  async patch(_ns: string | undefined, _name: string, _patch: unknown): Promise<KubeObject> {
    throw new Error('FakeResourceClient.patch is not used by these tests');
  }
  async delete(ns: string | undefined, name: string, _opts?: DeleteOptions): Promise<KubeObject | Status> {
    const o = await this.get(ns, name);
    this.remove(ns, name);
    return o;
  }
  async deleteCollection(): Promise<unknown> {
    throw new Error('FakeResourceClient.deleteCollection is not used by these tests');
  }
  async createSubresource(): Promise<unknown> {
    throw new Error('FakeResourceClient.createSubresource is not used by these tests');
  }
  async getSubresource(): Promise<unknown> {
    throw new Error('FakeResourceClient.getSubresource is not used by these tests');
  }
}
