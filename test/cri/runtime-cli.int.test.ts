// `skiff runtime` as a process (the built CLI): serves the CRI on a 0600 socket, writes the default
// conflist for --pod-cidr into an empty conf dir, stops cleanly on SIGTERM; bad flags exit 2.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCriClient } from '../fixtures/cri-client.js';

const cli = join(process.cwd(), 'bin', 'skiff'); // runs dist/cli/skiff.js (npm run build)

describe('skiff runtime (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-cli-runtime-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves Version and Status, writes the default conflist, and exits 0 on SIGTERM', async () => {
    const socket = join(dir, 'run', 'runtime.sock');
    const child = spawn(process.execPath, [cli, 'runtime', '--root', join(dir, 'root'), '--socket', socket, '--cni-conf-dir', join(dir, 'net.d'), '--pod-cidr', '10.231.7.0/24', '--bridge', 'skiffclitest0', '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 300 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(socket), stderr).toBe(true);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      const client = createCriClient(socket, { timeoutMs: 10_000 });
      try {
        expect(await client.version({})).toMatchObject({ runtime_name: 'skiff', runtime_api_version: 'v1' });
        const s = await client.status({});
        expect(s.status?.conditions.find((c) => c.type === 'NetworkReady')?.status).toBe(true);
      } finally {
        client.close();
      }
      const conf = JSON.parse(readFileSync(join(dir, 'net.d', '10-skiff.conflist'), 'utf8'));
      expect(conf.plugins[0]).toMatchObject({ type: 'bridge', bridge: 'skiffclitest0', ipam: { ranges: [[{ subnet: '10.231.7.0/24' }]], dataDir: join(dir, 'root', 'cni', 'networks') } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(existsSync(socket)).toBe(false);
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
  });
});
