// The scheduler's loop: pods without a node from the informer go through the queue; each decision
// runs over the incrementally maintained node cache; the pod is assumed on its node at once and the
// binding is posted asynchronously with many in flight. Failures put the pod back with a back-off;
// unschedulable pods get PodScheduled=False and a FailedScheduling event.
import type { Logger } from 'pino';
import type { Binding, KubeObject, Node, Pod } from '../api/types/index.js';
import { isConflict, isNotFound } from '../client/api-error.js';
import type { EventRecorder } from '../client/events.js';
import type { Informer, ResourceClient } from '../client/types.js';
import { DecisionMaker, type Profile } from './framework.js';
import { failureMessage } from './failure-message.js';
import { NodeCache } from './node-cache.js';
import { podInfo, podKey } from './pod-info.js';
import { SchedulingQueue } from './scheduling-queue.js';
import { EventQueue } from './event-queue.js';

type PodObj = Pod & KubeObject;
type NodeObj = Node & KubeObject;

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** an assumed pod never confirmed by the watch is dropped after this long */
const ASSUME_TTL_MS = 30_000;

export interface SchedulerLoopDeps {
  pods: Informer<PodObj>;
  nodes: Informer<NodeObj>;
  podClient: ResourceClient<PodObj>;
  recorder: EventRecorder;
  log: Logger;
  profile: Profile;
  schedulerName?: string;
  /** bindings in flight at once */
  maxInFlight?: number;
  random?: () => number;
}

/** a node change that could make a parked pod fit (not every heartbeat) */
export function mayFitMorePods(o: Node, n: Node): boolean {
  const ready = (x: Node) => x.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    JSON.stringify(o.status?.allocatable) !== JSON.stringify(n.status?.allocatable) ||
    JSON.stringify(o.metadata.labels) !== JSON.stringify(n.metadata.labels) ||
    JSON.stringify(o.spec?.taints) !== JSON.stringify(n.spec?.taints) ||
    o.spec?.unschedulable !== n.spec?.unschedulable ||
    ready(o) !== ready(n)
  );
}

function isTerminal(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

export class SchedulerLoop {
  readonly cache = new NodeCache();
  readonly queue = new SchedulingQueue();
  private readonly decider: DecisionMaker;
  private readonly events: EventQueue;
  private readonly schedulerName: string;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private slotWaiter: (() => void) | undefined;
  private stopped = false;
  private expiry: NodeJS.Timeout | undefined;
  /** pods bound since start (for the benchmark and logs) */
  bound = 0;

  constructor(private readonly d: SchedulerLoopDeps) {
    this.decider = new DecisionMaker(d.profile, d.random);
    this.events = new EventQueue(d.recorder);
    this.schedulerName = d.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.maxInFlight = d.maxInFlight ?? 256;
  }

  private responsible(p: Pod): boolean {
    return (p.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.schedulerName;
  }

  init(): void {
    this.d.nodes.addHandlers({
      add: (n) => {
        this.cache.upsertNode(n);
        this.queue.moveAllToActive();
      },
      update: (o, n) => {
        this.cache.upsertNode(n);
        if (mayFitMorePods(o, n)) this.queue.moveAllToActive();
      },
      delete: (n) => this.cache.removeNode(n.metadata.name ?? ''),
    });
    this.d.pods.addHandlers({
      add: (p) => this.podChanged(p),
      update: (_o, p) => this.podChanged(p),
      delete: (p) => {
        const key = podKey(p);
        this.queue.delete(key);
        if (this.cache.isPlaced(key)) {
          this.cache.removePod(key);
          this.queue.moveAllToActive();
        }
      },
    });
  }

  private podChanged(p: PodObj): void {
    const key = podKey(p);
    const node = p.spec?.nodeName;
    if (node) {
      this.queue.delete(key);
      if (isTerminal(p)) {
        if (this.cache.isPlaced(key)) {
          this.cache.removePod(key);
          this.queue.moveAllToActive();
        }
      } else {
        this.cache.addBoundPod(podInfo(p), node);
      }
      return;
    }
    if (p.metadata.deletionTimestamp || isTerminal(p) || !this.responsible(p)) return;
    if (this.cache.isAssumed(key)) return; // binding in flight
    this.queue.add(key);
  }

  async run(): Promise<void> {
    this.expiry = setInterval(() => {
      for (const key of this.cache.expireAssumed(Date.now())) this.queue.add(key);
    }, 5000);
    this.expiry.unref();
    let sinceYield = 0;
    while (!this.stopped) {
      const key = await this.queue.pop();
      if (key === undefined) break;
      this.scheduleOne(key);
      if (++sinceYield >= 32) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
      while (this.inFlight >= this.maxInFlight && !this.stopped) await new Promise<void>((r) => (this.slotWaiter = r));
    }
  }

  stop(): void {
    this.stopped = true;
    this.queue.close();
    this.events.close();
    if (this.expiry) clearInterval(this.expiry);
    this.slotWaiter?.();
  }

  private scheduleOne(key: string): void {
    const pod = this.d.pods.get(key);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || !this.responsible(pod) || this.cache.isPlaced(key)) return;
    const info = podInfo(pod);
    const decision = this.decider.decide(info, this.cache.nodeList());
    if (decision.kind === 'bind') {
      this.cache.assume(info, decision.node, Date.now(), Number.MAX_SAFE_INTEGER);
      this.inFlight++;
      void this.bind(pod, decision.node).finally(() => {
        this.inFlight--;
        const w = this.slotWaiter;
        this.slotWaiter = undefined;
        w?.();
      });
      return;
    }
    this.queue.addUnschedulable(key);
    void this.reportUnschedulable(pod, failureMessage(decision.totalNodes, decision.reasons));
  }

  private async bind(pod: PodObj, node: string): Promise<void> {
    const key = podKey(pod);
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const binding: Binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace: ns, uid: pod.metadata.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    try {
      await this.d.podClient.createSubresource(ns, name, 'binding', binding);
      this.bound++;
      // confirmed by the watch soon; dropped if it never is
      if (this.cache.isAssumed(key)) this.cache.assume(podInfo(pod), node, Date.now(), ASSUME_TTL_MS);
      this.events.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`);
    } catch (e) {
      this.cache.forget(key);
      if (isNotFound(e)) return;
      if (isConflict(e)) {
        // already bound (by an earlier term of ours or someone else): the watch will tell
        this.d.log.debug({ pod: key, err: (e as Error).message }, 'binding conflict');
        return;
      }
      this.d.log.warn({ pod: key, node, err: (e as Error).message }, 'binding failed; retrying');
      this.queue.addBackoff(key);
      this.events.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'FailedScheduling', `Binding rejected: ${(e as Error).message}`);
    }
  }

  private async reportUnschedulable(pod: PodObj, message: string): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    this.events.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'FailedScheduling', message);
    const conds = pod.status?.conditions ?? [];
    const cur = conds.find((c) => c.type === 'PodScheduled');
    if (cur?.status === 'False' && cur.reason === 'Unschedulable' && cur.message === message) return;
    const cond = {
      type: 'PodScheduled',
      status: 'False' as const,
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    const next = [...conds.filter((c) => c.type !== 'PodScheduled'), cond];
    try {
      await this.d.podClient.patch(ns, name, { status: { conditions: next } }, 'merge', { subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) this.d.log.warn({ pod: `${ns}/${name}`, err: (e as Error).message }, 'could not update PodScheduled');
    }
  }
}
