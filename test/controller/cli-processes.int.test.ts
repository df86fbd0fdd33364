// `skiff controller-manager` and `skiff scheduler` as real processes (from dist/, built by
// `npm run build`) against a real apiserver: a Deployment rolls out; SIGTERM stops them cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { FakeKubelet } from '../fixtures/fake-kubelet.js';
import { ApiClient } from '../../client/rest-client.js';
import { waitRolledOut, webDeployment } from '../e2e/rollout-helpers.js';

const SKIFF = path.resolve(__dirname, '../../bin/skiff');
let server: TestApiServer;
let kubelet: FakeKubelet;
const children: ChildProcess[] = [];

function start(...args: string[]): ChildProcess {
  const c = spawn(process.execPath, [SKIFF, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(c);
  return c;
}

function exited(c: ChildProcess): Promise<number | null> {
  return c.exitCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', (code) => r(code)));
}

beforeAll(async () => {
  server = await startTestApiServer();
  kubelet = new FakeKubelet({ client: server.clientConfig, nodes: [{ name: 'skiff-cli-node-1' }, { name: 'skiff-cli-node-2' }] });
  await kubelet.start();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await kubelet?.stop(false);
  await server?.stop();
});

describe('skiff controller-manager and skiff scheduler processes', () => {
  it('roll out a deployment and stop on SIGTERM', async () => {
    const le = ['--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s', '--leader-elect-retry-period', '500ms', '--log-level', 'warn'];
    const cm = start('controller-manager', '--kubeconfig', server.kubeconfigPath, '--node-monitor-grace-period', '20s', ...le);
    const sched = start('scheduler', '--kubeconfig', server.kubeconfigPath, ...le);
    const api = new ApiClient(server.clientConfig);
    await api.resource('deployments').create('default', webDeployment('cli', 3, 'busybox:v1', { type: 'RollingUpdate' }));
    await waitRolledOut(api, 'cli', 60_000);
    const leases = await api.resource('leases').list('kube-system');
    expect(leases.items.map((l) => l.metadata.name).sort()).toEqual(['kube-controller-manager', 'kube-scheduler']);
    cm.kill('SIGTERM');
    sched.kill('SIGTERM');
    expect(await exited(cm)).toBe(0);
    expect(await exited(sched)).toBe(0);
  });
});
