// One etcd watch per resource prefix, fanned out in process to any number of subscribers. A ring of
// recent events lets a watch resume from a resourceVersion from memory; an older resourceVersion is
// served by a dedicated etcd watch from that revision (which answers `compacted` when too old).
// The cache also keeps the resource's current objects, so that lists are served from memory once
// etcd confirms the cache is current (as Kubernetes' consistent reads from cache do).
import type { ObjectStore, RawEvent, StoreWatch } from './object-store.js';
import { StoreError } from './object-store.js';
import { CachedObject, ObjectSnapshot } from './object-snapshot.js';

/** A list served from the cache: the objects under a prefix at one revision. */
export interface CachedList {
  revision: number;
  entries: CachedObject[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** how long a list waits for the cache to catch up with etcd before reading etcd instead */
const FRESHNESS_WAIT_MS = 250;

export interface Subscription {
  cancel(): void;
}

export interface WatchListener {
  onEvents(events: readonly RawEvent[]): void;
  /** progress: every event up to this revision has been delivered */
  onProgress?(revision: number): void;
  onError(err: StoreError): void;
}

export class ResourceWatchCache {
  private ring: RawEvent[] = [];
  private head = 0; // index of the oldest event in `ring` once full
  /** every event with revision > floor is in the ring */
  private floor = 0;
  private latest = 0;
  /** the revision of the last event applied to the snapshot */
  private appliedThrough = 0;
  private readonly listeners = new Set<WatchListener>();
  private etcdWatch?: StoreWatch;
  private starting?: Promise<void>;
  private readonly snapshot = new ObjectSnapshot();

  constructor(
    private readonly store: ObjectStore,
    readonly prefix: string,
    private readonly capacity = 4096,
  ) {}

  get latestRevision(): number {
    return this.latest;
  }

  get watcherCount(): number {
    return this.listeners.size;
  }

  start(): Promise<void> {
    if (!this.starting) {
      this.starting = (async () => {
        const list = await this.store.list(this.prefix, { raw: true });
        this.snapshot.clear();
        list.raws!.forEach((text, i) => this.snapshot.set(list.keys![i]!, new CachedObject(text)));
        this.floor = list.revision;
        this.latest = list.revision;
        this.appliedThrough = list.revision;
        this.openEtcdWatch(list.revision);
      })();
      this.starting.catch(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private openEtcdWatch(after: number): void {
    this.etcdWatch = this.store.watch(this.prefix, after, {
      onEvents: (events, header) => this.append(events, header),
      onError: () => {
        // The shared watch died (etcd restarted, or compacted past us): end every subscriber so
        // that clients re-list, and start afresh from the current revision.
        const ls = [...this.listeners];
        this.listeners.clear();
        for (const l of ls) l.onError(new StoreError('compacted', 'watch cache restarted: too old resource version'));
        this.ring = [];
        this.head = 0;
        this.snapshot.clear();
        this.etcdWatch = undefined;
        this.starting = undefined;
        setTimeout(() => void this.start().catch(() => undefined), 500).unref();
      },
    });
  }

  private append(events: RawEvent[], header: number): void {
    for (const ev of events) {
      if (this.ring.length < this.capacity) this.ring.push(ev);
      else {
        this.floor = this.ring[this.head]!.revision;
        this.ring[this.head] = ev;
        this.head = (this.head + 1) % this.capacity;
      }
      if (ev.revision > this.latest) this.latest = ev.revision;
      if (ev.revision > this.appliedThrough) this.appliedThrough = ev.revision;
      if (ev.type === 'DELETED') this.snapshot.delete(ev.key);
      else this.snapshot.set(ev.key, ev.current);
    }
    if (header > this.latest) this.latest = header;
    for (const l of this.listeners) l.onEvents(events);
  }

  private eventsAfter(rev: number): RawEvent[] {
    const n = this.ring.length;
    const out: RawEvent[] = [];
    for (let i = 0; i < n; i++) {
      const ev = this.ring[(this.head + i) % n]!;
      if (ev.revision > rev) out.push(ev);
    }
    return out;
  }

  /**
   * Delivers every event with revision > afterRevision, then live events. Resolves once subscribed;
   * an afterRevision older than the ring is served straight from etcd.
   */
  async subscribe(afterRevision: number, listener: WatchListener): Promise<Subscription> {
    await this.start();
    if (afterRevision < this.latest) {
      // Kubernetes answers 410 for a compacted revision even when its cache still has the events.
      try {
        await this.store.list(this.prefix, { revision: Math.max(1, afterRevision), limit: 1 });
      } catch (e) {
        if (e instanceof StoreError && e.kind === 'compacted') {
          queueMicrotask(() => listener.onError(e));
          return { cancel: () => undefined };
        }
        throw e;
      }
    }
    if (afterRevision >= this.floor) {
      const backlog = this.eventsAfter(afterRevision);
      if (backlog.length) listener.onEvents(backlog);
      const filtered: WatchListener = {
        onEvents: (evs) => {
          const fresh = evs[0]!.revision > afterRevision ? evs : evs.filter((e) => e.revision > afterRevision);
          if (fresh.length) listener.onEvents(fresh);
        },
        onProgress: listener.onProgress?.bind(listener),
        onError: listener.onError.bind(listener),
      };
      this.listeners.add(filtered);
      return { cancel: () => void this.listeners.delete(filtered) };
    }
    // Too old for the ring: a dedicated etcd watch from that revision.
    let ended = false;
    const w = this.store.watch(this.prefix, afterRevision, {
      onEvents: (evs) => !ended && listener.onEvents(evs),
      onError: (err) => {
        if (ended) return;
        ended = true;
        listener.onError(err);
      },
    });
    return {
      cancel: () => {
        ended = true;
        w.cancel();
      },
    };
  }

  /**
   * The objects under `prefix` (within this cache's prefix) as of the current etcd revision, or
   * undefined when the cache cannot confirm it is current within a short wait (read etcd then).
   */
  async list(prefix: string): Promise<CachedList | undefined> {
    await this.start();
    const deadline = Date.now() + FRESHNESS_WAIT_MS;
    for (;;) {
      const seen = this.latest;
      const size = this.snapshot.size;
      const state = await this.store.prefixState(this.prefix, seen);
      if (!this.etcdWatch) {
        if (Date.now() > deadline) return undefined;
        await sleep(5);
        continue;
      }
      // No key modified after `seen`, and as many keys as the cache holds (a delete after `seen`
      // would leave fewer): the cache is etcd's state for this prefix at state.revision.
      if (state.modifiedAfter === 0 && state.count === size && this.latest === seen) {
        return { revision: Math.max(state.revision, seen), entries: this.snapshot.entries(prefix) };
      }
      // Otherwise changes are in flight: once the watch has delivered an event at or past
      // state.revision, the cache holds every change up to it (events arrive in revision order).
      while (this.appliedThrough < state.revision && Date.now() <= deadline) await sleep(2);
      if (this.appliedThrough >= state.revision) {
        return { revision: this.appliedThrough, entries: this.snapshot.entries(prefix) };
      }
      if (Date.now() > deadline) return undefined;
    }
  }

  stop(): void {
    this.etcdWatch?.cancel();
    this.etcdWatch = undefined;
    this.listeners.clear();
  }
}

/** The caches of every resource prefix, created on first use. */
export class WatchCacheRegistry {
  private readonly caches = new Map<string, ResourceWatchCache>();
  constructor(private readonly store: ObjectStore, private readonly capacity = 4096) {}

  forPrefix(prefix: string): ResourceWatchCache {
    let c = this.caches.get(prefix);
    if (!c) {
      c = new ResourceWatchCache(this.store, prefix, this.capacity);
      this.caches.set(prefix, c);
    }
    return c;
  }

  watcherCount(): number {
    let n = 0;
    for (const c of this.caches.values()) n += c.watcherCount;
    return n;
  }

  stop(): void {
    for (const c of this.caches.values()) c.stop();
    this.caches.clear();
  }
}
