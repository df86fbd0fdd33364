// A runtime killed (SIGKILL) in the middle of RunPodSandbox, after the bridge plugin gave the pod
// an IP: the next runtime on the same root undoes the half-made sandbox from its intent record
// (CNI DEL releases the lease, the netns is unpinned, pause is killed), and the retried
// RunPodSandbox succeeds. Own bridge, pod CIDR and dirs, all removed after.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeService } from '../../runtime/cri/real-parts.js';
import type { RuntimeService } from '../../runtime/cri/runtime-server.js';
import { createCriClient } from '../fixtures/cri-client.js';
import { cleanupHost, createHostHarness, sleep } from './host-harness.js';

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('skiff runtime crash during RunPodSandbox', () => {
  const h = createHostHarness('c');
  const { prefix, bridge, podCidr, dir, root, socket, confDir, binDir } = h;
  let child: ChildProcess | undefined;
  let svc: RuntimeService | undefined;
  const opts = () => ({ root, socket, cniConfDir: confDir, cniBinDirs: [binDir, '/usr/lib/cni'], podCidr, bridge, networkName: prefix });

  beforeAll(() => {
    mkdirSync(confDir);
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
    if (svc) {
      for (const sb of svc.sandboxes.list()) await svc.sandboxes.remove(sb.id).catch(() => undefined);
      await svc.close();
    }
    cleanupHost(h);
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
