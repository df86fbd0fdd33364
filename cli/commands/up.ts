// `skiff up [--data-dir DIR]`: the whole single-node cluster in the foreground — etcd, apiserver,
// controller-manager, scheduler, runtime and kubelet as supervised children, each logging to
// DIR/logs/<name>.log. Ctrl-C or SIGTERM stops the pods and everything else and leaves nothing behind;
// a second `skiff up` on the same DIR resumes the same cluster.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseCommandFlags, portFlag, str } from '../flags.js';
import { clusterLayout, DEFAULT_DATA_DIR } from '../cluster/layout.js';
import { loadOrCreateSettings } from '../cluster/cluster-settings.js';
import { claimPidFile } from '../cluster/pid-file.js';
import { Supervisor } from '../cluster/supervisor.js';
import { startControlPlane } from '../cluster/control-plane.js';
import { startNode, stopNode } from '../cluster/node-agent.js';
import { waitForNodeReady } from '../cluster/node-ready.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { untilSignal } from '../cluster/signals.js';

const USAGE = `usage: skiff up [--data-dir DIR] [--node-name NAME] [--node-ip IP] [--secure-port 6443]
                [--cluster-cidr 10.244.0.0/16] [--kubelet-port 10250]
Starts a single-node cluster in the foreground (as root). Ctrl-C stops it and cleans up.
`;

export async function run(argv: string[]): Promise<number> {
  const flags = parseCommandFlags('skiff up', argv, { values: ['data-dir', 'node-name', 'node-ip', 'secure-port', 'cluster-cidr', 'kubelet-port'] }, USAGE);
  if (typeof flags === 'number') return flags;
  if (process.getuid?.() !== 0) {
    process.stderr.write('skiff up: must run as root (it creates namespaces, mounts, cgroups and a bridge)\n');
    return 1;
  }
  const securePort = portFlag(flags, 'secure-port', 6443);
  const kubeletPort = portFlag(flags, 'kubelet-port', 10250);
  if (securePort instanceof Error || kubeletPort instanceof Error) {
    process.stderr.write(`skiff up: ${(securePort instanceof Error ? securePort : (kubeletPort as Error)).message}\n`);
    return 2;
  }
  const layout = clusterLayout(str(flags, 'data-dir', DEFAULT_DATA_DIR));
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o700 });
  const releasePid = claimPidFile(join(layout.dataDir, 'up.pid'));
  const log = (m: string) => process.stdout.write(`skiff up: ${m}\n`);
  const sup = new Supervisor(log);
  const stopRequested = untilSignal(log);
  const nodeName = str(flags, 'node-name', hostname().toLowerCase());
  try {
    const stored = await loadOrCreateSettings(layout.stateFile, { clusterCidr: str(flags, 'cluster-cidr', '10.244.0.0/16') });
    await Promise.race([
      (async () => {
        await startControlPlane(sup, layout, { ...stored, securePort, bindAddress: '0.0.0.0' });
        await startNode(sup, layout, { nodeName, nodeIp: str(flags, 'node-ip'), kubeletPort, kubeconfig: layout.kubeconfig, cniBinDir: '/usr/lib/cni' }, log);
        await waitForNodeReady(loadKubeconfig({ kubeconfig: layout.kubeconfig }).config, nodeName);
        process.stdout.write(readyMessage(layout.kubeconfig, layout.logsDir, nodeName));
      })(),
      stopRequested,
    ]);
    await stopRequested;
    return 0;
  } catch (err) {
    process.stderr.write(`skiff up: ${(err as Error).message} (logs in ${layout.logsDir})\n`);
    return 1;
  } finally {
    log('stopping: pods first, then the node, then the control plane');
    await stopNode(sup, layout, log);
    await sup.stopAll();
    releasePid();
    log('stopped');
  }
}

function readyMessage(kubeconfig: string, logsDir: string, nodeName: string): string {
  return `
Skiff is running: node ${nodeName} is Ready.

  export KUBECONFIG=${kubeconfig}
  kubectl get nodes
  skiffctl apply -f manifests/pod-shared-localhost.yaml
  skiffctl logs shared-localhost -c client -f

Component logs are in ${logsDir}. Press Ctrl-C to stop the cluster (pods are stopped and cleaned up;
the next \`skiff up\` with the same data dir resumes it).
`;
}
