// `skiffctl top` end to end on a real `skiff up` cluster: a pod spinning a CPU under a 200m limit
// shows CPU near its limit and non-zero memory; `top nodes` shows the node against its
// allocatable; `kubectl get --raw .../proxy/stats/summary` reads the same kubelet summary, and
// `kubectl top` reads it through the apiserver's metrics.k8s.io.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../api/types/stats.js';
import { KUBECTL, SKIFFCTL, runTool, startSkiffUp, type RunResult, type SkiffUp } from '../fixtures/skiff-up.js';

const BUSY_POD = `apiVersion: v1
kind: Pod
metadata:
  name: skiff-top-busy
  labels: {app: skiff-top}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: spin
    image: busybox
    # hold ~24 MiB in a shell variable, then spin
    command:
    - sh
    - -c
    - x=$(head -c 25000000 /dev/zero | tr "\\0" a); while :; do :; done
    resources:
      limits: {cpu: 200m, memory: 128Mi}
`;

async function eventually<T>(what: string, fn: () => T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
    } catch (e) {
      last = String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** the cells of the first line of a `top` table that starts with NAME */
function rowOf(out: string, name: string): string[] | undefined {
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((cells) => cells[0] === name);
}

describe('skiffctl top', () => {
  let dataDir = '';
  let cacheDir = '';
  let up: SkiffUp | undefined;
  let nodeName = '';

  const skiffctl = (args: string[], input?: string): RunResult => runTool(SKIFFCTL, ['--kubeconfig', up!.kubeconfig, ...args], input);
  const kubectl = (args: string[]): RunResult => runTool(KUBECTL, ['--kubeconfig', up!.kubeconfig, '--cache-dir', cacheDir, ...args]);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-top-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-top-kubectl-'));
    up = await startSkiffUp(dataDir);
    const applied = skiffctl(['apply', '-f', '-'], BUSY_POD);
    expect(applied.code, applied.stderr).toBe(0);
    await eventually('the busy pod Running', () => kubectl(['get', 'pod', 'skiff-top-busy', '-o', 'jsonpath={.status.phase}']).stdout === 'Running');
    nodeName = kubectl(['get', 'pod', 'skiff-top-busy', '-o', 'jsonpath={.spec.nodeName}']).stdout;
  });

  afterAll(async () => {
    try {
      if (up) skiffctl(['delete', 'pod', 'skiff-top-busy', '--grace-period', '1']);
    } finally {
      await up?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('top pods: the spinning pod uses CPU near its 200m limit, and memory', async () => {
    // the limit is enforced by CFS quota, so the rate settles at ≈200m once the container has run a
    // little; the first samples may include start-up, so look until one lands in the band
    const cells = await eventually(
      'a CPU figure near 200m',
      () => {
        const r = skiffctl(['top', 'pods']);
        if (r.code !== 0) throw new Error(r.stderr);
        expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
        const row = rowOf(r.stdout, 'skiff-top-busy');
        const m = row ? /^(\d+)m$/.exec(row[1] ?? '') : null;
        // above 100m even on a loaded machine, never much past the quota
        return m && Number(m[1]) >= 100 && Number(m[1]) <= 230 ? row : undefined;
      },
      60_000,
    );
    // the 24 MiB the shell holds
    expect(Number(/^(\d+)Mi$/.exec(cells[2] ?? '')?.[1])).toBeGreaterThanOrEqual(20);
    const r = skiffctl(['top', 'pods', '-A', '--containers', '-l', 'app=skiff-top']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    const row = r.stdout.split('\n')[1]!.trim().split(/\s+/);
    expect(row.slice(0, 3)).toEqual(['default', 'skiff-top-busy', 'spin']);
    expect(Number(/^(\d+)m$/.exec(row[3]!)?.[1])).toBeGreaterThan(100);
  });

  it('top nodes: CPU and memory with percentages of allocatable', () => {
    const r = skiffctl(['top', 'nodes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/);
    const row = rowOf(r.stdout, nodeName);
    expect(row).toBeDefined();
    // the busy pod alone keeps ≈0.2 cores busy
    expect(Number(/^(\d+)m$/.exec(row![1]!)?.[1])).toBeGreaterThan(100);
    expect(row![2]).toMatch(/^\d+%$/);
    expect(Number(/^(\d+)Mi$/.exec(row![3]!)?.[1])).toBeGreaterThan(0);
    expect(row![4]).toMatch(/^\d+%$/);
  });

  it('kubectl reads the kubelet summary through nodes/proxy', () => {
    const r = kubectl(['get', '--raw', `/api/v1/nodes/${nodeName}/proxy/stats/summary`]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.node.nodeName).toBe(nodeName);
    expect(s.node.memory?.workingSetBytes).toBeGreaterThan(0);
    const pod = s.pods.find((p) => p.podRef.name === 'skiff-top-busy');
    expect(pod?.podRef.namespace).toBe('default');
    expect(pod?.containers.map((c) => c.name)).toEqual(['spin']);
    expect(pod?.containers[0]!.cpu?.usageNanoCores).toBeGreaterThan(100_000_000);
    expect(pod?.containers[0]!.memory?.workingSetBytes).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('kubectl top reads the same figures through metrics.k8s.io', () => {
    const pods = kubectl(['top', 'pods', '-l', 'app=skiff-top']);
    expect(pods.code, pods.stderr).toBe(0);
    expect(pods.stdout.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
    const row = rowOf(pods.stdout, 'skiff-top-busy');
    expect(Number(/^(\d+)m$/.exec(row?.[1] ?? '')?.[1])).toBeGreaterThan(100);
    expect(Number(/^(\d+)Mi$/.exec(row?.[2] ?? '')?.[1])).toBeGreaterThanOrEqual(20);
    const containers = kubectl(['top', 'pod', 'skiff-top-busy', '--containers']);
    expect(containers.code, containers.stderr).toBe(0);
    expect(rowOf(containers.stdout, 'skiff-top-busy')?.[1]).toBe('spin');
    const nodes = kubectl(['top', 'nodes']);
    expect(nodes.code, nodes.stderr).toBe(0);
    expect(rowOf(nodes.stdout, nodeName)?.[2]).toMatch(/^\d+%$/);
    // same columns, same alignment: the header lines match exactly
    for (const args of [['top', 'nodes'], ['top', 'pods', '-A'], ['top', 'pods', '--containers', '--sum']]) {
      const k = kubectl(args);
      const sk = skiffctl(args);
      expect(sk.code, sk.stderr).toBe(0);
      expect(sk.stdout.split('\n')[0]).toBe(k.stdout.split('\n')[0]);
      expect(sk.stdout.split('\n').length).toBe(k.stdout.split('\n').length);
    }
  });

  it('errors: an unknown pod, and an unknown kind of top', () => {
    const missing = skiffctl(['top', 'pod', 'skiff-top-nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('pods "skiff-top-nope" not found');
    const bad = skiffctl(['top', 'services']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown command "services"');
  });
});
