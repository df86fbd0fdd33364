// A runtime killed (SIGKILL) in the middle of RunPodSandbox, after the bridge plugin gave the pod
// an IP: the next runtime on the same root undoes the half-made sandbox from its intent record
// (CNI DEL releases the lease, the netns is unpinned, pause is killed), and the retried
// RunPodSandbox succeeds. Own bridge, pod CIDR and dirs, all removed after.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeService } from '../../runtime/cri/real-parts.js';
import type { RuntimeService } from '../../runtime/cri/runtime-server.js';
import { createCriClient } from '../fixtures/cri-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('skiff runtime crash during RunPodSandbox', () => {
  const tag = Math.random().toString(36).slice(2, 7);
  const prefix = `skiff-c${tag}`;
  const bridge = `skc${tag}`;
  const podCidr = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`;
  let dir: string;
  let root: string;
  let socket: string;
  let confDir: string;
  let binDir: string;
  let child: ChildProcess | undefined;
  let svc: RuntimeService | undefined;
  let ipForwardBefore = '';
  const opts = () => ({ root, socket, cniConfDir: confDir, cniBinDirs: [binDir, '/usr/lib/cni'], podCidr, bridge, networkName: prefix });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    root = join(dir, 'root');
    socket = join(dir, 'cri.sock');
    confDir = join(dir, 'net.d');
    binDir = join(dir, 'bin');
    mkdirSync(binDir);
    mkdirSync(confDir);
    ipForwardBefore = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
    // stalls the first ADD (after bridge+IPAM ran) until the runtime is killed; passes everything else through
    writeFileSync(
      join(binDir, 'skiff-stall'),
      `#!/bin/sh\nconf=$(cat)\nif [ "$CNI_COMMAND" = ADD ] && [ -e ${dir}/stall-once ]; then rm ${dir}/stall-once; echo $$ > ${dir}/stalled; exec sleep 120; fi\n` +
        `if [ "$CNI_COMMAND" = ADD ]; then printf '%s' "$conf" | sed -n 's/.*"prevResult":\\(.*\\)}$/\\1/p'; fi\nexit 0\n`,
    );
    chmodSync(join(binDir, 'skiff-stall'), 0o755);
    writeFileSync(
      join(confDir, '10-crash.conflist'),
      JSON.stringify({
        cniVersion: '1.0.0',
        name: prefix,
        plugins: [
          { type: 'bridge', bridge, isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: podCidr }]], dataDir: join(root, 'cni', 'networks') } },
          { type: 'skiff-stall' },
          { type: 'loopback' },
        ],
      }),
    );
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    if (existsSync(join(dir, 'stalled'))) {
      try {
        process.kill(Number(readFileSync(join(dir, 'stalled'), 'utf8')), 'SIGKILL');
      } catch {
        // gone
      }
    }
    await svc?.close();
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const mp = line.split(' ')[4];
      if (mp && mp.startsWith(dir)) execFileSync('umount', ['-l', mp], { stdio: 'ignore' });
    }
    try {
      execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
    } catch {
      // gone
    }
    for (const ctl of readdirSync('/sys/fs/cgroup')) {
      const base = `/sys/fs/cgroup/${ctl}/${prefix}`;
      if (existsSync(base)) execFileSync('sh', ['-c', `find ${base} -depth -type d -exec rmdir {} \\; 2>/dev/null || true`]);
    }
    if (ipForwardBefore) writeFileSync('/proc/sys/net/ipv4/ip_forward', ipForwardBefore);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaks no namespace, IP or pause process, and the retry succeeds', async () => {
    const real = join(process.cwd(), 'dist', 'runtime', 'cri', 'real-parts.js');
    const script = `import { startRuntimeService } from ${JSON.stringify(real)}; import { pino } from 'pino';
      await startRuntimeService({ ...${JSON.stringify(opts())}, log: pino({ level: 'silent' }) }); process.stdout.write('up\\n');`;
    child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => d.toString().includes('up') && resolve());
      child!.once('exit', (code) => reject(new Error(`runtime child exited ${code}`)));
    });
    writeFileSync(join(dir, 'stall-once'), '');
    const config = { metadata: { name: 'crashy', namespace: 'default', uid: `${prefix}-crashy`, attempt: 0 }, hostname: 'crashy', linux: { cgroup_parent: `${prefix}/pod-crashy` } };
    const first = createCriClient(socket, { timeoutMs: 60_000 });
    const pending = first.runPodSandbox({ config }).then(
      () => 'ok',
      () => 'failed',
    );
    for (let i = 0; i < 600 && !existsSync(join(dir, 'stalled')); i++) await sleep(50);
    expect(existsSync(join(dir, 'stalled'))).toBe(true);
    // the half-made sandbox: an IP lease, a pinned netns, a pause process
    const leases = () => readdirSync(join(root, 'cni', 'networks', prefix)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
    expect(leases()).toHaveLength(1);
    const netns = readdirSync(join(root, 'netns'));
    expect(netns).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(root, 'state', 'sandboxes', `${netns[0]}.json`), 'utf8')) as { phase: string; pause: { pid: number } };
    expect(record.phase).toBe('creating');
    const pausePid = record.pause.pid;
    expect(alive(pausePid)).toBe(true);

    child.kill('SIGKILL');
    expect(await pending).toBe('failed');
    first.close();
    process.kill(Number(readFileSync(join(dir, 'stalled'), 'utf8')), 'SIGKILL');

    svc = await startRuntimeService({ ...opts(), log: pino({ level: 'silent' }) });
    expect(leases()).toHaveLength(0);
    expect(readdirSync(join(root, 'netns'))).toHaveLength(0);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(netns[0]);
    for (let i = 0; i < 100 && alive(pausePid); i++) await sleep(20);
    expect(alive(pausePid)).toBe(false);
    expect(existsSync(join(root, 'state', 'sandboxes', `${netns[0]}.json`))).toBe(false);
    expect(execFileSync('iptables-save', [], { encoding: 'utf8' })).not.toContain(netns[0]);

    const client = createCriClient(socket);
    try {
      const { pod_sandbox_id } = await client.runPodSandbox({ config });
      expect((await client.podSandboxStatus({ pod_sandbox_id })).status?.state).toBe('SANDBOX_READY');
      expect(leases()).toHaveLength(1);
      await client.stopPodSandbox({ pod_sandbox_id });
      await client.removePodSandbox({ pod_sandbox_id });
      expect(leases()).toHaveLength(0);
    } finally {
      client.close();
    }
  });
});
