// Namespace existence for creates: a set kept current by the namespaces watch cache, with a read
// from the store when a name is not (yet) in the set, so a just-created namespace is never missed.
import { findByResource } from '../api/resources.js';
import type { ObjectStore } from './storage/object-store.js';
import type { WatchCacheRegistry, Subscription } from './storage/watch-cache.js';
import { objectKey, resourcePrefix } from './storage/keys.js';
import type { NamespaceChecker } from './registry/registry.js';

const NAMESPACES = findByResource('', 'namespaces')!;

export class NamespaceCache implements NamespaceChecker {
  private readonly names = new Set<string>();
  private sub?: Subscription;

  constructor(private readonly store: ObjectStore, private readonly caches: WatchCacheRegistry) {}

  async start(): Promise<void> {
    const list = await this.store.list(resourcePrefix(NAMESPACES));
    for (const ns of list.items) this.names.add(ns.metadata.name!);
    this.sub = await this.caches.forPrefix(resourcePrefix(NAMESPACES)).subscribe(list.revision, {
      onEvents: (evs) => {
        for (const ev of evs) {
          if (ev.type === 'DELETED') this.names.delete(ev.object.metadata.name!);
          else this.names.add(ev.object.metadata.name!);
        }
      },
      onError: () => {
        this.sub = undefined;
        this.names.clear();
        setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
      },
    });
  }

  async exists(name: string): Promise<boolean> {
    if (this.sub && this.names.has(name)) return true;
    const obj = await this.store.get(objectKey(NAMESPACES, undefined, name));
    if (obj) this.names.add(name);
    return obj !== undefined;
  }

  stop(): void {
    this.sub?.cancel();
  }
}
