// The garbage collector's graph: which objects exist (by uid) and which objects name each uid as
// an owner. Built from informer events; one entry per object.
import type { KubeObject } from '../../api/types/index.js';

export interface GraphNode {
  resource: string;
  obj: KubeObject;
}

export class OwnerGraph {
  private readonly byUid = new Map<string, GraphNode>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.byUid.get(uid);
  }

  upsert(resource: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const prev = this.byUid.get(uid);
    if (prev) this.unlink(uid, prev.obj);
    this.byUid.set(uid, { resource, obj });
    for (const r of obj.metadata.ownerReferences ?? []) {
      let set = this.dependentsOf.get(r.uid);
      if (!set) this.dependentsOf.set(r.uid, (set = new Set()));
      set.add(uid);
    }
  }

  remove(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const prev = this.byUid.get(uid);
    if (prev) this.unlink(uid, prev.obj);
    this.byUid.delete(uid);
  }

  /** objects that name `uid` as an owner */
  dependents(uid: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const d of this.dependentsOf.get(uid) ?? []) {
      const n = this.byUid.get(d);
      if (n) out.push(n);
    }
    return out;
  }

  private unlink(uid: string, obj: KubeObject): void {
    for (const r of obj.metadata.ownerReferences ?? []) {
      const set = this.dependentsOf.get(r.uid);
      set?.delete(uid);
      if (set && set.size === 0) this.dependentsOf.delete(r.uid);
    }
  }
}
