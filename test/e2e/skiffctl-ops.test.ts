// skiffctl delete, scale, rollout, cordon/uncordon/drain, logs, config, version, cluster-info
// against a real apiserver; where kubectl prints the same thing, compared with it.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../api/types/apps.js';
import type { KubeObject } from '../../api/types/meta.js';
import { ApiClient } from '../../client/rest-client.js';
import { startHarness, type SkiffctlHarness } from './skiffctl-harness.js';

let h: SkiffctlHarness;
let api: ApiClient;

const deployment = (name: string, image = 'busybox') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: ${image}}]}
`;

const pod = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ops}}
spec:
  ${extra}containers: [{name: c, image: busybox}]
`;

beforeAll(async () => {
  h = await startHarness();
  api = new ApiClient(h.srv.clientConfig);
});

afterAll(async () => {
  api?.close();
  await h?.stop();
});

describe('delete', () => {
  it('deletes by name and waits; NotFound like kubectl', async () => {
    await h.skiffctl(['apply', '-f', '-'], pod('del-a'));
    expect(await h.skiffctl(['delete', 'pod', 'del-a'])).toEqual({ code: 0, stdout: 'pod "del-a" deleted\n', stderr: '' });
    const s = await h.skiffctl(['delete', 'pod', 'del-a']);
    const k = await h.kubectl(['delete', 'pod', 'del-a']);
    expect(s).toEqual(k);
    expect(s.code).toBe(1);
    expect((await h.skiffctl(['delete', 'pod', 'del-a', '--ignore-not-found'])).code).toBe(0);
  });

  it('waits for a graceful deletion to finish (a pod bound to a node)', async () => {
    await h.skiffctl(['apply', '-f', '-'], pod('del-graceful', 'nodeName: node-x\n  '));
    const deleting = h.skiffctl(['delete', 'pod', 'del-graceful', '--timeout', '20s']);
    // the pod stays (with a deletionTimestamp) until its kubelet confirms; play the kubelet
    let obj: KubeObject | undefined;
    for (let i = 0; i < 100 && !obj?.metadata.deletionTimestamp; i++) {
      await new Promise((r) => setTimeout(r, 50));
      obj = await api.resource('pods').get('default', 'del-graceful');
    }
    expect(obj?.metadata.deletionTimestamp).toBeTruthy();
    let settled = false;
    void deleting.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await api.resource('pods').delete('default', 'del-graceful', { gracePeriodSeconds: 0 });
    expect(await deleting).toEqual({ code: 0, stdout: 'pod "del-graceful" deleted\n', stderr: '' });
  });

  it('deletes by -l, --all and -f, and --wait=false returns at once', async () => {
    await h.skiffctl(['apply', '-f', '-'], `${pod('del-l1')}---\n${pod('del-l2')}`);
    const r = await h.skiffctl(['delete', 'pods', '-l', 'app=ops', '--wait=false']);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['pod "del-l1" deleted', 'pod "del-l2" deleted']);
    expect((await h.skiffctl(['get', 'pods', '-l', 'app=ops'])).stderr).toBe('No resources found in default namespace.\n');
    expect((await h.skiffctl(['delete', 'pods'])).stderr).toContain('no name was specified');
  });
});

describe('scale', () => {
  it('patches the scale subresource and prints kubectl’s line', async () => {
    await h.skiffctl(['apply', '-f', '-'], deployment('scale-web'));
    expect(await h.skiffctl(['scale', 'deploy', 'scale-web', '--replicas=5'])).toEqual({ code: 0, stdout: 'deployment.apps/scale-web scaled\n', stderr: '' });
    const d = (await api.resource('deployments').get('default', 'scale-web')) as Deployment & KubeObject;
    expect(d.spec?.replicas).toBe(5);
    const s = await h.skiffctl(['scale', 'deploy/scale-web', '--replicas=1', '--current-replicas=3']);
    const k = await h.kubectl(['scale', 'deploy/scale-web', '--replicas=1', '--current-replicas=3']);
    expect(s.code).toBe(1);
    expect(s.stderr).toBe(k.stderr);
    expect((await h.skiffctl(['scale', 'deploy', 'nope', '--replicas=1'])).stderr).toBe((await h.kubectl(['scale', 'deploy', 'nope', '--replicas=1'])).stderr);
  });
});

describe('rollout', () => {
  async function setStatus(name: string, status: Record<string, unknown>): Promise<void> {
    const d = await api.resource('deployments').get('default', name);
    await api.resource('deployments').updateStatus('default', { ...d, status: { observedGeneration: d.metadata.generation, ...status } });
  }

  it('status prints kubectl’s messages until the rollout completes', async () => {
    await h.skiffctl(['apply', '-f', '-'], deployment('ro-web'));
    const once = await h.skiffctl(['rollout', 'status', 'deploy/ro-web', '--watch=false']);
    expect(once.stdout).toBe('Waiting for deployment spec update to be observed...\n');
    expect(once).toEqual(await h.kubectl(['rollout', 'status', 'deploy/ro-web', '--watch=false']));
    const watching = h.skiffctl(['rollout', 'status', 'deployment', 'ro-web', '--timeout', '30s']);
    await new Promise((r) => setTimeout(r, 500));
    await setStatus('ro-web', { replicas: 1, updatedReplicas: 1 });
    await new Promise((r) => setTimeout(r, 200));
    await setStatus('ro-web', { replicas: 3, updatedReplicas: 2, availableReplicas: 1 });
    await new Promise((r) => setTimeout(r, 200));
    await setStatus('ro-web', { replicas: 2, updatedReplicas: 2, availableReplicas: 1 });
    await new Promise((r) => setTimeout(r, 200));
    await setStatus('ro-web', { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    const r = await watching;
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'Waiting for deployment spec update to be observed...',
      'Waiting for deployment "ro-web" rollout to finish: 1 out of 2 new replicas have been updated...',
      'Waiting for deployment "ro-web" rollout to finish: 1 old replicas are pending termination...',
      'Waiting for deployment "ro-web" rollout to finish: 1 of 2 updated replicas are available...',
      'deployment "ro-web" successfully rolled out',
    ]);
    expect(await h.skiffctl(['rollout', 'status', 'deploy/ro-web'])).toEqual(await h.kubectl(['rollout', 'status', 'deploy/ro-web']));
  });

  it('status fails when the progress deadline is exceeded', async () => {
    await h.skiffctl(['apply', '-f', '-'], deployment('ro-stuck'));
    await setStatus('ro-stuck', { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    const s = await h.skiffctl(['rollout', 'status', 'deploy/ro-stuck']);
    expect(s).toEqual({ code: 1, stdout: '', stderr: 'error: deployment "ro-stuck" exceeded its progress deadline\n' });
    expect(s).toEqual(await h.kubectl(['rollout', 'status', 'deploy/ro-stuck']));
  });

  it('history, undo and restart', async () => {
    await h.skiffctl(['apply', '-f', '-'], deployment('ro-undo', 'busybox:1.36'));
    const d = await api.resource('deployments').get('default', 'ro-undo');
    for (const [rev, image] of [
      [1, 'busybox:1.35'],
      [2, 'busybox:1.36'],
    ] as const) {
      await api.resource('replicasets').create('default', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `ro-undo-${rev}`,
          labels: { app: 'ro-undo', 'pod-template-hash': `h${rev}` },
          annotations: { 'deployment.kubernetes.io/revision': String(rev) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ro-undo', uid: d.metadata.uid!, controller: true }],
        },
        spec: {
          replicas: rev - 1,
          selector: { matchLabels: { app: 'ro-undo', 'pod-template-hash': `h${rev}` } },
          template: { metadata: { labels: { app: 'ro-undo', 'pod-template-hash': `h${rev}` } }, spec: { containers: [{ name: 'c', image }] } },
        },
      });
    }
    const hist = await h.skiffctl(['rollout', 'history', 'deploy/ro-undo']);
    expect(hist).toEqual(await h.kubectl(['rollout', 'history', 'deploy/ro-undo']));
    expect(hist.stdout).toBe('deployment.apps/ro-undo \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(await h.skiffctl(['rollout', 'history', 'deploy/ro-undo', '--revision=1'])).toEqual(await h.kubectl(['rollout', 'history', 'deploy/ro-undo', '--revision=1']));

    expect((await h.skiffctl(['rollout', 'undo', 'deploy/ro-undo'])).stdout).toBe('deployment.apps/ro-undo rolled back\n');
    const image = async (): Promise<string> => (await h.skiffctl(['get', 'deploy', 'ro-undo', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
    expect(await image()).toBe('busybox:1.35');
    expect((await h.skiffctl(['rollout', 'undo', 'deploy/ro-undo', '--to-revision=1'])).stdout).toBe(
      'deployment.apps/ro-undo skipped rollback (current template already matches revision 1)\n',
    );
    expect((await h.skiffctl(['rollout', 'undo', 'deploy/ro-undo', '--to-revision=9'])).stderr).toContain('unable to find specified revision 9');

    expect((await h.skiffctl(['rollout', 'restart', 'deploy/ro-undo'])).stdout).toBe('deployment.apps/ro-undo restarted\n');
    const restarted = await h.skiffctl(['get', 'deploy', 'ro-undo', '-o', "jsonpath={.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']}"]);
    expect(restarted.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe('nodes', () => {
  it('cordon, uncordon and drain print kubectl’s lines', async () => {
    await h.skiffctl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Node\nmetadata: {name: n-drain}\n');
    expect((await h.skiffctl(['cordon', 'n-drain'])).stdout).toBe('node/n-drain cordoned\n');
    expect(await h.skiffctl(['cordon', 'n-drain'])).toEqual(await h.kubectl(['cordon', 'n-drain']));
    expect((await h.skiffctl(['uncordon', 'n-drain'])).stdout).toBe('node/n-drain uncordoned\n');
    expect(await h.skiffctl(['uncordon', 'n-drain'])).toEqual(await h.kubectl(['uncordon', 'n-drain']));

    await h.skiffctl(['apply', '-f', '-'], pod('drain-bare', 'nodeName: n-drain\n  '));
    const refused = await h.skiffctl(['drain', 'n-drain']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cannot delete Pods that declare no controller (use --force to override): default/drain-bare');
    expect((await api.resource('pods').get('default', 'drain-bare')).metadata.deletionTimestamp).toBeUndefined();

    const draining = h.skiffctl(['drain', 'n-drain', '--force', '--timeout', '30s']);
    // no kubelet in this test: confirm the graceful deletion as one would
    for (let i = 0; i < 100; i++) {
      const p = await api.resource('pods').get('default', 'drain-bare').catch(() => undefined);
      if (p?.metadata.deletionTimestamp) {
        await api.resource('pods').delete('default', 'drain-bare', { gracePeriodSeconds: 0 });
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await draining;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('node/n-drain already cordoned\nevicting pod default/drain-bare\npod/drain-bare evicted\nnode/n-drain drained\n');
    expect(r.stderr).toBe('Warning: deleting Pods that declare no controller: default/drain-bare\n');
    const node = await api.resource('nodes').get(undefined, 'n-drain');
    expect((node.spec as { unschedulable?: boolean }).unschedulable).toBe(true);
  });
});

describe('misc', () => {
  it('logs prints the server error like kubectl when the pod has no node', async () => {
    await h.skiffctl(['apply', '-f', '-'], pod('logs-a'));
    const s = await h.skiffctl(['logs', 'logs-a']);
    expect(s.code).toBe(1);
    expect(s).toEqual(await h.kubectl(['logs', 'logs-a']));
    expect(await h.skiffctl(['logs', 'nope'])).toEqual(await h.kubectl(['logs', 'nope']));
  });

  it('version shows the server version; cluster-info the control plane', async () => {
    const v = await h.skiffctl(['version']);
    const k = await h.kubectl(['version']);
    expect(v.stdout.split('\n')[1]).toBe(k.stdout.split('\n').find((l) => l.startsWith('Server Version:')));
    expect(await h.skiffctl(['cluster-info'])).toEqual(await h.kubectl(['cluster-info']));
  });

  it('config view (redacted), get-contexts and use-context', async () => {
    expect(await h.skiffctl(['config', 'view'])).toEqual(await h.kubectl(['config', 'view']));
    expect(await h.skiffctl(['config', 'get-contexts'])).toEqual(await h.kubectl(['config', 'get-contexts']));
    const dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-skiffctl-config-'));
    try {
      const copy = join(dir, 'kubeconfig');
      copyFileSync(h.kubeconfig, copy);
      const current = (await h.skiffctl(['config', 'current-context'])).stdout.trim();
      expect((await h.skiffctl(['--kubeconfig', copy, 'config', 'use-context', 'nope'])).code).toBe(1);
      expect((await h.skiffctl(['--kubeconfig', copy, 'config', 'use-context', current])).stdout).toBe(`Switched to context "${current}".\n`);
      expect(readFileSync(copy, 'utf8')).toContain(`current-context: ${current}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('-n and --context are honoured', async () => {
    await h.skiffctl(['apply', '-n', 'kube-system', '-f', '-'], pod('ns-pod'));
    expect((await h.skiffctl(['get', 'pods', '-n', 'kube-system', '-o', 'name'])).stdout).toContain('pod/ns-pod');
    expect((await h.skiffctl(['get', 'pods', '-o', 'name'])).stdout).not.toContain('pod/ns-pod');
    const bad = await h.skiffctl(['--context', 'nope', 'get', 'pods']);
    expect(bad).toMatchObject({ code: 1, stderr: 'error: context was not found for specified context: nope\n' });
  });
});

describe('label, annotate, patch', () => {
  it('print and change what kubectl does', async () => {
    await h.skiffctl(['apply', '-f', '-'], `${pod('meta-a')}---\n${pod('meta-b')}`);
    // skiffctl works on meta-a, kubectl on meta-b; outputs compared with the names masked
    const [a, b] = ['meta-a', 'meta-b'];
    const pairs: string[][] = [
      ['label', 'pod', '%', 'tier=web'],
      ['label', 'pod', '%', 'tier=db'],
      ['label', 'pod', '%', 'tier=db', '--overwrite'],
      ['label', 'pod', '%', 'tier-'],
      ['label', 'pod', '%', 'tier-'],
      ['annotate', 'pod/%', 'note=hello'],
      ['annotate', 'pod/%', 'note=bye'],
      ['annotate', 'pod/%', 'note-'],
      ['patch', 'pod', '%', '-p', '{"metadata":{"labels":{"p":"1"}}}'],
      ['patch', 'pod', '%', '-p', '{"metadata":{"labels":{"p":"1"}}}'],
      ['patch', 'pod', '%', '--type', 'merge', '-p', '{"metadata":{"labels":{"p":null}}}'],
      ['patch', 'pod', '%', '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels/j","value":"2"}]'],
    ];
    for (const args of pairs) {
      const s = await h.skiffctl(args.map((x) => x.replace('%', a)));
      const k = await h.kubectl(args.map((x) => x.replace('%', b)));
      expect({ args, ...s, stdout: s.stdout.replaceAll(a, 'X'), stderr: s.stderr.replaceAll(a, 'X') }).toEqual({
        args,
        ...k,
        stdout: k.stdout.replaceAll(b, 'X'),
        stderr: k.stderr.replaceAll(b, 'X'),
      });
    }
    const labels = JSON.parse((await h.skiffctl(['get', 'pod', 'meta-a', '-o', 'json'])).stdout).metadata.labels;
    expect(labels).toEqual({ app: 'ops', j: '2' });
    expect((await h.skiffctl(['label', 'pods', '-l', 'app=ops', 'bulk=yes'])).stdout).toContain('pod/meta-a labeled\npod/meta-b labeled\n');
  });
});
