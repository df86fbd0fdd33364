// Real kubectl against the real apiserver with our controllers: `rollout status` waits for and
// reports rollouts (including a progress deadline), `set image` rolls, `rollout undo` rolls back.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, eventually, type ControlPlane } from '../fixtures/control-plane.js';
import { imagesOf, waitRolledOut, webDeployment, type DeployObj, type PodObj } from './rollout-helpers.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
let cp: ControlPlane;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'skiff-kubectl-rollout-'));
  cp = await startControlPlane({ nodes: [1, 2, 3].map((i) => ({ name: `skiff-kctl-node-${i}` })), kubelet: { readyDelayMs: 100 } });
});

afterAll(async () => {
  await cp?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', cp.server.kubeconfigPath, '--cache-dir', path.join(home, 'cache'), ...args],
      { env: { ...process.env, HOME: home, KUBECONFIG: '' }, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

async function liveImages(app: string): Promise<string[]> {
  const l = await cp.api.resource<PodObj>('pods').list('default', { labelSelector: `app=${app}` });
  return imagesOf(l.items);
}

describe('kubectl rollout', () => {
  it('status, set image, undo', async () => {
    await cp.api.resource<DeployObj>('deployments').create('default', webDeployment('kweb', 4, 'busybox:v1', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }));
    const first = await kubectl('rollout', 'status', 'deployment/kweb', '--timeout=60s');
    expect(first.out).toContain('deployment "kweb" successfully rolled out');
    expect(first.code).toBe(0);

    const set = await kubectl('set', 'image', 'deployment/kweb', 'web=busybox:v2');
    expect(set.code, set.out).toBe(0);
    const second = await kubectl('rollout', 'status', 'deployment/kweb', '--timeout=60s');
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain('successfully rolled out');
    await eventually(async () => (await liveImages('kweb')).join() === 'busybox:v2,busybox:v2,busybox:v2,busybox:v2', 20_000, 'v2 everywhere');

    const undo = await kubectl('rollout', 'undo', 'deployment/kweb');
    expect(undo.code, undo.out).toBe(0);
    expect(undo.out).toContain('rolled back');
    const third = await kubectl('rollout', 'status', 'deployment/kweb', '--timeout=60s');
    expect(third.code, third.out).toBe(0);
    const d = await waitRolledOut(cp.api, 'kweb');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    await eventually(async () => (await liveImages('kweb')).join() === 'busybox:v1,busybox:v1,busybox:v1,busybox:v1', 20_000, 'v1 everywhere');
    // the rollback reused the first ReplicaSet
    const rs = await cp.api.resource('replicasets').list('default', { labelSelector: 'app=kweb' });
    expect(rs.items.length).toBe(2);

    const history = await kubectl('rollout', 'history', 'deployment/kweb');
    expect(history.code, history.out).toBe(0);
    expect(history.out).toMatch(/\n2\s/);
    expect(history.out).toMatch(/\n3\s/);
  });

  it('status fails once the progress deadline is exceeded', async () => {
    const d = webDeployment('kstuck', 2, 'busybox:v1', { type: 'RollingUpdate' });
    d.spec!.progressDeadlineSeconds = 2;
    d.spec!.template.spec.nodeSelector = { 'no-such-label': 'x' };
    await cp.api.resource<DeployObj>('deployments').create('default', d);
    const r = await kubectl('rollout', 'status', 'deployment/kstuck', '--timeout=60s');
    expect(r.out).toContain('deployment "kstuck" exceeded its progress deadline');
    expect(r.code).toBe(1);
  });
});
