// The scheduler's view of the cluster: one NodeInfo per node with the sums of what is placed on it,
// counting pods bound (seen in the informer) and pods assumed (bound by us, not yet seen bound).
// Updated incrementally per event, so a decision never rebuilds anything per pod.
import type { Node } from '../api/types/index.js';
import type { NodeInfo, PodInfo } from './types.js';
import { nodeInfoFields } from './node-info.js';
import { portKeys } from './plugins/node-ports.js';

/**
 * A class rather than object literals: every NodeInfo then shares one hidden class, which keeps the
 * plugins' property reads monomorphic in the filter loop (literals built by spreading ended up
 * with a different shape per node and made every read megamorphic, ~50x slower).
 */
class CachedNodeInfo implements NodeInfo {
  name = '';
  node: Node;
  labels: Record<string, string> = {};
  taints: NodeInfo['taints'] = [];
  ready = false;
  unschedulable = false;
  allocatableCpuMilli = 0;
  allocatableMemoryBytes = 0;
  allocatablePods = 0;
  requestedCpuMilli = 0;
  requestedMemoryBytes = 0;
  scoreRequestedCpuMilli = 0;
  scoreRequestedMemoryBytes = 0;
  podCount = 0;
  usedPorts = new Map<string, number>();
  ownerCounts = new Map<string, number>();

  constructor(node: Node) {
    this.node = node;
    this.update(node);
  }

  update(node: Node): void {
    const f = nodeInfoFields(node);
    this.name = f.name;
    this.node = f.node;
    this.labels = f.labels;
    this.taints = f.taints;
    this.ready = f.ready;
    this.unschedulable = f.unschedulable;
    this.allocatableCpuMilli = f.allocatableCpuMilli;
    this.allocatableMemoryBytes = f.allocatableMemoryBytes;
    this.allocatablePods = f.allocatablePods;
  }
}

interface Placement {
  nodeName: string;
  info: PodInfo;
  assumed: boolean;
  /** when an assumed pod is dropped if it is never seen bound */
  assumedUntil: number;
}

export class NodeCache {
  private readonly nodes = new Map<string, CachedNodeInfo>();
  private list: CachedNodeInfo[] = [];
  private listDirty = false;
  private readonly placements = new Map<string, Placement>();

  /** all nodes, in a stable order; the array is shared, do not modify it */
  nodeList(): readonly NodeInfo[] {
    if (this.listDirty) {
      this.list = [...this.nodes.values()];
      this.listDirty = false;
    }
    return this.list;
  }

  get(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  size(): number {
    return this.nodes.size;
  }

  upsertNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const existing = this.nodes.get(name);
    if (existing) {
      existing.update(node);
      return;
    }
    const info = new CachedNodeInfo(node);
    this.nodes.set(name, info);
    this.listDirty = true;
    // pods seen bound to the node before the node itself
    for (const p of this.placements.values()) if (p.nodeName === name) this.apply(info, p.info, 1);
  }

  removeNode(name: string): void {
    if (this.nodes.delete(name)) this.listDirty = true;
  }

  /** A pod seen with spec.nodeName set (from the informer). Confirms an assumption. */
  addBoundPod(info: PodInfo, nodeName: string): void {
    const prev = this.placements.get(info.key);
    if (prev) {
      if (prev.nodeName === nodeName && !prev.assumed) return;
      this.unplace(prev);
    }
    this.place({ nodeName, info, assumed: false, assumedUntil: 0 });
  }

  /** The pod is gone or finished: its resources are free again. */
  removePod(key: string): void {
    const prev = this.placements.get(key);
    if (prev) this.unplace(prev);
  }

  /** Counts the pod on the node before the binding is confirmed. */
  assume(info: PodInfo, nodeName: string, now: number, ttlMs: number): void {
    const prev = this.placements.get(info.key);
    if (prev) this.unplace(prev);
    this.place({ nodeName, info, assumed: true, assumedUntil: now + ttlMs });
  }

  /** The binding failed: forget the assumption (a confirmed placement is kept). */
  forget(key: string): void {
    const prev = this.placements.get(key);
    if (prev?.assumed) this.unplace(prev);
  }

  isAssumed(key: string): boolean {
    return this.placements.get(key)?.assumed === true;
  }

  isPlaced(key: string): boolean {
    return this.placements.has(key);
  }

  /** Drops assumptions that were never confirmed by a watch event; returns their keys. */
  expireAssumed(now: number): string[] {
    const expired: string[] = [];
    for (const p of this.placements.values()) {
      if (p.assumed && p.assumedUntil <= now) {
        expired.push(p.info.key);
        this.unplace(p);
      }
    }
    return expired;
  }

  private place(p: Placement): void {
    this.placements.set(p.info.key, p);
    const node = this.nodes.get(p.nodeName);
    if (node) this.apply(node, p.info, 1);
  }

  private unplace(p: Placement): void {
    this.placements.delete(p.info.key);
    const node = this.nodes.get(p.nodeName);
    if (node) this.apply(node, p.info, -1);
  }

  private apply(node: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
    node.podCount += sign;
    node.requestedCpuMilli += sign * pod.cpuMilli;
    node.requestedMemoryBytes += sign * pod.memoryBytes;
    node.scoreRequestedCpuMilli += sign * pod.scoreCpuMilli;
    node.scoreRequestedMemoryBytes += sign * pod.scoreMemoryBytes;
    for (const port of pod.hostPorts) {
      for (const k of portKeys(port)) bump(node.usedPorts, k, sign);
    }
    if (pod.ownerUid) bump(node.ownerCounts, pod.ownerUid, sign);
  }
}

function bump(m: Map<string, number>, k: string, by: number): void {
  const v = (m.get(k) ?? 0) + by;
  if (v <= 0) m.delete(k);
  else m.set(k, v);
}
