// The garbage collector: deletes objects whose owners are all gone (Background), strips owner
// references from dependents of an object deleted with the `orphan` finalizer (Orphan), and
// deletes dependents before releasing an owner held by `foregroundDeletion` (Foreground).
import type { KubeObject, OwnerReference } from '../../api/types/index.js';
import { findByKind } from '../../api/resources.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import { createWorkQueue } from '../../client/work-queue.js';
import type { ResourceClient, WorkQueue } from '../../client/types.js';
import type { Controller, ControllerContext } from '../common/controller-context.js';
import { runWorkers, type SyncResult } from '../common/worker-loop.js';
import { decideGc, type Dependent, type OwnerState } from './gc-decision.js';
import { OwnerGraph } from './owner-graph.js';

/** the resources whose objects can own or be owned */
export const GC_RESOURCES = ['deployments', 'replicasets', 'pods'] as const;

const WORKERS = 5;
/** how many confirmed-absent owner uids to remember (oldest forgotten first; a GET re-checks) */
const MAX_ABSENT = 50_000;

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private readonly queue: WorkQueue<string> = createWorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });
  private readonly graph = new OwnerGraph();
  /** owner uids confirmed absent by a GET (uids are never reused) */
  private readonly absent = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  init(): void {
    for (const resource of GC_RESOURCES) {
      this.ctx.informers.get<KubeObject>(resource).addHandlers({
        add: (o) => this.observe(resource, o),
        update: (_old, o) => this.observe(resource, o),
        delete: (o) => this.gone(o),
      });
    }
  }

  async run(): Promise<void> {
    this.ctx.signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    await runWorkers(this.queue, WORKERS, (k) => this.sync(k), this.ctx.log.child({ controller: this.name }));
  }

  private observe(resource: string, o: KubeObject): void {
    this.graph.upsert(resource, o);
    const uid = o.metadata.uid;
    if (!uid) return;
    if (o.metadata.ownerReferences?.length || o.metadata.deletionTimestamp) this.queue.add(uid);
    // an owner being deleted in the foreground or orphaning: its dependents matter now
    if (o.metadata.deletionTimestamp) for (const d of this.graph.dependents(uid)) this.queue.add(d.obj.metadata.uid ?? '');
  }

  private gone(o: KubeObject): void {
    const uid = o.metadata.uid;
    if (!uid) return;
    this.graph.remove(o);
    const dependents = this.graph.dependents(uid);
    if (dependents.length > 0) this.markAbsent(uid);
    for (const d of dependents) this.queue.add(d.obj.metadata.uid ?? '');
    // owners waiting for this dependent in the foreground
    for (const r of o.metadata.ownerReferences ?? []) this.queue.add(r.uid);
  }

  private markAbsent(uid: string): void {
    this.absent.add(uid);
    if (this.absent.size > MAX_ABSENT) {
      const oldest = this.absent.values().next().value;
      if (oldest !== undefined) this.absent.delete(oldest);
    }
  }

  private ownerState(obj: KubeObject, ref: OwnerReference): OwnerState {
    if (this.absent.has(ref.uid)) return 'absent';
    const n = this.graph.get(ref.uid);
    if (n) return 'present';
    return 'unknown';
  }

  private client(resource: string): ResourceClient<KubeObject> {
    return this.ctx.client.resource<KubeObject>(resource);
  }

  /** GETs owners the graph does not know: absent when not found or a different uid */
  private async verify(obj: KubeObject, refs: OwnerReference[]): Promise<void> {
    for (const r of refs) {
      const info = findByKind(r.apiVersion, r.kind);
      if (!info) {
        this.markAbsent(r.uid);
        continue;
      }
      try {
        const owner = await this.client(info.resource).get(info.namespaced ? obj.metadata.namespace : undefined, r.name);
        if (owner.metadata.uid !== r.uid) this.markAbsent(r.uid);
        else this.graph.upsert(info.resource, owner);
      } catch (e) {
        if (isNotFound(e)) this.markAbsent(r.uid);
        else throw e;
      }
    }
  }

  async sync(uid: string): Promise<SyncResult | void> {
    const node = this.graph.get(uid);
    if (!node) return;
    for (let round = 0; round < 2; round++) {
      const obj = this.graph.get(uid)?.obj ?? node.obj;
      const owners = new Map<string, OwnerState>();
      for (const r of obj.metadata.ownerReferences ?? []) owners.set(r.uid, this.ownerState(obj, r));
      const dependents: Dependent[] = [];
      for (const d of this.graph.dependents(uid)) {
        const ref = d.obj.metadata.ownerReferences?.find((r) => r.uid === uid);
        if (ref) dependents.push({ obj: d.obj, ref });
      }
      const action = decideGc(obj, owners, dependents);
      const ns = obj.metadata.namespace;
      const name = obj.metadata.name ?? '';
      const c = this.client(node.resource);
      try {
        switch (action.kind) {
          case 'none':
            return;
          case 'verifyOwners':
            await this.verify(obj, action.refs);
            continue;
          case 'delete':
            this.ctx.log.info({ resource: node.resource, ns, name }, 'deleting object whose owners are gone');
            await c.delete(ns, name, { propagationPolicy: action.policy, preconditions: { uid } });
            return;
          case 'removeOwnerRefs': {
            const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !action.uids.includes(r.uid));
            await c.patch(ns, name, { metadata: { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion } }, 'merge');
            return;
          }
          case 'orphanDependents':
            for (const d of action.dependents) {
              const dn = this.graph.get(d.metadata.uid ?? '');
              if (!dn) continue;
              const refs = (d.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
              await this.client(dn.resource)
                .patch(d.metadata.namespace, d.metadata.name ?? '', { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: d.metadata.resourceVersion } }, 'merge')
                .catch((e: unknown) => {
                  if (!isNotFound(e)) throw e;
                });
            }
            // the dependents' update events bring us back here to drop the finalizer
            return { requeueAfterMs: 200 };
          case 'deleteDependents':
            for (const d of action.dependents) {
              const dn = this.graph.get(d.obj.metadata.uid ?? '');
              if (!dn) continue;
              await this.client(dn.resource)
                .delete(d.obj.metadata.namespace, d.obj.metadata.name ?? '', { propagationPolicy: d.policy, preconditions: { uid: d.obj.metadata.uid } })
                .catch((e: unknown) => {
                  if (!isNotFound(e) && !isConflict(e)) throw e;
                });
            }
            return { requeueAfterMs: 1000 };
          case 'removeFinalizer': {
            const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== action.finalizer);
            await c.patch(ns, name, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: obj.metadata.resourceVersion } }, 'merge');
            return;
          }
        }
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
    }
  }
}
