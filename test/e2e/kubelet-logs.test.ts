// `kubectl logs` (the real 1.32 binary) through the apiserver's pods/log proxy to the kubelet's
// /containerLogs endpoint: plain, --tail, --timestamps, --previous, --limit-bytes and -f.
import { execFile, spawn } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, until, type KubeletCluster } from '../kubelet/kubelet-cluster.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const run = promisify(execFile);

let k: KubeletCluster;
let kubectlArgs: string[];

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(KUBECTL, [...kubectlArgs, ...args], { timeout: 60_000 });
  return stdout;
}

beforeAll(async () => {
  k = await startKubeletCluster();
  kubectlArgs = ['--kubeconfig', k.api.kubeconfigPath, '--cache-dir', join(k.dir, 'kubectl-cache')];
  await k.pods.create(
    'default',
    k.podSpec('counter', {
      containers: [{ name: 'c', image: k.image, command: ['sh', '-c', 'i=0; while [ $i -lt 5 ]; do echo line-$i; i=$((i+1)); done; while true; do echo tick-$i; i=$((i+1)); sleep 0.3; done'] }],
    }),
  );
  await until('counter Running', async () => (await k.pods.get('default', 'counter')).status?.phase === 'Running' || undefined);
});

afterAll(async () => {
  await k?.stop();
});

describe('kubectl logs through the kubelet', () => {
  it('prints the log, with --tail, --timestamps and --limit-bytes', async () => {
    const all = await until('the first lines', async () => {
      const out = await kubectl('logs', 'counter');
      return out.includes('tick-6') ? out : undefined;
    });
    expect(all.startsWith('line-0\nline-1\nline-2\nline-3\nline-4\ntick-5\n')).toBe(true);
    const tail = await kubectl('logs', 'counter', '--tail=2');
    expect(tail.trim().split('\n')).toHaveLength(2);
    expect(tail).toMatch(/^tick-\d+\ntick-\d+\n$/);
    const ts = await kubectl('logs', 'counter', '--timestamps', '--tail=1');
    expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick-\d+\n$/);
    const limited = await kubectl('logs', 'counter', '--limit-bytes=10');
    expect(limited).toBe('line-0\nlin');
  });

  it('follows the log with -f until stopped', async () => {
    const child = spawn(KUBECTL, [...kubectlArgs, 'logs', '-f', 'counter', '--tail=1']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const first = await until('a first line', () => /tick-(\d+)/.exec(out)?.[1]);
      const later = await until('new lines arriving', () => {
        const all = [...out.matchAll(/tick-(\d+)/g)].map((m) => Number(m[1]));
        return all.length >= 4 ? all : undefined;
      });
      expect(later[later.length - 1]).toBeGreaterThan(Number(first));
    } finally {
      child.kill();
    }
  });

  it('--previous shows the log of the last terminated run', async () => {
    await k.pods.create(
      'default',
      k.podSpec('restarter', {
        containers: [{ name: 'c', image: k.image, command: ['sh', '-c', 'echo run-$RANDOM; sleep 1; exit 1'] }],
      }),
    );
    await until('a restart', async () => ((await k.pods.get('default', 'restarter')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 || undefined, 60_000);
    const prev = await kubectl('logs', 'restarter', '--previous');
    expect(prev).toMatch(/^run-\d+\n$/);
    await expect(kubectl('logs', 'counter', '--previous')).rejects.toThrow(/previous terminated container "c" in pod "counter" not found/);
  });

  it('answers only callers whose bearer token the apiserver accepts', async () => {
    const status = (token: string) =>
      new Promise<number>((resolve, reject) => {
        // the kubelet's certificate is self-signed
        const req = request(
          { host: '127.0.0.1', port: k.kubelet()!.port, path: '/containerLogs/default/counter/c?tailLines=1', rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } },
          (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await status('not-a-token')).toBe(401);
    expect(await status(k.api.token)).toBe(200);
  });

  it('serves /stats/summary with the node and its pods from the CRI stats', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: k.kubelet()!.port, path: '/stats/summary', rejectUnauthorized: false, headers: { Authorization: `Bearer ${k.api.token}` } },
        (r) => {
          let b = '';
          r.on('data', (d: Buffer) => (b += d.toString()));
          r.on('end', () => resolve(b));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const summary = JSON.parse(body) as { node: { nodeName: string; memory: { workingSetBytes: number } }; pods: { podRef: { name: string }; memory: { workingSetBytes?: number } }[] };
    expect(summary.node.nodeName).toBe(k.nodeName);
    expect(summary.node.memory.workingSetBytes).toBeGreaterThan(0);
    const counter = summary.pods.find((p) => p.podRef.name === 'counter');
    expect(counter?.memory.workingSetBytes).toBeGreaterThan(0);
  });
});
