// Restart safety of the kubelet: a restart adopts the running containers (same IDs, same start
// times, no restarts), and a pod deleted while the kubelet was down is cleaned up when it returns.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/core.js';
import { sleep, startKubeletCluster, until, type KubeletCluster } from '../kubelet/kubelet-cluster.js';

let k: KubeletCluster;

beforeAll(async () => {
  k = await startKubeletCluster();
});

afterAll(async () => {
  await k?.stop();
});

async function running(name: string): Promise<Pod> {
  return until(`${name} Running`, async () => {
    const p = await k.pods.get('default', name);
    return p.status?.phase === 'Running' && p.status.containerStatuses?.every((c) => c.state?.running) ? p : undefined;
  });
}

describe('kubelet restart', () => {
  it('keeps container IDs and start times across a kubelet restart', async () => {
    await k.pods.create(
      'default',
      k.podSpec('keep', {
        containers: [
          { name: 'a', image: k.image, command: ['sleep', '600'] },
          { name: 'b', image: k.image, command: ['sleep', '600'] },
        ],
      }),
    );
    const before = await running('keep');
    const ids = before.status!.containerStatuses!.map((c) => [c.containerID, c.state?.running?.startedAt]);
    const criBefore = (await k.cri.runtime.listContainers()).map((c) => c.id).sort();

    await k.stopKubelet();
    await sleep(1500);
    await k.startKubelet();
    await sleep(4000); // several relists and syncs

    const after = await running('keep');
    expect(after.status!.containerStatuses!.map((c) => [c.containerID, c.state?.running?.startedAt])).toEqual(ids);
    expect(after.status!.containerStatuses!.map((c) => c.restartCount)).toEqual([0, 0]);
    expect(after.status!.podIP).toBe(before.status!.podIP);
    expect((await k.cri.runtime.listContainers()).map((c) => c.id).sort()).toEqual(criBefore);
  });

  it('cleans up a pod deleted while the kubelet was down', async () => {
    await k.pods.create(
      'default',
      k.podSpec('gone', { volumes: [{ name: 'scratch', emptyDir: {} }], containers: [{ name: 'c', image: k.image, command: ['sleep', '600'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }] }),
    );
    const p = await running('gone');
    const uid = p.metadata.uid!;
    const podDir = join(k.dir, 'kubelet', 'pods', uid);
    expect(existsSync(podDir)).toBe(true);

    await k.stopKubelet();
    await k.pods.delete('default', 'gone', { gracePeriodSeconds: 0 });
    await until('the object gone', async () => {
      try {
        await k.pods.get('default', 'gone');
        return undefined;
      } catch {
        return true;
      }
    });
    // nothing has touched the runtime yet
    expect(await k.cri.runtime.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': uid } })).toHaveLength(1);

    await k.startKubelet();
    await until('sandbox and containers removed', async () => {
      const s = await k.cri.runtime.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': uid } });
      const c = await k.cri.runtime.listContainers({ label_selector: { 'io.kubernetes.pod.uid': uid } });
      return s.length === 0 && c.length === 0 ? true : undefined;
    });
    await until('pod dir removed', () => !existsSync(podDir) || undefined);
    // the other pod is untouched
    expect((await running('keep')).status!.containerStatuses!.map((c) => c.restartCount)).toEqual([0, 0]);
  });

  it('recreates a sandbox whose pause process died, and runs the containers again in it', async () => {
    await k.pods.create('default', k.podSpec('phoenix', { containers: [{ name: 'c', image: k.image, command: ['sleep', '600'] }] }));
    const before = await running('phoenix');
    const uid = before.metadata.uid!;
    const [sandbox] = await k.cri.runtime.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': uid } });
    // the pause process carries the pod's cgroup (…/pod<uid>/…) on its command line
    const pause = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .find((pid) => {
        try {
          const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          return argv.includes('pause') && argv.some((a) => a.includes(`pod${uid}`));
        } catch {
          return false;
        }
      });
    expect(pause).toBeDefined();
    process.kill(Number(pause), 'SIGKILL');
    const after = await until('a new sandbox with the container running again', async () => {
      const p = await k.pods.get('default', 'phoenix');
      const cs = p.status?.containerStatuses?.[0];
      return cs?.state?.running && cs.containerID !== before.status!.containerStatuses![0].containerID ? p : undefined;
    });
    expect(after.status!.containerStatuses![0].restartCount).toBe(1);
    const sandboxes = await k.cri.runtime.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': uid } });
    const ready = sandboxes.filter((s) => s.state === 'SANDBOX_READY');
    expect(ready).toHaveLength(1);
    expect(ready[0].id).not.toBe(sandbox.id);
    expect(ready[0].metadata.attempt).toBe(1);
  });
});
