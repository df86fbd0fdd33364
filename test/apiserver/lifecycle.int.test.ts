// Graceful deletion, finalizers, propagation policy, and the status, binding, scale and log
// subresources, on a real etcd.
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

async function bind(name: string, node: string) {
  return request(u, `${PODS}/${name}/binding`, {
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
  });
}

describe('binding', () => {
  it('sets spec.nodeName once and answers 409 when already bound', async () => {
    await request(u, PODS, { method: 'POST', body: pod('b1') });
    const r = await bind('b1', 'node-a');
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('Success');
    const live = await request(u, `${PODS}/b1`);
    expect(live.body.spec.nodeName).toBe('node-a');
    expect(live.body.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]));
    const again = await bind('b1', 'node-b');
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('is already assigned to node "node-a"');
    expect((await request(u, `${PODS}/b1`)).body.spec.nodeName).toBe('node-a');
  });
});

describe('graceful delete of a bound pod', () => {
  it('sets deletionTimestamp and grace; the object stays until a grace-0 delete', async () => {
    await request(u, PODS, { method: 'POST', body: pod('g1', { spec: { terminationGracePeriodSeconds: 20 } }) });
    await bind('g1', 'node-a');
    const d = await request(u, `${PODS}/g1`, { method: 'DELETE', body: { propagationPolicy: 'Background' } });
    expect(d.status).toBe(202);
    expect(d.body.metadata.deletionGracePeriodSeconds).toBe(20);
    expect(d.body.metadata.deletionTimestamp).toBeDefined();
    const live = await request(u, `${PODS}/g1`);
    expect(live.status).toBe(200);
    expect(live.body.metadata.deletionTimestamp).toBe(d.body.metadata.deletionTimestamp);
    // a status write by the kubelet still works while terminating
    live.body.status.phase = 'Running';
    expect((await request(u, `${PODS}/g1/status`, { method: 'PUT', body: live.body })).status).toBe(200);
    const shorter = await request(u, `${PODS}/g1?gracePeriodSeconds=5`, { method: 'DELETE' });
    expect(shorter.body.metadata.deletionGracePeriodSeconds).toBe(5);
    const gone = await request(u, `${PODS}/g1`, { method: 'DELETE', body: { gracePeriodSeconds: 0 } });
    expect(gone.status).toBe(200);
    expect((await request(u, `${PODS}/g1`)).status).toBe(404);
  });

  it('deletes an unbound pod immediately whatever the grace period', async () => {
    await request(u, PODS, { method: 'POST', body: pod('g2') });
    expect((await request(u, `${PODS}/g2`, { method: 'DELETE' })).status).toBe(200);
    expect((await request(u, `${PODS}/g2`)).status).toBe(404);
  });
});

describe('finalizers and propagation', () => {
  it('keeps an object with finalizers until an update removes the last one', async () => {
    const c = await request(u, DEPLOYS, { method: 'POST', body: { ...deployment('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
    expect(c.status).toBe(201);
    const d = await request(u, `${DEPLOYS}/fin`, { method: 'DELETE' });
    expect(d.status).toBe(202);
    expect(d.body.metadata.deletionTimestamp).toBeDefined();
    const live = await request(u, `${DEPLOYS}/fin`);
    expect(live.status).toBe(200);
    live.body.metadata.finalizers = [];
    const upd = await request(u, `${DEPLOYS}/fin`, { method: 'PUT', body: live.body });
    expect(upd.status).toBe(200);
    expect((await request(u, `${DEPLOYS}/fin`)).status).toBe(404);
  });

  it('Foreground adds foregroundDeletion, Orphan adds orphan; Background deletes at once', async () => {
    await request(u, DEPLOYS, { method: 'POST', body: deployment('fg') });
    const fg = await request(u, `${DEPLOYS}/fg`, { method: 'DELETE', body: { propagationPolicy: 'Foreground' } });
    expect(fg.body.metadata.finalizers).toEqual(['foregroundDeletion']);
    await request(u, DEPLOYS, { method: 'POST', body: deployment('or') });
    const or = await request(u, `${DEPLOYS}/or?propagationPolicy=Orphan`, { method: 'DELETE' });
    expect(or.body.metadata.finalizers).toEqual(['orphan']);
    await request(u, DEPLOYS, { method: 'POST', body: deployment('bg') });
    const bg = await request(u, `${DEPLOYS}/bg`, { method: 'DELETE', body: { propagationPolicy: 'Background' } });
    expect(bg.status).toBe(200);
    expect((await request(u, `${DEPLOYS}/bg`)).status).toBe(404);
  });
});

describe('status subresource', () => {
  it('a status write ignores spec; a main write ignores status', async () => {
    const c = await request(u, DEPLOYS, { method: 'POST', body: deployment('st', 2) });
    const obj = c.body;
    obj.spec.replicas = 7;
    obj.status = { replicas: 2, readyReplicas: 1, observedGeneration: 1 };
    const r = await request(u, `${DEPLOYS}/st/status`, { method: 'PUT', body: obj });
    expect(r.status).toBe(200);
    expect(r.body.spec.replicas).toBe(2);
    expect(r.body.status.readyReplicas).toBe(1);
    expect(r.body.metadata.generation).toBe(1);
    const g = await request(u, `${DEPLOYS}/st/status`);
    expect(g.body.status.replicas).toBe(2);
  });
});

describe('scale subresource', () => {
  it('GET, PUT without Content-Type, and keeps the selector as a string', async () => {
    await request(u, DEPLOYS, { method: 'POST', body: deployment('sc', 2) });
    const g = await request(u, `${DEPLOYS}/sc/scale`);
    expect(g.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 0, selector: 'app=sc' } });
    const body = { ...g.body, spec: { replicas: 5 } };
    const p = await request(u, `${DEPLOYS}/sc/scale`, { method: 'PUT', body, contentType: null });
    expect(p.status).toBe(200);
    expect(p.body.spec.replicas).toBe(5);
    const live = await request(u, `${DEPLOYS}/sc`);
    expect(live.body.spec.replicas).toBe(5);
    expect(live.body.metadata.generation).toBe(2);
    const stale = await request(u, `${DEPLOYS}/sc/scale`, { method: 'PUT', body: { ...g.body, spec: { replicas: 1 } } });
    expect(stale.status).toBe(409);
    const neg = await request(u, `${DEPLOYS}/sc/scale`, { method: 'PUT', body: { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'sc' }, spec: { replicas: -1 } } });
    expect(neg.status).toBe(422);
  });

  it('works for replicasets too', async () => {
    const rs = deployment('rs1', 3);
    const c = await request(u, '/apis/apps/v1/namespaces/default/replicasets', { method: 'POST', body: { ...rs, kind: 'ReplicaSet' } });
    expect(c.status).toBe(201);
    const g = await request(u, '/apis/apps/v1/namespaces/default/replicasets/rs1/scale');
    expect(g.body.spec.replicas).toBe(3);
  });
});

describe('pods/log', () => {
  it('answers 503 when the node has no kubelet endpoint and 400 for an ambiguous container', async () => {
    await request(u, PODS, { method: 'POST', body: pod('l1') });
    await bind('l1', 'node-x');
    await request(u, '/api/v1/nodes', { method: 'POST', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-x' } } });
    const r = await request(u, `${PODS}/l1/log`);
    expect(r.status).toBe(503);
    expect(r.body.message).toContain('has no kubelet endpoint');
    await request(u, PODS, { method: 'POST', body: pod('l2', { spec: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] } }) });
    const two = await request(u, `${PODS}/l2/log`);
    expect(two.status).toBe(400);
    expect(two.body.message).toBe('a container name must be specified for pod l2, choose one of: [a b]');
  });

  it('proxies to the kubelet and answers 503 when it cannot be reached', async () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-dead' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 1 } } } };
    expect((await request(u, '/api/v1/nodes', { method: 'POST', body: node })).status).toBe(201);
    await request(u, PODS, { method: 'POST', body: pod('l3') });
    await bind('l3', 'node-dead');
    const r = await request(u, `${PODS}/l3/log`);
    expect(r.status).toBe(503);
    expect(r.body.message).toContain('cannot reach the kubelet of node "node-dead"');
  });
});
