import { describe, expect, it } from 'vitest';
import { applyMergePatch, createMergePatch } from '../../api/patch/merge-patch.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import { applyStrategicMergePatch, createThreeWayMergePatch, createTwoWayMergePatch } from '../../api/patch/strategic-merge-patch.js';
import { schemaFor } from '../../api/schema.js';
import { StatusError } from '../../api/status.js';

const podSchema = schemaFor('v1', 'Pod');
const deploySchema = schemaFor('apps/v1', 'Deployment');

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('RFC 7386 example %#', (target, patch, want) => {
    const before = JSON.stringify(target);
    expect(applyMergePatch(target, patch)).toEqual(want);
    expect(JSON.stringify(target)).toBe(before);
  });

  it('kubectl scale body', () => {
    expect(applyMergePatch({ spec: { replicas: 1, x: 1 } }, { spec: { replicas: 3 } })).toEqual({ spec: { replicas: 3, x: 1 } });
  });

  it('createMergePatch round-trips', () => {
    const a = { a: 1, b: { c: 2, d: 3 }, e: [1] };
    const b = { a: 1, b: { c: 5 }, e: [2], f: 'x' };
    const p = createMergePatch(a, b);
    expect(p).toEqual({ b: { c: 5, d: null }, e: [2], f: 'x' });
    expect(applyMergePatch(a, p)).toEqual(b);
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { metadata: { name: 'x', labels: { a: '1' } }, spec: { list: [1, 2, 3] } };
  it.each<[unknown[], unknown]>([
    [[{ op: 'add', path: '/metadata/labels/b', value: '2' }], { ...doc, metadata: { name: 'x', labels: { a: '1', b: '2' } } }],
    [[{ op: 'add', path: '/spec/list/1', value: 9 }], { ...doc, spec: { list: [1, 9, 2, 3] } }],
    [[{ op: 'add', path: '/spec/list/-', value: 9 }], { ...doc, spec: { list: [1, 2, 3, 9] } }],
    [[{ op: 'remove', path: '/spec/list/0' }], { ...doc, spec: { list: [2, 3] } }],
    [[{ op: 'replace', path: '/metadata/name', value: 'y' }], { ...doc, metadata: { name: 'y', labels: { a: '1' } } }],
    [[{ op: 'move', from: '/metadata/labels', path: '/spec/labels' }], { metadata: { name: 'x' }, spec: { list: [1, 2, 3], labels: { a: '1' } } }],
    [[{ op: 'copy', from: '/metadata/name', path: '/spec/name' }], { ...doc, spec: { list: [1, 2, 3], name: 'x' } }],
    [[{ op: 'test', path: '/metadata/name', value: 'x' }, { op: 'replace', path: '/metadata/name', value: 'z' }], { ...doc, metadata: { name: 'z', labels: { a: '1' } } }],
    [[{ op: 'add', path: '/metadata/labels/a~1b', value: 'v' }], { ...doc, metadata: { name: 'x', labels: { a: '1', 'a/b': 'v' } } }],
  ])('%j', (ops, want) => {
    expect(applyJsonPatch(doc, ops)).toEqual(want);
  });

  it.each<[unknown, number, string]>([
    [[{ op: 'test', path: '/metadata/name', value: 'q' }], 422, 'json patch test operation does not apply: value at "/metadata/name" is "x", not "q"'],
    [[{ op: 'replace', path: '/spec/nope', value: 1 }], 422, 'json patch replace operation does not apply: doc is missing path: "/spec/nope"'],
    [[{ op: 'remove', path: '/spec/list/5' }], 422, 'json patch remove operation does not apply: index 5 out of range in "/spec/list/5"'],
    [[{ op: 'add', path: '/a/b/c', value: 1 }], 422, 'json patch add operation does not apply: doc is missing path: "/a/b/c"'],
    [[{ op: 'frob', path: '/a' }], 400, 'unknown op "frob"'],
    [[{ op: 'add', path: '/a' }], 400, 'json patch add operation on "/a": missing "value"'],
    [{ op: 'add' }, 400, 'json patch must be a list of operations'],
  ])('rejects %j', (ops, code, msg) => {
    try {
      applyJsonPatch(doc, ops);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StatusError);
      expect((e as StatusError).code).toBe(code);
      expect((e as Error).message).toContain(msg);
    }
  });

  it('is all or nothing', () => {
    const copy = structuredClone(doc);
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/metadata/name' }, { op: 'test', path: '/x', value: 1 }])).toThrow();
    expect(doc).toEqual(copy);
  });
});

const livePod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'nginx',
    namespace: 'default',
    labels: { app: 'nginx' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'old' },
    finalizers: ['a.example.com/x'],
  },
  spec: {
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.25',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
      { name: 'side', image: 'busybox' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'a', operator: 'Exists' }],
    restartPolicy: 'Always',
  },
};

describe('strategic merge patch', () => {
  it('applies the body kubectl apply sends for a changed pod', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new\n' }, labels: { tier: 'web' } },
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'side' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] },
    };
    const out = applyStrategicMergePatch(livePod, patch, podSchema) as typeof livePod;
    expect(out.metadata.labels).toEqual({ app: 'nginx', tier: 'web' });
    expect(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe('new\n');
    expect(out.spec.containers[0]).toEqual({ ...livePod.spec.containers[0], image: 'nginx:1.26' });
    expect(out.spec.containers[1]).toEqual(livePod.spec.containers[1]);
    expect(livePod.spec.containers[0]!.image).toBe('nginx:1.25');
  });

  it('null deletes a label', () => {
    const out = applyStrategicMergePatch(livePod, { metadata: { labels: { app: null } } }, podSchema) as typeof livePod;
    expect(out.metadata.labels).toEqual({});
  });

  it('applies the deployment body from kubectl-wire.md', () => {
    const live = {
      metadata: { name: 'web' },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } } },
    };
    const patch = {
      metadata: { annotations: { x: 'y' } },
      spec: { replicas: 4, template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.26', name: 'web' }] } } },
    };
    expect(applyStrategicMergePatch(live, patch, deploySchema)).toEqual({
      metadata: { name: 'web', annotations: { x: 'y' } },
      spec: { replicas: 4, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26', ports: [{ containerPort: 80 }] }] } } },
    });
  });

  it('merges ports by containerPort, env by name, volumeMounts by mountPath; adds new items at the end', () => {
    const patch = {
      spec: {
        containers: [
          {
            name: 'nginx',
            ports: [{ containerPort: 443 }],
            env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }],
            volumeMounts: [{ mountPath: '/data', readOnly: true }],
          },
        ],
      },
    };
    const c = (applyStrategicMergePatch(livePod, patch, podSchema) as typeof livePod).spec.containers[0]!;
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }]);
    expect(c.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]);
  });

  it('$patch: delete removes a list item; $setElementOrder reorders', () => {
    const out = applyStrategicMergePatch(
      livePod,
      { spec: { containers: [{ name: 'side', $patch: 'delete' }], '$setElementOrder/containers': [{ name: 'nginx' }] } },
      podSchema,
    ) as typeof livePod;
    expect(out.spec.containers.map((c) => c.name)).toEqual(['nginx']);
    const reordered = applyStrategicMergePatch(
      livePod,
      { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'nginx' }] } },
      podSchema,
    ) as typeof livePod;
    expect(reordered.spec.containers.map((c) => c.name)).toEqual(['side', 'nginx']);
  });

  it('tolerations are atomic (replaced)', () => {
    const out = applyStrategicMergePatch(livePod, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } }, podSchema) as typeof livePod;
    expect(out.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('finalizers are a set: union, and $deleteFromPrimitiveList', () => {
    const added = applyStrategicMergePatch(livePod, { metadata: { finalizers: ['b.example.com/y', 'a.example.com/x'] } }, podSchema) as typeof livePod;
    expect(added.metadata.finalizers).toEqual(['a.example.com/x', 'b.example.com/y']);
    const removed = applyStrategicMergePatch(added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/x'] } }, podSchema) as typeof livePod;
    expect(removed.metadata.finalizers).toEqual(['b.example.com/y']);
  });

  it('$patch: replace replaces a map or a list; $retainKeys drops other keys', () => {
    const out = applyStrategicMergePatch(livePod, { metadata: { labels: { $patch: 'replace', only: 'this' } } }, podSchema) as typeof livePod;
    expect(out.metadata.labels).toEqual({ only: 'this' });
    const list = applyStrategicMergePatch(livePod, { spec: { containers: [{ $patch: 'replace' }, { name: 'x', image: 'y' }] } }, podSchema) as typeof livePod;
    expect(list.spec.containers).toEqual([{ name: 'x', image: 'y' }]);
    const d = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    expect(applyStrategicMergePatch(d, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, deploySchema)).toEqual({
      spec: { strategy: { type: 'Recreate' } },
    });
  });

  it('rejects list items without the merge key and unknown directives', () => {
    expect(() => applyStrategicMergePatch(livePod, { spec: { containers: [{ image: 'x' }] } }, podSchema)).toThrow(
      'does not contain declared merge key: name',
    );
    expect(() => applyStrategicMergePatch(livePod, { spec: { $patch: 'frob' } }, podSchema)).toThrow('unknown patch type');
  });
});

describe('three-way merge patch (kubectl apply)', () => {
  const original = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nginx', namespace: 'default', labels: { app: 'nginx', tier: 'web' } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
  };

  it('produces the body kubectl sends when the image changes and a label is added', () => {
    const orig = { ...original, metadata: { ...original.metadata, labels: { app: 'nginx' } } };
    const modified = { ...original, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } };
    const current = {
      ...orig,
      metadata: { ...orig.metadata, uid: 'u', resourceVersion: '5' },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always' },
      status: { phase: 'Pending' },
    };
    const patch = createThreeWayMergePatch(orig, modified, current, podSchema);
    expect(patch).toEqual({
      metadata: { labels: { tier: 'web' } },
      spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] },
    });
    const applied = applyStrategicMergePatch(current, patch, podSchema) as typeof current;
    expect(applied.spec.containers[0]).toEqual({ name: 'nginx', image: 'nginx:1.26', imagePullPolicy: 'IfNotPresent' });
    expect(applied.status).toEqual({ phase: 'Pending' });
  });

  it('deletes what the user removed, keeps what others set, nothing when unchanged', () => {
    const modified = { ...original, metadata: { ...original.metadata, labels: { app: 'nginx' } } };
    const current = { ...original, metadata: { ...original.metadata, labels: { app: 'nginx', tier: 'web', other: 'x' } } };
    expect(createThreeWayMergePatch(original, modified, current, podSchema)).toEqual({ metadata: { labels: { tier: null } } });
    expect(createThreeWayMergePatch(original, original, current, podSchema)).toEqual({});
  });

  it('removing a container sends $patch: delete with the element order', () => {
    const two = { ...original, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
    const one = { ...original, spec: { containers: [{ name: 'a', image: 'x' }] } };
    const patch = createThreeWayMergePatch(two, one, two, podSchema);
    expect(patch).toEqual({
      spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ $patch: 'delete', name: 'b' }] },
    });
    expect((applyStrategicMergePatch(two, patch, podSchema) as typeof one).spec.containers).toEqual([{ name: 'a', image: 'x' }]);
  });

  it('two-way patches round-trip, finalizers use $deleteFromPrimitiveList', () => {
    const a = { metadata: { finalizers: ['x/a', 'x/b'] }, spec: { containers: [{ name: 'a', image: '1', env: [{ name: 'E', value: '1' }] }] } };
    const b = { metadata: { finalizers: ['x/b', 'x/c'] }, spec: { containers: [{ name: 'a', image: '1', env: [{ name: 'E', value: '2' }] }] } };
    const p = createTwoWayMergePatch(a, b, podSchema);
    expect(p.metadata).toEqual({
      finalizers: ['x/c'],
      '$deleteFromPrimitiveList/finalizers': ['x/a'],
      '$setElementOrder/finalizers': ['x/b', 'x/c'],
    });
    expect(applyStrategicMergePatch(a, p, podSchema)).toEqual(b);
  });

  it('switching a deployment to Recreate drops rollingUpdate via $retainKeys', () => {
    const a = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const b = { spec: { strategy: { type: 'Recreate' } } };
    const p = createThreeWayMergePatch(a, b, a, deploySchema);
    expect(p).toEqual({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    expect(applyStrategicMergePatch(a, p, deploySchema)).toEqual(b);
  });
});
