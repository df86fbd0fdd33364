// The Deployment controller: claims ReplicaSets, then applies what syncDeployment decides
// (create the new ReplicaSet, resize old and new, delete history beyond the limit, write status).
import type { Deployment, KubeObject, Pod } from '../../api/types/index.js';
import { labelSelectorFromObject, matchesLabels, isEverything } from '../../api/selectors/label-selector.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/api-error.js';
import { createWorkQueue } from '../../client/work-queue.js';
import type { Informer, ResourceClient, WorkQueue } from '../../client/types.js';
import type { Controller, ControllerContext } from '../common/controller-context.js';
import { withKind } from '../common/controller-context.js';
import { adoptPatch, claimObjects, controllerOf, releasePatch } from '../common/controller-ref.js';
import { isPodActive, isPodAvailable, isPodReady, msUntilAvailable } from '../common/pod-state.js';
import { runWorkers, type SyncResult } from '../common/worker-loop.js';
import { syncDeployment, type DeploymentPlan } from './deployment-sync.js';
import { deploymentOwner, templatesEqualIgnoringHash } from './new-replica-set.js';
import type { RsObj, RsView } from './replica-set-view.js';

type DeployObj = Deployment & KubeObject;
type PodObj = Pod & KubeObject;

const WORKERS = 5;

function key(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name ?? ''}`;
}

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  private readonly queue: WorkQueue<string> = createWorkQueue({ baseDelayMs: 5, maxDelayMs: 60_000 });
  private readonly deployments: Informer<DeployObj>;
  private readonly sets: Informer<RsObj>;
  private readonly pods: Informer<PodObj>;
  private readonly dClient: ResourceClient<DeployObj>;
  private readonly rsClient: ResourceClient<RsObj>;

  constructor(private readonly ctx: ControllerContext) {
    this.deployments = ctx.informers.get<DeployObj>('deployments');
    this.sets = ctx.informers.get<RsObj>('replicasets');
    this.pods = ctx.informers.get<PodObj>('pods');
    this.dClient = ctx.client.resource<DeployObj>('deployments');
    this.rsClient = ctx.client.resource<RsObj>('replicasets');
  }

  init(): void {
    this.deployments.addHandlers({
      add: (d) => this.queue.add(key(d)),
      update: (_o, d) => this.queue.add(key(d)),
      delete: (d) => this.queue.add(key(d)),
    });
    this.sets.addHandlers({
      add: (rs) => this.enqueueOwnerOfSet(rs),
      update: (old, rs) => {
        const a = controllerOf(old)?.uid;
        if (a !== controllerOf(rs)?.uid) this.enqueueOwnerOfSet(old);
        this.enqueueOwnerOfSet(rs);
      },
      delete: (rs) => this.enqueueOwnerOfSet(rs),
    });
    this.pods.addHandlers({
      add: (p) => this.enqueueOwnerOfPod(p),
      update: (o, p) => {
        if (isPodReady(o) !== isPodReady(p) || !!o.metadata.deletionTimestamp !== !!p.metadata.deletionTimestamp || o.status?.phase !== p.status?.phase) {
          this.enqueueOwnerOfPod(p);
        }
      },
      delete: (p) => this.enqueueOwnerOfPod(p),
    });
  }

  async run(): Promise<void> {
    this.ctx.signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    await runWorkers(this.queue, WORKERS, (k) => this.sync(k), this.ctx.log.child({ controller: this.name }));
  }

  private enqueueOwnerOfSet(rs: RsObj): void {
    const ref = controllerOf(rs);
    const ns = rs.metadata.namespace ?? 'default';
    if (ref) {
      if (ref.kind === 'Deployment') this.queue.add(`${ns}/${ref.name}`);
      return;
    }
    for (const d of this.deployments.byIndex('namespace', ns)) {
      if (matchesLabels(labelSelectorFromObject(d.spec?.selector), rs.metadata.labels)) this.queue.add(key(d));
    }
  }

  private enqueueOwnerOfPod(p: PodObj): void {
    const ref = controllerOf(p);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.sets.get(`${p.metadata.namespace ?? 'default'}/${ref.name}`);
    if (rs) this.enqueueOwnerOfSet(rs);
  }

  async sync(dKey: string): Promise<SyncResult | void> {
    const cached = this.deployments.get(dKey);
    if (!cached) return;
    const d = withKind(structuredClone(cached), 'apps/v1', 'Deployment');
    const ns = d.metadata.namespace ?? 'default';
    const selector = labelSelectorFromObject(d.spec?.selector);
    if (isEverything(selector)) {
      void this.ctx.recorder.record(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const claim = claimObjects(deploymentOwner(d), selector, this.sets.byIndex('namespace', ns));
    for (const rs of claim.adopt) await this.patchSet(ns, rs, adoptPatch(rs, deploymentOwner(d)));
    for (const rs of claim.release) await this.patchSet(ns, rs, releasePatch(rs, d.metadata.uid ?? ''));

    const now = this.ctx.now();
    const minReady = d.spec?.minReadySeconds ?? 0;
    const podsByRs = new Map<string, PodObj[]>();
    for (const p of this.pods.byIndex('namespace', ns)) {
      const ref = controllerOf(p);
      if (!ref || ref.kind !== 'ReplicaSet') continue;
      const list = podsByRs.get(ref.uid);
      if (list) list.push(p);
      else podsByRs.set(ref.uid, [p]);
    }
    let recheck: number | undefined;
    const views: RsView[] = claim.owned.map((rs) => {
      const pods = (podsByRs.get(rs.metadata.uid ?? '') ?? []).filter(isPodActive);
      for (const p of pods) {
        const left = msUntilAvailable(p, minReady, now);
        if (left !== undefined) recheck = recheck === undefined ? left : Math.min(recheck, left);
      }
      return {
        rs: withKind(structuredClone(rs), 'apps/v1', 'ReplicaSet'),
        actual: pods.length,
        ready: pods.filter(isPodReady).length,
        available: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
      };
    });
    const plan = syncDeployment({ deployment: d, replicaSets: views, podsByRs, now });
    await this.apply(d, plan);
    const after = [plan.requeueAfterMs, recheck === undefined ? undefined : recheck + 50].filter((x): x is number => x !== undefined);
    return after.length > 0 ? { requeueAfterMs: Math.min(...after) } : undefined;
  }

  private async patchSet(ns: string, rs: RsObj, patch: unknown): Promise<void> {
    try {
      await this.rsClient.patch(ns, rs.metadata.name ?? '', patch, 'merge');
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private scaledEvent(d: DeployObj, rs: RsObj, from: number): void {
    const to = rs.spec?.replicas ?? 0;
    if (from === to) return;
    const dir = to > from ? 'up' : 'down';
    void this.ctx.recorder.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${to}`);
  }

  private async apply(d: DeployObj, plan: DeploymentPlan): Promise<void> {
    const ns = d.metadata.namespace ?? 'default';
    this.ctx.log.debug(
      {
        deployment: key(d),
        create: plan.create?.metadata.name,
        updates: plan.updates.map((u) => `${u.rs.metadata.name}=${u.rs.spec?.replicas}`),
        deletes: plan.deletes.map((r) => r.metadata.name),
        status: plan.status ? `${plan.status.replicas}/${plan.status.updatedReplicas}/${plan.status.availableReplicas}` : undefined,
      },
      'deployment sync plan',
    );
    if (plan.create) {
      try {
        await this.rsClient.create(ns, plan.create);
        this.scaledEvent(d, plan.create, 0);
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        await this.handleCollision(d, plan.create);
        return;
      }
    }
    for (const u of plan.updates) {
      try {
        await this.rsClient.update(ns, u.rs);
      } catch (e) {
        if (isNotFound(e)) continue;
        throw e;
      }
      if (u.scaledFrom !== undefined) this.scaledEvent(d, u.rs, u.scaledFrom);
    }
    for (const rs of plan.deletes) {
      try {
        await this.rsClient.delete(ns, rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid }, propagationPolicy: 'Background' });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    let current: DeployObj = d;
    if (plan.deploymentAnnotations) {
      current = await this.dClient.patch(
        ns,
        d.metadata.name ?? '',
        { metadata: { annotations: plan.deploymentAnnotations, resourceVersion: d.metadata.resourceVersion } },
        'merge',
      );
    }
    if (plan.status) {
      try {
        await this.dClient.updateStatus(ns, { ...current, status: plan.status });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** the name is taken: ours (the cache is behind) or a hash collision (bump collisionCount) */
  private async handleCollision(d: DeployObj, wanted: RsObj): Promise<void> {
    const ns = d.metadata.namespace ?? 'default';
    const existing = await this.rsClient.get(ns, wanted.metadata.name ?? '');
    const ours = controllerOf(existing)?.uid === d.metadata.uid;
    if (ours && templatesEqualIgnoringHash(existing.spec?.template, d.spec?.template)) {
      throw new Error(`replicaset ${wanted.metadata.name} exists but is not in the cache yet`);
    }
    const status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
    await this.dClient.updateStatus(ns, { ...d, status });
    throw new Error(`hash collision on replicaset ${wanted.metadata.name}; collisionCount is now ${status.collisionCount}`);
  }
}
