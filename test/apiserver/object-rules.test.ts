import { describe, expect, it } from 'vitest';
import { findByResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types/meta.js';
import { bindingTarget, bindPod } from '../../apiserver/registry/binding.js';
import { nameForCreate, planDelete, prepareForCreate, resetStatusForCreate, prepareForUpdate, shouldDeleteAfterUpdate } from '../../apiserver/registry/object-rules.js';

const pods = findByResource('', 'pods')!;
const deploys = findByResource('apps', 'deployments')!;
const now = new Date('2026-01-02T03:04:05.678Z');

function pod(extra: Partial<KubeObject> = {}, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: 'x' }], terminationGracePeriodSeconds: 30, ...(nodeName ? { nodeName } : {}) },
    status: { phase: 'Running' },
    ...extra,
  };
}

describe('prepareForCreate', () => {
  it('sets uid, creationTimestamp and generation', () => {
    const o = prepareForCreate(pods, { metadata: { name: 'a', resourceVersion: '9', deletionTimestamp: 'x' }, spec: {} }, now, 'uid-1');
    expect(o.metadata).toEqual({ name: 'a', uid: 'uid-1', creationTimestamp: '2026-01-02T03:04:05Z', generation: 1 });
    expect(o.kind).toBe('Pod');
    expect(o.apiVersion).toBe('v1');
  });

  it("drops a client-sent status, except a Node's", () => {
    const p: KubeObject = { metadata: {}, status: { phase: 'Running' } };
    resetStatusForCreate(pods, p);
    expect(p.status).toBeUndefined();
    const d: KubeObject = { metadata: {}, status: { replicas: 3 } };
    resetStatusForCreate(deploys, d);
    expect(d.status).toEqual({});
    const n: KubeObject = { metadata: {}, status: { capacity: { cpu: '2' } } };
    resetStatusForCreate(findByResource('', 'nodes')!, n);
    expect(n.status).toEqual({ capacity: { cpu: '2' } });
  });

  it('names from generateName', () => {
    expect(nameForCreate({ generateName: 'web-' })).toMatch(/^web-[a-z0-9]{5}$/);
    expect(nameForCreate({ name: 'x', generateName: 'web-' })).toBe('x');
    expect(nameForCreate({})).toBeUndefined();
  });
});

describe('prepareForUpdate', () => {
  it('keeps system metadata and live status on main-resource writes; bumps generation on spec change', () => {
    const live: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', uid: 'u', generation: 3, creationTimestamp: 't' }, spec: { replicas: 1 }, status: { replicas: 1 } };
    const next = prepareForUpdate(deploys, live, { metadata: { name: 'd', uid: 'other', generation: 99 }, spec: { replicas: 2 }, status: { replicas: 7 } });
    expect(next.metadata).toMatchObject({ uid: 'u', generation: 4, creationTimestamp: 't' });
    expect(next.status).toEqual({ replicas: 1 });
    const same = prepareForUpdate(deploys, live, { metadata: { name: 'd', labels: { a: 'b' } }, spec: { replicas: 1 } });
    expect(same.metadata.generation).toBe(3);
  });

  it('status writes keep spec and metadata except labels and annotations', () => {
    const live = pod();
    const next = prepareForUpdate(pods, live, { metadata: { name: 'p', labels: { l: '1' }, finalizers: ['x'] }, spec: { nodeName: 'n' }, status: { phase: 'Succeeded' } }, 'status');
    expect(next.spec).toEqual(live.spec);
    expect(next.status).toEqual({ phase: 'Succeeded' });
    expect(next.metadata.labels).toEqual({ l: '1' });
    expect(next.metadata.finalizers).toBeUndefined();
  });
});

describe('planDelete', () => {
  it('deletes unbound pods and objects without finalizers at once', () => {
    expect(planDelete(pods, pod(), {}, now)).toEqual({ action: 'delete' });
    expect(planDelete(deploys, { metadata: { name: 'd' } }, { propagationPolicy: 'Background' }, now)).toEqual({ action: 'delete' });
  });

  it('gives bound pods a grace period, only ever shortened', () => {
    const p = planDelete(pods, pod({}, 'n1'), {}, now);
    expect(p.action).toBe('update');
    if (p.action !== 'update') return;
    expect(p.object.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(p.object.metadata.deletionTimestamp).toBe('2026-01-02T03:04:35Z');
    const longer = planDelete(pods, p.object, { gracePeriodSeconds: 60 }, now);
    expect(longer.action).toBe('unchanged');
    const shorter = planDelete(pods, p.object, { gracePeriodSeconds: 5 }, now);
    expect(shorter.action === 'update' && shorter.object.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(planDelete(pods, p.object, { gracePeriodSeconds: 0 }, now)).toEqual({ action: 'delete' });
  });

  it('finalizers and propagation policies keep the object with a deletionTimestamp', () => {
    const fin = planDelete(deploys, { metadata: { name: 'd', finalizers: ['a'] } }, {}, now);
    expect(fin.action === 'update' && fin.object.metadata).toMatchObject({ finalizers: ['a'], deletionTimestamp: '2026-01-02T03:04:05Z', deletionGracePeriodSeconds: 0 });
    const fg = planDelete(deploys, { metadata: { name: 'd' } }, { propagationPolicy: 'Foreground' }, now);
    expect(fg.action === 'update' && fg.object.metadata.finalizers).toEqual(['foregroundDeletion']);
    const or = planDelete(deploys, { metadata: { name: 'd' } }, { propagationPolicy: 'Orphan' }, now);
    expect(or.action === 'update' && or.object.metadata.finalizers).toEqual(['orphan']);
  });

  it('an update dropping the last finalizer of a deleting object deletes it', () => {
    expect(shouldDeleteAfterUpdate(deploys, { metadata: { deletionTimestamp: 't', finalizers: [] } })).toBe(true);
    expect(shouldDeleteAfterUpdate(deploys, { metadata: { deletionTimestamp: 't', finalizers: ['x'] } })).toBe(false);
    expect(shouldDeleteAfterUpdate(deploys, { metadata: {} })).toBe(false);
    expect(shouldDeleteAfterUpdate(pods, { ...pod({}, 'n1'), metadata: { deletionTimestamp: 't', deletionGracePeriodSeconds: 30 } })).toBe(false);
  });
});

describe('binding', () => {
  it('checks the Binding body', () => {
    expect(bindingTarget({ kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } }, 'p')).toBe('n1');
    expect(() => bindingTarget({ target: {} }, 'p')).toThrow('target.name: Required value');
    expect(() => bindingTarget({ metadata: { name: 'q' }, target: { name: 'n' } }, 'p')).toThrow('does not match the name on the URL');
    expect(() => bindingTarget({ target: { kind: 'Pod', name: 'n' } }, 'p')).toThrow('target.kind: Unsupported value: "Pod"');
  });

  it('binds once, with PodScheduled', () => {
    const bound = bindPod(pod(), 'n1', now);
    expect((bound.spec as { nodeName: string }).nodeName).toBe('n1');
    expect((bound.status as { conditions: unknown[] }).conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z' }]);
    expect(() => bindPod(bound, 'n2', now)).toThrow('pod p is already assigned to node "n1"');
    expect(() => bindPod(pod({ metadata: { name: 'p', deletionTimestamp: 't' } }), 'n2', now)).toThrow('is being deleted');
  });
});
