// skiffctl get/describe print what kubectl 1.32 prints against the same apiserver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskAges, normalizeTable, startHarness, type SkiffctlHarness } from './skiffctl-harness.js';

let h: SkiffctlHarness;
let dir: string;
let manifestFile: string;

const manifests = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels: {app: nginx, tier: web}
spec:
  containers:
  - name: nginx
    image: nginx
    ports: [{containerPort: 80}]
    env: [{name: A, value: b}]
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {memory: 128Mi}
    readinessProbe:
      httpGet: {path: /, port: 80}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels: {kubernetes.io/hostname: node-1, node-role.kubernetes.io/control-plane: ""}
spec:
  podCIDR: 10.244.0.0/24
  podCIDRs: [10.244.0.0/24]
`;

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-skiffctl-get-'));
  manifestFile = join(dir, 'manifests.yaml');
  writeFileSync(manifestFile, manifests);
  const r = await h.skiffctl(['apply', '-f', '-'], manifests);
  expect(r.code).toBe(0);
  const uid = JSON.parse((await h.skiffctl(['get', 'deploy', 'web', '-o', 'json'])).stdout).metadata.uid;
  // a ReplicaSet as the deployment controller would make it, so describe has something to show
  const rs = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-abc',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } },
      template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
    },
  };
  expect((await h.skiffctl(['create', '-f', '-'], JSON.stringify(rs))).code).toBe(0);
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await h?.stop();
});

async function same(args: string[], normalize: (s: string) => string = (s) => s): Promise<void> {
  const s = await h.skiffctl(args);
  const k = await h.kubectl(args);
  expect({ code: s.code, stdout: normalize(s.stdout), stderr: normalize(s.stderr) }).toEqual({
    code: k.code,
    stdout: normalize(k.stdout),
    stderr: normalize(k.stderr),
  });
}

describe('get', () => {
  const tables = [
    ['get', 'pods'],
    ['get', 'po', '-o', 'wide'],
    ['get', 'pods', '-A'],
    ['get', 'pods', '--show-labels'],
    ['get', 'pods', '-l', 'tier=web'],
    ['get', 'deploy'],
    ['get', 'deployments.apps', 'web', '-o', 'wide'],
    ['get', 'rs'],
    ['get', 'no'],
    ['get', 'nodes', '-o', 'wide'],
    ['get', 'ns'],
    ['get', 'all'],
    ['get', 'all', '-A'],
    ['get', 'deploy,po'],
    ['get', 'deploy/web', 'pod/nginx'],
    ['get', 'pods', '--no-headers'],
    ['get', 'pods', '-L', 'app,tier'],
    ['get', 'pods', '-A', '-L', 'app', '--show-labels'],
    ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,NODE:.spec.nodeName'],
    ['get', 'deploy', 'web', '-o', 'custom-columns=NAME:{.metadata.name},REPLICAS:spec.replicas', '--no-headers'],
    ['get', 'pods', '-n', 'kube-public', '-o', 'custom-columns=NAME:.metadata.name'],
  ];
  for (const args of tables) {
    it(`${args.join(' ')} prints kubectl's table`, async () => {
      await same(args, normalizeTable);
    });
  }

  const formats = [
    ['get', 'pod', 'nginx', '-o', 'yaml'],
    ['get', 'pod', 'nginx', '-o', 'json'],
    ['get', 'pods', '-o', 'yaml'],
    ['get', 'deploy', '-o', 'json'],
    ['get', 'pods', '-o', 'name'],
    ['get', 'all', '-o', 'name'],
    ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'],
    ['get', 'pod', 'nginx', '-o', 'jsonpath={.spec.containers[0].image}{"\\n"}'],
    ['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'],
    ['get', 'nodes', '-o', 'jsonpath={.items[?(@.metadata.name=="node-1")].spec.podCIDR}'],
  ];
  for (const args of formats) {
    it(`${args.join(' ')} prints what kubectl prints`, async () => {
      await same(args);
    });
  }

  it('get -f and describe -f read the objects named in manifests', async () => {
    await same(['get', '-f', manifestFile], normalizeTable);
    await same(['get', '-f', manifestFile, '-o', 'name']);
    await same(['describe', '-f', manifestFile], maskAges);
  });

  it('a missing object: NotFound, exit 1', async () => {
    await same(['get', 'pod', 'nope']);
    await same(['get', 'deploy', 'nope', '-o', 'yaml']);
  });

  it('an empty namespace: No resources found', async () => {
    await same(['get', 'pods', '-n', 'kube-public']);
  });

  it('an unknown type is an error naming it', async () => {
    const r = await h.skiffctl(['get', 'widgets']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: the server doesn\'t have a resource type "widgets"\n' });
  });

  it('-w prints the table, then a row per change, until --request-timeout ends the watch', async () => {
    const watching = h.skiffctl(['get', 'pods', '-w', '--request-timeout', '3s']);
    await new Promise((r) => setTimeout(r, 700));
    await h.skiffctl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: watched}\nspec: {containers: [{name: c, image: busybox}]}\n');
    await h.kubectl(['label', 'pod', 'watched', 'x=y']);
    await h.skiffctl(['delete', 'pod', 'watched']);
    const r = await watching;
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    expect(lines[1]).toMatch(/^nginx +0\/1 +Pending +0 +\S+$/);
    const rows = lines.filter((l) => l.startsWith('watched '));
    expect(rows.length).toBeGreaterThanOrEqual(3); // added, labelled, deleted
    for (const row of rows) expect(row).toMatch(/^watched +0\/1 +Pending +0 +\S+$/);
  });

  it('-w -o name prints each changed object', async () => {
    const watching = h.skiffctl(['get', 'pods', '-w', '-o', 'name', '--request-timeout', '2s']);
    await new Promise((r) => setTimeout(r, 500));
    await h.skiffctl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: watched2}\nspec: {containers: [{name: c, image: busybox}]}\n');
    const r = await watching;
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['pod/nginx', 'pod/watched2']));
  });
});

describe('describe', () => {
  const cases = [
    ['describe', 'pod', 'nginx'],
    ['describe', 'pods'],
    ['describe', 'deploy', 'web'],
    ['describe', 'rs', 'web-abc'],
    ['describe', 'node', 'node-1'],
  ];
  for (const args of cases) {
    it(`${args.join(' ')} prints what kubectl prints`, async () => {
      await same(args, maskAges);
    });
  }

  it('shows Events, aggregated counts included', async () => {
    const uid = JSON.parse((await h.skiffctl(['get', 'pod', 'nginx', '-o', 'json'])).stdout).metadata.uid;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'nginx.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'nginx', uid, apiVersion: 'v1' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 3,
    };
    expect((await h.skiffctl(['create', '-f', '-'], JSON.stringify(ev))).code).toBe(0);
    await same(['describe', 'pod', 'nginx'], maskAges);
    const s = await h.skiffctl(['describe', 'pod', 'nginx']);
    expect(s.stdout).toMatch(/Warning {2}BackOff {2}\S+ \(x3 over \S+\) {2}kubelet {2}Back-off restarting failed container/);
  });
});
