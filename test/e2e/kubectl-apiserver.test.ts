// The real kubectl (1.32, 1.27, 1.33) against the apiserver: apply (created / configured /
// unchanged), apply --server-side, get (table, -o yaml, -o wide, -w), describe, scale, delete,
// create, and the error messages kubectl prints for NotFound and Invalid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApiServer, type TestApiServer } from '../fixtures/apiserver.js';
import { deploymentYaml, Kubectl, OutputCollector, podYaml } from './kubectl-helper.js';

let s: TestApiServer;
const clients: Kubectl[] = [];

beforeAll(async () => {
  s = await startTestApiServer();
});
afterAll(async () => {
  for (const k of clients) k.cleanup();
  await s?.stop();
});

function kubectl(version: string): Kubectl {
  const k = new Kubectl(version, s.kubeconfigPath);
  clients.push(k);
  return k;
}

describe('kubectl 1.32', () => {
  let k: Kubectl;
  beforeAll(() => {
    k = kubectl('1.32');
  });

  it('apply -f: created, configured, unchanged', async () => {
    const f1 = k.file('pod.yaml', podYaml('nginx'));
    const f2 = k.file('pod2.yaml', podYaml('nginx', 'nginx:1.26', { tier: 'web' }));
    expect(await k.run('apply', '-f', f1)).toMatchObject({ code: 0, stdout: 'pod/nginx created\n' });
    expect(await k.run('apply', '-f', f2)).toMatchObject({ code: 0, stdout: 'pod/nginx configured\n' });
    expect(await k.run('apply', '-f', f2)).toMatchObject({ code: 0, stdout: 'pod/nginx unchanged\n' });
    const y = await k.run('get', 'pod', 'nginx', '-o', 'yaml');
    expect(y.stdout).toContain('image: nginx:1.26');
    expect(y.stdout).toContain('tier: web');
    expect(y.stdout).toContain('kubectl.kubernetes.io/last-applied-configuration');
  });

  it('get: table and -o wide', async () => {
    const t = await k.run('get', 'pods');
    expect(t.code).toBe(0);
    const lines = t.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines[1]).toMatch(/^nginx\s+0\/1\s+Pending\s+0\s+\d+s$/);
    const w = await k.run('get', 'pods', '-o', 'wide');
    expect(w.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const all = await k.run('get', 'po', '-A', '--show-labels');
    expect(all.stdout).toMatch(/default\s+nginx\s+.*tier=web/);
  });

  it('get -w prints a change', async () => {
    const child = k.spawn('get', 'pods', '-w');
    const out = new OutputCollector(child);
    try {
      await out.waitFor(/nginx\s+0\/1\s+Pending/);
      expect((await k.run('label', 'pod', 'nginx', 'watched=yes')).code).toBe(0);
      const text = await out.waitFor(/(nginx\s+0\/1\s+Pending[^\n]*\n[\s\S]*){2}/);
      expect(text.split('\n').filter((l) => l.startsWith('nginx')).length).toBeGreaterThanOrEqual(2);
    } finally {
      child.kill();
    }
  });

  it('describe pod', async () => {
    const d = await k.run('describe', 'pod', 'nginx');
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Name:\s+nginx/);
    expect(d.stdout).toMatch(/Status:\s+Pending/);
    expect(d.stdout).toMatch(/Port:\s+80\/TCP/);
    expect(d.stdout).toMatch(/QoS Class:\s+BestEffort/);
    expect(d.stdout).toMatch(/Events:\s+<none>/);
  });

  it('deployment: server-side apply, get, scale, describe, delete', async () => {
    const f = k.file('deploy.yaml', deploymentYaml('web', 2));
    expect(await k.run('apply', '--server-side', '-f', f)).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied\n' });
    const g = await k.run('get', 'deploy');
    expect(g.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/2\s+0\s+0\s+\d+s\n$/);
    expect(await k.run('scale', 'deployment', 'web', '--replicas=3')).toMatchObject({ code: 0, stdout: 'deployment.apps/web scaled\n' });
    const w = await k.run('get', 'deploy', 'web', '-o', 'wide');
    expect(w.stdout).toMatch(/web\s+0\/3\s+0\s+0\s+\d+s\s+web\s+nginx:1\.25\s+app=web/);
    const d = await k.run('describe', 'deploy', 'web');
    expect(d.stdout).toMatch(/Replicas:\s+3 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable/);
    expect(d.stdout).toMatch(/StrategyType:\s+RollingUpdate/);
    const again = await k.run('apply', '--server-side', '-f', k.file('deploy2.yaml', deploymentYaml('web', 2, 'nginx:1.26')));
    expect(again.code).not.toBe(0); // kubectl scale owns spec.replicas now
    expect(again.stderr).toContain('conflict');
    const forced = await k.run('apply', '--server-side', '--force-conflicts', '-f', k.file('deploy2.yaml', deploymentYaml('web', 2, 'nginx:1.26')));
    expect(forced.code).toBe(0);
    expect(await k.run('delete', '-f', f)).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\n' });
    expect((await k.run('get', 'deploy', 'web')).stderr).toContain('Error from server (NotFound): deployments.apps "web" not found');
  });

  it('create, and the errors kubectl prints', async () => {
    const f = k.file('c.yaml', podYaml('created'));
    expect(await k.run('create', '-f', f)).toMatchObject({ code: 0, stdout: 'pod/created created\n' });
    const dup = await k.run('create', '-f', f);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('Error from server (AlreadyExists): error when creating');
    const nf = await k.run('get', 'pod', 'missing');
    expect(nf).toMatchObject({ code: 1 });
    expect(nf.stderr.trim()).toBe('Error from server (NotFound): pods "missing" not found');
    const bad = k.file('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: c\n');
    const inv = await k.run('apply', '-f', bad);
    expect(inv.code).toBe(1);
    expect(inv.stderr).toContain('The Pod "bad" is invalid: spec.containers[0].image: Required value');
    const strict = k.file('strict.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: strict\nspec:\n  bogus: 1\n  containers:\n  - name: c\n    image: x\n');
    expect((await k.run('apply', '-f', strict)).stderr).toContain('strict decoding error: unknown field "spec.bogus"');
  });

  it('delete a pod', async () => {
    expect(await k.run('delete', 'pod', 'nginx')).toMatchObject({ code: 0, stdout: 'pod "nginx" deleted\n' });
    expect(await k.run('delete', 'pod', 'created')).toMatchObject({ code: 0 });
    const left = await k.run('get', 'pods');
    expect(left.stderr).toContain('No resources found in default namespace.');
  });

  it('get nodes, namespaces and all', async () => {
    const ns = await k.run('get', 'ns');
    expect(ns.stdout).toMatch(/default\s+Active\s+\d+s/);
    expect(ns.stdout).toMatch(/kube-node-lease\s+Active/);
    expect((await k.run('get', 'nodes')).stderr).toContain('No resources found');
    expect((await k.run('get', 'all')).code).toBe(0);
  });
});

for (const version of ['1.27', '1.33']) {
  describe(`kubectl ${version}`, () => {
    let k: Kubectl;
    const name = `v${version.replace('.', '-')}`;
    beforeAll(() => {
      k = kubectl(version);
    });

    it('apply, get, server-side apply, scale, delete', async () => {
      const f1 = k.file('pod.yaml', podYaml(name));
      expect(await k.run('apply', '-f', f1)).toMatchObject({ code: 0, stdout: `pod/${name} created\n` });
      expect(await k.run('apply', '-f', k.file('pod2.yaml', podYaml(name, 'nginx:1.26')))).toMatchObject({ code: 0, stdout: `pod/${name} configured\n` });
      expect(await k.run('apply', '-f', k.file('pod2.yaml', podYaml(name, 'nginx:1.26')))).toMatchObject({ code: 0, stdout: `pod/${name} unchanged\n` });
      const g = await k.run('get', 'pod', name, '-o', 'wide');
      expect(g.stdout).toMatch(new RegExp(`^${name}\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+<none>\\s+<none>`, 'm'));
      const d = k.file('d.yaml', deploymentYaml(`${name}-web`, 1));
      expect(await k.run('apply', '--server-side', '-f', d)).toMatchObject({ code: 0, stdout: `deployment.apps/${name}-web serverside-applied\n` });
      expect(await k.run('scale', 'deploy', `${name}-web`, '--replicas=4')).toMatchObject({ code: 0, stdout: `deployment.apps/${name}-web scaled\n` });
      expect((await k.run('get', 'deploy', `${name}-web`)).stdout).toMatch(new RegExp(`${name}-web\\s+0/4\\s+0\\s+0`));
      expect((await k.run('describe', 'pod', name)).stdout).toMatch(/Image:\s+nginx:1\.26/);
      expect(await k.run('delete', 'pod', name)).toMatchObject({ code: 0, stdout: `pod "${name}" deleted\n` });
      expect(await k.run('delete', 'deploy', `${name}-web`)).toMatchObject({ code: 0, stdout: `deployment.apps "${name}-web" deleted\n` });
    });
  });
}
