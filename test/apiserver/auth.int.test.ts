// Authentication and authorization over HTTPS: 401 without a valid token, public health/version,
// the node authorizer (403 outside its own objects), TokenReview, tokens.json reload.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { pod, request } from './api-helper.js';

let s: TestApiServer;
const NODE_TOKEN = 'skiff-test-node-token-aaaa';
const OTHER_TOKEN = 'skiff-test-plain-user-token';

beforeAll(async () => {
  s = await startTestApiServer();
  const file = path.join(s.dataDir, 'tokens.json');
  const tokens = JSON.parse(readFileSync(file, 'utf8'));
  tokens[NODE_TOKEN] = { user: 'system:node:n1', uid: 'n1-uid', groups: ['system:nodes', 'system:authenticated'] };
  tokens[OTHER_TOKEN] = { user: 'jane', uid: 'jane-uid', groups: ['system:authenticated'] };
  writeFileSync(file, JSON.stringify(tokens));
  await new Promise((r) => setTimeout(r, 600)); // the reload check runs at most every 500 ms
});
afterAll(async () => {
  await s?.stop();
});

const as = (token: string | undefined) => ({ token, ca: s.caPem });

describe('authentication', () => {
  it('401 Status without a token or with a wrong one', async () => {
    const none = await request(s.url, '/api/v1/pods', as(undefined));
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await request(s.url, '/api/v1/pods', as('wrong'))).status).toBe(401);
  });

  it('serves health and version without a token, over TLS the CA verifies', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await request(s.url, p, as(undefined));
      expect(r.status).toBe(200);
      expect(r.text).toBe('ok');
    }
    const v = await request(s.url, '/version', as(undefined));
    expect(v.body).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0-skiff' });
  });

  it('the admin token from the kubeconfig works', async () => {
    const kc = readFileSync(s.kubeconfigPath, 'utf8');
    expect(kc).toContain('certificate-authority-data');
    expect(kc).toContain(s.token);
    expect((await request(s.url, '/api/v1/namespaces', as(s.token))).status).toBe(200);
  });

  it('TokenReview reports the user of a token', async () => {
    const r = await request(s.url, '/apis/authentication.k8s.io/v1/tokenreviews', {
      ...as(s.token),
      method: 'POST',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: NODE_TOKEN } },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toMatchObject({ authenticated: true, user: { username: 'system:node:n1', uid: 'n1-uid', groups: ['system:nodes', 'system:authenticated'] } });
    const bad = await request(s.url, '/apis/authentication.k8s.io/v1/tokenreviews', { ...as(s.token), method: 'POST', body: { kind: 'TokenReview', spec: { token: 'nope' } } });
    expect(bad.body.status.authenticated).toBe(false);
  });
});

describe('node authorizer', () => {
  it('a node may read everything', async () => {
    expect((await request(s.url, '/api/v1/pods', as(NODE_TOKEN))).status).toBe(200);
    expect((await request(s.url, '/apis/apps/v1/deployments', as(NODE_TOKEN))).status).toBe(200);
  });

  it('a node may create and update only its own Node', async () => {
    const own = await request(s.url, '/api/v1/nodes', { ...as(NODE_TOKEN), method: 'POST', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } });
    expect(own.status).toBe(201);
    const other = await request(s.url, '/api/v1/nodes', { ...as(NODE_TOKEN), method: 'POST', body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } } });
    expect(other.status).toBe(403);
    expect(other.body.reason).toBe('Forbidden');
    expect((await request(s.url, '/api/v1/nodes/n2', as(s.token))).status).toBe(404);
    const live = own.body;
    live.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    expect((await request(s.url, '/api/v1/nodes/n1/status', { ...as(NODE_TOKEN), method: 'PUT', body: live })).status).toBe(200);
    expect((await request(s.url, '/api/v1/nodes/n1', { ...as(NODE_TOKEN), method: 'DELETE' })).status).toBe(403);
  });

  it('a node may write its Lease in kube-node-lease only', async () => {
    const lease = (name: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: name } });
    expect((await request(s.url, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { ...as(NODE_TOKEN), method: 'POST', body: lease('n1') })).status).toBe(201);
    expect((await request(s.url, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { ...as(NODE_TOKEN), method: 'POST', body: lease('n2') })).status).toBe(403);
    expect((await request(s.url, '/apis/coordination.k8s.io/v1/namespaces/default/leases', { ...as(NODE_TOKEN), method: 'POST', body: lease('n1') })).status).toBe(403);
  });

  it('a node may update status and delete only pods bound to it', async () => {
    const mk = async (name: string, node: string) => {
      await request(s.url, '/api/v1/namespaces/default/pods', { ...as(s.token), method: 'POST', body: pod(name) });
      await request(s.url, `/api/v1/namespaces/default/pods/${name}/binding`, { ...as(s.token), method: 'POST', body: { kind: 'Binding', apiVersion: 'v1', metadata: { name }, target: { kind: 'Node', name: node } } });
      return (await request(s.url, `/api/v1/namespaces/default/pods/${name}`, as(s.token))).body;
    };
    const mine = await mk('mine', 'n1');
    const theirs = await mk('theirs', 'n2');
    mine.status.phase = 'Running';
    expect((await request(s.url, '/api/v1/namespaces/default/pods/mine/status', { ...as(NODE_TOKEN), method: 'PUT', body: mine })).status).toBe(200);
    theirs.status.phase = 'Running';
    expect((await request(s.url, '/api/v1/namespaces/default/pods/theirs/status', { ...as(NODE_TOKEN), method: 'PUT', body: theirs })).status).toBe(403);
    expect((await request(s.url, '/api/v1/namespaces/default/pods/theirs', { ...as(NODE_TOKEN), method: 'DELETE', body: { gracePeriodSeconds: 0 } })).status).toBe(403);
    expect((await request(s.url, '/api/v1/namespaces/default/pods/mine', { ...as(NODE_TOKEN), method: 'DELETE', body: { gracePeriodSeconds: 0 } })).status).toBe(200);
    expect((await request(s.url, '/api/v1/namespaces/default/pods', { ...as(NODE_TOKEN), method: 'POST', body: pod('new') })).status).toBe(403);
  });

  it('a node may create events', async () => {
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'mine', namespace: 'default' }, reason: 'Started', message: 'started', type: 'Normal' };
    expect((await request(s.url, '/api/v1/namespaces/default/events', { ...as(NODE_TOKEN), method: 'POST', body: ev })).status).toBe(201);
  });

  it('a user outside system:masters and system:nodes is forbidden', async () => {
    const r = await request(s.url, '/api/v1/namespaces/default/pods', as(OTHER_TOKEN));
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"');
  });
});
