// The informer: list (paginated) into a cache, then watch from the list's resourceVersion with
// bookmarks. A watch that ends cleanly is resumed from the last resourceVersion seen; a failed one
// is retried with back-off; 410 Gone relists and delivers the difference so handlers converge.
// Every handler call happens in stream order on the event loop, so none sees events out of order.
import type { KubeObject, WatchEvent } from '../api/types/meta.js';
import { isGone } from './api-error.js';
import { clientLog } from './client-log.js';
import { diffList, ObjectStore, type IndexName } from './object-store.js';
import type { Informer, InformerHandlers, InformerOptions, ResourceClient, Watch } from './types.js';

const PAGE_SIZE = 500;
const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

class ListWatchInformer<T extends KubeObject> implements Informer<T> {
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly store = new ObjectStore<T>();
  private readonly stopController = new AbortController();
  private synced = false;
  private rv = '';
  private watch: Watch | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private started: Promise<void> | undefined;
  private backoffMs = MIN_BACKOFF_MS;
  private eventsSeen = 0;

  constructor(
    private readonly client: ResourceClient<T>,
    private readonly opts: InformerOptions,
  ) {}

  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced && h.add) for (const obj of this.store.list()) this.call(() => h.add?.(obj));
  }

  start(): Promise<void> {
    if (!this.started) {
      this.started = new Promise<void>((resolve, reject) => {
        void this.run(resolve, reject);
      });
      // stop() before the first list rejects start(); a caller that did not await it must not crash
      this.started.catch(() => undefined);
    }
    return this.started;
  }

  stop(): void {
    if (this.stopController.signal.aborted) return;
    this.stopController.abort();
    this.watch?.stop();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): T[] {
    return this.store.list();
  }

  byIndex(index: IndexName, value: string): T[] {
    return this.store.byIndex(index, value);
  }

  lastResourceVersion(): string {
    return this.rv;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(onSynced: () => void, onStopped: (e: Error) => void): Promise<void> {
    while (!this.stopped) {
      try {
        await this.relist();
      } catch (e) {
        if (this.stopped) break;
        clientLog.warn({ err: (e as Error).message, resource: this.describe() }, 'informer list failed; retrying');
        await this.sleepBackoff();
        continue;
      }
      if (!this.synced) {
        this.synced = true;
        this.startResync();
        onSynced();
      }
      while (!this.stopped) {
        try {
          const started = Date.now();
          const before = this.eventsSeen;
          await this.watchOnce();
          // a server that ends watches at once must not make us spin
          if (Date.now() - started < 1000 && this.eventsSeen === before) await this.sleepBackoff();
        } catch (e) {
          if (this.stopped) break;
          if (isGone(e)) {
            clientLog.info({ resource: this.describe(), resourceVersion: this.rv }, 'watch expired (410); relisting');
            break;
          }
          clientLog.warn({ err: (e as Error).message, resource: this.describe() }, 'watch failed; retrying');
          await this.sleepBackoff();
        }
      }
    }
    if (!this.synced) onStopped(new Error(`informer for ${this.describe()} stopped before its first list`));
  }

  private describe(): string {
    return `${(this.client as { info?: { resource?: string } }).info?.resource ?? 'objects'}${this.opts.namespace ? ` in ${this.opts.namespace}` : ''}`;
  }

  private async relist(): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list(this.opts.namespace, {
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        limit: PAGE_SIZE,
        continue: cont,
      });
      items.push(...page.items);
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
    } while (cont && !this.stopped);
    if (this.stopped) return;
    const diff = diffList(this.store.entries(), items);
    this.rv = rv;
    for (const obj of diff.deletes) {
      this.store.remove(obj);
      this.emit((h) => h.delete?.(obj));
    }
    for (const obj of diff.adds) {
      this.store.upsert(obj);
      this.emit((h) => h.add?.(obj));
    }
    for (const { oldObj, newObj } of diff.updates) {
      this.store.upsert(newObj);
      this.emit((h) => h.update?.(oldObj, newObj));
    }
    this.backoffMs = MIN_BACKOFF_MS;
  }

  private async watchOnce(): Promise<void> {
    const w = this.client.watch(
      this.opts.namespace,
      {
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        // like client-go: end each watch after 5-10 min so a silently dead connection is noticed
        timeoutSeconds: 300 + Math.floor(Math.random() * 300),
      },
      (ev) => this.onEvent(ev),
    );
    this.watch = w;
    if (this.stopped) w.stop();
    const before = this.eventsSeen;
    await w.done;
    if (this.eventsSeen > before) this.backoffMs = MIN_BACKOFF_MS;
  }

  private onEvent(ev: WatchEvent<T>): void {
    this.eventsSeen++;
    const obj = ev.object;
    const rv = obj?.metadata?.resourceVersion;
    if (rv) this.rv = rv;
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const old = this.store.upsert(obj);
        if (old) this.emit((h) => h.update?.(old, obj));
        else this.emit((h) => h.add?.(obj));
        break;
      }
      case 'DELETED': {
        const old = this.store.remove(obj);
        this.emit((h) => h.delete?.(obj ?? old));
        break;
      }
      default:
        break; // BOOKMARK only moves the resourceVersion
    }
  }

  private startResync(): void {
    const every = this.opts.resyncMs ?? 0;
    if (every <= 0) return;
    this.resyncTimer = setInterval(() => {
      for (const obj of this.store.list()) this.emit((h) => h.update?.(obj, obj));
    }, every);
    this.resyncTimer.unref();
  }

  private emit(fn: (h: InformerHandlers<T>) => void): void {
    for (const h of this.handlers) this.call(() => fn(h));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      clientLog.error({ err: (e as Error).message, resource: this.describe() }, 'informer handler threw');
    }
  }

  private sleepBackoff(): Promise<void> {
    const ms = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.stopController.signal;
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}

export function createInformer<T extends KubeObject = KubeObject>(client: ResourceClient<T>, opts: InformerOptions = {}): Informer<T> {
  return new ListWatchInformer<T>(client, opts);
}
