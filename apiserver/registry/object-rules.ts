// Pure decisions about object metadata on create, update and delete (what Kubernetes' generic
// registry and per-resource strategies do): system fields, status/spec separation, generation,
// graceful deletion, finalizers and propagation policy.
import type { ResourceInfo } from '../../api/resources.js';
import type { DeleteOptions, KubeObject, ObjectMeta } from '../../api/types/meta.js';

const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_NAME_CHARS[Math.floor(Math.random() * GENERATE_NAME_CHARS.length)];
  return s;
}

/** Kubernetes' RFC 3339 timestamps, second precision: 2024-01-02T03:04:05Z. */
export function timestamp(d: Date): string {
  // toISOString is always YYYY-MM-DDTHH:mm:ss.sssZ for the years Kubernetes objects carry
  return `${d.toISOString().slice(0, 19)}Z`;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Resources whose status is reset on create and owned by the status subresource. */
function hasStatusSubresource(info: ResourceInfo): boolean {
  return info.subresources.includes('status');
}

/**
 * A new object's status, before defaulting: what a client sends is dropped (Kubernetes resets it),
 * except a Node's, which the kubelet registers with. Defaulting then fills pod phase and QoS class
 * and namespace phase.
 */
export function resetStatusForCreate(info: ResourceInfo, obj: KubeObject): void {
  if (!hasStatusSubresource(info)) return;
  switch (`${info.group}/${info.resource}`) {
    case '/nodes':
      return;
    case '/services':
      obj.status = { loadBalancer: {} };
      return;
    case 'apps/deployments':
    case 'apps/replicasets':
      obj.status = {};
      return;
    default:
      delete obj.status;
  }
}

/** Fills the system fields of a new object. `obj` has been status-reset, defaulted and validated. */
export function prepareForCreate(info: ResourceInfo, obj: KubeObject, now: Date, uid: string): KubeObject {
  // (copied without `delete`, which would turn the metadata into a slow dictionary-mode object)
  const { resourceVersion: _rv, deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, ...rest } = obj.metadata;
  const meta: ObjectMeta = { ...rest, uid, creationTimestamp: timestamp(now), generation: 1 };
  return { ...obj, apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind, metadata: meta };
}

/** The name for a create: metadata.name, or generateName plus a random suffix. */
export function nameForCreate(meta: ObjectMeta): string | undefined {
  if (meta.name) return meta.name;
  if (meta.generateName) return `${meta.generateName}${randomSuffix()}`;
  return undefined;
}

/**
 * Merges an update into the live object. Main-resource writes keep the live status; `/status` writes
 * keep the live spec and the metadata except labels and annotations. System metadata always comes
 * from the live object; generation is bumped when spec changes.
 */
export function prepareForUpdate(info: ResourceInfo, old: KubeObject, next: KubeObject, subresource?: string): KubeObject {
  const meta: ObjectMeta = { ...next.metadata };
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.name = old.metadata.name;
  if (old.metadata.namespace !== undefined) meta.namespace = old.metadata.namespace;
  meta.generation = old.metadata.generation ?? 1;
  if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (old.metadata.generateName !== undefined) meta.generateName = old.metadata.generateName;
  delete meta.resourceVersion;
  let out: KubeObject = { ...next, apiVersion: old.apiVersion, kind: old.kind, metadata: meta };
  if (subresource === 'status') {
    out = { ...out, metadata: { ...old.metadata, labels: meta.labels, annotations: meta.annotations, managedFields: meta.managedFields } };
    delete out.metadata.resourceVersion;
    if (old.spec === undefined) delete out.spec;
    else out.spec = old.spec;
    if (out.metadata.labels === undefined) delete out.metadata.labels;
    if (out.metadata.annotations === undefined) delete out.metadata.annotations;
  } else if (hasStatusSubresource(info) && subresource !== 'binding') {
    // (a binding sets spec.nodeName and the PodScheduled condition together)
    if (old.status === undefined) delete out.status;
    else out.status = old.status;
  }
  if (!jsonEqual(old.spec, out.spec)) out.metadata.generation = (old.metadata.generation ?? 1) + 1;
  return out;
}

export type DeletePlan =
  | { action: 'delete' }
  | { action: 'update'; object: KubeObject }
  | { action: 'unchanged' };

function isBoundPod(info: ResourceInfo, obj: KubeObject): boolean {
  return info.group === '' && info.resource === 'pods' && Boolean((obj.spec as { nodeName?: string } | undefined)?.nodeName);
}

/** What a DELETE does to a live object. */
export function planDelete(info: ResourceInfo, obj: KubeObject, opts: DeleteOptions, now: Date): DeletePlan {
  const finalizers = [...(obj.metadata.finalizers ?? [])];
  const addFinalizer = (f: string): boolean => {
    if (finalizers.includes(f)) return false;
    finalizers.push(f);
    return true;
  };
  let changed = false;
  if (opts.propagationPolicy === 'Foreground') changed = addFinalizer('foregroundDeletion') || changed;
  if (opts.propagationPolicy === 'Orphan') changed = addFinalizer('orphan') || changed;

  if (isBoundPod(info, obj)) {
    const specGrace = (obj.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds;
    const grace = Math.max(0, opts.gracePeriodSeconds ?? specGrace ?? 30);
    const current = obj.metadata.deletionGracePeriodSeconds;
    if (grace === 0 && finalizers.length === 0) return { action: 'delete' };
    if (grace > 0 || finalizers.length) {
      // Only shorten an existing grace period, never lengthen it.
      const nextGrace = current === undefined ? grace : Math.min(current, grace);
      if (obj.metadata.deletionTimestamp && nextGrace === current && !changed) return { action: 'unchanged' };
      const meta: ObjectMeta = {
        ...obj.metadata,
        finalizers: finalizers.length ? finalizers : obj.metadata.finalizers,
        deletionTimestamp: timestamp(new Date(now.getTime() + nextGrace * 1000)),
        deletionGracePeriodSeconds: nextGrace,
      };
      if (!meta.finalizers) delete meta.finalizers;
      if (obj.metadata.deletionTimestamp && nextGrace === current) meta.deletionTimestamp = obj.metadata.deletionTimestamp;
      return { action: 'update', object: { ...obj, metadata: meta } };
    }
  }
  if (finalizers.length === 0) return { action: 'delete' };
  if (obj.metadata.deletionTimestamp && !changed) return { action: 'unchanged' };
  const meta: ObjectMeta = {
    ...obj.metadata,
    finalizers,
    deletionTimestamp: obj.metadata.deletionTimestamp ?? timestamp(now),
    deletionGracePeriodSeconds: obj.metadata.deletionGracePeriodSeconds ?? 0,
  };
  return { action: 'update', object: { ...obj, metadata: meta } };
}

/** After an update: a deleting object whose last finalizer is gone (and no grace pending) is removed. */
export function shouldDeleteAfterUpdate(info: ResourceInfo, obj: KubeObject): boolean {
  if (!obj.metadata.deletionTimestamp) return false;
  if (obj.metadata.finalizers?.length) return false;
  if (isBoundPod(info, obj) && (obj.metadata.deletionGracePeriodSeconds ?? 0) > 0) return false;
  return true;
}
