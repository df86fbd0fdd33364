// autoscaling/v1 Scale views of Deployments and ReplicaSets (pure).
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, LabelSelector } from '../../api/types/meta.js';
import { invalid } from '../../api/status.js';
import { labelSelectorToString } from '../../api/selectors/label-selector.js';

export const SCALE_INFO = { group: 'autoscaling', version: 'v1', kind: 'Scale', namespaced: true } as const;

export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

export function scaleOf(obj: KubeObject): Scale {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: LabelSelector };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata;
  const scale: Scale = {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0 },
  };
  if (spec.selector) scale.status.selector = labelSelectorToString(spec.selector);
  return scale;
}

/** The workload with spec.replicas taken from a Scale; a bad value is a 422 on Scale. */
export function withScaleReplicas(_info: ResourceInfo, live: KubeObject, replicas: unknown): KubeObject {
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', live.metadata.name ?? '', [
      { type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, message: 'must be greater than or equal to 0' },
    ]);
  }
  return { ...live, spec: { ...(live.spec as object), replicas } };
}
