// `npm run bench:pull`: an image of 5 layers (~60 MB: random incompressible files, and the busybox
// root filesystem in the bottom layer) in a local registry. Skiff's pull + unpack into a fresh
// root, as the runtime does it (in process, `ImageStore.pull`), against
// `skopeo copy docker://… oci:DIR` (pull only), alternating, 5 runs each after one untimed
// warm-up round, medians. Also reported: the CPU seconds of Skiff's pulls (all threads), where the
// median pull's time went (per layer: first bytes, download complete, unpacked and committed),
// and the same pull through the CLI (`skiff image pull`, which adds Node's process start-up and
// the unpack workers' start).
// Last line: BENCH {"skiff_s":…,"skopeo_s":…,"ratio":…,"skiff_cpu_s":…,"skiff_cli_s":…,"image_mb":…}
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { busyboxRootfsEntries, tarOf } from '../runtime/images/busybox-image.js';
import type { PullProgress } from '../runtime/images/image-store.js';
import { createImageStore } from '../runtime/images/local-image-store.js';
import { writeOciArchive } from '../runtime/images/oci-archive-writer.js';
import type { TarWriteEntry } from '../runtime/images/tar-writer.js';
import { pushBusyboxImage } from '../test/fixtures/busybox-image.js';
import { startRegistry } from '../test/fixtures/registry.js';

const run = promisify(execFile);
const RUNS = 5;
const LAYERS = 5;
const LAYER_RANDOM_BYTES = 12 * 1024 * 1024;

/**
 * Layer 0: the busybox root filesystem (~280 entries) plus random files; layers 1-4: random files.
 * Random bytes do not compress, so the gzip layers are as big as their tars.
 */
async function benchLayers(): Promise<Buffer[]> {
  const base = await busyboxRootfsEntries();
  const layers: Buffer[] = [];
  for (let i = 0; i < LAYERS; i++) {
    const dir = `data${i}`;
    const entries: TarWriteEntry[] = i === 0 ? [...base] : [];
    entries.push({ name: dir, type: 'directory' });
    for (let f = 0; f < 4; f++) {
      entries.push({ name: `${dir}/blob-${f}.bin`, type: 'file', mode: 0o644, data: randomBytes(LAYER_RANDOM_BYTES / 4) });
    }
    layers.push(tarOf(entries));
  }
  return layers;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** one timed pull: seconds, CPU seconds of the whole process, and when each layer reached each phase */
interface SkiffRun {
  seconds: number;
  cpu: number;
  /** ms since the pull started at which all layers were known (manifest and config fetched) */
  layersKnownMs: number;
  /** layer digest → phase → ms since the pull started (first time seen) */
  phases: Map<string, Map<PullProgress['phase'], number>>;
  sizes: Map<string, number>;
}

async function timedPull(root: string, ref: string): Promise<SkiffRun> {
  const store = createImageStore({ root });
  const phases = new Map<string, Map<PullProgress['phase'], number>>();
  const sizes = new Map<string, number>();
  let layersKnownMs = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await store.pull(ref, {
    onProgress: (p) => {
      const at = performance.now() - t0;
      let byPhase = phases.get(p.digest);
      if (!byPhase) {
        byPhase = new Map();
        phases.set(p.digest, byPhase);
        sizes.set(p.digest, p.total);
        layersKnownMs = at;
      }
      if (!byPhase.has(p.phase)) byPhase.set(p.phase, at);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  store.close();
  return { seconds, cpu: (used.user + used.system) / 1e6, layersKnownMs, phases, sizes };
}

function breakdown(run: SkiffRun): string[] {
  const ms = (phase: Map<PullProgress['phase'], number>, name: PullProgress['phase']): string => {
    const v = phase.get(name);
    return v === undefined ? '-' : `${v.toFixed(0)} ms`;
  };
  const lines = [`  manifest and config fetched: ${run.layersKnownMs.toFixed(0)} ms`];
  for (const [i, [digest, phase]] of [...run.phases].entries()) {
    lines.push(
      `  layer ${i + 1} (${((run.sizes.get(digest) ?? 0) / 1e6).toFixed(1)} MB): first bytes ${ms(phase, 'downloading')}, ` +
        `downloaded ${ms(phase, 'verifying')}, unpacked and stored ${ms(phase, 'done')}`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const skiffBin = path.resolve(here, '../../bin/skiff');
  const work = await mkdtemp(path.join(tmpdir(), 'skiff-bench-pull-'));
  const registry = await startRegistry();
  try {
    const layers = await benchLayers();
    const totalTar = layers.reduce((s, l) => s + l.length, 0);
    const pushed = await pushBusyboxImage(registry.host, 'bench/image:1', {
      archive: (out) => writeOciArchive(out, { layers, config: { Cmd: ['sh'] }, ref: 'bench/image:1' }),
    });
    const ref = pushed.ref;
    console.log(`image ${ref}: ${LAYERS} layers, ${(totalTar / 1e6).toFixed(1)} MB uncompressed, digest ${pushed.digest}`);

    // one untimed round each: the runtime is a long-lived daemon whose unpack workers are running
    const warm = createImageStore({ root: path.join(work, 'warm') });
    await warm.pull(ref);
    warm.close();
    await run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${path.join(work, 'warm-oci')}:latest`]);
    await rm(path.join(work, 'warm'), { recursive: true, force: true });
    await rm(path.join(work, 'warm-oci'), { recursive: true, force: true });

    const skiff: SkiffRun[] = [];
    const skopeo: number[] = [];
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const root = path.join(work, `skiff-${i}`);
      skiff.push(await timedPull(root, ref));
      await rm(root, { recursive: true, force: true });

      const dest = path.join(work, `skopeo-${i}`);
      let t = performance.now();
      await run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${dest}:latest`]);
      skopeo.push((performance.now() - t) / 1000);
      await rm(dest, { recursive: true, force: true });

      const cliRoot = path.join(work, `cli-${i}`);
      t = performance.now();
      await run(process.execPath, [skiffBin, 'image', 'pull', '-q', '--root', cliRoot, ref]);
      cli.push((performance.now() - t) / 1000);
      await rm(cliRoot, { recursive: true, force: true });
      console.log(
        `run ${i + 1}: skiff pull+unpack ${skiff[i].seconds.toFixed(3)} s (CPU ${skiff[i].cpu.toFixed(3)} s), ` +
          `skopeo pull ${skopeo[i].toFixed(3)} s, skiff CLI pull+unpack ${cli[i].toFixed(3)} s`,
      );
    }
    const s = median(skiff.map((r) => r.seconds));
    const k = median(skopeo);
    const ratio = s / k;
    const cpu = median(skiff.map((r) => r.cpu));
    const medianRun = skiff.find((r) => r.seconds === s) as SkiffRun;
    console.log(`median skiff run, where the time went (ms since the pull started):`);
    for (const line of breakdown(medianRun)) console.log(line);
    console.log(`median: skiff ${s.toFixed(3)} s (CPU ${cpu.toFixed(3)} s), skopeo ${k.toFixed(3)} s, ratio ${ratio.toFixed(2)} (target ≤ 1.2)`);
    console.log(`median skiff CLI (with process start-up): ${median(cli).toFixed(3)} s`);
    console.log(
      `BENCH ${JSON.stringify({
        skiff_s: round(s),
        skopeo_s: round(k),
        ratio: round(ratio),
        skiff_cpu_s: round(cpu),
        skiff_cli_s: round(median(cli)),
        image_mb: round(totalTar / 1e6),
      })}`,
    );
  } finally {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
