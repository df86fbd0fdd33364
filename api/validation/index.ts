// validateObject: everything Kubernetes checks before storing an object of any kind we serve.
import type { FieldError } from '../field-errors.js';
import type { NameRule } from '../names.js';
import type { ResourceInfo } from '../resources.js';
import type { Deployment, Lease, ReplicaSet } from '../types/apps.js';
import type { Event, Namespace, Node, Pod, Service } from '../types/core.js';
import type { KubeObject } from '../types/meta.js';
import { validateEvent, validateLease, validateNamespace, validateNode } from './cluster-objects.js';
import { validateDeployment, validateDeploymentUpdate } from './deployment.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { validateReplicaSet, validateReplicaSetUpdate } from './replicaset.js';
import { validateService, validateServiceUpdate } from './service.js';

interface KindValidator {
  nameRule: NameRule;
  create: (obj: KubeObject) => FieldError[];
  update?: (obj: KubeObject, old: KubeObject) => FieldError[];
}

const as = <T>(f: (o: T) => FieldError[]) => (o: KubeObject): FieldError[] => f(o as unknown as T);
const asUpdate = <T>(f: (o: T, old: T) => FieldError[]) => (o: KubeObject, old: KubeObject): FieldError[] =>
  f(o as unknown as T, old as unknown as T);

const VALIDATORS: Record<string, KindValidator> = {
  '/pods': { nameRule: 'subdomain', create: as<Pod>(validatePod), update: asUpdate<Pod>(validatePodUpdate) },
  '/services': { nameRule: 'dns1035', create: as<Service>(validateService), update: asUpdate<Service>(validateServiceUpdate) },
  '/namespaces': { nameRule: 'label', create: as<Namespace>(validateNamespace) },
  '/nodes': { nameRule: 'subdomain', create: as<Node>(validateNode) },
  '/events': { nameRule: 'subdomain', create: as<Event>(validateEvent) },
  'apps/deployments': {
    nameRule: 'subdomain',
    create: as<Deployment>(validateDeployment),
    update: asUpdate<Deployment>(validateDeploymentUpdate),
  },
  'apps/replicasets': {
    nameRule: 'subdomain',
    create: as<ReplicaSet>(validateReplicaSet),
    update: asUpdate<ReplicaSet>(validateReplicaSetUpdate),
  },
  'coordination.k8s.io/leases': { nameRule: 'subdomain', create: as<Lease>(validateLease) },
};

/**
 * All field errors of `obj` (defaults already applied). With `old`, also the update rules:
 * immutable metadata, the pod spec's few mutable fields, immutable selectors.
 */
export function validateObject(
  info: Pick<ResourceInfo, 'group' | 'resource' | 'namespaced'>,
  obj: KubeObject,
  old?: KubeObject,
): FieldError[] {
  const v = VALIDATORS[`${info.group}/${info.resource}`];
  const errs = validateObjectMeta(obj.metadata, { namespaced: info.namespaced, nameRule: v?.nameRule ?? 'subdomain' });
  if (old) errs.push(...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata ?? {}));
  if (!v) return errs;
  errs.push(...(old && v.update ? v.update(obj, old) : v.create(obj)));
  return errs;
}

export { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
export { validatePodSpec } from './pod-spec.js';
