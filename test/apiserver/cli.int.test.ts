// `skiff apiserver` as a process (from dist/, built by `npm run build`): the managed etcd child
// (data under DIR/etcd, stopped on SIGTERM), the kubeconfig it writes, and --etcd-servers with one
// endpoint down.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startEtcd, type TestEtcd } from '../fixtures/etcd.js';
import { freePort } from '../../apiserver/storage/managed-etcd.js';
import { pod, request } from './api-helper.js';
import { requireBuilt } from '../fixtures/require-build.js';

const root = path.resolve(import.meta.dirname, '../..');
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter(Boolean);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startCli(args: string[]): Promise<{ child: ChildProcess; dir: string; server: string; token: string; ca: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-test-cli-'));
  const child = spawn(process.execPath, [path.join(root, 'bin/skiff'), 'apiserver', '--data-dir', dir, '--secure-port', '0', '--bind-address', '127.0.0.1', '--log-level', 'warn', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const kc = path.join(dir, 'kubeconfig');
  const deadline = Date.now() + 30_000;
  while (!existsSync(kc)) {
    if (child.exitCode !== null) throw new Error(`skiff apiserver exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`no kubeconfig after 30 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const cfg = parseYaml(readFileSync(kc, 'utf8')) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]; users: { user: { token: string } }[] };
  return {
    child,
    dir,
    server: cfg.clusters[0]!.cluster.server,
    token: cfg.users[0]!.user.token,
    ca: Buffer.from(cfg.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString(),
  };
}

describe('skiff apiserver', () => {
  requireBuilt(path.join(root, 'dist/cli/commands/apiserver.js'));
  it('runs a managed etcd under DIR/etcd and stops it on SIGTERM', async () => {
    const s = await startCli([]);
    expect(s.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(path.join(s.dir, 'etcd', 'member'))).toBe(true);
    const etcdPids = childPids(s.child.pid!).filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('etcd'));
    expect(etcdPids).toHaveLength(1);
    const r = await request(s.server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('cli-a'), token: s.token, ca: s.ca });
    expect(r.status).toBe(201);
    s.child.kill('SIGTERM');
    const code = await new Promise((res) => s.child.once('exit', (c) => res(c)));
    expect(code).toBe(0);
    expect(alive(etcdPids[0]!)).toBe(false);
  });

  it('keeps its CA, token and data across restarts', async () => {
    const a = await startCli([]);
    await request(a.server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('persist'), token: a.token, ca: a.ca });
    a.child.kill('SIGTERM');
    await new Promise((res) => a.child.once('exit', res));
    rmSync(path.join(a.dir, 'kubeconfig'));
    const child = spawn(process.execPath, [path.join(root, 'bin/skiff'), 'apiserver', '--data-dir', a.dir, '--secure-port', '0', '--bind-address', '127.0.0.1', '--log-level', 'warn'], { stdio: 'ignore' });
    cleanups.push(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    });
    while (!existsSync(path.join(a.dir, 'kubeconfig'))) await new Promise((r) => setTimeout(r, 50));
    const cfg = parseYaml(readFileSync(path.join(a.dir, 'kubeconfig'), 'utf8')) as { clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]; users: { user: { token: string } }[] };
    expect(cfg.users[0]!.user.token).toBe(a.token);
    expect(Buffer.from(cfg.clusters[0]!.cluster['certificate-authority-data'], 'base64').toString()).toBe(a.ca);
    const g = await request(cfg.clusters[0]!.cluster.server, '/api/v1/namespaces/default/pods/persist', { token: a.token, ca: a.ca });
    expect(g.status).toBe(200);
  });

  it('uses --etcd-servers, tolerating one endpoint that is down', async () => {
    const etcd: TestEtcd = await startEtcd();
    cleanups.push(() => etcd.stop());
    const dead = `http://127.0.0.1:${await freePort()}`;
    const s = await startCli(['--etcd-servers', `${dead},${etcd.endpoint}`]);
    expect(existsSync(path.join(s.dir, 'etcd'))).toBe(false);
    for (let i = 0; i < 5; i++) {
      const r = await request(s.server, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod(`multi-${i}`), token: s.token, ca: s.ca });
      expect(r.status).toBe(201);
    }
  });

  it('refuses bad flags', () => {
    const out = spawn(process.execPath, [path.join(root, 'bin/skiff'), 'apiserver', '--secure-port', 'x', '--data-dir', '/tmp/skiff-test-never'], { stdio: 'ignore' });
    return new Promise<void>((resolve) => out.once('exit', (c) => {
      expect(c).toBe(2);
      resolve();
    }));
  });
});
