// What a node leaves behind when `skiff up` or `skiff agent` stops: nothing. Pods are stopped and
// removed through the CRI (which undoes their netns, veth, IP lease, iptables rules, mounts and
// cgroups), then the node-wide pieces go: the CNI bridge Skiff's conflist names and the host-gw
// routes Skiff installed.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { connectCri } from '../../kubelet/cri/cri-client.js';
import { ipRouteTable } from '../../kubelet/routes/route-table.js';
import { DEFAULT_CONFLIST_NAME } from '../../runtime/network/cni-config.js';
import { detectCgroupDriver, type CgroupDriver } from '../../runtime/cgroups/cgroup-driver.js';
import { DEFAULT_POD_CGROUP_PARENT } from '../../runtime/sandbox/sandbox-manager.js';

const run = promisify(execFile);

/** SIGTERM first; what still runs after this many seconds is killed */
const STOP_GRACE_SECONDS = 10;

export type TeardownLog = (msg: string) => void;

/** stops and removes every pod sandbox the runtime holds, all at once; returns how many */
export async function removeAllPods(runtimeSocket: string, log: TeardownLog): Promise<number> {
  if (!existsSync(runtimeSocket)) return 0;
  const cri = connectCri(`unix://${runtimeSocket}`);
  try {
    const sandboxes = await cri.runtime.listPodSandbox();
    await Promise.all(
      sandboxes.map(async (sb) => {
        const running = (await cri.runtime.listContainers({ pod_sandbox_id: sb.id })).filter((c) => c.state === 'CONTAINER_RUNNING');
        await Promise.all(running.map((c) => cri.runtime.stopContainer(c.id, STOP_GRACE_SECONDS)));
        await cri.runtime.stopPodSandbox(sb.id);
        await cri.runtime.removePodSandbox(sb.id);
        log(`stopped pod ${sb.metadata?.namespace}/${sb.metadata?.name}`);
      }),
    );
    return sandboxes.length;
  } finally {
    cri.close();
  }
}

/** the bridge named by the conflist Skiff wrote, if it did */
export function skiffBridgeName(cniConfDir: string): string | undefined {
  const file = join(cniConfDir, DEFAULT_CONFLIST_NAME);
  if (!existsSync(file)) return undefined;
  const conf = JSON.parse(readFileSync(file, 'utf8')) as { plugins?: { type?: string; bridge?: string }[] };
  return conf.plugins?.find((p) => p.type === 'bridge')?.bridge;
}

export async function removeNodeNetwork(cniConfDir: string, log: TeardownLog): Promise<void> {
  const bridge = skiffBridgeName(cniConfDir);
  if (bridge) {
    const exists = await run('ip', ['link', 'show', bridge]).then(() => true, () => false);
    if (exists) {
      await run('ip', ['link', 'del', bridge]);
      log(`removed bridge ${bridge}`);
    }
  }
  const routes = ipRouteTable();
  for (const r of await routes.list()) await routes.remove(r);
}

/**
 * Removes the `skiff` cgroup that pods live under once it is empty. A plain rmdir per hierarchy: it
 * fails (and is left alone) while another runtime on this host still has pods under it.
 */
export function removeEmptyPodCgroupParent(driver: CgroupDriver = detectCgroupDriver()): void {
  for (const procs of driver.procsFiles(DEFAULT_POD_CGROUP_PARENT)) {
    try {
      rmdirSync(dirname(procs));
    } catch {
      // absent, or still holding pods of another runtime
    }
  }
}
