// Ownership of dependents by a controller (Kubernetes' ControllerRefManager, as a pure decision):
// which objects the owner keeps, which orphans it adopts, and which it releases.
import type { KubeObject, OwnerReference } from '../../api/types/index.js';
import { matchesLabels, type Selector } from '../../api/selectors/label-selector.js';

export interface ClaimResult<T> {
  /** controlled by the owner and matching (adopted ones included) */
  owned: T[];
  /** orphans that match: patch a controller reference onto them */
  adopt: T[];
  /** controlled by the owner but no longer matching: remove the reference */
  release: T[];
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  deleting: boolean;
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function controllerReference(owner: OwnerRef): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true };
}

export function claimObjects<T extends KubeObject>(owner: OwnerRef, selector: Selector, objects: readonly T[]): ClaimResult<T> {
  const result: ClaimResult<T> = { owned: [], adopt: [], release: [] };
  for (const obj of objects) {
    const ref = controllerOf(obj);
    const matches = matchesLabels(selector, obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.uid) continue;
      if (matches) result.owned.push(obj);
      else if (!owner.deleting && !obj.metadata.deletionTimestamp) result.release.push(obj);
      continue;
    }
    if (!matches || owner.deleting || obj.metadata.deletionTimestamp) continue;
    result.adopt.push(obj);
    result.owned.push(obj);
  }
  return result;
}

/** A merge patch that adds the owner's controller reference, guarded by the object's resourceVersion. */
export function adoptPatch(obj: KubeObject, owner: OwnerRef): Record<string, unknown> {
  const refs = [...(obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.uid), controllerReference(owner)];
  return { metadata: { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion } };
}

/** A merge patch that removes the owner's reference, guarded by the object's resourceVersion. */
export function releasePatch(obj: KubeObject, ownerUid: string): Record<string, unknown> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  return { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata.resourceVersion } };
}
