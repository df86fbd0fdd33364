// A Deployment's revisions: the ReplicaSets it controls, by their
// `deployment.kubernetes.io/revision` annotation. Pure helpers for history and undo.
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import type { PodTemplateSpec } from '../../api/types/core.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

export interface Revision {
  revision: number;
  rs: ReplicaSet;
}

export function ownedRevisions(d: Deployment, replicaSets: ReplicaSet[]): Revision[] {
  const uid = d.metadata.uid;
  return replicaSets
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller && o.uid === uid))
    .map((rs) => ({ revision: Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '0'), rs }))
    .filter((r) => Number.isInteger(r.revision) && r.revision > 0)
    .sort((a, b) => a.revision - b.revision);
}

/** The revision `undo` goes to: `toRevision`, or the one before the latest. */
export function undoTarget(revisions: Revision[], toRevision: number): Revision | { error: string } {
  if (revisions.length === 0) return { error: 'no rollout history found' };
  if (toRevision > 0) {
    const r = revisions.find((x) => x.revision === toRevision);
    return r ?? { error: `unable to find specified revision ${toRevision} in history` };
  }
  if (revisions.length < 2) return { error: 'no rollout history found' };
  return revisions[revisions.length - 2];
}

/** The ReplicaSet's template as a Deployment template: without the pod-template-hash label. */
export function templateForDeployment(rs: ReplicaSet): PodTemplateSpec {
  const t = structuredClone(rs.spec?.template ?? { spec: { containers: [] } }) as PodTemplateSpec;
  if (t.metadata?.labels) {
    delete t.metadata.labels['pod-template-hash'];
  }
  return t;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function sameTemplate(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
