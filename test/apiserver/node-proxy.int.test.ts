// nodes/proxy and metrics.k8s.io against a stand-in kubelet (an HTTPS server on loopback answering
// /stats/summary like the kubelet does): proxied for the admin only, with the query passed on;
// metrics built from the summary; discovery lists metrics.k8s.io; errors for unknown nodes, nodes
// without a kubelet endpoint and non-admin users.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../api/types/stats.js';
import { ensureServingCert } from '../../kubelet/server/serving-cert.js';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { pod, request } from './api-helper.js';

const NODE_TOKEN = 'skiff-test-proxy-node-token';
const t = '2026-11-24T01:00:00.000Z';

let s: TestApiServer;
let kubelet: https.Server;
let dir: string;
let podUid = '';
const seen: { url: string; auth?: string }[] = [];

function summary(): Summary {
  return {
    node: { nodeName: 'skiff-proxy-n1', cpu: { time: t, usageNanoCores: 250_000_000, usageCoreNanoSeconds: 1e12 }, memory: { time: t, workingSetBytes: 300 * 1024 * 1024 } },
    pods: [
      {
        podRef: { name: 'busy', namespace: 'default', uid: podUid },
        containers: [{ name: 'c', cpu: { time: t, usageNanoCores: 199_000_000 }, memory: { time: t, workingSetBytes: 24 * 1024 * 1024 } }],
      },
      // a pod the apiserver does not know: left out of the metrics
      { podRef: { name: 'ghost', namespace: 'default', uid: 'nope' }, containers: [{ name: 'g', cpu: { time: t, usageNanoCores: 1 }, memory: { time: t, workingSetBytes: 1 } }] },
    ],
  };
}

const as = (token: string) => ({ token, ca: s.caPem });

beforeAll(async () => {
  s = await startTestApiServer();
  const file = path.join(s.dataDir, 'tokens.json');
  const tokens = JSON.parse(readFileSync(file, 'utf8'));
  tokens[NODE_TOKEN] = { user: 'system:node:skiff-proxy-n1', uid: 'n1-uid', groups: ['system:nodes', 'system:authenticated'] };
  writeFileSync(file, JSON.stringify(tokens));
  dir = mkdtempSync(path.join(tmpdir(), 'skiff-test-node-proxy-'));
  const cert = await ensureServingCert(dir, 'skiff-proxy-n1', '127.0.0.1');
  kubelet = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    if (req.url?.startsWith('/stats/summary')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(summary()));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found\n');
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as AddressInfo).port;
  const admin = as(s.token);
  for (const name of ['skiff-proxy-n1', 'skiff-proxy-bare']) {
    expect((await request(s.url, '/api/v1/nodes', { ...admin, method: 'POST', body: { apiVersion: 'v1', kind: 'Node', metadata: { name } } })).status).toBe(201);
  }
  const node = (await request(s.url, '/api/v1/nodes/skiff-proxy-n1', admin)).body;
  const st = await request(s.url, '/api/v1/nodes/skiff-proxy-n1/status', {
    ...admin,
    method: 'PUT',
    body: { ...node, status: { allocatable: { cpu: '2', memory: '4Gi' }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } },
  });
  expect(st.status).toBe(200);
  const created = await request(s.url, '/api/v1/namespaces/default/pods', { ...admin, method: 'POST', body: pod('busy', { spec: { nodeName: 'skiff-proxy-n1', containers: [{ name: 'c', image: 'busybox' }] } }) });
  expect(created.status).toBe(201);
  podUid = created.body.metadata.uid;
  await new Promise((r) => setTimeout(r, 600)); // tokens.json reload
});

afterAll(async () => {
  try {
    await new Promise<void>((r) => (kubelet ? kubelet.close(() => r()) : r()));
    await s?.stop();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

describe('nodes/proxy', () => {
  it('passes the path and query to the kubelet with the admin token, and its answer back', async () => {
    const r = await request(s.url, '/api/v1/nodes/skiff-proxy-n1/proxy/stats/summary?only_cpu_and_memory=true', as(s.token));
    expect(r.status).toBe(200);
    expect(r.body.node.nodeName).toBe('skiff-proxy-n1');
    expect(seen.at(-1)).toEqual({ url: '/stats/summary?only_cpu_and_memory=true', auth: `Bearer ${s.token}` });
    const missing = await request(s.url, '/api/v1/nodes/skiff-proxy-n1/proxy/nothing', as(s.token));
    expect(missing.status).toBe(404);
  });
  it('is in discovery as nodes/proxy', async () => {
    const v1 = await request(s.url, '/api/v1', as(s.token));
    expect(v1.body.resources.find((r: { name: string }) => r.name === 'nodes/proxy')).toMatchObject({ kind: 'NodeProxyOptions', verbs: ['get'] });
  });
  it('is for the admin only', async () => {
    const r = await request(s.url, '/api/v1/nodes/skiff-proxy-n1/proxy/stats/summary', as(NODE_TOKEN));
    expect(r.status).toBe(403);
    expect(r.body.message).toContain('nodes/proxy');
  });
  it('404 for an unknown node, 503 naming the fields for a node without a kubelet endpoint, 405 for writes', async () => {
    expect((await request(s.url, '/api/v1/nodes/skiff-proxy-none/proxy/stats/summary', as(s.token))).status).toBe(404);
    const bare = await request(s.url, '/api/v1/nodes/skiff-proxy-bare/proxy/stats/summary', as(s.token));
    expect(bare.status).toBe(503);
    expect(bare.body.message).toContain('status.daemonEndpoints.kubeletEndpoint.Port');
    expect((await request(s.url, '/api/v1/nodes/skiff-proxy-n1/proxy/stats/summary', { ...as(s.token), method: 'POST', body: {} })).status).toBe(405);
  });
});

describe('metrics.k8s.io', () => {
  it('is in discovery', async () => {
    const groups = await request(s.url, '/apis', as(s.token));
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toContain('metrics.k8s.io');
    const list = await request(s.url, '/apis/metrics.k8s.io/v1beta1', as(s.token));
    expect(list.body.resources.map((r: { name: string }) => r.name)).toEqual(['nodes', 'pods']);
  });
  it('node metrics from the node summary; a node without a kubelet has none', async () => {
    const r = await request(s.url, '/apis/metrics.k8s.io/v1beta1/nodes', as(s.token));
    expect(r.status).toBe(200);
    expect(r.body.kind).toBe('NodeMetricsList');
    expect(r.body.items.map((i: { metadata: { name: string }; usage: unknown }) => [i.metadata.name, i.usage])).toEqual([['skiff-proxy-n1', { cpu: '250000000n', memory: '300Mi' }]]);
    expect((await request(s.url, '/apis/metrics.k8s.io/v1beta1/nodes/skiff-proxy-n1', as(s.token))).body.kind).toBe('NodeMetrics');
    const bare = await request(s.url, '/apis/metrics.k8s.io/v1beta1/nodes/skiff-proxy-bare', as(s.token));
    expect(bare.status).toBe(404);
    expect(bare.body.message).toBe('nodemetrics.metrics.k8s.io "skiff-proxy-bare" not found');
  });
  it('pod metrics for pods the apiserver knows, by namespace and by name', async () => {
    const r = await request(s.url, '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', as(s.token));
    expect(r.body.items.map((i: { metadata: { name: string }; containers: unknown }) => [i.metadata.name, i.containers])).toEqual([['busy', [{ name: 'c', usage: { cpu: '199000000n', memory: '24Mi' } }]]]);
    expect((await request(s.url, '/apis/metrics.k8s.io/v1beta1/pods', as(s.token))).body.items).toHaveLength(1);
    expect((await request(s.url, '/apis/metrics.k8s.io/v1beta1/namespaces/other/pods', as(s.token))).body.items).toEqual([]);
    expect((await request(s.url, '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy', as(s.token))).body.metadata.name).toBe('busy');
    const gone = await request(s.url, '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope', as(s.token));
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('podmetrics.metrics.k8s.io "default/nope" not found');
  });
  it('is for the admin only', async () => {
    expect((await request(s.url, '/apis/metrics.k8s.io/v1beta1/pods', as(NODE_TOKEN))).status).toBe(403);
  });
});
