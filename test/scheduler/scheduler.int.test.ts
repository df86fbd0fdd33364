// The scheduler on a real apiserver with fake nodes: selectors, affinity, taints and resources
// decide the node; unschedulable pods get PodScheduled=False and a FailedScheduling event, and
// are placed once a fitting node appears; one owner's pods spread over the nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event, KubeObject, Pod, PodSpec } from '../../api/types/index.js';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';
import { fakeNode } from '../fixtures/fake-kubelet.js';

type PodObj = Pod & KubeObject;
type EventObj = Event & KubeObject;
let cp: ControlPlane;

const P = 'skiff-sched';
beforeAll(async () => {
  cp = await startControlPlane({
    nodes: [
      { name: `${P}-a`, cpu: '1', labels: { zone: 'a' } },
      { name: `${P}-b`, cpu: '4', labels: { zone: 'b' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
      { name: `${P}-c`, cpu: '4', labels: { zone: 'c' } },
    ],
    controllerManager: false,
  });
});

afterAll(async () => {
  await cp?.stop();
});

function pod(name: string, spec: Partial<PodSpec> = {}, cpu?: string, owner?: string): PodObj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'spread', uid: owner, controller: true }] : undefined,
    },
    spec: { containers: [{ name: 'c', image: 'busybox', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...spec },
  };
}

async function nodeOf(name: string): Promise<string> {
  return eventually(async () => (await cp.api.resource<PodObj>('pods').get('default', name)).spec?.nodeName, 20_000, `${name} to be bound`);
}

async function eventsFor(name: string): Promise<EventObj[]> {
  const list = await cp.api.resource<EventObj>('events').list('default');
  return list.items.filter((e) => e.involvedObject.name === name);
}

describe('scheduler placement', () => {
  it('honours nodeSelector, taints, tolerations and resources', async () => {
    const pods = cp.api.resource<PodObj>('pods');
    await pods.create('default', pod('by-selector', { nodeSelector: { zone: 'a' } }));
    await pods.create('default', pod('needs-2-cpu', {}, '2'));
    await pods.create('default', pod('tolerates-gpu', { nodeSelector: { zone: 'b' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    await pods.create('default', pod('preferred-zone-a', {
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }] } },
    }));
    expect(await nodeOf('by-selector')).toBe(`${P}-a`);
    expect(await nodeOf('needs-2-cpu')).toBe(`${P}-c`);
    expect(await nodeOf('tolerates-gpu')).toBe(`${P}-b`);
    expect(await nodeOf('preferred-zone-a')).toBe(`${P}-a`);
    const ev = await eventually(async () => (await eventsFor('by-selector')).find((e) => e.reason === 'Scheduled'), 10_000, 'Scheduled event');
    expect(ev.message).toBe(`Successfully assigned default/by-selector to ${P}-a`);
    expect(ev.type).toBe('Normal');
  });

  it('reports unschedulable pods the Kubernetes way', async () => {
    const pods = cp.api.resource<PodObj>('pods');
    await pods.create('default', pod('no-such-zone', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] }] } } },
    }));
    await pods.create('default', pod('too-big', {}, '8'));
    const cond = await eventually(async () => {
      const p = await pods.get('default', 'too-big');
      return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    }, 15_000, 'PodScheduled=False');
    expect(cond.reason).toBe('Unschedulable');
    expect(cond.message).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu.');
    const ev = await eventually(async () => (await eventsFor('no-such-zone')).find((e) => e.reason === 'FailedScheduling'), 10_000, 'FailedScheduling event');
    expect(ev.type).toBe('Warning');
    expect(ev.message).toBe("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");

    // a node that fits appears: the parked pod is retried and placed
    await cp.api.resource('nodes').create(undefined, fakeNode({ name: `${P}-big`, cpu: '16' }));
    expect(await nodeOf('too-big')).toBe(`${P}-big`);
    expect((await pods.get('default', 'no-such-zone')).spec?.nodeName).toBeUndefined();
  });

  it('spreads one owner’s pods across nodes and counts assumed pods', async () => {
    const pods = cp.api.resource<PodObj>('pods');
    await Promise.all(Array.from({ length: 9 }, (_, i) => pods.create('default', pod(`spread-${i}`, { nodeSelector: { spread: 'yes' } }, undefined, 'owner-1'))));
    // only now make nodes match: all nine are decided in one burst
    for (const n of ['a', 'c', 'big']) {
      await cp.api.resource('nodes').patch(undefined, `${P}-${n}`, { metadata: { labels: { spread: 'yes' } } }, 'merge');
    }
    const nodes = await Promise.all(Array.from({ length: 9 }, (_, i) => nodeOf(`spread-${i}`)));
    const counts: Record<string, number> = {};
    for (const n of nodes) counts[n] = (counts[n] ?? 0) + 1;
    expect(Object.values(counts).sort()).toEqual([3, 3, 3]);
  });
});
