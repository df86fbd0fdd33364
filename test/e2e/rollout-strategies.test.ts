// Rollouts beyond the plain rolling update: scaling up and down in the middle of one, Recreate,
// paused deployments, rollback through the API, revisionHistoryLimit and minReadySeconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, ReplicaSet } from '../../api/types/index.js';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';
import { imagesOf, RolloutWatcher, waitRolledOut, webDeployment, type DeployObj, type PodObj } from './rollout-helpers.js';

type RsObj = ReplicaSet & KubeObject;
let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ nodes: [1, 2, 3, 4].map((i) => ({ name: `skiff-strat-node-${i}`, pods: '60' })), kubelet: { readyDelayMs: 200 } });
});

afterAll(async () => {
  await cp?.stop();
});

const image = (tag: string) => ({ spec: { template: { spec: { containers: [{ name: 'web', image: `busybox:${tag}` }] } } } });

async function replicaSets(app: string): Promise<RsObj[]> {
  return (await cp.api.resource<RsObj>('replicasets').list('default', { labelSelector: `app=${app}` })).items;
}

async function livePods(app: string): Promise<PodObj[]> {
  const l = await cp.api.resource<PodObj>('pods').list('default', { labelSelector: `app=${app}` });
  return l.items.filter((p) => !p.metadata.deletionTimestamp);
}

async function settled(app: string, replicas: number, tag: string): Promise<void> {
  await waitRolledOut(cp.api, app, 90_000);
  await eventually(async () => {
    const pods = await livePods(app);
    return pods.length === replicas && imagesOf(pods).every((i) => i === `busybox:${tag}`);
  }, 30_000, `${replicas} pods of ${tag}`);
}

describe('rollout strategies', () => {
  it('scales up in the middle of a rollout, proportionally, and finishes', async () => {
    const deployments = cp.api.resource<DeployObj>('deployments');
    await deployments.create('default', webDeployment('up', 10, 'busybox:v1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } }));
    await settled('up', 10, 'v1');
    await deployments.patch('default', 'up', image('v2'), 'strategic');
    await eventually(async () => (await replicaSets('up')).length === 2, 10_000, 'second ReplicaSet');
    await deployments.patch('default', 'up', { spec: { replicas: 20 } }, 'merge');
    // right after the scale event both ReplicaSets together stay within replicas + maxSurge
    await eventually(async () => {
      const rs = await replicaSets('up');
      const total = rs.reduce((n, r) => n + (r.spec?.replicas ?? 0), 0);
      expect(total).toBeLessThanOrEqual(23);
      return rs.every((r) => r.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'] === '20');
    }, 10_000, 'annotations for 20');
    await settled('up', 20, 'v2');
    const sizes = (await replicaSets('up')).map((r) => r.spec?.replicas).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(sizes).toEqual([0, 20]);
  });

  it('scales down in the middle of a rollout and finishes', async () => {
    const deployments = cp.api.resource<DeployObj>('deployments');
    await deployments.create('default', webDeployment('down', 10, 'busybox:v1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 1 } }));
    await settled('down', 10, 'v1');
    await deployments.patch('default', 'down', image('v2'), 'strategic');
    await eventually(async () => (await replicaSets('down')).length === 2, 10_000, 'second ReplicaSet');
    await deployments.patch('default', 'down', { spec: { replicas: 4 } }, 'merge');
    await settled('down', 4, 'v2');
  });

  it('Recreate never runs old and new pods together', async () => {
    const deployments = cp.api.resource<DeployObj>('deployments');
    await deployments.create('default', webDeployment('recreate', 5, 'busybox:v1', { type: 'Recreate' }));
    await settled('recreate', 5, 'v1');
    const mixed: string[] = [];
    const watcher = new RolloutWatcher(() => 5, () => 0);
    await watcher.start(cp.api, 'recreate');
    const check = setInterval(() => {
      const imgs = new Set([...watcher.pods.values()].map((p) => p.spec?.containers[0].image));
      if (imgs.size > 1) mixed.push([...imgs].join());
    }, 5);
    try {
      await deployments.patch('default', 'recreate', image('v2'), 'strategic');
      await settled('recreate', 5, 'v2');
    } finally {
      clearInterval(check);
      watcher.stop();
    }
    expect(mixed).toEqual([]);
    expect(watcher.violations).toEqual([]);
  });

  it('a paused deployment does not roll until resumed', async () => {
    const deployments = cp.api.resource<DeployObj>('deployments');
    await deployments.create('default', webDeployment('paused', 3, 'busybox:v1', { type: 'RollingUpdate' }));
    await settled('paused', 3, 'v1');
    await deployments.patch('default', 'paused', { spec: { paused: true } }, 'merge');
    await deployments.patch('default', 'paused', image('v2'), 'strategic');
    const d = await eventually(async () => {
      const x = await deployments.get('default', 'paused');
      const paused = x.status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused');
      return paused && x.status?.observedGeneration === x.metadata.generation ? x : undefined;
    }, 10_000, 'DeploymentPaused');
    expect(d.status?.updatedReplicas).toBe(0);
    expect((await replicaSets('paused')).length).toBe(1);
    // scaling still works while paused
    await deployments.patch('default', 'paused', { spec: { replicas: 4 } }, 'merge');
    await eventually(async () => (await livePods('paused')).length === 4, 15_000, 'scaled while paused');
    expect(imagesOf(await livePods('paused')).every((i) => i === 'busybox:v1')).toBe(true);
    await deployments.patch('default', 'paused', { spec: { paused: false } }, 'merge');
    await settled('paused', 4, 'v2');
  });

  it('rolls back through the API by restoring the old template; keeps revisionHistoryLimit', async () => {
    const deployments = cp.api.resource<DeployObj>('deployments');
    const d = webDeployment('hist', 2, 'busybox:v1', { type: 'RollingUpdate' });
    d.spec!.revisionHistoryLimit = 1;
    await deployments.create('default', d);
    await settled('hist', 2, 'v1');
    for (const tag of ['v2', 'v3']) {
      await deployments.patch('default', 'hist', image(tag), 'strategic');
      await settled('hist', 2, tag);
    }
    // v1's ReplicaSet was cleaned up: only the current one and one old remain
    await eventually(async () => (await replicaSets('hist')).length === 2, 15_000, 'history limited to 1');
    await deployments.patch('default', 'hist', image('v2'), 'strategic');
    await settled('hist', 2, 'v2');
    const rs = await replicaSets('hist');
    const v2 = rs.find((r) => r.spec?.template?.spec.containers[0].image === 'busybox:v2');
    expect(v2?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
    expect(rs.length).toBe(2);
  });

  it('minReadySeconds holds availability back', async () => {
    const deployments = cp.api.resource<DeployObj>('deployments');
    const d = webDeployment('minready', 2, 'busybox:v1', { type: 'RollingUpdate' });
    d.spec!.minReadySeconds = 5;
    await deployments.create('default', d);
    await eventually(async () => (await deployments.get('default', 'minready')).status?.readyReplicas === 2, 15_000, 'ready');
    expect((await deployments.get('default', 'minready')).status?.availableReplicas ?? 0).toBe(0);
    expect((await deployments.get('default', 'minready')).status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('False');
    await waitRolledOut(cp.api, 'minready');
    const rs = (await replicaSets('minready'))[0];
    await eventually(async () => (await cp.api.resource<RsObj>('replicasets').get('default', rs.metadata.name ?? '')).status?.availableReplicas === 2, 10_000, 'rs available');
  });
});
