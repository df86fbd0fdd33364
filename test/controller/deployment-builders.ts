// Builders for deployment decision tests.
import type { Deployment } from '../../api/types/index.js';
import type { RsView } from '../../controller/deployment/replica-set-view.js';
import { buildNewReplicaSet } from '../../controller/deployment/new-replica-set.js';

export function deployment(replicas: number, image: string, extra: Partial<NonNullable<Deployment['spec']>> = {}, status: Deployment['status'] = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: 1, annotations: {} },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      ...extra,
    },
    status,
  };
}

let seq = 0;
/** a ReplicaSet of `d`'s template with `image`, `spec` replicas and pod counts */
export function rsView(
  d: Deployment,
  image: string,
  spec: number,
  pods: { actual?: number; available?: number; ready?: number } = {},
  revision = 1,
): RsView {
  const dd: Deployment = structuredClone(d);
  dd.spec!.template.spec.containers[0].image = image;
  const rs = buildNewReplicaSet(dd, spec, revision, (d.spec?.replicas ?? 1) + 1);
  seq++;
  rs.metadata.uid = `rs-${image}`;
  rs.metadata.creationTimestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  rs.metadata.annotations!['deployment.kubernetes.io/desired-replicas'] = String(d.spec?.replicas ?? 1);
  const actual = pods.actual ?? spec;
  const available = pods.available ?? actual;
  return { rs, actual, available, ready: pods.ready ?? available };
}
