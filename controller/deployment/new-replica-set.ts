// Finding the Deployment's current ReplicaSet (same template, ignoring pod-template-hash) and
// building a new one named `<deployment>-<pod-template-hash>`.
import type { Deployment, PodTemplateSpec } from '../../api/types/index.js';
import { canonicalJson, computePodTemplateHash, withoutNulls } from '../../api/pod-template-hash.js';
import { controllerReference } from '../common/controller-ref.js';
import { copiedAnnotations, REVISION, DESIRED_REPLICAS, MAX_REPLICAS } from './deployment-annotations.js';
import { byCreation, type RsObj, type RsView } from './replica-set-view.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec | undefined {
  if (!t) return t;
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
}

export function templatesEqualIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutNulls(withoutHash(a))) === canonicalJson(withoutNulls(withoutHash(b)));
}

/** the oldest ReplicaSet whose template equals the Deployment's */
export function findNewReplicaSet(d: Deployment, views: readonly RsView[]): RsView | undefined {
  return [...views].sort(byCreation).find((v) => templatesEqualIgnoringHash(v.rs.spec?.template, d.spec?.template));
}

export function deploymentOwner(d: Deployment) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: d.metadata.name ?? '',
    uid: d.metadata.uid ?? '',
    deleting: !!d.metadata.deletionTimestamp,
  };
}

export function buildNewReplicaSet(d: Deployment, replicas: number, revision: number, maxReplicas: number): RsObj {
  const template = structuredClone(d.spec?.template) as PodTemplateSpec;
  const hash = computePodTemplateHash(template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      annotations: {
        ...copiedAnnotations(d),
        [REVISION]: String(revision),
        [DESIRED_REPLICAS]: String(d.spec?.replicas ?? 1),
        [MAX_REPLICAS]: String(maxReplicas),
      },
      ownerReferences: [controllerReference(deploymentOwner(d))],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector,
      template,
    },
  };
}
