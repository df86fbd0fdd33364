// The garbage collector's decision for one object, pure: given the object, the state of each owner
// it names and its dependents, what to do (Kubernetes' attemptToDeleteItem / orphanDependents).
import type { DeleteOptions, KubeObject, OwnerReference } from '../../api/types/index.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type OwnerState = 'present' | 'absent' | 'unknown';

export interface Dependent {
  obj: KubeObject;
  /** the dependent's reference to the object being decided on */
  ref: OwnerReference;
}

export type GcAction =
  | { kind: 'none' }
  /** delete the object (its owners are all gone) */
  | { kind: 'delete'; policy: NonNullable<DeleteOptions['propagationPolicy']> }
  /** drop references to owners that no longer exist */
  | { kind: 'removeOwnerRefs'; uids: string[] }
  /** check the unknown owners with a GET first */
  | { kind: 'verifyOwners'; refs: OwnerReference[] }
  /** orphan: strip our reference from dependents, then drop the finalizer */
  | { kind: 'orphanDependents'; dependents: KubeObject[] }
  /** foreground: delete dependents still there; drop the finalizer when no blocking one is left */
  | { kind: 'deleteDependents'; dependents: { obj: KubeObject; policy: 'Foreground' | 'Background' }[] }
  | { kind: 'removeFinalizer'; finalizer: string };

export function hasFinalizer(obj: KubeObject, f: string): boolean {
  return obj.metadata.finalizers?.includes(f) ?? false;
}

export function decideGc(obj: KubeObject, owners: ReadonlyMap<string, OwnerState>, dependents: readonly Dependent[]): GcAction {
  const deleting = !!obj.metadata.deletionTimestamp;
  if (deleting && hasFinalizer(obj, ORPHAN_FINALIZER)) {
    if (dependents.length > 0) return { kind: 'orphanDependents', dependents: dependents.map((d) => d.obj) };
    return { kind: 'removeFinalizer', finalizer: ORPHAN_FINALIZER };
  }
  if (deleting && hasFinalizer(obj, FOREGROUND_FINALIZER)) {
    const toDelete = dependents
      .filter((d) => !d.obj.metadata.deletionTimestamp)
      .map((d) => ({ obj: d.obj, policy: d.ref.blockOwnerDeletion ? ('Foreground' as const) : ('Background' as const) }));
    if (toDelete.length > 0) return { kind: 'deleteDependents', dependents: toDelete };
    const blocking = dependents.some((d) => d.ref.blockOwnerDeletion);
    if (blocking) return { kind: 'none' };
    return { kind: 'removeFinalizer', finalizer: FOREGROUND_FINALIZER };
  }
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0 || deleting) return { kind: 'none' };
  const unknown = refs.filter((r) => (owners.get(r.uid) ?? 'unknown') === 'unknown');
  if (unknown.length > 0) return { kind: 'verifyOwners', refs: unknown };
  const absent = refs.filter((r) => owners.get(r.uid) === 'absent');
  if (absent.length === 0) return { kind: 'none' };
  if (absent.length === refs.length) return { kind: 'delete', policy: 'Background' };
  return { kind: 'removeOwnerRefs', uids: absent.map((r) => r.uid) };
}
