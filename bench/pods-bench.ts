// `npm run bench:pods`: pod startup through the whole stack (apiserver + etcd, kubelet, `skiff
// runtime`), the image already present. Measures, from pod create to `Running` seen by a watcher:
// 50 pods one after another (p50, p99) and 110 pods created at once (time until all are Running).
// Reference in the same run: the same pod started by calling the CRI directly (sandbox + container),
// the floor under what the kubelet and the API add.
import type { Pod } from '../api/types/core.js';
import type { WatchEvent } from '../api/types/meta.js';
import type { PodObject } from '../kubelet/status/status-manager.js';
import { startKubeletCluster, until, type KubeletCluster } from '../test/kubelet/kubelet-cluster.js';
import { percentile } from './bench-stats.js';

const SEQUENTIAL = 50;
const CONCURRENT = 110;
const REFERENCE = 10;

function podFor(k: KubeletCluster, name: string): PodObject {
  return k.podSpec(name, {
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'c', image: k.image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }],
  });
}

/** Watches pods and resolves a per-name promise the first time one is seen Running. */
function runningWatcher(k: KubeletCluster) {
  const seen = new Map<string, number>();
  const waiters = new Map<string, (t: number) => void>();
  const w = k.pods.watch('default', { allowWatchBookmarks: false }, (e: WatchEvent<PodObject>) => {
    const p = e.object as Pod;
    const name = p.metadata?.name ?? '';
    if ((e.type === 'ADDED' || e.type === 'MODIFIED') && p.status?.phase === 'Running' && !seen.has(name)) {
      const t = performance.now();
      seen.set(name, t);
      waiters.get(name)?.(t);
    }
  });
  return {
    running(name: string): Promise<number> {
      const t = seen.get(name);
      if (t !== undefined) return Promise.resolve(t);
      return new Promise((r) => waiters.set(name, r));
    },
    stop: () => w.stop(),
  };
}

async function deleteAllAndWait(k: KubeletCluster, names: string[]): Promise<void> {
  await Promise.all(names.map((n) => k.pods.delete('default', n, { gracePeriodSeconds: 0 }).catch(() => undefined)));
  await until('the runtime to be empty', async () => ((await k.cri.runtime.listPodSandbox()).length === 0 ? true : undefined), 180_000, 250);
}

async function referenceCri(k: KubeletCluster): Promise<number[]> {
  const rt = k.cri.runtime;
  const out: number[] = [];
  for (let i = 0; i < REFERENCE; i++) {
    const name = `ref-${i}`;
    const t0 = performance.now();
    const sandboxConfig = {
      metadata: { name, namespace: 'bench-ref', uid: `${k.prefix}-ref-${i}`, attempt: 0 },
      hostname: name,
      log_directory: `${k.dir}/ref-logs/${name}`,
      port_mappings: [],
      labels: {},
      annotations: {},
      linux: { cgroup_parent: `${k.prefix}/ref${i}` },
    };
    const sb = await rt.runPodSandbox(sandboxConfig);
    const id = await rt.createContainer(
      sb,
      {
        metadata: { name: 'c', attempt: 0 },
        image: { image: k.image },
        command: ['sleep', '3600'],
        args: [],
        working_dir: '',
        envs: [],
        mounts: [],
        labels: {},
        annotations: {},
        log_path: 'c/0.log',
        stdin: false,
        stdin_once: false,
        tty: false,
      },
      sandboxConfig,
    );
    await rt.startContainer(id);
    out.push(performance.now() - t0);
    await rt.stopPodSandbox(sb);
    await rt.removePodSandbox(sb);
  }
  return out.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const k = await startKubeletCluster();
  try {
    const ref = await referenceCri(k);
    console.log(`reference (CRI directly, sandbox + container): p50 ${percentile(ref, 50).toFixed(0)} ms, p99 ${percentile(ref, 99).toFixed(0)} ms over ${REFERENCE}`);

    const watcher = runningWatcher(k);
    // warm-up pod (first informer/status paths), not counted
    await k.pods.create('default', podFor(k, 'warmup'));
    await watcher.running('warmup');

    const seq: number[] = [];
    const seqNames: string[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const name = `seq-${i}`;
      seqNames.push(name);
      const t0 = performance.now();
      await k.pods.create('default', podFor(k, name));
      seq.push((await watcher.running(name)) - t0);
    }
    seq.sort((a, b) => a - b);
    const p50 = percentile(seq, 50);
    const p99 = percentile(seq, 99);
    console.log(`${SEQUENTIAL} pods one after another, create → Running seen by a watcher: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms (targets ≤ 400 ms, ≤ 1000 ms)`);
    await deleteAllAndWait(k, ['warmup', ...seqNames]);

    const names = Array.from({ length: CONCURRENT }, (_, i) => `burst-${i}`);
    const t0 = performance.now();
    await Promise.all(names.map((n) => k.pods.create('default', podFor(k, n))));
    const created = performance.now();
    const times = await Promise.all(names.map((n) => watcher.running(n)));
    const all110 = (Math.max(...times) - t0) / 1000;
    console.log(`${CONCURRENT} pods at once: all created in ${((created - t0) / 1000).toFixed(1)} s, all Running in ${all110.toFixed(1)} s (target ≤ 30 s)`);
    watcher.stop();
    await deleteAllAndWait(k, names);

    console.log(
      `BENCH ${JSON.stringify({
        p50_ms: Math.round(p50),
        p99_ms: Math.round(p99),
        all110_s: Number(all110.toFixed(2)),
        ref_cri_p50_ms: Math.round(percentile(ref, 50)),
      })}`,
    );
  } finally {
    await k.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
