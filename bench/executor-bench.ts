// npm run bench:executor — create + start + wait for exit (+ delete) of busybox `true` from one
// prepared bundle: Skiff's executor driven in-process (as the CRI service uses it) against
// `runc run` and `crun run` processes, interleaved, N each (default 50). Prints medians, p90s and
// ratios; the last line is `BENCH {json}`.
//
// crun 1.8 refuses cgroup "hybrid mode" while the v2 tree holds a controller (hugetlb here): see
// reexecWithoutHybrid().
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultSpec } from '../runtime/executor/default-spec.js';
import { createExecutor } from '../runtime/executor/native-executor.js';
import { MNT_DETACH, umount2 } from '../runtime/sys/libc.js';
import { buildBusyboxRootfs } from '../test/fixtures/busybox-rootfs.js';

const N = Number(process.env.BENCH_N ?? 50);
const WARMUP = 3;
const unified = '/sys/fs/cgroup/unified';

function which(bin: string): string | undefined {
  for (const d of (process.env.PATH ?? '/usr/bin').split(':')) if (existsSync(join(d, bin))) return join(d, bin);
  return undefined;
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(0) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err.trim()}`))));
  });
}

function controllersV2(): string[] {
  try {
    return readFileSync(join(unified, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * crun 1.8 refuses hybrid mode while the v2 tree holds a controller (hugetlb). Rather than move
 * hugetlb to a v1 hierarchy for everyone on the host (other processes would build cgroups in it),
 * the bench re-runs itself in a private mount namespace and detaches the v2 mount there only:
 * all three runtimes then see the same pure-v1 host, and nothing changes outside the bench.
 */
function reexecWithoutHybrid(): Promise<number> | undefined {
  if (process.env.SKIFF_BENCH_PRIVATE_NS === '1') {
    if (existsSync(join(unified, 'cgroup.controllers'))) umount2(unified, MNT_DETACH);
    return undefined;
  }
  if (controllersV2().length === 0) return undefined;
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', process.execPath, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, SKIFF_BENCH_PRIVATE_NS: '1' },
    });
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

function rmdirQuiet(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    /* not made by this run, or already gone */
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-executor-'));
  const bundle = join(dir, 'bundle');
  buildBusyboxRootfs(join(bundle, 'rootfs'));
  const spec = defaultSpec({ args: ['true'], cgroupsPath: 'skiff-bench/ctr' });
  delete spec.process?.oomScoreAdj;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
  const ex = createExecutor({ root: join(dir, 'skiff') });
  const runc = which('runc');
  const crun = which('crun');
  const runners: { name: string; once: (id: string) => Promise<unknown> }[] = [
    {
      name: 'skiff',
      once: async (id) => {
        await ex.create(id, bundle);
        await ex.start(id);
        await ex.wait(id);
        await ex.delete(id);
      },
    },
  ];
  if (crun) runners.push({ name: 'crun', once: (id) => run(crun, ['--root', join(dir, 'crun'), 'run', '-b', bundle, id]) });
  if (runc) runners.push({ name: 'runc', once: (id) => run(runc, ['--root', join(dir, 'runc'), 'run', '-b', bundle, id]) });
  const times = new Map<string, number[]>(runners.map((r) => [r.name, []]));
  try {
    for (let i = 0; i < WARMUP + N; i++) {
      // rotate the order so that no runtime always runs right after another
      for (let k = 0; k < runners.length; k++) {
        const r = runners[(i + k) % runners.length];
        const t0 = performance.now();
        await r.once(`bench-${r.name}-${i}`);
        const ms = performance.now() - t0;
        if (i >= WARMUP) times.get(r.name)?.push(ms);
      }
    }
  } finally {
    for (const id of (await ex.recover()).map((s) => s.id)) await ex.delete(id, { force: true }).catch(() => undefined);
    for (const ctrl of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'freezer', 'devices', 'blkio', 'systemd']) rmdirQuiet(`/sys/fs/cgroup/${ctrl}/skiff-bench`);
    rmSync(dir, { recursive: true, force: true });
  }
  const fig: Record<string, number> = {};
  console.log(`executor bench: busybox \`true\`, create+start+wait+delete, ${N} runs each, interleaved`);
  for (const [name, xs] of times) {
    const med = quantile(xs, 0.5);
    const p90 = quantile(xs, 0.9);
    fig[`${name}_median_ms`] = Number(med.toFixed(2));
    fig[`${name}_p90_ms`] = Number(p90.toFixed(2));
    console.log(`  ${name.padEnd(6)} median ${med.toFixed(2)} ms  p90 ${p90.toFixed(2)} ms`);
  }
  for (const other of ['crun', 'runc']) {
    if (fig[`${other}_median_ms`]) {
      const ratio = fig.skiff_median_ms / fig[`${other}_median_ms`];
      fig[`skiff_vs_${other}`] = Number(ratio.toFixed(3));
      console.log(`  skiff / ${other} median: ${ratio.toFixed(2)}`);
    }
  }
  console.log(`BENCH ${JSON.stringify(fig)}`);
}

const outer = reexecWithoutHybrid();
if (outer) {
  outer.then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
