import { describe, expect, it } from 'vitest';
import type { Pod, PodPhase, ReplicaSet } from '../../api/types/index.js';
import { manageReplicas, replicaSetStatus } from '../../controller/replicaset/replicaset-decision.js';
import { compareForDeletion } from '../../controller/replicaset/pod-ranking.js';
import { claimObjects } from '../../controller/common/controller-ref.js';
import { Expectations } from '../../controller/common/expectations.js';
import { labelSelectorFromObject } from '../../api/selectors/label-selector.js';

const NOW = Date.UTC(2026, 0, 1, 1, 0, 0);
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

interface PodOpts {
  node?: string;
  phase?: PodPhase;
  ready?: boolean;
  readySince?: number;
  created?: number;
  restarts?: number;
  deleting?: boolean;
  labels?: Record<string, string>;
  owner?: string;
}

function pod(name: string, o: PodOpts = {}): Pod & { metadata: { name: string } } {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: o.labels ?? { app: 'web' },
      creationTimestamp: ago(o.created ?? 100),
      deletionTimestamp: o.deleting ? ago(0) : undefined,
      ownerReferences: o.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: o.owner, controller: true }] : undefined,
    },
    spec: { containers: [{ name: 'c' }], nodeName: o.node },
    status: {
      phase: o.phase ?? (o.node ? 'Running' : 'Pending'),
      conditions: o.ready !== undefined ? [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: ago(o.readySince ?? 50) }] : [],
      containerStatuses: o.restarts ? [{ name: 'c', ready: !!o.ready, restartCount: o.restarts, image: '', imageID: '' }] : undefined,
    },
  };
}

function rs(replicas: number, minReadySeconds = 0): ReplicaSet {
  return {
    metadata: { name: 'rs', namespace: 'default', uid: 'rs-uid', generation: 2 },
    spec: { replicas, minReadySeconds, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] } } },
  };
}

describe('manageReplicas', () => {
  it.each([
    { name: 'creates the missing pods', replicas: 3, pods: [pod('a', { node: 'n', ready: true })], create: 2, deleted: [] as string[] },
    { name: 'terminating pods do not count', replicas: 2, pods: [pod('a', { node: 'n', ready: true }), pod('b', { deleting: true })], create: 1, deleted: [] },
    { name: 'finished pods do not count', replicas: 1, pods: [pod('a', { node: 'n', phase: 'Succeeded' })], create: 1, deleted: [] },
    { name: 'nothing to do', replicas: 1, pods: [pod('a', { node: 'n', ready: true })], create: 0, deleted: [] },
    {
      name: 'deletes unscheduled, then pending, then not ready',
      replicas: 1,
      pods: [pod('ready', { node: 'n', ready: true }), pod('notready', { node: 'n', ready: false }), pod('pending', { node: 'n', phase: 'Pending' }), pod('unscheduled')],
      create: 0,
      deleted: ['unscheduled', 'pending', 'notready'],
    },
    {
      name: 'among ready pods, the most recently ready and newest go first',
      replicas: 1,
      pods: [pod('old', { node: 'n', ready: true, readySince: 500, created: 600 }), pod('young', { node: 'n', ready: true, readySince: 10, created: 20 })],
      create: 0,
      deleted: ['young'],
    },
  ])('$name', (c) => {
    const r = manageReplicas(rs(c.replicas), c.pods);
    expect(r.create).toBe(c.create);
    expect(r.delete.map((p) => p.metadata.name)).toEqual(c.deleted);
  });
});

describe('compareForDeletion', () => {
  it('prefers pods with more restarts', () => {
    const a = pod('a', { node: 'n', ready: true, readySince: 50, restarts: 5 });
    const b = pod('b', { node: 'n', ready: true, readySince: 50 });
    expect([b, a].sort(compareForDeletion).map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });
});

describe('replicaSetStatus', () => {
  it('counts ready and available with minReadySeconds and asks to look again', () => {
    const pods = [pod('a', { node: 'n', ready: true, readySince: 100 }), pod('b', { node: 'n', ready: true, readySince: 5 }), pod('c', { node: 'n', ready: false }), pod('d', { deleting: true, node: 'n', ready: true })];
    const r = replicaSetStatus(rs(3, 30), pods, NOW);
    expect(r.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1, observedGeneration: 2 });
    expect(r.recheckAfterMs).toBe(25_000);
  });
});

describe('claimObjects', () => {
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', deleting: false };
  const sel = labelSelectorFromObject({ matchLabels: { app: 'web' } });
  it.each([
    { name: 'owned and matching is kept', p: pod('a', { owner: 'rs-uid' }), want: 'owned' },
    { name: 'matching orphan is adopted', p: pod('a'), want: 'adopt' },
    { name: 'owned but not matching is released', p: pod('a', { owner: 'rs-uid', labels: { app: 'other' } }), want: 'release' },
    { name: 'owned by someone else is ignored', p: pod('a', { owner: 'x' }), want: 'none' },
    { name: 'non-matching orphan is ignored', p: pod('a', { labels: { app: 'db' } }), want: 'none' },
    { name: 'terminating orphan is not adopted', p: pod('a', { deleting: true }), want: 'none' },
  ])('$name', ({ p, want }) => {
    const r = claimObjects(owner, sel, [p as never]);
    const got = r.adopt.length ? 'adopt' : r.release.length ? 'release' : r.owned.length ? 'owned' : 'none';
    expect(got).toBe(want);
  });
  it('a deleting owner adopts nothing', () => {
    const r = claimObjects({ ...owner, deleting: true }, sel, [pod('a') as never]);
    expect(r.adopt).toEqual([]);
  });
});

describe('Expectations', () => {
  it('waits for creations and deletions to be observed, or the TTL', () => {
    let now = 0;
    const e = new Expectations(() => now, 1000);
    expect(e.satisfied('k')).toBe(true);
    e.expect('k', 2, ['ns/p1']);
    expect(e.satisfied('k')).toBe(false);
    e.creationObserved('k');
    e.creationObserved('k');
    expect(e.satisfied('k')).toBe(false);
    e.deletionObserved('k', 'ns/p1');
    expect(e.satisfied('k')).toBe(true);
    e.expect('k', 1, []);
    now = 1001;
    expect(e.satisfied('k')).toBe(true);
  });
});
