// PATCH on a real etcd: merge, json, strategic (kubectl apply's lists), server-side apply with
// managers and conflicts, patches of status and scale, and 415 for other types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { deployment, pod, request } from './api-helper.js';

let s: TestApiServer;
let u: string;
const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

beforeAll(async () => {
  s = await startTestApiServer({ insecure: true });
  u = s.insecureUrl!;
});
afterAll(async () => {
  await s?.stop();
});

const patch = (path: string, body: unknown, type: string) => request(u, path, { method: 'PATCH', body, contentType: type });

describe('patch', () => {
  it('merge patch: null deletes, objects merge', async () => {
    await request(u, PODS, { method: 'POST', body: { ...pod('pm'), metadata: { name: 'pm', labels: { a: '1', b: '2' } } } });
    const r = await patch(`${PODS}/pm`, { metadata: { labels: { a: null, c: '3' } } }, 'application/merge-patch+json');
    expect(r.status).toBe(200);
    expect(r.body.metadata.labels).toEqual({ b: '2', c: '3' });
  });

  it('json patch', async () => {
    const r = await patch(`${PODS}/pm`, [{ op: 'add', path: '/metadata/annotations', value: { x: 'y' } }, { op: 'remove', path: '/metadata/labels/b' }], 'application/json-patch+json');
    expect(r.status).toBe(200);
    expect(r.body.metadata.annotations).toEqual({ x: 'y' });
    expect(r.body.metadata.labels).toEqual({ c: '3' });
    const bad = await patch(`${PODS}/pm`, [{ op: 'remove', path: '/metadata/nothing' }], 'application/json-patch+json');
    expect(bad.status).toBeGreaterThanOrEqual(400);
  });

  it('a patch to a missing object is 404; an unknown patch type is 415', async () => {
    expect((await patch(`${PODS}/missing`, { metadata: {} }, 'application/merge-patch+json')).status).toBe(404);
    const r = await patch(`${PODS}/pm`, {}, 'application/xml');
    expect(r.status).toBe(415);
    expect(r.body.reason).toBe('UnsupportedMediaType');
  });

  it('strategic merge patch merges containers by name and honours $setElementOrder', async () => {
    await request(u, PODS, { method: 'POST', body: pod('sp', { spec: { containers: [{ name: 'a', image: 'busybox:1' }, { name: 'b', image: 'busybox:1' }] } }) });
    const r = await patch(
      `${PODS}/sp`,
      { metadata: { labels: { tier: 'web' } }, spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: 'busybox:2' }] } },
      'application/strategic-merge-patch+json',
    );
    expect(r.status).toBe(200);
    expect(r.body.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['a=busybox:1', 'b=busybox:2']);
    expect(r.body.metadata.labels).toEqual({ tier: 'web' });
  });

  it('status patch changes status only', async () => {
    const r = await patch(`${PODS}/pm/status`, { status: { phase: 'Running' }, spec: { nodeName: 'sneaky' } }, 'application/merge-patch+json');
    expect(r.status).toBe(200);
    expect(r.body.status.phase).toBe('Running');
    expect(r.body.spec.nodeName).toBeUndefined();
  });

  it('scale merge patch (what kubectl scale sends)', async () => {
    await request(u, DEPLOYS, { method: 'POST', body: deployment('ps', 1) });
    const r = await patch(`${DEPLOYS}/ps/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    expect((await request(u, `${DEPLOYS}/ps`)).body.spec.replicas).toBe(3);
  });
});

describe('server-side apply', () => {
  const applied = (replicas: number) => ({ ...deployment('ssa', replicas) });

  it('creates (201), then updates (200) with the manager recorded', async () => {
    const c = await patch(`${DEPLOYS}/ssa?fieldManager=kubectl&force=false`, applied(1), 'application/apply-patch+yaml');
    expect(c.status).toBe(201);
    expect(c.body.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}:${m.operation}`)).toContain('kubectl:Apply');
    const u2 = await patch(`${DEPLOYS}/ssa?fieldManager=kubectl`, applied(2), 'application/apply-patch+yaml');
    expect(u2.status).toBe(200);
    expect(u2.body.spec.replicas).toBe(2);
  });

  it('conflicts with another manager answer 409 unless force=true', async () => {
    const other = await patch(`${DEPLOYS}/ssa?fieldManager=other`, applied(5), 'application/apply-patch+yaml');
    expect(other.status).toBe(409);
    expect(other.body.reason).toBe('Conflict');
    expect((await request(u, `${DEPLOYS}/ssa`)).body.spec.replicas).toBe(2);
    const forced = await patch(`${DEPLOYS}/ssa?fieldManager=other&force=true`, applied(5), 'application/apply-patch+yaml');
    expect(forced.status).toBe(200);
    expect(forced.body.spec.replicas).toBe(5);
  });

  it('requires a fieldManager', async () => {
    const r = await request(u, `${DEPLOYS}/ssa`, { method: 'PATCH', body: applied(1), contentType: 'application/apply-patch+yaml' });
    expect(r.status).toBe(400);
  });
});
