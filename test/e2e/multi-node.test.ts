// A three-machine cluster on one host: machines are network namespaces joined by a bridge;
// `skiff server` runs in the first, `skiff agent` in all three. Shows spreading, pod-to-pod traffic
// across nodes by pod IP (host-gw routes), node failure (NotReady, pods replaced elsewhere) and the
// agent rejoining; then everything stops and leaves nothing behind.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachines, type Machine, type MachineSet } from '../fixtures/machines.js';
import { KUBECTL, SKIFF } from '../fixtures/skiff-up.js';
import { cgroupsMentioning, mountsUnder, processesMentioning } from '../fixtures/host-leftovers.js';
import { forceCleanup } from '../fixtures/force-cleanup.js';

const SPREAD = fileURLToPath(new URL('../../manifests/spread.yaml', import.meta.url));

interface Proc {
  child: ChildProcess;
  out: string;
}

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** thrown inside an `eventually` check to stop waiting at once */
class Fatal extends Error {}

async function eventually<T>(what: string, fn: () => T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(1000);
  }
}

function exited(p: Proc, timeoutMs: number): Promise<boolean> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    p.child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

describe('multi-node cluster on one machine', () => {
  let net: MachineSet;
  let dir = '';
  let cache = '';
  let server: Proc | undefined;
  const agents = new Map<string, Proc>();
  const podUids = new Set<string>();
  let token = '';

  const m = (i: number): Machine => net.machines[i]!;
  const kubectl = (args: string[]) => net.execIn(m(0), KUBECTL, ['--kubeconfig', join(dir, 'server', 'kubeconfig'), '--cache-dir', cache, ...args]);
  const pods = (): PodJson[] => {
    const items = (JSON.parse(kubectl(['get', 'pods', '-o', 'json'])) as { items: PodJson[] }).items;
    for (const p of items) podUids.add(p.metadata.uid);
    return items;
  };
  const nodeReady = (name: string): string | undefined => {
    const node = JSON.parse(kubectl(['get', 'node', name, '-o', 'json'])) as { status?: { conditions?: { type: string; status: string }[] } };
    return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  };
  const running = (p: PodJson) => !p.metadata.deletionTimestamp && p.status.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

  /** runs WAIT; when it fails, the message also carries what the kubelets and runtimes logged about the pods not running */
  async function withNodeLogs<T>(wait: () => Promise<T>): Promise<T> {
    try {
      return await wait();
    } catch (e) {
      const stuck = pods().filter((p) => !running(p) && !p.metadata.deletionTimestamp);
      const lines: string[] = [];
      for (const p of stuck) {
        for (const part of ['kubelet', 'runtime']) {
          let log = '';
          try {
            log = readFileSync(join(dir, p.spec.nodeName ?? '-', 'logs', `${part}.log`), 'utf8');
          } catch {
            continue;
          }
          const about = log.split('\n').filter((l) => l.includes(p.metadata.name) || l.includes(p.metadata.uid));
          lines.push(`--- ${p.spec.nodeName} ${part} about ${p.metadata.name}:`, ...about.slice(-15), `--- ${p.spec.nodeName} ${part} last lines:`, ...log.split('\n').slice(-10));
        }
      }
      throw new Error(`${(e as Error).message}\n${lines.join('\n')}`);
    }
  }

  function start(machine: Machine, args: string[]): Proc {
    const proc: Proc = { child: undefined as unknown as ChildProcess, out: '' };
    proc.child = net.spawnIn(machine, process.execPath, [SKIFF, ...args], { onOutput: (s) => (proc.out += s) });
    return proc;
  }

  async function startAgent(i: number): Promise<void> {
    const machine = m(i);
    const args = ['agent', '--node-name', machine.name, '--node-ip', machine.address, '--data-dir', join(dir, machine.name)];
    const proc = start(machine, [...args, '--server', `https://${m(0).address}:6443`, '--token', token]);
    agents.set(machine.name, proc);
    await eventually(`agent ${machine.name} to be Ready`, () => {
      if (proc.child.exitCode !== null) throw new Fatal(`agent ${machine.name} exited:\n${proc.out}`);
      return proc.out.includes('is Ready');
    });
  }

  async function stopProc(p: Proc | undefined): Promise<void> {
    if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.child.kill('SIGINT');
    if (!(await exited(p, 90_000))) {
      try {
        process.kill(-p.child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  beforeAll(async () => {
    net = createMachines(3);
    dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-multinode-'));
    cache = join(dir, 'kubectl-cache');
    server = start(m(0), [
      'server', '--data-dir', join(dir, 'server'), '--advertise-address', m(0).address,
      '--node-monitor-grace-period', '8s', '--pod-eviction-timeout', '5s',
    ]);
    await eventually('the control plane', () => {
      if (server!.child.exitCode !== null) throw new Fatal(`skiff server exited:\n${server!.out}`);
      return server!.out.includes('control plane is running');
    });
    token = execFileSync(process.execPath, [SKIFF, 'token', 'create', '--data-dir', join(dir, 'server')], { encoding: 'utf8' }).trim();
    await Promise.all([0, 1, 2].map((i) => startAgent(i)));
  });

  afterAll(async () => {
    await Promise.all([...agents.values()].map((a) => stopProc(a)));
    await stopProc(server);
    // after a failure half-way, a killed agent's containers may still run: nothing may stay behind
    if (dir) await forceCleanup(dir, podUids);
    net?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spreads a 6-replica Deployment over the three nodes', async () => {
    expect(kubectl(['apply', '-f', SPREAD])).toContain('deployment.apps/spread created');
    expect(kubectl(['rollout', 'status', 'deployment/spread', '--timeout=180s'])).toContain('successfully rolled out');
    const perNode = new Map<string, number>();
    for (const p of pods().filter(running)) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(['m1', 'm2', 'm3']);
    expect(Math.max(...perNode.values())).toBeLessThanOrEqual(3);
    // every pod's IP lies in its node's /24 pod CIDR: no pod got an address before the CIDR was known
    const nodes = (JSON.parse(kubectl(['get', 'nodes', '-o', 'json'])) as { items: { metadata: { name: string }; spec: { podCIDR?: string } }[] }).items;
    const net24 = new Map(nodes.map((n) => [n.metadata.name, n.spec.podCIDR?.replace(/\.0\/24$/, '.')]));
    for (const p of pods().filter(running)) expect(`${p.spec.nodeName} ${p.status.podIP}`).toMatch(`${p.spec.nodeName} ${net24.get(p.spec.nodeName!)}`);
  });

  it('lets a pod on one node fetch a page from a pod on another node by pod IP', async () => {
    const target = pods().find((p) => p.spec.nodeName === 'm2' && running(p))!;
    expect(target.status.podIP).toMatch(/^10\.244\./);
    const client = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cross-node-client' },
      spec: {
        nodeName: 'm1',
        containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `while true; do wget -qO- http://${target.status.podIP}:8080/ 2>&1; sleep 1; done`] }],
      },
    };
    net.execIn(m(0), 'sh', ['-c', `echo '${JSON.stringify(client)}' | ${KUBECTL} --kubeconfig ${join(dir, 'server', 'kubeconfig')} --cache-dir ${cache} apply -f -`]);
    const logs = await eventually('the client on m1 to fetch the page from m2', () => {
      try {
        const l = kubectl(['logs', 'cross-node-client', '--tail', '3']);
        return l.includes(`pod ${target.metadata.name}`) && l;
      } catch {
        return undefined;
      }
    });
    expect(logs).toContain(`pod ${target.metadata.name}`);
    kubectl(['delete', 'pod', 'cross-node-client', '--wait=true']);
  });

  it('marks a node whose agent dies NotReady, replaces its pods elsewhere, and takes the agent back', async () => {
    const victim = agents.get('m3')!;
    const before = pods().filter((p) => p.spec.nodeName === 'm3' && running(p));
    expect(before.length).toBeGreaterThan(0);
    process.kill(-victim.child.pid!, 'SIGKILL'); // the agent, its runtime and its kubelet; containers stay
    await exited(victim, 10_000);

    await eventually('m3 to be NotReady', () => nodeReady('m3') !== 'True', 90_000);
    const moved = await withNodeLogs(() => eventually(
      'six running replicas on m1 and m2',
      () => {
        const all = pods().filter((p) => p.metadata.labels?.app === 'spread');
        const live = all.filter(running);
        if (live.length === 6 && live.every((p) => p.spec.nodeName !== 'm3')) return live;
        // not yet: what the pods look like now, for the message if this times out
        const state = (p: PodJson) => `${p.metadata.name}@${p.spec.nodeName ?? '-'}:${p.status.phase ?? '-'}${running(p) ? '/ready' : ''}${p.metadata.deletionTimestamp ? '/deleting' : ''}`;
        throw new Error(`pods now: ${all.map(state).join(' ')}`);
      },
      120_000,
    ));
    expect(new Set(moved.map((p) => p.spec.nodeName))).toEqual(new Set(['m1', 'm2']));

    // the agent returns with its data dir (no token needed): the node is Ready again and the pods
    // that were evicted from it are cleaned up
    await startAgent(2);
    await eventually('m3 Ready again', () => nodeReady('m3') === 'True', 90_000);
    await eventually('no pod left terminating on m3', () => !pods().some((p) => p.spec.nodeName === 'm3' && p.metadata.deletionTimestamp), 120_000);
  });

  it('stops every agent and the server without leaving anything behind', async () => {
    kubectl(['delete', 'deployment', 'spread']);
    await Promise.all([...agents.values()].map((a) => stopProc(a)));
    await stopProc(server);
    expect(processesMentioning([dir, ...podUids])).toEqual([]);
    expect(mountsUnder(dir)).toEqual([]);
    expect(cgroupsMentioning([...podUids])).toEqual([]);
  });
});
