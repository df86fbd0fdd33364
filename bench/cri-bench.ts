// `npm run bench:cri`: RunPodSandbox + CreateContainer + StartContainer of busybox `sleep` through
// the CRI over gRPC, 30 pods one after another and 30 with 8 in flight; p50/p99 per pod, the memory
// the runtime adds per pod (RSS of each pause process and container monitor), and as a reference
// measured in the same run the executor alone creating+starting the same container (no sandbox,
// no CNI, no gRPC). Everything is made under a temp dir with its own bridge and pod CIDR and
// removed at the end. Last line: BENCH {json}.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadCri, criAddress } from '../runtime/cri/proto-loader.js';
import { startRuntimeService } from '../runtime/cri/real-parts.js';
import type { RuntimeService } from '../runtime/cri/runtime-server.js';
import { buildBusyboxImageArchive } from '../runtime/images/busybox-image.js';
import { createImageStore } from '../runtime/images/local-image-store.js';
import { createExecutor } from '../runtime/executor/native-executor.js';
import { defaultSpec } from '../runtime/executor/default-spec.js';
import { OverlaySnapshotter } from '../runtime/snapshots/overlay-snapshotter.js';
import * as grpc from '@grpc/grpc-js';
import { percentile } from './bench-stats.js';

const PODS = 30;
const IN_FLIGHT = 8;
const IMAGE = 'docker.io/library/busybox:skiff-bench';

type Call = (method: string, req: object) => Promise<Record<string, unknown>>;

function criCaller(socket: string): { call: Call; close: () => void } {
  const { RuntimeService: Rt } = loadCri();
  const rt = new Rt(criAddress(socket), grpc.credentials.createInsecure());
  const call: Call = (method, req) =>
    new Promise((resolve, reject) => {
      const fn = (rt as unknown as Record<string, (r: object, cb: (e: Error | null, res: Record<string, unknown>) => void) => void>)[method];
      fn.call(rt, req, (e, res) => (e ? reject(e) : resolve(res)));
    });
  return { call, close: () => rt.close() };
}

const rssKiB = (pid: number): number => {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};
const ppid = (pid: number): number => Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function main(): Promise<void> {
  const tag = Math.random().toString(36).slice(2, 7);
  const prefix = `skiff-b${tag}`;
  const bridge = `skb${tag}`;
  const podCidr = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.0/24`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const root = join(dir, 'root');
  const socket = join(dir, 'cri.sock');
  const ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  let svc: RuntimeService | undefined;
  let caller: ReturnType<typeof criCaller> | undefined;
  try {
    const images = createImageStore({ root: join(root, 'images') });
    await buildBusyboxImageArchive(join(dir, 'busybox.tar'), { ref: IMAGE });
    await images.import(join(dir, 'busybox.tar'), { tag: IMAGE });

    // reference: the executor alone (overlay rootfs + create + start), the floor under the CRI
    const refExec = createExecutor({ root: join(dir, 'ref-executor') });
    const refSnap = new OverlaySnapshotter(join(dir, 'ref-snapshots'));
    const img = (await images.get(IMAGE))!;
    const refMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const id = `${prefix}-ref-${i}`;
      const bundle = join(dir, 'ref', id);
      mkdirSync(join(bundle, 'rootfs'), { recursive: true });
      const t0 = performance.now();
      await refSnap.prepare(id, images.layerPaths(img), join(bundle, 'rootfs'));
      writeFileSync(join(bundle, 'config.json'), JSON.stringify(defaultSpec({ args: ['sleep', '3600'], cgroupsPath: `${prefix}/ref/${id}` })));
      await refExec.create(id, bundle);
      await refExec.start(id);
      refMs.push(performance.now() - t0);
      await refExec.delete(id, { force: true });
      await refSnap.remove(id);
    }

    svc = await startRuntimeService({
      root,
      socket,
      cniConfDir: join(dir, 'net.d'),
      cniBinDirs: ['/usr/lib/cni'],
      podCidr,
      bridge,
      networkName: prefix,
      log: pino({ level: process.env.SKIFF_BENCH_LOG ?? 'silent' }),
    });
    caller = criCaller(socket);
    const { call } = caller;

    const onePod = async (name: string): Promise<{ ms: number; sandbox: string; phases: [number, number, number] }> => {
      const config = {
        metadata: { name, namespace: 'bench', uid: `${prefix}-${name}`, attempt: 0 },
        hostname: name,
        log_directory: join(dir, 'logs', name),
        linux: { cgroup_parent: `${prefix}/${name}` },
      };
      const t0 = performance.now();
      const { pod_sandbox_id } = (await call('RunPodSandbox', { config })) as { pod_sandbox_id: string };
      const t1 = performance.now();
      const { container_id } = (await call('CreateContainer', {
        pod_sandbox_id,
        config: { metadata: { name: 'sleep', attempt: 0 }, image: { image: IMAGE }, command: ['sleep', '3600'], log_path: 'sleep/0.log' },
        sandbox_config: config,
      })) as { container_id: string };
      const t2 = performance.now();
      await call('StartContainer', { container_id });
      const t3 = performance.now();
      return { ms: t3 - t0, sandbox: pod_sandbox_id, phases: [t1 - t0, t2 - t1, t3 - t2] };
    };

    const removeAll = async (ids: string[]) => {
      for (const id of ids) {
        await call('StopPodSandbox', { pod_sandbox_id: id });
        await call('RemovePodSandbox', { pod_sandbox_id: id });
      }
    };

    await removeAll([(await onePod('warmup')).sandbox]);

    const seq: { ms: number; sandbox: string; phases: [number, number, number] }[] = [];
    for (let i = 0; i < PODS; i++) seq.push(await onePod(`seq-${i}`));

    let rss = 0;
    for (const r of seq) {
      const sb = svc.sandboxes.get(r.sandbox);
      rss += rssKiB(sb.pause!.pid);
      for (const c of svc.containers.inSandbox(r.sandbox)) {
        const st = await svc.containers.execState(c);
        if (st && st.pid > 0) rss += rssKiB(ppid(st.pid));
      }
    }
    const memPerPodMiB = rss / 1024 / PODS;
    await removeAll(seq.map((r) => r.sandbox));

    const conc: number[] = [];
    const concIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < PODS) {
          const i = next++;
          const r = await onePod(`conc-${i}`);
          conc.push(r.ms);
          concIds.push(r.sandbox);
        }
      }),
    );
    await removeAll(concIds);

    const seqMs = seq.map((r) => r.ms);
    const phase = (k: number) => percentile(seq.map((r) => r.phases[k]), 50);
    const out = {
      p50_ms: +percentile(seqMs, 50).toFixed(1),
      p99_ms: +percentile(seqMs, 99).toFixed(1),
      conc_p50_ms: +percentile(conc, 50).toFixed(1),
      conc_p99_ms: +percentile(conc, 99).toFixed(1),
      mem_per_pod_mib: +memPerPodMiB.toFixed(2),
      sandbox_p50_ms: +phase(0).toFixed(1),
      create_p50_ms: +phase(1).toFixed(1),
      start_p50_ms: +phase(2).toFixed(1),
      ref_executor_p50_ms: +percentile(refMs, 50).toFixed(1),
    };
    console.log(`pods one at a time (${PODS}): p50 ${out.p50_ms} ms, p99 ${out.p99_ms} ms (target p50 <= 150, p99 <= 300)`);
    console.log(`  phases p50: RunPodSandbox ${out.sandbox_p50_ms} ms, CreateContainer ${out.create_p50_ms} ms, StartContainer ${out.start_p50_ms} ms`);
    console.log(`pods with ${IN_FLIGHT} in flight (${PODS}): p50 ${out.conc_p50_ms} ms, p99 ${out.conc_p99_ms} ms per pod`);
    console.log(`memory added per pod (RSS of pause + monitor): ${out.mem_per_pod_mib} MiB (target <= 2)`);
    console.log(`reference, same run: executor alone (overlay + create + start, no sandbox/CNI/gRPC) p50 ${out.ref_executor_p50_ms} ms`);
    console.log(`BENCH ${JSON.stringify(out)}`);
  } finally {
    caller?.close();
    if (svc) {
      // also after a failure: every pod this run made, whatever state it got to
      for (const sb of svc.sandboxes.list()) {
        await svc.containers.removeAllIn(sb.id).catch(() => undefined);
        await svc.sandboxes.remove(sb.id).catch(() => undefined);
      }
      await svc.close();
    }
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const mp = line.split(' ')[4];
      if (mp && mp.startsWith(dir)) execFileSync('umount', ['-l', mp], { stdio: 'ignore' });
    }
    try {
      execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    for (const ctl of readdirSync('/sys/fs/cgroup')) {
      const base = `/sys/fs/cgroup/${ctl}/${prefix}`;
      if (existsSync(base)) execFileSync('sh', ['-c', `find ${base} -depth -type d -exec rmdir {} \\; 2>/dev/null || true`]);
    }
    writeFileSync('/proc/sys/net/ipv4/ip_forward', ipForward);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
