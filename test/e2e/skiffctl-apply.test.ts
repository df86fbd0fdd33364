// skiffctl apply/create against a real apiserver, side by side with kubectl 1.32.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type SkiffctlHarness } from './skiffctl-harness.js';

let h: SkiffctlHarness;
let dir: string;

const pod = (name: string, image = 'busybox', labels = 'app: web') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    ${labels}
spec:
  containers:
  - name: c
    image: ${image}
`;

const deployment = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: busybox
`;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-skiffctl-apply-'));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h?.stop();
});

describe('skiffctl apply', () => {
  it('creates, configures and leaves unchanged, interchangeably with kubectl', async () => {
    const v1 = file('a1.yaml', pod('apply-a'));
    const v2 = file('a2.yaml', pod('apply-a', 'busybox:1.36', 'app: web\n    tier: front'));
    expect(await h.skiffctl(['apply', '-f', v1])).toEqual({ code: 0, stdout: 'pod/apply-a created\n', stderr: '' });
    expect((await h.kubectl(['apply', '-f', v1])).stdout).toBe('pod/apply-a unchanged\n');
    expect((await h.skiffctl(['apply', '-f', v1])).stdout).toBe('pod/apply-a unchanged\n');
    expect((await h.skiffctl(['apply', '-f', v2])).stdout).toBe('pod/apply-a configured\n');
    expect((await h.kubectl(['apply', '-f', v2])).stdout).toBe('pod/apply-a unchanged\n');
    const live = JSON.parse((await h.skiffctl(['get', 'pod', 'apply-a', '-o', 'json'])).stdout);
    expect(live.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(live.spec.containers[0].image).toBe('busybox:1.36');
    // removing a label from the manifest removes it from the object (three-way merge)
    expect((await h.skiffctl(['apply', '-f', v1])).stdout).toBe('pod/apply-a configured\n');
    const back = JSON.parse((await h.skiffctl(['get', 'pod', 'apply-a', '-o', 'json'])).stdout);
    expect(back.metadata.labels).toEqual({ app: 'web' });
    // kubectl sees skiffctl's last-applied annotation as its own
    expect((await h.kubectl(['apply', '-f', v1])).stdout).toBe('pod/apply-a unchanged\n');
  });

  it('applies multi-document files, directories (-R) and stdin', async () => {
    const sub = join(dir, 'tree', 'nested');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(dir, 'tree', 'one.yaml'), `${pod('tree-a')}---\n${pod('tree-b')}`);
    writeFileSync(join(sub, 'two.yml'), pod('tree-c'));
    writeFileSync(join(dir, 'tree', 'ignored.txt'), 'not a manifest');
    const flat = await h.skiffctl(['apply', '-f', join(dir, 'tree')]);
    expect(flat.stdout).toBe('pod/tree-a created\npod/tree-b created\n');
    const rec = await h.skiffctl(['apply', '-R', '-f', join(dir, 'tree')]);
    // lexical walk order, as kubectl's filepath.Walk: nested/ before one.yaml
    expect(rec.stdout).toBe('pod/tree-c created\npod/tree-a unchanged\npod/tree-b unchanged\n');
    const piped = await h.skiffctl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stdin-a' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }))] }));
    expect(piped).toMatchObject({ code: 0, stdout: 'pod/stdin-a created\n' });
  });

  it('applies from a URL', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/pod.yaml') res.writeHead(200, { 'Content-Type': 'text/yaml' }).end(pod('url-a'));
      else res.writeHead(404).end('not here');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await h.skiffctl(['apply', '-f', `${base}/pod.yaml`])).toEqual({ code: 0, stdout: 'pod/url-a created\n', stderr: '' });
      const missing = await h.skiffctl(['apply', '-f', `${base}/nope.yaml`]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`unable to read URL "${base}/nope.yaml", server reported 404 Not Found, status code=404`);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('--server-side applies with the kubectl field manager', async () => {
    const f = file('ssa.yaml', deployment('ssa-web', 2));
    const r = await h.skiffctl(['apply', '--server-side', '-f', f]);
    expect(r).toEqual({ code: 0, stdout: 'deployment.apps/ssa-web serverside-applied\n', stderr: '' });
    const k = await h.kubectl(['apply', '--server-side', '-f', f]);
    expect(k.stdout).toBe(r.stdout);
    const obj = JSON.parse((await h.skiffctl(['get', 'deploy', 'ssa-web', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(obj.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain('kubectl');
  });

  it('--prune -l deletes applied objects that left the manifests', async () => {
    const both = file('prune-both.yaml', `${pod('prune-a', 'busybox', 'set: p')}---\n${pod('prune-b', 'busybox', 'set: p')}`);
    const one = file('prune-one.yaml', pod('prune-a', 'busybox', 'set: p'));
    await h.skiffctl(['apply', '-f', both]);
    const r = await h.skiffctl(['apply', '-f', one, '--prune', '-l', 'set=p']);
    expect(r.stdout).toBe('pod/prune-a unchanged\npod/prune-b pruned\n');
    expect((await h.skiffctl(['get', 'pod', 'prune-b'])).code).toBe(1);
    const noSel = await h.skiffctl(['apply', '-f', one, '--prune']);
    expect(noSel.code).toBe(1);
  });

  it('reports server errors like kubectl and exits 1', async () => {
    const bad = file('bad.yaml', pod('bad-a', '""'));
    const s = await h.skiffctl(['apply', '-f', bad]);
    const k = await h.kubectl(['apply', '--validate=false', '-f', bad]);
    expect(s.code).toBe(1);
    expect(k.code).toBe(1);
    expect(s.stderr.trim()).toBe(k.stderr.trim());
    const unknownKind = file('crd.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n');
    const u = await h.skiffctl(['apply', '-f', unknownKind]);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain('no matches for kind "Widget" in version "example.com/v1"');
    const missing = await h.skiffctl(['apply', '-f', join(dir, 'nope.yaml')]);
    expect(missing).toMatchObject({ code: 1, stderr: `error: the path "${join(dir, 'nope.yaml')}" does not exist\n` });
  });

  it('namespace mismatch between -n and the manifest is refused', async () => {
    const f = file('ns.yaml', pod('ns-a').replace('name: ns-a', 'name: ns-a\n  namespace: kube-system'));
    const r = await h.skiffctl(['apply', '-n', 'default', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the namespace from the provided object "kube-system" does not match the namespace "default"`);
  });
});

describe('skiffctl create', () => {
  it('creates, and says AlreadyExists like kubectl on a second try', async () => {
    const f = file('create.yaml', pod('create-a'));
    expect(await h.skiffctl(['create', '-f', f])).toEqual({ code: 0, stdout: 'pod/create-a created\n', stderr: '' });
    const s = await h.skiffctl(['create', '-f', f]);
    const k = await h.kubectl(['create', '-f', f]);
    expect(s.code).toBe(1);
    expect(k.code).toBe(1);
    expect(s.stderr).toBe(k.stderr);
  });
});
