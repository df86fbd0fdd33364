// `skiff up` end to end: a real single-node cluster (etcd, apiserver, controllers, runtime, kubelet),
// every manifest in manifests/ applied with skiffctl and with kubectl until it reaches its state,
// then Ctrl-C must leave nothing behind, and a second `skiff up` resumes the same cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCri } from '../../kubelet/cri/cri-client.js';
import { skiffBridgeName } from '../../cli/cluster/node-teardown.js';
import { KUBECTL, SKIFFCTL, runTool, startSkiffUp, type RunResult, type SkiffUp } from '../fixtures/skiff-up.js';
import { cgroupsMentioning, iptablesLinesMentioning, linksOfBridge, linksPresent, mountsUnder, processesMentioning } from '../fixtures/host-leftovers.js';

const MANIFESTS = fileURLToPath(new URL('../../manifests/', import.meta.url));

async function eventually<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

interface PodJson {
  metadata: { uid: string; name: string };
  status?: { phase?: string; containerStatuses?: { name: string; restartCount: number; state?: { terminated?: { reason?: string } }; lastState?: { terminated?: { reason?: string } } }[] };
}

describe('skiff up', () => {
  let dataDir = '';
  let cacheDir = '';
  let up: SkiffUp | undefined;

  const skiffctl = (args: string[]): RunResult => runTool(SKIFFCTL, ['--kubeconfig', up!.kubeconfig, ...args]);
  const kubectl = (args: string[]): RunResult => runTool(KUBECTL, ['--kubeconfig', up!.kubeconfig, '--cache-dir', cacheDir, ...args]);
  const pod = (name: string): PodJson | undefined => {
    const r = kubectl(['get', 'pod', name, '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as PodJson) : undefined;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-up-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-kubectl-cache-'));
    up = await startSkiffUp(dataDir);
  });

  afterAll(async () => {
    await up?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  for (const tool of ['skiffctl', 'kubectl'] as const) {
    it(`applies every manifest with ${tool} and each reaches its intended state`, async () => {
      const run = tool === 'skiffctl' ? skiffctl : kubectl;
      const applied = run(['apply', '-f', MANIFESTS]);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('pod/shared-localhost created');
      expect(applied.stdout).toContain('deployment.apps/web created');

      // the two containers of one pod talk over localhost
      const lines = await eventually('the client to fetch the page over localhost', () => {
        const logs = kubectl(['logs', 'shared-localhost', '-c', 'client', '--tail', '5']);
        return logs.code === 0 && logs.stdout.includes('fetched over localhost: hello from the client container') && logs.stdout;
      });
      expect(lines).toMatch(/fetched over localhost: hello from the client container, written at/);

      // the deployments roll out (web waits for its readiness probe)
      for (const d of ['web', 'spread']) {
        const status = kubectl(['rollout', 'status', `deployment/${d}`, '--timeout=150s']);
        expect(status.stdout).toContain(`deployment "${d}" successfully rolled out`);
      }
      const ready = JSON.parse(kubectl(['get', 'deployment', 'web', '-o', 'json']).stdout) as { status: { readyReplicas?: number } };
      expect(ready.status.readyReplicas).toBe(3);

      // the memory hog is OOM-killed and restarted
      const hog = await eventually('memory-hog to be OOM-killed and restarted', () => {
        const p = pod('memory-hog');
        const cs = p?.status?.containerStatuses?.[0];
        const reason = cs?.lastState?.terminated?.reason ?? cs?.state?.terminated?.reason;
        return cs && reason === 'OOMKilled' && cs.restartCount >= 1 ? cs : undefined;
      });
      expect(hog.name).toBe('hog');

      const deleted = run(['delete', '-f', MANIFESTS]);
      expect(deleted.code).toBe(0);
      await eventually('every pod to go', () => {
        const r = kubectl(['get', 'pods', '-o', 'name']);
        return r.code === 0 && r.stdout.trim() === '';
      });
    });
  }

  it('stops cleanly on Ctrl-C, leaving nothing behind, and a second skiff up resumes the cluster', async () => {
    expect(kubectl(['apply', '-f', join(MANIFESTS, 'pod-shared-localhost.yaml')]).code).toBe(0);
    const running = await eventually('the pod to run', () => {
      const p = pod('shared-localhost');
      return p?.status?.phase === 'Running' && p;
    });

    // what the running pod holds on the host, once its sandbox is up (after a restart the object
    // still says Running from before, so wait for the runtime's own view)
    const leftovers = async () => {
      const bridge = skiffBridgeName(join(dataDir, 'cni', 'net.d'));
      const { sandboxIds, veths } = await eventually('a sandbox with its veth', async () => {
        const cri = connectCri(`unix://${join(dataDir, 'run', 'runtime.sock')}`);
        try {
          const ids = (await cri.runtime.listPodSandbox()).filter((s) => s.state === 'SANDBOX_READY').map((s) => s.id);
          const links = bridge ? linksOfBridge(bridge) : [];
          return ids.length > 0 && links.length > 0 ? { sandboxIds: ids, veths: links } : undefined;
        } finally {
          cri.close();
        }
      });
      return () => ({
        processes: processesMentioning([dataDir, running.metadata.uid, ...sandboxIds]),
        mounts: mountsUnder(dataDir),
        links: linksPresent([...veths, ...(bridge ? [bridge] : [])]),
        iptables: iptablesLinesMentioning(sandboxIds),
        cgroups: cgroupsMentioning([running.metadata.uid]),
      });
    };

    let check = await leftovers();
    expect(await up!.stop()).toBe(0);
    expect(check()).toEqual({ processes: [], mounts: [], links: [], iptables: [], cgroups: [] });

    // the same data dir: the same cluster, the same pod object, running again
    up = await startSkiffUp(dataDir);
    const again = await eventually('the pod to run again', () => {
      const p = pod('shared-localhost');
      return p?.status?.phase === 'Running' && p;
    });
    expect(again.metadata.uid).toBe(running.metadata.uid);
    check = await leftovers();
    expect(await up.stop()).toBe(0);
    up = undefined;
    expect(check()).toEqual({ processes: [], mounts: [], links: [], iptables: [], cgroups: [] });
  });
});
