// The deployment controller's working copy of one ReplicaSet: its object (mutated as the sync
// decides) and what its pods look like right now.
import type { KubeObject, ReplicaSet } from '../../api/types/index.js';

export type RsObj = ReplicaSet & KubeObject;

export interface RsView {
  rs: RsObj;
  /** pods that are active (not terminating, not finished) */
  actual: number;
  ready: number;
  available: number;
  /** created by this sync, not yet in the API */
  created?: boolean;
  /** changed by this sync: needs an update */
  dirty?: boolean;
  /** set when this sync changed spec.replicas: for the ScalingReplicaSet event */
  scaledFrom?: number;
}

export function specReplicas(v: RsView): number {
  return v.rs.spec?.replicas ?? 0;
}

/** available pods, never more than the spec asks for (pods beyond it are on their way out) */
export function cappedAvailable(v: RsView): number {
  return Math.min(v.available, specReplicas(v));
}

export function createdAt(v: RsView): number {
  const t = v.rs.metadata.creationTimestamp ? Date.parse(v.rs.metadata.creationTimestamp) : NaN;
  return Number.isFinite(t) ? t : Number.POSITIVE_INFINITY;
}

export function sumSpec(views: readonly RsView[]): number {
  return views.reduce((n, v) => n + specReplicas(v), 0);
}

export function sumActual(views: readonly RsView[]): number {
  return views.reduce((n, v) => n + v.actual, 0);
}

export function sumAvailable(views: readonly RsView[]): number {
  return views.reduce((n, v) => n + v.available, 0);
}

export function sumCappedAvailable(views: readonly RsView[]): number {
  return views.reduce((n, v) => n + cappedAvailable(v), 0);
}

export function sumReady(views: readonly RsView[]): number {
  return views.reduce((n, v) => n + v.ready, 0);
}

/** ReplicaSets with pods wanted or present */
export function filterActive(views: readonly (RsView | undefined)[]): RsView[] {
  return views.filter((v): v is RsView => v !== undefined && specReplicas(v) > 0);
}

/** oldest first; ties by name */
export function byCreation(a: RsView, b: RsView): number {
  return createdAt(a) - createdAt(b) || (a.rs.metadata.name ?? '').localeCompare(b.rs.metadata.name ?? '');
}
