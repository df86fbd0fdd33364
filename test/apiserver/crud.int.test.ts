// CRUD on a real etcd: create/get/list/update/delete, conflicts, metadata rules, bad input (nothing
// written), list paging and selectors, deletecollection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { deployment, pod, request } from './api-helper.js';

let s: TestApiServer;
let u: string;
const PODS = '/api/v1/namespaces/default/pods';

beforeAll(async () => {
  s = await startTestApiServer({ insecure: true });
  u = s.insecureUrl!;
});
afterAll(async () => {
  await s?.stop();
});

async function podNames(): Promise<string[]> {
  const r = await request(u, PODS);
  return r.body.items.map((p: { metadata: { name: string } }) => p.metadata.name);
}

describe('create / get / update / delete', () => {
  it('creates with system metadata and defaults, and reads it back', async () => {
    const c = await request(u, PODS, { method: 'POST', body: pod('crud-a') });
    expect(c.status).toBe(201);
    expect(c.headers['content-type']).toMatch(/^application\/json/);
    const m = c.body.metadata;
    expect(m.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(m.generation).toBe(1);
    expect(Number(m.resourceVersion)).toBeGreaterThan(0);
    expect(c.body.spec.restartPolicy).toBe('Always');
    expect(c.body.status.phase).toBe('Pending');
    const g = await request(u, `${PODS}/crud-a`);
    expect(g.status).toBe(200);
    expect(g.body.metadata.resourceVersion).toBe(m.resourceVersion);
    // the reply to a write is the stored object (sent as its stored text): what a read returns
    expect(c.body).toEqual(g.body);
    const up = await request(u, `${PODS}/crud-a`, { method: 'PUT', body: { ...g.body, metadata: { ...g.body.metadata, labels: { x: 'y' } } } });
    expect(up.status).toBe(200);
    expect(up.body.metadata.labels).toEqual({ x: 'y' });
    expect(Number(up.body.metadata.resourceVersion)).toBeGreaterThan(Number(m.resourceVersion));
    expect(up.body).toEqual((await request(u, `${PODS}/crud-a`)).body);
  });

  it('answers 409 AlreadyExists for a second create', async () => {
    const r = await request(u, PODS, { method: 'POST', body: pod('crud-a') });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', message: 'pods "crud-a" already exists' });
  });

  it('answers 404 NotFound for a missing object', async () => {
    const r = await request(u, `${PODS}/nope`);
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('pods "nope" not found');
  });

  it('generates names from generateName', async () => {
    const r = await request(u, PODS, { method: 'POST', body: { ...pod(''), metadata: { generateName: 'gen-' } } });
    expect(r.status).toBe(201);
    expect(r.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('updates with a resourceVersion precondition and rejects a stale one with 409 Conflict', async () => {
    const live = (await request(u, `${PODS}/crud-a`)).body;
    live.metadata.labels = { tier: 'web' };
    const u1 = await request(u, `${PODS}/crud-a`, { method: 'PUT', body: live });
    expect(u1.status).toBe(200);
    expect(u1.body.metadata.labels).toEqual({ tier: 'web' });
    expect(u1.body.metadata.generation).toBe(1); // metadata only: no generation bump
    const stale = await request(u, `${PODS}/crud-a`, { method: 'PUT', body: live });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(stale.body.message).toBe(
      'Operation cannot be fulfilled on pods "crud-a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('bumps generation on spec changes only and keeps status on main-resource writes', async () => {
    const c = await request(u, '/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: deployment('gen-web') });
    expect(c.status).toBe(201);
    const live = c.body;
    live.spec.replicas = 3;
    live.status = { replicas: 99 };
    const r = await request(u, '/apis/apps/v1/namespaces/default/deployments/gen-web', { method: 'PUT', body: live });
    expect(r.status).toBe(200);
    expect(r.body.metadata.generation).toBe(2);
    expect(r.body.status?.replicas).toBeUndefined();
  });

  it('deletes an unbound pod at once', async () => {
    await request(u, PODS, { method: 'POST', body: pod('crud-del') });
    const d = await request(u, `${PODS}/crud-del`, { method: 'DELETE', body: { propagationPolicy: 'Background' } });
    expect(d.status).toBe(200);
    expect(d.body.metadata.name).toBe('crud-del');
    expect((await request(u, `${PODS}/crud-del`)).status).toBe(404);
  });

  it('honours delete preconditions', async () => {
    await request(u, PODS, { method: 'POST', body: pod('crud-pre') });
    const d = await request(u, `${PODS}/crud-pre`, { method: 'DELETE', body: { preconditions: { uid: 'not-the-uid' } } });
    expect(d.status).toBe(409);
    expect(d.body.message).toContain('Precondition failed: UID in precondition: not-the-uid');
    expect((await request(u, `${PODS}/crud-pre`)).status).toBe(200);
  });
});

describe('bad input writes nothing', () => {
  it('400 for malformed JSON', async () => {
    const r = await request(u, PODS, { method: 'POST', raw: '{"apiVersion":"v1","kind":"Pod",', contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body.reason).toBe('BadRequest');
  });

  it('400 for malformed YAML', async () => {
    const r = await request(u, PODS, { method: 'POST', raw: 'apiVersion: v1\nkind: Pod\nmetadata: [\n', contentType: 'application/yaml' });
    expect(r.status).toBe(400);
  });

  it('accepts a YAML body', async () => {
    const yaml = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\nspec:\n  containers:\n  - name: c\n    image: busybox\n';
    const r = await request(u, PODS, { method: 'POST', raw: yaml, contentType: 'application/yaml' });
    expect(r.status).toBe(201);
  });

  it('400 for a wrong kind or apiVersion', async () => {
    const k = await request(u, PODS, { method: 'POST', body: { ...pod('bad-kind'), kind: 'Service' } });
    expect(k.status).toBe(400);
    expect(k.body.message).toContain('Service');
    const v = await request(u, PODS, { method: 'POST', body: { ...pod('bad-ver'), apiVersion: 'apps/v1' } });
    expect(v.status).toBe(400);
    expect(await podNames()).not.toContain('bad-kind');
  });

  it('400 when the body namespace differs from the URL namespace', async () => {
    const r = await request(u, PODS, { method: 'POST', body: { ...pod('ns-mismatch'), metadata: { name: 'ns-mismatch', namespace: 'kube-system' } } });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  it('404 when the namespace does not exist', async () => {
    const r = await request(u, '/api/v1/namespaces/ghost/pods', { method: 'POST', body: pod('p') });
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('namespaces "ghost" not found');
  });

  it('413 for a body over 3 MiB', async () => {
    const big = { ...pod('big'), metadata: { name: 'big', annotations: { x: 'a'.repeat(3 * 1024 * 1024 + 10) } } };
    const r = await request(u, PODS, { method: 'POST', body: big });
    expect(r.status).toBe(413);
    expect(r.body.reason).toBe('RequestEntityTooLarge');
    expect((await request(u, `${PODS}/big`)).status).toBe(404);
  });

  it('422 with every cause for an invalid object', async () => {
    const r = await request(u, PODS, { method: 'POST', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name' }, spec: { containers: [{ name: 'c' }] } } });
    expect(r.status).toBe(422);
    expect(r.body.reason).toBe('Invalid');
    const fields = r.body.details.causes.map((c: { field: string }) => c.field);
    expect(fields).toContain('metadata.name');
    expect(fields).toContain('spec.containers[0].image');
    expect((await request(u, `${PODS}/Bad_Name`)).status).toBe(404);
  });

  it('strict field validation: 400 on Strict, a Warning header on Warn', async () => {
    const body = { ...pod('strict'), spec: { containers: [{ name: 'c', image: 'busybox' }], bogus: 1 } };
    const strict = await request(u, `${PODS}?fieldValidation=Strict`, { method: 'POST', body });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('strict decoding error: unknown field "spec.bogus"');
    expect((await request(u, `${PODS}/strict`)).status).toBe(404);
    const warn = await request(u, `${PODS}?fieldValidation=Warn`, { method: 'POST', body });
    expect(warn.status).toBe(201);
    expect(String(warn.headers.warning)).toContain('unknown field \\"spec.bogus\\"');
  });

  it('415 for an unknown patch type', async () => {
    const r = await request(u, `${PODS}/crud-a`, { method: 'PATCH', raw: '{}', contentType: 'text/plain' });
    expect(r.status).toBe(415);
  });
});

describe('list', () => {
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      await request(u, '/api/v1/namespaces/kube-public/pods', {
        method: 'POST',
        body: { ...pod(`page-${i}`), metadata: { name: `page-${i}`, labels: { idx: String(i), parity: i % 2 ? 'odd' : 'even' } } },
      });
    }
  });

  it('is served at one revision, with kind and apiVersion', async () => {
    const r = await request(u, '/api/v1/namespaces/kube-public/pods');
    expect(r.body.kind).toBe('PodList');
    expect(r.body.apiVersion).toBe('v1');
    expect(Number(r.body.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(r.body.items).toHaveLength(7);
  });

  it('pages with limit and continue', async () => {
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await request(u, `/api/v1/namespaces/kube-public/pods?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((p: { metadata: { name: string } }) => p.metadata.name));
      cont = r.body.metadata.continue ?? '';
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('applies label and field selectors', async () => {
    const odd = await request(u, '/api/v1/namespaces/kube-public/pods?labelSelector=parity%3Dodd');
    expect(odd.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['page-1', 'page-3', 'page-5']);
    const set = await request(u, `/api/v1/namespaces/kube-public/pods?labelSelector=${encodeURIComponent('idx in (2,4),parity')}`);
    expect(set.body.items).toHaveLength(2);
    const byName = await request(u, '/api/v1/pods?fieldSelector=metadata.name%3Dpage-6');
    expect(byName.body.items.map((p: { metadata: { namespace: string } }) => p.metadata.namespace)).toEqual(['kube-public']);
    const bad = await request(u, '/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    expect(bad.status).toBe(400);
  });

  it('a list right after a write always reflects it (lists come from the watch cache)', async () => {
    for (let i = 0; i < 30; i++) {
      const c = await request(u, '/api/v1/namespaces/kube-public/pods', { method: 'POST', body: pod(`fresh-${i}`) });
      const l1 = await request(u, '/api/v1/namespaces/kube-public/pods');
      expect(l1.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain(`fresh-${i}`);
      expect(Number(l1.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(c.body.metadata.resourceVersion));
      await request(u, `/api/v1/namespaces/kube-public/pods/fresh-${i}`, { method: 'DELETE' });
      const l2 = await request(u, '/api/v1/namespaces/kube-public/pods');
      expect(l2.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).not.toContain(`fresh-${i}`);
    }
  });

  it('lists across namespaces', async () => {
    const r = await request(u, '/api/v1/pods');
    const nss = new Set(r.body.items.map((p: { metadata: { namespace: string } }) => p.metadata.namespace));
    expect(nss).toEqual(new Set(['default', 'kube-public']));
  });

  it('deletecollection honours the selector', async () => {
    const r = await request(u, '/api/v1/namespaces/kube-public/pods?labelSelector=parity%3Deven', { method: 'DELETE' });
    expect(r.status).toBe(200);
    const left = await request(u, '/api/v1/namespaces/kube-public/pods');
    expect(left.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['page-1', 'page-3', 'page-5']);
  });
});

describe('namespaces', () => {
  it('has the built-in namespaces', async () => {
    const r = await request(u, '/api/v1/namespaces');
    const names = r.body.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']));
    expect(r.body.items[0].status.phase).toBe('Active');
  });

  it('the default, kube-system and kube-public namespaces may not be deleted', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const r = await request(u, `/api/v1/namespaces/${ns}`, { method: 'DELETE' });
      expect(r.status).toBe(403);
      expect(r.body.message).toBe(`namespaces "${ns}" is forbidden: this namespace may not be deleted`);
    }
  });

  it('deleting a namespace removes its objects', async () => {
    expect((await request(u, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } })).status).toBe(201);
    expect((await request(u, '/api/v1/namespaces/doomed/pods', { method: 'POST', body: pod('inside') })).status).toBe(201);
    const d = await request(u, '/api/v1/namespaces/doomed', { method: 'DELETE' });
    expect(d.status).toBeLessThan(300);
    expect((await request(u, '/api/v1/namespaces/doomed/pods/inside')).status).toBe(404);
    expect((await request(u, '/api/v1/namespaces/doomed')).status).toBe(404);
    const again = await request(u, '/api/v1/namespaces/doomed/pods', { method: 'POST', body: pod('inside') });
    expect(again.status).toBe(404);
  });
});
