// Pod garbage collection on a real apiserver: pods bound to a node that does not exist are removed;
// finished pods beyond the threshold are removed oldest first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, Pod } from '../../api/types/index.js';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';

type PodObj = Pod & KubeObject;
let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: [{ name: 'skiff-podgc-node-1' }],
    controllerManager: { podGcPeriodMs: 300, terminatedPodGcThreshold: 2 },
    scheduler: false,
  });
});

afterAll(async () => {
  await cp?.stop();
});

function pod(name: string, nodeName?: string): PodObj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { gc: 'yes' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], nodeName, restartPolicy: 'Never' } };
}

async function names(): Promise<string[]> {
  const l = await cp.api.resource<PodObj>('pods').list('default', { labelSelector: 'gc=yes' });
  return l.items.map((p) => p.metadata.name ?? '').sort();
}

describe('pod garbage collection', () => {
  it('removes pods bound to missing nodes and the oldest finished pods beyond the threshold', async () => {
    const pods = cp.api.resource<PodObj>('pods');
    await pods.create('default', pod('orphan', 'skiff-podgc-no-such-node'));
    await pods.create('default', pod('kept', 'skiff-podgc-node-1'));
    await eventually(async () => !(await names()).includes('orphan'), 15_000, 'orphan removed');
    expect(await names()).toContain('kept');

    for (const n of ['done-1', 'done-2', 'done-3']) {
      await pods.create('default', pod(n));
      await pods.patch('default', n, { status: { phase: 'Succeeded' } }, 'merge', { subresource: 'status' });
      await new Promise((r) => setTimeout(r, 1100)); // distinct creation seconds
    }
    await eventually(async () => (await names()).join() === 'done-2,done-3,kept', 15_000, 'oldest finished pod removed');
  });
});
