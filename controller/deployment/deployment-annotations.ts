// The annotations the deployment controller keeps on ReplicaSets (and the revision on the Deployment).
import type { Deployment } from '../../api/types/index.js';
import type { RsView } from './replica-set-view.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
/** annotations of the Deployment never copied to its ReplicaSets */
const NOT_COPIED = new Set([REVISION, DESIRED_REPLICAS, MAX_REPLICAS, REVISION_HISTORY, 'kubectl.kubernetes.io/last-applied-configuration']);

export function revisionOf(v: RsView): number {
  const s = v.rs.metadata.annotations?.[REVISION];
  const n = s === undefined ? 0 : Number(s);
  return Number.isInteger(n) ? n : 0;
}

export function intAnnotation(v: RsView, name: string): number | undefined {
  const s = v.rs.metadata.annotations?.[name];
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isInteger(n) ? n : undefined;
}

export function copiedAnnotations(d: Deployment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  return out;
}

function setAnnotation(v: RsView, name: string, value: string): boolean {
  const a = (v.rs.metadata.annotations ??= {});
  if (a[name] === value) return false;
  a[name] = value;
  v.dirty = true;
  return true;
}

/** desired-replicas and max-replicas, used to scale proportionally later; true if changed */
export function setReplicasAnnotations(v: RsView, desired: number, max: number): boolean {
  const a = setAnnotation(v, DESIRED_REPLICAS, String(desired));
  const b = setAnnotation(v, MAX_REPLICAS, String(max));
  return a || b;
}

/** the new revision, keeping the ones it had in revision-history (as Kubernetes does on rollback) */
export function setRevision(v: RsView, revision: number): boolean {
  const old = v.rs.metadata.annotations?.[REVISION];
  if (old === String(revision)) return false;
  if (old !== undefined && old !== '') {
    const hist = v.rs.metadata.annotations?.[REVISION_HISTORY];
    setAnnotation(v, REVISION_HISTORY, hist ? `${hist},${old}` : old);
  }
  return setAnnotation(v, REVISION, String(revision));
}
