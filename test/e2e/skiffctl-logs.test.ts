// skiffctl logs through the apiserver's pods/log proxy to a stand-in kubelet (an HTTPS server on
// loopback that answers /containerLogs like the kubelet does), compared with kubectl logs.
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServingCert } from '../../kubelet/server/serving-cert.js';
import { ApiClient } from '../../client/rest-client.js';
import { startHarness, type SkiffctlHarness } from './skiffctl-harness.js';

let h: SkiffctlHarness;
let api: ApiClient;
let kubelet: https.Server;
let dir: string;
const requests: URL[] = [];

const LINES = ['one', 'two', 'three'];

/** What a kubelet answers: the container's lines, honouring tailLines/timestamps/previous/follow. */
function serveLogs(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  const url = new URL(req.url ?? '/', 'https://kubelet');
  requests.push(url);
  const [, kind, ns, pod, container] = url.pathname.split('/');
  if (kind !== 'containerLogs' || req.headers.authorization === undefined) {
    res.writeHead(404).end();
    return;
  }
  const prefix = url.searchParams.get('previous') === 'true' ? 'previous ' : '';
  let lines = LINES.map((l) => `${prefix}${ns}/${pod}/${container} ${l}`);
  const tail = url.searchParams.get('tailLines');
  if (tail) lines = lines.slice(-Number(tail));
  if (url.searchParams.get('timestamps') === 'true') lines = lines.map((l) => `2026-01-01T00:00:00.000000000Z ${l}`);
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  if (url.searchParams.get('follow') !== 'true') {
    res.end(lines.map((l) => `${l}\n`).join(''));
    return;
  }
  // follow: the lines, then two more a little later, then the container "exits"
  res.write(lines.map((l) => `${l}\n`).join(''));
  let n = 0;
  const timer = setInterval(() => {
    n++;
    res.write(`followed ${n}\n`);
    if (n === 2) {
      clearInterval(timer);
      res.end();
    }
  }, 150);
}

beforeAll(async () => {
  h = await startHarness();
  api = new ApiClient(h.srv.clientConfig);
  dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-skiffctl-logs-'));
  const cert = await ensureServingCert(dir, 'logs-node', '127.0.0.1');
  kubelet = https.createServer({ cert: cert.cert, key: cert.key }, serveLogs);
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as AddressInfo).port;
  const node = await api.resource('nodes').create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'logs-node' } });
  await api.resource('nodes').updateStatus(undefined, {
    ...node,
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } },
  });
  const manifests = `apiVersion: v1
kind: Pod
metadata: {name: logs-one, labels: {app: logs}}
spec:
  nodeName: logs-node
  containers: [{name: main, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: logs-two}
spec:
  nodeName: logs-node
  containers: [{name: web, image: busybox}, {name: side, image: busybox}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: logs}
spec:
  selector: {matchLabels: {app: logs}}
  template:
    metadata: {labels: {app: logs}}
    spec: {containers: [{name: main, image: busybox}]}
`;
  expect((await h.skiffctl(['apply', '-f', '-'], manifests)).code).toBe(0);
});

afterAll(async () => {
  api?.close();
  await new Promise<void>((r) => (kubelet ? kubelet.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  await h?.stop();
});

describe('skiffctl logs', () => {
  const same = [
    ['logs', 'logs-one'],
    ['logs', 'logs-one', '--tail', '2'],
    ['logs', 'logs-one', '--timestamps', '--tail=1'],
    ['logs', 'logs-one', '--previous'],
    ['logs', 'logs-one', '-f'],
    ['logs', 'logs-two', '-c', 'side'],
    ['logs', 'logs-two', 'side'],
    ['logs', 'deploy/logs'],
    ['logs', 'pod/logs-one', '--since', '1h'],
  ];
  for (const args of same) {
    it(`${args.join(' ')} prints what kubectl prints`, async () => {
      const s = await h.skiffctl(args);
      const k = await h.kubectl(args);
      expect(s).toEqual(k);
      expect(s.code).toBe(0);
    });
  }

  it('passes the options through to the kubelet', async () => {
    requests.length = 0;
    await h.skiffctl(['logs', 'logs-one', '--tail', '2', '--timestamps', '--previous', '--since', '5m']);
    const q = requests[0].searchParams;
    expect(requests[0].pathname).toBe('/containerLogs/default/logs-one/main');
    expect(Object.fromEntries(q)).toEqual({ tailLines: '2', timestamps: 'true', previous: 'true', sinceSeconds: '300' });
  });

  it('follows until the stream ends', async () => {
    const r = await h.skiffctl(['logs', '-f', 'logs-one']);
    expect(r.stdout).toBe('default/logs-one/main one\ndefault/logs-one/main two\ndefault/logs-one/main three\nfollowed 1\nfollowed 2\n');
  });

  it('defaults to the first container of several, saying so', async () => {
    const r = await h.skiffctl(['logs', 'logs-two']);
    expect(r.stderr).toBe('Defaulted container "web" out of: web, side\n');
    expect(r.stdout).toContain('default/logs-two/web one');
  });
});
