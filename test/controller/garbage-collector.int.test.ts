// Cascading deletion through ownerReferences on a real apiserver: Background, Foreground and Orphan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types/index.js';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';
import { waitRolledOut, webDeployment } from '../e2e/rollout-helpers.js';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ nodes: [{ name: 'skiff-gc-node-1' }, { name: 'skiff-gc-node-2' }] });
});

afterAll(async () => {
  await cp?.stop();
});

async function count(resource: string, app: string): Promise<number> {
  const l = await cp.api.resource<KubeObject>(resource).list('default', { labelSelector: `app=${app}` });
  return l.items.length;
}

async function deployAndWait(name: string): Promise<void> {
  await cp.api.resource('deployments').create('default', webDeployment(name, 3, 'busybox:v1', { type: 'RollingUpdate' }));
  await waitRolledOut(cp.api, name);
  expect(await count('pods', name)).toBe(3);
}

describe('garbage collector', () => {
  it('Background: the deployment goes at once, then its ReplicaSet and pods', async () => {
    await deployAndWait('gc-bg');
    await cp.api.resource('deployments').delete('default', 'gc-bg', { propagationPolicy: 'Background' });
    await eventually(async () => (await count('replicasets', 'gc-bg')) === 0 && (await count('pods', 'gc-bg')) === 0, 30_000, 'dependents gone');
  });

  it('Foreground: the deployment stays until its dependents are gone', async () => {
    await deployAndWait('gc-fg');
    const deployments = cp.api.resource('deployments');
    await deployments.delete('default', 'gc-fg', { propagationPolicy: 'Foreground' });
    const d = await deployments.get('default', 'gc-fg');
    expect(d.metadata.deletionTimestamp).toBeTruthy();
    expect(d.metadata.finalizers).toContain('foregroundDeletion');
    await eventually(async () => {
      try {
        await deployments.get('default', 'gc-fg');
        return false;
      } catch {
        return true;
      }
    }, 30_000, 'deployment gone');
    expect(await count('replicasets', 'gc-fg')).toBe(0);
    expect(await count('pods', 'gc-fg')).toBe(0);
  });

  it('Orphan: dependents stay, without the owner reference', async () => {
    await deployAndWait('gc-orphan');
    await cp.api.resource('deployments').delete('default', 'gc-orphan', { propagationPolicy: 'Orphan' });
    await eventually(async () => {
      try {
        await cp.api.resource('deployments').get('default', 'gc-orphan');
        return false;
      } catch {
        return true;
      }
    }, 30_000, 'deployment gone');
    const rs = await cp.api.resource<KubeObject>('replicasets').list('default', { labelSelector: 'app=gc-orphan' });
    expect(rs.items.length).toBe(1);
    expect(rs.items[0].metadata.ownerReferences ?? []).toEqual([]);
    // the ReplicaSet keeps its pods
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count('pods', 'gc-orphan')).toBe(3);
  });

  it('ReplicaSet adopts a matching orphan pod and releases one that stops matching', async () => {
    await deployAndWait('gc-adopt');
    const pods = cp.api.resource<KubeObject>('pods');
    const list = await pods.list('default', { labelSelector: 'app=gc-adopt' });
    const victim = list.items[0];
    // relabel one pod: released by its ReplicaSet, which makes a replacement
    await pods.patch('default', victim.metadata.name ?? '', { metadata: { labels: { app: 'gc-adopt-released' } } }, 'merge');
    await eventually(async () => {
      const p = await pods.get('default', victim.metadata.name ?? '');
      return (p.metadata.ownerReferences ?? []).length === 0;
    }, 15_000, 'release');
    await eventually(async () => (await count('pods', 'gc-adopt')) === 3, 15_000, 'replacement');
    // relabel it back: adopted again, and the ReplicaSet now has one too many
    const hash = list.items[0].metadata.labels?.['pod-template-hash'];
    await pods.patch('default', victim.metadata.name ?? '', { metadata: { labels: { app: 'gc-adopt', 'pod-template-hash': hash } } }, 'merge');
    await eventually(async () => {
      const l = await pods.list('default', { labelSelector: 'app=gc-adopt' });
      const live = l.items.filter((p) => !p.metadata.deletionTimestamp);
      return live.length === 3 && live.every((p) => p.metadata.ownerReferences?.[0]?.controller);
    }, 15_000, 'adoption and scale-down to 3');
  });
});
