// Scheduler benchmark (issue 7). Through the real apiserver (a child process) and etcd (a managed
// child): 1,000 and 5,000 fake nodes, 10,000 pending pods, the scheduler in this process; pods
// bound per second from the moment its informers are synced until the last binding is accepted.
// Reference, same run: the same apiserver taking 10,000 binding POSTs directly (no decisions), at
// the same concurrency. Plus the in-process rate of the filter+score decision alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { KubeObject, Node, Pod } from '../api/types/index.js';
import { startManagedEtcd } from '../apiserver/storage/managed-etcd.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { ApiClient } from '../client/rest-client.js';
import { createInformer } from '../client/informer.js';
import type { ClientConfig } from '../client/types.js';
import { defaultProfile } from '../scheduler/default-profile.js';
import { DecisionMaker } from '../scheduler/framework.js';
import { NodeCache } from '../scheduler/node-cache.js';
import { podInfo } from '../scheduler/pod-info.js';
import { startScheduler } from '../scheduler/start-scheduler.js';
import type { SchedulerLoop } from '../scheduler/scheduler.js';
import { cpuSeconds, pool } from './bench-stats.js';

const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const NODE_COUNTS = (process.env.BENCH_NODES ?? '1000,5000').split(',').map(Number);
const CONCURRENCY = 64;
const BIND_IN_FLIGHT = Number(process.env.BENCH_BIND_IN_FLIGHT ?? 256);

type NodeObj = Node & KubeObject;
type PodObj = Pod & KubeObject;

function benchNode(i: number): NodeObj {
  const capacity = { cpu: '32', memory: '128Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `bench-node-${i}`, labels: { 'kubernetes.io/hostname': `bench-node-${i}`, zone: `z${i % 3}` } },
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function benchPod(ns: string, i: number): PodObj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${i}`,
      namespace: ns,
      labels: { app: 'bench' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'bench', uid: `rs-${i % 50}`, controller: true }],
    },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
  };
}

async function waitFor(file: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`skiff apiserver exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface DecisionRate {
  /** per wall-clock second */
  wall: number;
  /** per second of this process's CPU time (the machine is shared: wall time includes waiting) */
  cpu: number;
}

/** in-process filter+score decisions per second over `nodes` nodes (assuming each pod); best of 3 */
function decisionsPerSecond(nodes: number, pods: number): DecisionRate {
  const infos = Array.from({ length: pods }, (_, i) => podInfo(benchPod('default', i)));
  const best: DecisionRate = { wall: 0, cpu: 0 };
  for (let round = 0; round < 3; round++) {
    const cache = new NodeCache();
    for (let i = 0; i < nodes; i++) cache.upsertNode(benchNode(i));
    const dm = new DecisionMaker(defaultProfile());
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const info of infos) {
      const d = dm.decide(info, cache.nodeList());
      if (d.kind === 'bind') cache.assume(info, d.node, 0, Number.MAX_SAFE_INTEGER);
    }
    const c = process.cpuUsage(c0);
    best.wall = Math.max(best.wall, pods / ((performance.now() - t0) / 1000));
    best.cpu = Math.max(best.cpu, pods / ((c.user + c.system) / 1e6));
  }
  return best;
}

interface Phase {
  nodes: number;
  podsPerSecond: number;
  referenceBindsPerSecond: number;
}

async function phase(nodes: number): Promise<Phase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-bench-scheduler-'));
  const etcd = await startManagedEtcd({ dataDir: path.join(dir, 'etcd') });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const skiff = path.join(here, '..', '..', 'bin', 'skiff');
  const child = spawn(
    process.execPath,
    [skiff, 'apiserver', '--data-dir', path.join(dir, 'api'), '--secure-port', '0', '--bind-address', '127.0.0.1', '--etcd-servers', etcd.endpoint, '--log-level', 'warn'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    const kubeconfig = path.join(dir, 'api', 'kubeconfig');
    await waitFor(kubeconfig, child, 30_000);
    const config: ClientConfig = { ...loadKubeconfig({ kubeconfig }).config, userAgent: 'skiff-bench' };
    const api = new ApiClient(config);
    const nodeClient = api.resource<NodeObj>('nodes');
    const podClient = api.resource<PodObj>('pods');
    const nodeSecs = await pool(nodes, CONCURRENCY, async (i) => void (await nodeClient.create(undefined, benchNode(i))));
    console.log(`[${nodes} nodes] created ${nodes} nodes in ${nodeSecs.toFixed(1)} s`);
    // reference first (so the scheduler then runs against the bigger store): the same number of
    // binding POSTs straight at the apiserver, no decisions
    await api.resource('namespaces').create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ref' } });
    await pool(PODS, CONCURRENCY, async (i) => void (await podClient.create('ref', benchPod('ref', i))));
    // with a pod informer open, as the scheduler has one: the apiserver pays for the watch fan-out too
    const watcher = createInformer<PodObj>(podClient);
    await watcher.start();
    const refSecs = await pool(PODS, BIND_IN_FLIGHT, async (i) => {
      await podClient.createSubresource('ref', `pod-${i}`, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: `pod-${i}`, namespace: 'ref' },
        target: { apiVersion: 'v1', kind: 'Node', name: `bench-node-${i % nodes}` },
      });
    });
    const referenceBindsPerSecond = PODS / refSecs;
    watcher.stop();
    console.log(`[${nodes} nodes] reference: ${PODS} direct binding POSTs (${BIND_IN_FLIGHT} in flight, no decisions, one pod informer watching) = ${referenceBindsPerSecond.toFixed(0)}/s`);
    const podSecs = await pool(PODS, CONCURRENCY, async (i) => void (await podClient.create('default', benchPod('default', i))));
    console.log(`[${nodes} nodes] created ${PODS} pending pods in ${podSecs.toFixed(1)} s (${(PODS / podSecs).toFixed(0)}/s)`);

    // the scheduler: measured from synced informers to the last accepted binding
    let t0 = 0;
    let loop: SchedulerLoop | undefined;
    let stopScheduler: () => Promise<void> = async () => undefined;
    const started = new Promise<void>((resolve) => {
      const handle = startScheduler({
        client: config,
        leaderElect: false,
        maxInFlightBindings: BIND_IN_FLIGHT,
        log: pino({ level: 'warn' }),
        onStarted: (l) => {
          t0 = performance.now();
          loop = l;
          resolve();
        },
      });
      stopScheduler = () => handle.stop();
    });
    await started;
    const cpu0 = [cpuSeconds(child.pid), cpuSeconds(etcd.pid), process.cpuUsage()] as const;
    while ((loop?.bound ?? 0) < PODS) await new Promise((r) => setTimeout(r, 5));
    const secs = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(cpu0[2]);
    console.log(
      `[${nodes} nodes] cpu while scheduling: apiserver ${(cpuSeconds(child.pid) - cpu0[0]).toFixed(1)} s, etcd ${(cpuSeconds(etcd.pid) - cpu0[1]).toFixed(1)} s, ` +
        `scheduler ${((self.user + self.system) / 1e6).toFixed(1)} s over ${secs.toFixed(1)} s wall`,
    );
    await stopScheduler();
    const podsPerSecond = PODS / secs;
    const all = await podClient.list('default');
    const bound = all.items.filter((p) => p.spec?.nodeName).length;
    const used = new Set(all.items.map((p) => p.spec?.nodeName)).size;
    console.log(`[${nodes} nodes] scheduler: ${PODS} pods bound in ${secs.toFixed(2)} s = ${podsPerSecond.toFixed(0)} pods/s (${bound} bound, on ${used} nodes)`);
    if (bound !== PODS) throw new Error(`only ${bound} of ${PODS} pods are bound`);
    console.log(`[${nodes} nodes] the scheduler reaches ${((100 * podsPerSecond) / referenceBindsPerSecond).toFixed(0)}% of the direct-binding reference`);

    return { nodes, podsPerSecond, referenceBindsPerSecond };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const decisions: Record<number, DecisionRate> = {};
  for (const n of NODE_COUNTS) {
    decisions[n] = decisionsPerSecond(n, PODS);
    console.log(`in process: filter+score over ${n} nodes: ${decisions[n].wall.toFixed(0)} decisions/s (${decisions[n].cpu.toFixed(0)} per CPU-second)`);
  }
  const phases: Phase[] = [];
  for (const n of NODE_COUNTS) phases.push(await phase(n));
  const byNodes = (n: number) => phases.find((p) => p.nodes === n);
  const result = {
    e2e_pods_per_s_1000: Math.round(byNodes(1000)?.podsPerSecond ?? 0),
    e2e_pods_per_s_5000: Math.round(byNodes(5000)?.podsPerSecond ?? 0),
    decisions_per_s: Math.round(decisions[Math.max(...NODE_COUNTS)]?.wall ?? 0),
    decisions_per_cpu_s: Math.round(decisions[Math.max(...NODE_COUNTS)]?.cpu ?? 0),
    reference_direct_binds_per_s_1000: Math.round(byNodes(1000)?.referenceBindsPerSecond ?? 0),
    reference_direct_binds_per_s_5000: Math.round(byNodes(5000)?.referenceBindsPerSecond ?? 0),
    pods: PODS,
  };
  console.log(`BENCH ${JSON.stringify(result)}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
