import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../api/types/index.js';
import { decideGc, type Dependent, type OwnerState } from '../../controller/gc/gc-decision.js';

const ref = (uid: string, block = true): OwnerReference => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true, blockOwnerDeletion: block });

function obj(uid: string, o: { owners?: OwnerReference[]; deleting?: boolean; finalizers?: string[] } = {}): KubeObject {
  return {
    metadata: { name: uid, namespace: 'default', uid, ownerReferences: o.owners, deletionTimestamp: o.deleting ? '2026-01-01T00:00:00Z' : undefined, finalizers: o.finalizers },
  };
}

const dep = (uid: string, ownerUid: string, o: { block?: boolean; deleting?: boolean } = {}): Dependent => {
  const r = ref(ownerUid, o.block ?? true);
  return { obj: obj(uid, { owners: [r], deleting: o.deleting }), ref: r };
};

interface Case {
  name: string;
  obj: KubeObject;
  owners?: Record<string, OwnerState>;
  dependents?: Dependent[];
  want: ReturnType<typeof decideGc>['kind'];
}

const cases: Case[] = [
  { name: 'no owners: nothing', obj: obj('a'), want: 'none' },
  { name: 'owner present: nothing', obj: obj('a', { owners: [ref('o')] }), owners: { o: 'present' }, want: 'none' },
  { name: 'owner not known: verify with a GET', obj: obj('a', { owners: [ref('o')] }), want: 'verifyOwners' },
  { name: 'all owners gone: delete', obj: obj('a', { owners: [ref('o')] }), owners: { o: 'absent' }, want: 'delete' },
  { name: 'one of two owners gone: drop its reference', obj: obj('a', { owners: [ref('o'), ref('p')] }), owners: { o: 'absent', p: 'present' }, want: 'removeOwnerRefs' },
  { name: 'orphan finalizer with dependents: orphan them', obj: obj('o', { deleting: true, finalizers: ['orphan'] }), dependents: [dep('a', 'o')], want: 'orphanDependents' },
  { name: 'orphan finalizer, no dependents left: drop the finalizer', obj: obj('o', { deleting: true, finalizers: ['orphan'] }), want: 'removeFinalizer' },
  { name: 'foreground: delete dependents first', obj: obj('o', { deleting: true, finalizers: ['foregroundDeletion'] }), dependents: [dep('a', 'o')], want: 'deleteDependents' },
  { name: 'foreground: wait for blocking dependents being deleted', obj: obj('o', { deleting: true, finalizers: ['foregroundDeletion'] }), dependents: [dep('a', 'o', { deleting: true })], want: 'none' },
  {
    name: 'foreground: non-blocking dependents do not hold the owner',
    obj: obj('o', { deleting: true, finalizers: ['foregroundDeletion'] }),
    dependents: [dep('a', 'o', { block: false, deleting: true })],
    want: 'removeFinalizer',
  },
  { name: 'foreground: all gone, drop the finalizer', obj: obj('o', { deleting: true, finalizers: ['foregroundDeletion'] }), want: 'removeFinalizer' },
];

describe('decideGc', () => {
  it.each(cases)('$name', (c) => {
    const r = decideGc(c.obj, new Map(Object.entries(c.owners ?? {})), c.dependents ?? []);
    expect(r.kind).toBe(c.want);
  });

  it('deletes dependents with Foreground when they block, Background otherwise', () => {
    const r = decideGc(obj('o', { deleting: true, finalizers: ['foregroundDeletion'] }), new Map(), [dep('a', 'o'), dep('b', 'o', { block: false })]);
    expect(r).toEqual({
      kind: 'deleteDependents',
      dependents: [
        { obj: expect.objectContaining({ metadata: expect.objectContaining({ uid: 'a' }) }), policy: 'Foreground' },
        { obj: expect.objectContaining({ metadata: expect.objectContaining({ uid: 'b' }) }), policy: 'Background' },
      ],
    });
  });
});
