// Discovery (legacy and aggregated), openapi, Table responses and metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { deployment, pod, request } from './api-helper.js';

let s: TestApiServer;
let u: string;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const AGG = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

beforeAll(async () => {
  s = await startTestApiServer({ insecure: true });
  u = s.insecureUrl!;
});
afterAll(async () => {
  await s?.stop();
});

describe('discovery', () => {
  it('aggregated v2 with the exact content type, shortNames, categories and scale responseKind', async () => {
    const r = await request(u, '/apis', { accept: AGG });
    expect(r.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const apps = r.body.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    const d = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'deployments');
    expect(d).toMatchObject({ scope: 'Namespaced', singularResource: 'deployment', shortNames: ['deploy'], categories: ['all'] });
    expect(d.subresources.find((x: { subresource: string }) => x.subresource === 'scale').responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const core = await request(u, '/api', { accept: AGG });
    expect(core.body.items[0].metadata.name).toBe('');
  });

  it('answers only in a version the client listed, else legacy', async () => {
    const beta = await request(u, '/api', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    expect(beta.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    const legacy = await request(u, '/api', { accept: 'application/json, */*' });
    expect(legacy.headers['content-type']).toMatch(/^application\/json/);
    expect(legacy.body.versions).toEqual(['v1']);
  });

  it('legacy group and resource lists', async () => {
    const groups = await request(u, '/apis');
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['apps', 'coordination.k8s.io']));
    const v1 = await request(u, '/api/v1');
    const pods = v1.body.resources.find((x: { name: string }) => x.name === 'pods');
    expect(pods).toMatchObject({ namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    const apps = await request(u, '/apis/apps/v1');
    expect(apps.body.resources.find((x: { name: string }) => x.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect((await request(u, '/apis/nope/v1')).status).toBe(404);
  });

  it('openapi v3 root and group docs; v2 is 404', async () => {
    const root = await request(u, '/openapi/v3');
    const url = root.body.paths['api/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=/);
    const doc = await request(u, url);
    expect(doc.body.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    expect((await request(u, '/openapi/v2')).status).toBe(404);
  });
});

describe('tables', () => {
  it('pods: NAME READY STATUS RESTARTS AGE, wide columns at priority 1, PartialObjectMetadata rows', async () => {
    await request(u, '/api/v1/namespaces/default/pods', { method: 'POST', body: { ...pod('t1'), metadata: { name: 't1', labels: { a: 'b' } } } });
    const r = await request(u, '/api/v1/namespaces/default/pods?limit=500', { accept: TABLE });
    expect(r.body.kind).toBe('Table');
    expect(r.body.apiVersion).toBe('meta.k8s.io/v1');
    expect(Number(r.body.metadata.resourceVersion)).toBeGreaterThan(0);
    const cols = r.body.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`);
    expect(cols).toEqual(['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
    const row = r.body.rows[0];
    expect(row.cells.slice(0, 4)).toEqual(['t1', '0/1', 'Pending', '0']);
    expect(row.cells[4]).toMatch(/^\d+s$/);
    expect(row.cells.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 't1', labels: { a: 'b' } } });
    const full = await request(u, '/api/v1/namespaces/default/pods/t1?includeObject=Object', { accept: TABLE });
    expect(full.body.rows[0].object.kind).toBe('Pod');
  });

  it('deployments: NAME READY UP-TO-DATE AVAILABLE AGE', async () => {
    await request(u, '/apis/apps/v1/namespaces/default/deployments', { method: 'POST', body: deployment('tweb', 2) });
    const r = await request(u, '/apis/apps/v1/namespaces/default/deployments', { accept: TABLE });
    expect(r.body.columnDefinitions.filter((c: { priority: number }) => !c.priority).map((c: { name: string }) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    expect(r.body.rows[0].cells.slice(0, 4)).toEqual(['tweb', '0/2', 0, 0]);
    expect(r.body.rows[0].cells.slice(5)).toEqual(['web', 'nginx:1.25', 'app=tweb']);
  });

  it('nodes and namespaces', async () => {
    await request(u, '/api/v1/nodes', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'tn', labels: { 'node-role.kubernetes.io/control-plane': '' } }, status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0-skiff' }, addresses: [{ type: 'InternalIP', address: '10.0.0.5' }] } },
    });
    const r = await request(u, '/api/v1/nodes', { accept: TABLE });
    expect(r.body.rows[0].cells.slice(0, 3)).toEqual(['tn', 'Ready', 'control-plane']);
    expect(r.body.rows[0].cells[4]).toBe('v1.32.0-skiff');
    expect(r.body.rows[0].cells[5]).toBe('10.0.0.5');
    const ns = await request(u, '/api/v1/namespaces/default', { accept: TABLE });
    expect(ns.body.rows[0].cells.slice(0, 2)).toEqual(['default', 'Active']);
  });
});

describe('metrics', () => {
  it('counts requests by verb, resource and code', async () => {
    await request(u, '/api/v1/namespaces/default/pods/none');
    const m = await request(u, '/metrics');
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    expect(m.text).toContain('apiserver_request_total{verb="GET",resource="pods",code="404"}');
    expect(m.text).toMatch(/apiserver_request_duration_seconds_bucket\{verb="LIST",resource="pods",le="\+Inf"\} \d+/);
    expect(m.text).toContain('apiserver_registered_watchers 0');
  });
});
