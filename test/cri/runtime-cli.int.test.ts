// `skiff runtime` as a process (the built CLI): serves the CRI on a 0600 socket, writes the default
// conflist for --pod-cidr into an empty conf dir (or, with --await-pod-cidr, once UpdateRuntimeConfig
// hands one over), stops cleanly on SIGTERM; bad flags exit 2.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCriClient } from '../fixtures/cri-client.js';

const cli = join(process.cwd(), 'bin', 'skiff'); // runs dist/cli/skiff.js (npm run build)

/** starts `skiff runtime ARGS --socket SOCKET`; resolves once its socket exists, with a CRI client on it */
async function startRuntime(socket: string, args: string[]) {
  const child = spawn(process.execPath, [cli, 'runtime', '--socket', socket, '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  for (let i = 0; i < 300 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(socket)) {
    child.kill('SIGTERM');
    throw new Error(`no runtime socket at ${socket}: ${stderr}`);
  }
  /** stops the runtime (SIGTERM); resolves with its exit status */
  const stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { client: createCriClient(socket, { timeoutMs: 10_000 }), stop };
}

describe('skiff runtime (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cli-runtime-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves Version and Status, writes the default conflist, and exits 0 on SIGTERM', async () => {
    const socket = join(dir, 'run', 'runtime.sock');
    const rt = await startRuntime(socket, ['--root', join(dir, 'root'), '--cni-conf-dir', join(dir, 'net.d'), '--pod-cidr', '10.231.7.0/24', '--bridge', 'skiffclitest0']);
    try {
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      expect(await rt.client.version({})).toMatchObject({ runtime_name: 'skiff', runtime_api_version: 'v1' });
      const s = await rt.client.status({});
      expect(s.status?.conditions.find((c) => c.type === 'NetworkReady')?.status).toBe(true);
      const conf = JSON.parse(readFileSync(join(dir, 'net.d', '10-skiff.conflist'), 'utf8'));
      expect(conf.plugins[0]).toMatchObject({ type: 'bridge', bridge: 'skiffclitest0', ipam: { ranges: [[{ subnet: '10.231.7.0/24' }]], dataDir: join(dir, 'root', 'cni', 'networks') } });
    } finally {
      rt.client.close();
      expect(await rt.stop()).toBe(0);
    }
    expect(existsSync(socket)).toBe(false);
  });

  it('with --await-pod-cidr reports NetworkReady false until UpdateRuntimeConfig hands over the pod CIDR', async () => {
    const confDir = join(dir, 'await.d');
    const rt = await startRuntime(join(dir, 'run', 'await.sock'), ['--root', join(dir, 'root2'), '--cni-conf-dir', confDir, '--await-pod-cidr', '--bridge', 'skiffclitest1']);
    try {
      const networkReady = async () => (await rt.client.status({})).status?.conditions.find((c) => c.type === 'NetworkReady');
      expect(await networkReady()).toMatchObject({ status: false, reason: 'NetworkPluginNotReady' });
      expect((await networkReady())?.message).toContain("waiting for the node's pod CIDR");
      expect(readdirSync(confDir)).toEqual([]);
      await rt.client.updateRuntimeConfig({ runtime_config: { network_config: { pod_cidr: '10.231.8.0/24' } } });
      expect((await networkReady())?.status).toBe(true);
      const conf = JSON.parse(readFileSync(join(confDir, '10-skiff.conflist'), 'utf8'));
      expect(conf.plugins[0]).toMatchObject({ type: 'bridge', bridge: 'skiffclitest1', forceAddress: true, ipam: { ranges: [[{ subnet: '10.231.8.0/24' }]] } });
    } finally {
      rt.client.close();
      expect(await rt.stop()).toBe(0);
    }
  });

  it('rejects bad flags with exit status 2 and a message naming them', () => {
    const unknown = spawnSync(process.execPath, [cli, 'runtime', '--bogus'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown flag: --bogus');
    const cidr = spawnSync(process.execPath, [cli, 'runtime', '--pod-cidr', '10.1.2.3'], { encoding: 'utf8' });
    expect(cidr.status).toBe(2);
    expect(cidr.stderr).toContain('--pod-cidr: "10.1.2.3"');
    const bridge = spawnSync(process.execPath, [cli, 'runtime', '--bridge', 'much-too-long-bridge-name'], { encoding: 'utf8' });
    expect(bridge.status).toBe(2);
    expect(bridge.stderr).toContain('--bridge: "much-too-long-bridge-name"');
    const both = spawnSync(process.execPath, [cli, 'runtime', '--pod-cidr', '10.1.2.0/24', '--await-pod-cidr'], { encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--pod-cidr and --await-pod-cidr exclude each other');
  });
});
