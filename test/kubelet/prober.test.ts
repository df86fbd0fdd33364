import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriProber } from '../../kubelet/probes/prober.js';
import { FakeCri } from '../fixtures/fake-cri.js';

let httpServer: http.Server;
let httpPort: number;
let tcpServer: net.Server;
let tcpPort: number;
let closedPort: number;
const cri = new FakeCri();
let containerId: string;

beforeAll(async () => {
  httpServer = http.createServer((req, res) => {
    res.statusCode = req.url === '/ok' ? 200 : req.url === '/redirect' ? 302 : 500;
    res.end(req.headers['x-probe'] ?? '');
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  httpPort = (httpServer.address() as AddressInfo).port;
  tcpServer = net.createServer((s) => s.end());
  await new Promise<void>((r) => tcpServer.listen(0, '127.0.0.1', r));
  tcpPort = (tcpServer.address() as AddressInfo).port;
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
  cri.presentImages.add('img');
  const sb = await cri.runPodSandbox({ metadata: { name: 'p', uid: 'u', namespace: 'd', attempt: 0 }, hostname: 'p', log_directory: '/tmp', port_mappings: [], labels: {}, annotations: {} });
  containerId = await cri.createContainer(sb, {
    metadata: { name: 'c', attempt: 0 },
    image: { image: 'img' },
    command: [],
    args: [],
    working_dir: '',
    envs: [],
    mounts: [],
    labels: {},
    annotations: {},
    log_path: 'c/0.log',
    stdin: false,
    stdin_once: false,
    tty: false,
  });
});

afterAll(async () => {
  await new Promise<void>((r) => httpServer.close(() => r()));
  await new Promise<void>((r) => tcpServer.close(() => r()));
});

const target = () => ({ containerId, container: { name: 'c', ports: [{ name: 'web', containerPort: httpPort }] }, podIP: '127.0.0.1' });

describe('CriProber', () => {
  const prober = new CriProber(cri);

  it('httpGet passes on 2xx/3xx (named port, headers) and fails otherwise', async () => {
    expect((await prober.run({ httpGet: { path: '/ok', port: 'web', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }, target(), 1)).result).toBe('success');
    expect((await prober.run({ httpGet: { path: '/redirect', port: httpPort } }, target(), 1)).result).toBe('success');
    const bad = await prober.run({ httpGet: { path: '/broken', port: httpPort } }, target(), 1);
    expect(bad).toEqual({ result: 'failure', message: 'HTTP probe failed with statuscode: 500' });
    expect((await prober.run({ httpGet: { path: '/', port: closedPort } }, target(), 1)).result).toBe('failure');
  });

  it('tcpSocket passes when the port accepts', async () => {
    expect((await prober.run({ tcpSocket: { port: tcpPort } }, target(), 1)).result).toBe('success');
    const r = await prober.run({ tcpSocket: { port: closedPort } }, target(), 1);
    expect(r.result).toBe('failure');
    expect(r.message).toContain(`dial tcp 127.0.0.1:${closedPort}`);
  });

  it('exec passes on exit 0 through the CRI ExecSync', async () => {
    cri.execResults.set('check', 1);
    expect((await prober.run({ exec: { command: ['true'] } }, target(), 1)).result).toBe('success');
    expect(await prober.run({ exec: { command: ['check'] } }, target(), 1)).toEqual({ result: 'failure', message: 'command ["check"] exited with 1' });
  });

  it('a probe without a handler fails with a message', async () => {
    expect((await prober.run({}, target(), 1)).message).toBe('probe has no handler (exec, httpGet or tcpSocket)');
  });
});
