// The node lifecycle controller: watches node Leases, marks silent nodes Unknown and taints them
// unreachable:NoExecute, evicts their pods once tolerations run out, untaints nodes whose lease
// is renewed again, and gives each node a pod CIDR.
import type { KubeObject, Lease, Node, Pod } from '../../api/types/index.js';
import { isConflict, isNotFound } from '../../client/api-error.js';
import type { Informer, ResourceClient } from '../../client/types.js';
import type { Controller, ControllerContext } from '../common/controller-context.js';
import { withKind } from '../common/controller-context.js';
import { CidrAllocator } from './cidr-allocator.js';
import { decideNodeHealth } from './node-health.js';
import { evictionTime } from './taint-eviction.js';

type NodeObj = Node & KubeObject;
type PodObj = Pod & KubeObject;
type LeaseObj = Lease & KubeObject;

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions {
  gracePeriodMs: number;
  monitorPeriodMs: number;
  /** upper bound on how long a pod tolerating an unreachable node's taint stays (undefined: its tolerationSeconds) */
  podEvictionTimeoutMs?: number;
  allocator?: CidrAllocator;
}

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle';
  private readonly nodes: Informer<NodeObj>;
  private readonly pods: Informer<PodObj>;
  private readonly leases: Informer<LeaseObj>;
  private readonly nodeClient: ResourceClient<NodeObj>;
  private readonly podClient: ResourceClient<PodObj>;
  /** node → last renewal seen and when we saw it */
  private readonly renewals = new Map<string, { renewTime: string; observedAt: number }>();
  /** CIDRs handed out but maybe not yet seen in the cache */
  private readonly pendingCidrs = new Map<string, string>();
  private wake: (() => void) | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly opts: NodeLifecycleOptions,
  ) {
    this.nodes = ctx.informers.get<NodeObj>('nodes');
    this.pods = ctx.informers.get<PodObj>('pods');
    this.leases = ctx.informers.get<LeaseObj>('leases');
    this.nodeClient = ctx.client.resource<NodeObj>('nodes');
    this.podClient = ctx.client.resource<PodObj>('pods');
  }

  init(): void {
    this.nodes.addHandlers({ add: () => this.wake?.() });
  }

  async run(): Promise<void> {
    const log = this.ctx.log.child({ controller: this.name });
    while (!this.ctx.signal.aborted) {
      try {
        await this.monitor();
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'node monitor pass failed');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, this.opts.monitorPeriodMs);
        const signal = this.ctx.signal;
        const self = this;
        function done(): void {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          self.wake = undefined;
          resolve();
        }
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** when we last saw the node's lease (or, without one, its Ready heartbeat) change */
  private lastRenewal(node: NodeObj, now: number): number {
    const name = node.metadata.name ?? '';
    const lease = this.leases.get(`${NODE_LEASE_NAMESPACE}/${name}`);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const stamp = lease?.spec?.renewTime ?? ready?.lastHeartbeatTime ?? node.metadata.creationTimestamp ?? '';
    const seen = this.renewals.get(name);
    if (!seen || seen.renewTime !== stamp) {
      this.renewals.set(name, { renewTime: stamp, observedAt: now });
      return now;
    }
    return seen.observedAt;
  }

  async monitor(): Promise<void> {
    const now = this.ctx.now();
    const nodes = this.nodes.list();
    const names = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const n of this.renewals.keys()) if (!names.has(n)) this.renewals.delete(n);
    for (const cached of nodes) {
      const node = withKind(cached, 'v1', 'Node');
      if (this.opts.allocator && !node.spec?.podCIDR) await this.allocateCidr(node);
      const d = decideNodeHealth({ node, lastRenewalObservedAt: this.lastRenewal(node, now), now, gracePeriodMs: this.opts.gracePeriodMs });
      if (d.conditions) {
        await this.ignoreGone(this.nodeClient.patch(undefined, node.metadata.name ?? '', { status: { conditions: d.conditions } }, 'merge', { subresource: 'status' }));
        void this.ctx.recorder.record(node, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
        await this.markPodsNotReady(node.metadata.name ?? '');
      }
      if (d.taints) {
        await this.ignoreGone(
          this.nodeClient.patch(undefined, node.metadata.name ?? '', { spec: { taints: d.taints.length ? d.taints : null }, metadata: { resourceVersion: node.metadata.resourceVersion } }, 'merge'),
        );
        if (d.recovered) void this.ctx.recorder.record(node, 'Normal', 'NodeReachable', `Node ${node.metadata.name} lease renewed; removed taint node.kubernetes.io/unreachable`);
      }
      await this.evictPods(node, now);
    }
  }

  private async ignoreGone<T>(p: Promise<T>): Promise<void> {
    try {
      await p;
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private async markPodsNotReady(nodeName: string): Promise<void> {
    for (const p of this.pods.byIndex('nodeName', nodeName)) {
      const conds = p.status?.conditions ?? [];
      if (!conds.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const t = new Date(this.ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const next = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' as const, lastTransitionTime: t, reason: 'NodeNotReady' } : c));
      await this.ignoreGone(this.podClient.patch(p.metadata.namespace, p.metadata.name ?? '', { status: { conditions: next } }, 'merge', { subresource: 'status' }));
    }
  }

  private async evictPods(node: NodeObj, now: number): Promise<void> {
    const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (taints.length === 0) return;
    for (const p of this.pods.byIndex('nodeName', node.metadata.name ?? '')) {
      if (p.metadata.deletionTimestamp) continue;
      const at = evictionTime(p, taints, this.opts.podEvictionTimeoutMs);
      if (at === undefined || at > now) continue;
      await this.ignoreGone(this.podClient.delete(p.metadata.namespace, p.metadata.name ?? '', { preconditions: { uid: p.metadata.uid } }));
      void this.ctx.recorder.record(withKind(p, 'v1', 'Pod'), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${p.metadata.namespace}/${p.metadata.name}`);
    }
  }

  private async allocateCidr(node: NodeObj): Promise<void> {
    const allocator = this.opts.allocator;
    if (!allocator) return;
    const name = node.metadata.name ?? '';
    // the live cache, not the pass's snapshot: a CIDR handed out earlier in this pass must count
    const used = new Set<string>();
    for (const n of this.nodes.list()) if (n.spec?.podCIDR) used.add(n.spec.podCIDR);
    for (const [owner, c] of this.pendingCidrs) {
      const n = this.nodes.get(owner);
      if (!n || n.spec?.podCIDR === c) this.pendingCidrs.delete(owner);
      else if (owner !== name) used.add(c);
    }
    const cidr = this.pendingCidrs.get(name) ?? allocator.next(used);
    if (!cidr) {
      void this.ctx.recorder.record(node, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      return;
    }
    this.pendingCidrs.set(name, cidr);
    await this.ignoreGone(this.nodeClient.patch(undefined, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge'));
    void this.ctx.recorder.record(node, 'Normal', 'CIDRAssigned', `Assigned pod CIDR ${cidr} to node ${name}`);
  }
}
