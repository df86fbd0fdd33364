import { describe, expect, it } from 'vitest';
import { applyConflictError, formatApplyConflicts, recordUpdate, serverSideApply } from '../../api/server-side-apply.js';
import { fieldSetOf, fieldsV1Of, formatPath, fromFieldsV1, parsePathKey, toFieldsV1 } from '../../api/field-set.js';
import { schemaFor } from '../../api/schema.js';
import type { KubeObject } from '../../api/types/meta.js';

const NOW = '2026-01-01T00:00:00Z';
const LATER = '2026-01-01T00:01:00Z';

function deployment(replicas: number | undefined, image = 'nginx:1.25', labels: Record<string, string> = { app: 'web' }): KubeObject {
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  };
  if (replicas !== undefined) spec.replicas = replicas;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels }, spec };
}

const spec = (o: KubeObject) => o.spec as { replicas?: number; template: { spec: { containers: { name: string; image: string }[] } } };

describe('field sets and FieldsV1', () => {
  it('encodes fields, keyed items and set items like Kubernetes', () => {
    const set = fieldSetOf(
      { metadata: { name: 'x', labels: { app: 'web' }, finalizers: ['a/b'] }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      schemaFor('v1', 'Pod'),
    );
    expect(toFieldsV1(set)).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"a/b"': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    });
    expect(fromFieldsV1(toFieldsV1(set))).toEqual(set);
    const paths = [...set].map((k) => formatPath(parsePathKey(k))).sort();
    expect(paths).toContain('.spec.containers[name="web"].image');
    expect(paths).toContain('.metadata.finalizers[="a/b"]');
  });

  it('builds the FieldsV1 of a whole object in one walk, the same as through the set, sorted with "." first', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x', labels: { b: '1', a: '2' }, annotations: {} },
      spec: {
        volumes: [{ name: 'v', emptyDir: {} }],
        containers: [
          { name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {}, command: ['sh', '-c'] },
          { name: 'side', image: 'busybox', env: [{ name: 'A', value: 'x' }, { name: 'B', value: null }] },
        ],
        nodeSelector: null,
      },
    };
    const direct = fieldsV1Of(pod, schemaFor('v1', 'Pod'));
    expect(direct).toEqual(toFieldsV1(fieldSetOf(pod, schemaFor('v1', 'Pod'))));
    const containers = (direct['f:spec'] as Record<string, Record<string, unknown>>)['f:containers']!;
    expect(Object.keys(containers)).toEqual(['k:{"name":"side"}', 'k:{"name":"web"}']);
    expect(Object.keys(containers['k:{"name":"web"}'] as object)).toEqual(['.', 'f:command', 'f:image', 'f:name', 'f:ports', 'f:resources']);
    expect(JSON.stringify((direct['f:metadata'] as Record<string, unknown>)['f:labels'])).toBe('{"f:a":{},"f:b":{}}');
    expect((direct['f:metadata'] as Record<string, unknown>)['f:annotations']).toEqual({});
    expect(direct['f:spec']).not.toHaveProperty('f:nodeSelector');
    // nothing owned under a step: no empty node (metadata with only identity fields, items without their key)
    const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'd' }, spec: { containers: [{ image: 'nginx' }], restartPolicy: 'Always' } };
    expect(fieldsV1Of(bare, schemaFor('v1', 'Pod'))).toEqual({ 'f:spec': { 'f:restartPolicy': {} } });
    expect(fieldsV1Of(bare, schemaFor('v1', 'Pod'))).toEqual(toFieldsV1(fieldSetOf(bare, schemaFor('v1', 'Pod'))));
    expect(fieldsV1Of({ metadata: { name: 'x' } }, schemaFor('v1', 'Pod'))).toEqual({});
  });
});

describe('server-side apply', () => {
  it('creates the object with an Apply entry', () => {
    const { object, conflicts } = serverSideApply(undefined, deployment(2), 'kubectl', false, NOW);
    expect(conflicts).toEqual([]);
    expect(spec(object).replicas).toBe(2);
    expect(object.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: NOW,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': { 'f:matchLabels': { 'f:app': {} } },
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('re-applying the same configuration changes nothing, not even the time', () => {
    const first = serverSideApply(undefined, deployment(2), 'kubectl', false, NOW).object;
    const again = serverSideApply(first, deployment(2), 'kubectl', false, LATER);
    expect(again.conflicts).toEqual([]);
    expect(again.object).toEqual(first);
    const changed = serverSideApply(first, deployment(3), 'kubectl', false, LATER);
    expect(changed.object.metadata.managedFields![0]!.time).toBe(LATER);
  });

  it('drops fields the manager no longer applies, keeps fields others own', () => {
    let live = serverSideApply(undefined, deployment(2, 'nginx:1.25', { app: 'web', tier: 'a' }), 'kubectl', false, NOW).object;
    // another writer sets a label of its own
    const before = live;
    live = structuredClone(live);
    live.metadata.labels!.owner = 'ops';
    recordUpdate(before, live, 'ops-tool', NOW);
    const next = serverSideApply(live, deployment(undefined), 'kubectl', false, LATER).object;
    expect(next.metadata.labels).toEqual({ app: 'web', owner: 'ops' });
    expect(spec(next).replicas).toBeUndefined();
    expect(next.metadata.managedFields!.map((m) => m.manager)).toEqual(['kubectl', 'ops-tool']);
  });

  it('a field another manager set to a different value is a conflict; force moves ownership', () => {
    const created = deployment(1);
    recordUpdate(undefined, created, 'kubectl-client-side-apply', NOW);
    const result = serverSideApply(created, deployment(3), 'kubectl', false, LATER);
    expect(result.conflicts).toEqual([
      { field: '.spec.replicas', manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1' },
    ]);
    expect(spec(result.object).replicas).toBe(1);
    expect(formatApplyConflicts(result.conflicts)).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    const err = applyConflictError(result.conflicts);
    expect(err.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
    });

    const forced = serverSideApply(created, deployment(3), 'kubectl', true, LATER);
    expect(forced.conflicts).toEqual([]);
    expect(spec(forced.object).replicas).toBe(3);
    const csa = forced.object.metadata.managedFields!.find((m) => m.manager === 'kubectl-client-side-apply')!;
    expect((csa.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']!['f:replicas']).toBeUndefined();
    const mine = forced.object.metadata.managedFields!.find((m) => m.manager === 'kubectl')!;
    expect((mine.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']!['f:replicas']).toEqual({});
  });

  it('same values are shared, not conflicts; several conflicts are listed per manager', () => {
    const created = deployment(1);
    recordUpdate(undefined, created, 'kubectl-create', NOW);
    expect(serverSideApply(created, deployment(1), 'kubectl', false, LATER).conflicts).toEqual([]);
    const r = serverSideApply(created, deployment(2, 'nginx:1.26'), 'kubectl', false, LATER);
    expect(formatApplyConflicts(r.conflicts)).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  it('ignores status and identity metadata in the applied configuration', () => {
    const cfg = { ...deployment(1), status: { replicas: 5 } } as KubeObject;
    const { object } = serverSideApply(undefined, cfg, 'kubectl', false, NOW);
    expect(object.status).toBeUndefined();
    const fields = object.metadata.managedFields![0]!.fieldsV1 as Record<string, Record<string, unknown>>;
    expect(Object.keys(fields['f:metadata']!)).toEqual(['f:labels']);
    expect(fields['f:status']).toBeUndefined();
  });
});

describe('recordUpdate', () => {
  it('records a create and then the fields an update changes, taking them from other managers', () => {
    const created = deployment(1);
    recordUpdate(undefined, created, 'kubectl-create', NOW);
    expect(created.metadata.managedFields).toHaveLength(1);
    expect(created.metadata.managedFields![0]).toMatchObject({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: NOW });

    const scaled = structuredClone(created);
    spec(scaled).replicas = 5;
    recordUpdate(created, scaled, 'kubectl-scale', LATER);
    const byName = Object.fromEntries(scaled.metadata.managedFields!.map((m) => [m.manager, m.fieldsV1 as Record<string, Record<string, unknown>>]));
    expect(byName['kubectl-scale']).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(byName['kubectl-create']!['f:spec']!['f:replicas']).toBeUndefined();
  });

  it('an unchanged write records nothing new; removed fields leave their owner', () => {
    const created = deployment(1);
    recordUpdate(undefined, created, 'a', NOW);
    const same = structuredClone(created);
    recordUpdate(created, same, 'b', LATER);
    expect(same.metadata.managedFields!.map((m) => m.manager)).toEqual(['a']);
    const fewer = structuredClone(created);
    delete fewer.metadata.labels;
    recordUpdate(created, fewer, 'b', LATER);
    expect((fewer.metadata.managedFields![0]!.fieldsV1 as Record<string, unknown>)['f:metadata']).toBeUndefined();
  });
});
