// The ReplicaSet controller: keeps each ReplicaSet's pod count, adopting matching orphans and
// releasing pods that stop matching, with expectations so a slow watch never doubles an action.
import type { KubeObject, Pod, ReplicaSet } from '../../api/types/index.js';
import { labelSelectorFromObject } from '../../api/selectors/label-selector.js';
import { matchesLabels } from '../../api/selectors/label-selector.js';
import { isNotFound, isConflict } from '../../client/api-error.js';
import { createWorkQueue } from '../../client/work-queue.js';
import type { Informer, ResourceClient, WorkQueue } from '../../client/types.js';
import type { Controller, ControllerContext } from '../common/controller-context.js';
import { withKind } from '../common/controller-context.js';
import { adoptPatch, claimObjects, controllerOf, controllerReference, releasePatch, type OwnerRef } from '../common/controller-ref.js';
import { Expectations } from '../common/expectations.js';
import { isPodActive, isPodReady } from '../common/pod-state.js';
import { runWorkers, type SyncResult } from '../common/worker-loop.js';
import { manageReplicas, replicaSetStatus, statusEqual } from './replicaset-decision.js';

type PodObj = Pod & KubeObject;
type RsObj = ReplicaSet & KubeObject;

const WORKERS = 5;

function key(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name ?? ''}`;
}

export function ownerRefOf(rs: ReplicaSet): OwnerRef {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: rs.metadata.name ?? '',
    uid: rs.metadata.uid ?? '',
    deleting: !!rs.metadata.deletionTimestamp,
  };
}

/** A new pod from the ReplicaSet's template. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const t = rs.spec?.template;
  const meta = t?.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerReference(ownerRefOf(rs))],
    },
    spec: structuredClone(t?.spec ?? { containers: [] }),
  };
}

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  private readonly queue: WorkQueue<string> = createWorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly expectations: Expectations;
  private readonly pods: Informer<PodObj>;
  private readonly sets: Informer<RsObj>;
  private readonly podClient: ResourceClient<PodObj>;
  private readonly rsClient: ResourceClient<RsObj>;

  constructor(private readonly ctx: ControllerContext) {
    this.expectations = new Expectations(ctx.now);
    this.pods = ctx.informers.get<PodObj>('pods');
    this.sets = ctx.informers.get<RsObj>('replicasets');
    this.podClient = ctx.client.resource<PodObj>('pods');
    this.rsClient = ctx.client.resource<RsObj>('replicasets');
  }

  init(): void {
    this.sets.addHandlers({
      add: (rs) => this.queue.add(key(rs)),
      update: (_o, rs) => this.queue.add(key(rs)),
      delete: (rs) => {
        this.expectations.delete(key(rs));
        this.queue.add(key(rs));
      },
    });
    this.pods.addHandlers({
      add: (pod) => this.podAdded(pod),
      update: (oldPod, pod) => this.podUpdated(oldPod, pod),
      delete: (pod) => this.podDeleted(pod),
    });
  }

  async run(): Promise<void> {
    this.ctx.signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    await runWorkers(this.queue, WORKERS, (k) => this.sync(k), this.ctx.log.child({ controller: this.name }));
  }

  private ownerKey(pod: Pod): string | undefined {
    const ref = controllerOf(pod as PodObj);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const k = `${pod.metadata.namespace ?? 'default'}/${ref.name}`;
    const rs = this.sets.get(k);
    return rs && rs.metadata.uid === ref.uid ? k : undefined;
  }

  /** ReplicaSets in the pod's namespace whose selector matches it (for orphans) */
  private matchingSets(pod: Pod): string[] {
    const out: string[] = [];
    for (const rs of this.sets.byIndex('namespace', pod.metadata.namespace ?? 'default')) {
      if (matchesLabels(labelSelectorFromObject(rs.spec?.selector), pod.metadata.labels)) out.push(key(rs));
    }
    return out;
  }

  private podAdded(pod: PodObj): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const k = this.ownerKey(pod);
    if (k) {
      this.expectations.creationObserved(k);
      this.queue.add(k);
      return;
    }
    if (!controllerOf(pod)) for (const s of this.matchingSets(pod)) this.queue.add(s);
  }

  private podUpdated(oldPod: PodObj, pod: PodObj): void {
    if (pod.metadata.deletionTimestamp && !oldPod.metadata.deletionTimestamp) {
      this.podDeleted(pod);
      return;
    }
    const oldKey = this.ownerKey(oldPod);
    const k = this.ownerKey(pod);
    if (oldKey && oldKey !== k) this.queue.add(oldKey);
    if (k) {
      this.queue.add(k);
      const rs = this.sets.get(k);
      const minReady = rs?.spec?.minReadySeconds ?? 0;
      // a pod that just became ready becomes available minReadySeconds later
      if (minReady > 0 && !isPodReady(oldPod) && isPodReady(pod)) this.queue.addAfter(k, minReady * 1000 + 100);
      return;
    }
    if (!controllerOf(pod)) {
      for (const s of this.matchingSets(pod)) this.queue.add(s);
    }
  }

  private podDeleted(pod: PodObj): void {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const k = `${pod.metadata.namespace ?? 'default'}/${ref.name}`;
    this.expectations.deletionObserved(k, key(pod));
    this.queue.add(k);
  }

  async sync(rsKey: string): Promise<SyncResult | void> {
    const cached = this.sets.get(rsKey);
    if (!cached) {
      this.expectations.delete(rsKey);
      return;
    }
    const rs = withKind(cached, 'apps/v1', 'ReplicaSet');
    const ns = rs.metadata.namespace ?? 'default';
    const needsSync = this.expectations.satisfied(rsKey);
    const selector = labelSelectorFromObject(rs.spec?.selector);
    const candidates = this.pods.byIndex('namespace', ns).filter(isPodActive);
    const owner = ownerRefOf(rs);
    const claim = claimObjects(owner, selector, candidates);
    await this.applyClaim(rs, owner, claim.adopt, claim.release);
    const owned = claim.owned;

    if (needsSync && !rs.metadata.deletionTimestamp) {
      const diff = manageReplicas(rs, owned);
      if (diff.create > 0) await this.createPods(rs, rsKey, diff.create);
      else if (diff.delete.length > 0) await this.deletePods(rs, rsKey, diff.delete);
    }
    const { status, recheckAfterMs } = replicaSetStatus(rs, owned, this.ctx.now());
    if (!statusEqual(rs.status, status)) {
      try {
        await this.rsClient.updateStatus(ns, { ...rs, status });
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
    }
    return recheckAfterMs !== undefined ? { requeueAfterMs: recheckAfterMs + 50 } : undefined;
  }

  private async applyClaim(rs: RsObj, owner: OwnerRef, adopt: PodObj[], release: PodObj[]): Promise<void> {
    const ns = rs.metadata.namespace;
    for (const p of adopt) {
      try {
        await this.podClient.patch(ns, p.metadata.name ?? '', adoptPatch(p, owner), 'merge');
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    for (const p of release) {
      try {
        await this.podClient.patch(ns, p.metadata.name ?? '', releasePatch(p, owner.uid), 'merge');
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
  }

  /** Creates in slow-start batches (1, 2, 4, ...) so a failing template fails fast. */
  private async createPods(rs: RsObj, rsKey: string, n: number): Promise<void> {
    const ns = rs.metadata.namespace;
    this.expectations.expect(rsKey, n, []);
    let remaining = n;
    let batch = 1;
    let firstError: unknown;
    while (remaining > 0 && firstError === undefined) {
      const size = Math.min(batch, remaining);
      const results = await Promise.allSettled(
        Array.from({ length: size }, () => this.podClient.create(ns, podFromTemplate(rs) as PodObj)),
      );
      for (const r of results) {
        if (r.status === 'fulfilled') {
          void this.ctx.recorder.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
        } else {
          this.expectations.lowerAdds(rsKey, 1);
          firstError ??= r.reason;
        }
      }
      remaining -= size;
      batch *= 2;
    }
    if (firstError !== undefined) {
      // the pods never asked for are not expected either
      this.expectations.lowerAdds(rsKey, remaining);
      const msg = (firstError as Error).message;
      void this.ctx.recorder.record(rs, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
      throw firstError;
    }
  }

  private async deletePods(rs: RsObj, rsKey: string, pods: PodObj[]): Promise<void> {
    const ns = rs.metadata.namespace;
    this.expectations.expect(rsKey, 0, pods.map(key));
    const results = await Promise.allSettled(pods.map((p) => this.podClient.delete(ns, p.metadata.name ?? '')));
    let firstError: unknown;
    results.forEach((r, i) => {
      const p = pods[i];
      if (r.status === 'fulfilled') {
        void this.ctx.recorder.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } else {
        this.expectations.deletionObserved(rsKey, key(p));
        if (!isNotFound(r.reason)) {
          firstError ??= r.reason;
          void this.ctx.recorder.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${(r.reason as Error).message}`);
        }
      }
    });
    if (firstError !== undefined) throw firstError;
  }
}
