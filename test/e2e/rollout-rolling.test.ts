// A 10-replica rolling update on a real apiserver with fake nodes: maxSurge / maxUnavailable hold
// on every pod event, and every pod ends with the new template.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';
import { imagesOf, RolloutWatcher, waitRolledOut, webDeployment, type DeployObj, type PodObj } from './rollout-helpers.js';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ nodes: [1, 2, 3, 4].map((i) => ({ name: `skiff-roll-node-${i}` })), kubelet: { readyDelayMs: 50 } });
});

afterAll(async () => {
  await cp?.stop();
});

describe('rolling update', () => {
  it('keeps within maxSurge/maxUnavailable and ends with the new template everywhere', async () => {
    const deployments = cp.api.resource<DeployObj>('deployments');
    const pods = cp.api.resource<PodObj>('pods');
    await deployments.create('default', webDeployment('web', 10, 'busybox:v1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } }));
    await waitRolledOut(cp.api, 'web');
    const before = await pods.list('default', { labelSelector: 'app=web' });
    expect(before.items.length).toBe(10);
    expect(new Set(before.items.map((p) => p.spec?.nodeName)).size).toBe(4);

    const watcher = new RolloutWatcher(() => 12, () => 9);
    await watcher.start(cp.api, 'web');
    try {
      await deployments.patch('default', 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox:v2' }] } } } }, 'strategic');
      const d = await waitRolledOut(cp.api, 'web');
      expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
      await eventually(() => watcher.pods.size === 10 && imagesOf(watcher.pods.values()).every((i) => i === 'busybox:v2'), 30_000, 'only new pods');
      expect(watcher.violations).toEqual([]);
      expect(watcher.maxSeen).toBeGreaterThan(10);
      const conds = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c.reason]));
      expect(conds).toMatchObject({ Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });
      const rs = await cp.api.resource('replicasets').list('default', { labelSelector: 'app=web' });
      expect(rs.items.map((r) => (r.spec as { replicas: number }).replicas).sort()).toEqual([0, 10]);
    } finally {
      watcher.stop();
    }
  });
});
