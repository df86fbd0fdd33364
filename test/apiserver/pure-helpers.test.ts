// Table-driven tests of the apiserver's small pure pieces: AGE, request paths, Accept parsing, the
// authorizer, watch event filtering, continue tokens.
import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../api/human-duration.js';
import { parseRequestInfo } from '../../apiserver/request-info.js';
import { parseAccept, patchKindOf } from '../../apiserver/http/negotiation.js';
import { authorize } from '../../apiserver/auth/authorizer.js';
import { filterEvent } from '../../apiserver/routes/watch-stream.js';
import { decodeContinue, encodeContinue } from '../../apiserver/registry/continue-token.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { RawEvent } from '../../apiserver/storage/object-store.js';
import { CachedObject } from '../../apiserver/storage/object-snapshot.js';

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [0, '0s'], [5_000, '5s'], [119_000, '119s'], [120_000, '2m'], [182_000, '3m2s'], [600_000, '10m'], [3 * 3600_000 - 1, '179m'],
    [3 * 3600_000, '3h'], [(7 * 60 + 5) * 60_000, '7h5m'], [47 * 3600_000, '47h'], [48 * 3600_000, '2d'], [(3 * 24 + 4) * 3600_000, '3d4h'],
    [10 * 24 * 3600_000, '10d'], [(2 * 365 + 3) * 24 * 3600_000, '2y3d'], [9 * 365 * 24 * 3600_000, '9y'], [-500, '0s'], [-5000, '<invalid>'],
  ])('%i ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});

describe('parseRequestInfo', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', false, { verb: 'list', namespace: 'default', resource: 'pods' }],
    ['GET', '/api/v1/pods', true, { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods/x/log', false, { verb: 'get', name: 'x', subresource: 'log' }],
    ['POST', '/api/v1/namespaces/default/pods/x/binding', false, { verb: 'create', subresource: 'binding' }],
    ['GET', '/api/v1/namespaces/default', false, { verb: 'get', resource: 'namespaces', name: 'default' }],
    ['PUT', '/api/v1/namespaces/default/status', false, { verb: 'update', resource: 'namespaces', name: 'default', subresource: 'status' }],
    ['DELETE', '/apis/apps/v1/namespaces/d/deployments', false, { verb: 'deletecollection', resource: 'deployments' }],
    ['PATCH', '/apis/apps/v1/namespaces/d/deployments/web/scale', false, { verb: 'patch', subresource: 'scale' }],
    ['GET', '/api/v1/nodes/n1', false, { verb: 'get', resource: 'nodes', name: 'n1' }],
  ])('%s %s', (method, path, watch, want) => {
    const ri = parseRequestInfo(method, path, watch);
    expect(ri.kind).toBe('resource');
    if (ri.kind !== 'resource') return;
    expect({ verb: ri.verb, namespace: ri.namespace, resource: ri.info.resource, name: ri.name, subresource: ri.subresource }).toMatchObject(want);
  });

  it('unknown resources, versions and subresources', () => {
    expect(parseRequestInfo('GET', '/api/v1/widgets', false).kind).toBe('unknown');
    expect(parseRequestInfo('GET', '/apis/apps/v2/deployments', false).kind).toBe('unknown');
    expect(parseRequestInfo('GET', '/api/v1/namespaces/x/pods/p/bogus', false).kind).toBe('unknown');
    expect(parseRequestInfo('GET', '/api/v1/namespaces/x/nodes', false).kind).toBe('unknown');
    expect(parseRequestInfo('GET', '/healthz', false).kind).toBe('nonresource');
  });
});

describe('negotiation', () => {
  it('recognises Table and aggregated discovery Accepts', () => {
    expect(parseAccept('application/json;as=Table;v=v1;g=meta.k8s.io,application/json').table).toBe(true);
    expect(parseAccept('application/json').table).toBe(false);
    expect(parseAccept('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json').discovery).toBe('v2');
    expect(parseAccept('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList').discovery).toBe('v2beta1');
  });

  it('patch types', () => {
    expect(patchKindOf('application/merge-patch+json')).toBe('merge');
    expect(patchKindOf('application/json-patch+json; charset=utf-8')).toBe('json');
    expect(patchKindOf('application/strategic-merge-patch+json')).toBe('strategic');
    expect(patchKindOf('application/apply-patch+yaml')).toBe('apply');
    expect(() => patchKindOf('text/plain')).toThrow(/unknown format/);
  });
});

describe('authorize', () => {
  const admin = { username: 'admin', uid: '', groups: ['system:masters'] };
  const node = { username: 'system:node:n1', uid: '', groups: ['system:nodes'] };
  const jane = { username: 'jane', uid: '', groups: ['system:authenticated'] };
  it.each([
    [admin, { verb: 'delete', group: '', resource: 'nodes', name: 'n2' }, true],
    [node, { verb: 'list', group: 'apps', resource: 'deployments' }, true],
    [node, { verb: 'update', group: '', resource: 'nodes', name: 'n1', subresource: 'status' }, true],
    [node, { verb: 'patch', group: '', resource: 'nodes', name: 'n2', subresource: 'status' }, false],
    [node, { verb: 'delete', group: '', resource: 'nodes', name: 'n1' }, false],
    [node, { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n1' }, true],
    [node, { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n2' }, false],
    [node, { verb: 'create', group: '', resource: 'events', namespace: 'default' }, true],
    [node, { verb: 'create', group: '', resource: 'pods', namespace: 'default' }, false],
    [node, { verb: 'update', group: 'apps', resource: 'deployments', namespace: 'default', name: 'x' }, false],
    [jane, { verb: 'get', group: '', resource: 'pods', namespace: 'default', name: 'x' }, false],
  ])('%o %o → %s', (user, req, allowed) => expect(authorize(user, req).allowed).toBe(allowed));

  it('pod writes by a node need the pod bound to it', () => {
    expect(authorize(node, { verb: 'delete', group: '', resource: 'pods', namespace: 'd', name: 'p' })).toEqual({ allowed: true, needsPodNode: 'n1' });
  });
});

describe('filterEvent', () => {
  const obj = (labels: Record<string, string>): KubeObject => ({ metadata: { name: 'x', labels } });
  const sel = (o: KubeObject) => o.metadata.labels?.a === '1';
  const ev = (type: RawEvent['type'], now: KubeObject, before?: KubeObject): RawEvent => ({ type, key: 'k', revision: 2, current: new CachedObject(undefined, now), object: now, previous: before });
  it.each([
    ['ADDED', obj({ a: '1' }), undefined, 'ADDED'],
    ['ADDED', obj({ a: '2' }), undefined, undefined],
    ['MODIFIED', obj({ a: '1' }), obj({ a: '1' }), 'MODIFIED'],
    ['MODIFIED', obj({ a: '1' }), obj({ a: '2' }), 'ADDED'],
    ['MODIFIED', obj({ a: '2' }), obj({ a: '1' }), 'DELETED'],
    ['MODIFIED', obj({ a: '2' }), obj({ a: '3' }), undefined],
    ['DELETED', obj({ a: '1' }), obj({ a: '1' }), 'DELETED'],
    ['DELETED', obj({ a: '2' }), obj({ a: '2' }), undefined],
  ] as const)('%s now=%o before=%o → %s', (type, now, before, want) => expect(filterEvent(ev(type, now, before), sel, false)).toBe(want));
});

describe('continue tokens', () => {
  it('round-trip and reject tokens from another collection', () => {
    const t = encodeContinue({ rv: 42, start: '/registry/pods/default/b\x00' });
    expect(decodeContinue(t, '/registry/pods/default/')).toEqual({ rv: 42, start: '/registry/pods/default/b\x00' });
    expect(() => decodeContinue(t, '/registry/nodes/')).toThrow(/continue key is not valid/);
    expect(() => decodeContinue('garbage!', '/registry/pods/')).toThrow(/continue key is not valid/);
  });
});
