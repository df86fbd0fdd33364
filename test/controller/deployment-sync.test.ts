import { describe, expect, it } from 'vitest';
import { syncDeployment, type DeploymentPlan } from '../../controller/deployment/deployment-sync.js';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from '../../controller/deployment/rollout-math.js';
import type { RsView } from '../../controller/deployment/replica-set-view.js';
import type { Deployment } from '../../api/types/index.js';
import { deployment, rsView } from './deployment-builders.js';

const NOW = Date.UTC(2026, 0, 1, 1, 0, 0);

function plan(d: Deployment, views: RsView[]): DeploymentPlan {
  return syncDeployment({ deployment: d, replicaSets: views, podsByRs: new Map(), now: NOW });
}

/** the replica counts each ReplicaSet (by image) ends with */
function sizes(p: DeploymentPlan, views: RsView[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of views) out[v.rs.spec!.template!.spec.containers[0].image!] = v.rs.spec!.replicas!;
  if (p.create) out[p.create.spec!.template!.spec.containers[0].image!] = p.create.spec!.replicas!;
  return out;
}

describe('rollout math', () => {
  it.each([
    [undefined, 10, true, 3],
    ['25%', 10, false, 2],
    ['25%', 10, true, 3],
    [2, 10, true, 2],
    ['0%', 10, true, 0],
  ] as const)('scaledValue(%s of %i, up=%s) = %i', (v, total, up, want) => {
    expect(scaledValue(v, total, up, '25%')).toBe(want);
  });
  it('never lets both fenceposts be zero', () => {
    const d = deployment(3, 'a', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } });
    expect(resolveFenceposts(d)).toEqual([0, 1]);
  });
  it('Recreate has no surge or unavailability budget', () => {
    const d = deployment(3, 'a', { strategy: { type: 'Recreate' } });
    expect([maxSurge(d), maxUnavailable(d)]).toEqual([0, 0]);
  });
  it('rejects a malformed percentage naming it', () => {
    expect(() => scaledValue('x%', 10, true, '25%')).toThrow(/"x%"/);
  });
});

interface RollCase {
  name: string;
  d: Deployment;
  views: () => RsView[];
  want: Record<string, number>;
}

const d10 = (extra: Partial<NonNullable<Deployment['spec']>> = {}) => deployment(10, 'v2', extra);

const rollCases: RollCase[] = [
  { name: 'first sync creates the ReplicaSet at full size', d: d10(), views: () => [], want: { v2: 10 } },
  {
    name: 'template change creates the new ReplicaSet within maxSurge and uses maxUnavailable',
    d: d10(),
    views: () => [rsView(d10(), 'v1', 10)],
    want: { v1: 9, v2: 1 },
  },
  {
    name: 'old scaled down by maxUnavailable once the surge is used',
    d: d10(),
    views: () => [rsView(d10(), 'v1', 10), rsView(d10(), 'v2', 1, { actual: 1, available: 0 }, 2)],
    want: { v1: 9, v2: 1 },
  },
  {
    name: 'no scale-down while too few pods are available',
    d: d10(),
    views: () => [rsView(d10(), 'v1', 9, { actual: 9, available: 9 }), rsView(d10(), 'v2', 2, { actual: 2, available: 0 }, 2)],
    want: { v1: 9, v2: 2 },
  },
  {
    name: 'new pods available: old shrinks by what is available above the minimum',
    d: d10(),
    views: () => [rsView(d10(), 'v1', 9, { actual: 9, available: 9 }), rsView(d10(), 'v2', 2, { actual: 2, available: 2 }, 2)],
    want: { v1: 7, v2: 2 },
  },
  {
    name: 'unhealthy old pods are cleaned up first',
    d: d10(),
    views: () => [rsView(d10(), 'v1', 10, { actual: 10, available: 7 }), rsView(d10(), 'v2', 1, { actual: 1, available: 1 }, 2)],
    want: { v1: 8, v2: 1 },
  },
  {
    name: 'pods still terminating do not count as available beyond the spec',
    d: d10(),
    views: () => [rsView(d10(), 'v1', 8, { actual: 10, available: 10 }), rsView(d10(), 'v2', 3, { actual: 3, available: 0 }, 2)],
    want: { v1: 8, v2: 3 },
  },
  {
    name: 'percentages: 25% surge of 10 rounds up to 3',
    d: d10({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
    views: () => [rsView(d10(), 'v1', 10)],
    want: { v1: 8, v2: 3 },
  },
  {
    name: 'maxSurge 0: old goes down first',
    d: d10({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 2 } } }),
    views: () => [rsView(d10(), 'v1', 10)],
    want: { v1: 8, v2: 0 },
  },
  {
    name: 'Recreate scales old to zero first',
    d: d10({ strategy: { type: 'Recreate' } }),
    views: () => [rsView(d10(), 'v1', 10)],
    want: { v1: 0 },
  },
  {
    name: 'Recreate waits for old pods to go',
    d: d10({ strategy: { type: 'Recreate' } }),
    views: () => [rsView(d10(), 'v1', 0, { actual: 3 })],
    want: { v1: 0 },
  },
  {
    name: 'Recreate creates the new one at full size once old pods are gone',
    d: d10({ strategy: { type: 'Recreate' } }),
    views: () => [rsView(d10(), 'v1', 0, { actual: 0 })],
    want: { v1: 0, v2: 10 },
  },
  {
    name: 'paused: no new ReplicaSet',
    d: d10({ paused: true }),
    views: () => [rsView(d10(), 'v1', 10)],
    want: { v1: 10 },
  },
  {
    name: 'scaling up mid-rollout is proportional',
    d: deployment(20, 'v2'),
    views: () => {
      const d = d10();
      const a = rsView(d, 'v1', 6);
      const b = rsView(d, 'v2', 5, {}, 2);
      a.rs.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '11';
      b.rs.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '11';
      return [a, b];
    },
    want: { v1: 11, v2: 10 },
  },
  {
    name: 'scaling down mid-rollout is proportional',
    d: deployment(5, 'v2'),
    views: () => {
      const d = d10();
      const a = rsView(d, 'v1', 6);
      const b = rsView(d, 'v2', 5, {}, 2);
      a.rs.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '11';
      b.rs.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '11';
      return [a, b];
    },
    want: { v1: 3, v2: 3 },
  },
  {
    name: 'scaling a settled deployment resizes its only ReplicaSet',
    d: deployment(4, 'v1'),
    views: () => [rsView(d10(), 'v1', 10)],
    want: { v1: 4 },
  },
];

describe('syncDeployment sizes', () => {
  it.each(rollCases)('$name', (c) => {
    const views = c.views();
    const p = plan(c.d, views);
    expect(sizes(p, views)).toEqual(c.want);
  });
});

describe('syncDeployment', () => {
  it('names the new ReplicaSet with the template hash and labels it', () => {
    const p = plan(d10(), []);
    const hash = p.create!.spec!.template!.metadata!.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(p.create!.metadata.name).toBe(`web-${hash}`);
    expect(p.create!.spec!.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(p.create!.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    expect(p.create!.metadata.ownerReferences![0]).toMatchObject({ kind: 'Deployment', uid: 'd-uid', controller: true });
    expect(p.deploymentAnnotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
  });

  it('rollback makes the old ReplicaSet the newest revision', () => {
    const d = deployment(3, 'v1');
    const old = rsView(d, 'v1', 0, {}, 1);
    const cur = rsView(d, 'v2', 3, {}, 2);
    const p = plan(d, [old, cur]);
    const updated = p.updates.find((u) => u.rs.metadata.uid === 'rs-v1');
    expect(updated?.rs.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(updated?.rs.metadata.annotations!['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(updated?.rs.spec!.replicas).toBe(1);
  });

  it('deletes old empty ReplicaSets beyond revisionHistoryLimit, oldest first', () => {
    const d = deployment(2, 'v4', { revisionHistoryLimit: 1 }, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    const views = [rsView(d, 'v1', 0, {}, 1), rsView(d, 'v2', 0, {}, 2), rsView(d, 'v3', 0, {}, 3), rsView(d, 'v4', 2, {}, 4)];
    const p = plan(d, views);
    expect(p.deletes.map((r) => r.metadata.uid)).toEqual(['rs-v1', 'rs-v2']);
  });

  it('reports status and a complete rollout', () => {
    const d = deployment(3, 'v1');
    const p = plan(d, [rsView(d, 'v1', 3, {}, 1)]);
    expect(p.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 0 });
    const conds = Object.fromEntries(p.status!.conditions!.map((c) => [c.type, c]));
    expect(conds.Available).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(conds.Progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
  });

  it('reports unavailability', () => {
    const d = deployment(3, 'v1');
    const p = plan(d, [rsView(d, 'v1', 3, { actual: 3, available: 1 }, 1)]);
    expect(p.status).toMatchObject({ availableReplicas: 1, unavailableReplicas: 2 });
    expect(p.status!.conditions!.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('times out a rollout past its progress deadline', () => {
    const old = new Date(NOW - 700_000).toISOString();
    const d = deployment(3, 'v2', { progressDeadlineSeconds: 600 }, {
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'x', lastUpdateTime: old, lastTransitionTime: old }],
    });
    const views = [rsView(d, 'v1', 3, { actual: 3, available: 3 }), rsView(d, 'v2', 1, { actual: 1, available: 0 }, 2)];
    const p = plan(d, views);
    expect(p.status!.conditions!.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('writes no status when nothing changed', () => {
    const d = deployment(3, 'v1');
    const first = plan(d, [rsView(d, 'v1', 3, {}, 1)]);
    const d2 = { ...d, metadata: { ...d.metadata, annotations: { 'deployment.kubernetes.io/revision': '1' } }, status: first.status };
    const again = plan(d2, [rsView(d2, 'v1', 3, {}, 1)]);
    expect(again.status).toBeUndefined();
    expect(again.updates).toEqual([]);
  });
});
