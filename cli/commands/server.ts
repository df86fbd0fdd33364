// `skiff server`: the control plane alone (etcd, apiserver, controller-manager, scheduler) for a
// cluster whose nodes join with `skiff agent`. Foreground; Ctrl-C stops it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandFlags, portFlag, str } from '../flags.js';
import { clusterLayout, DEFAULT_DATA_DIR } from '../cluster/layout.js';
import { loadOrCreateSettings } from '../cluster/cluster-settings.js';
import { claimPidFile } from '../cluster/pid-file.js';
import { Supervisor } from '../cluster/supervisor.js';
import { startControlPlane } from '../cluster/control-plane.js';
import { untilSignal } from '../cluster/signals.js';

const USAGE = `usage: skiff server [--data-dir DIR] [--secure-port 6443] [--bind-address 0.0.0.0]
                    [--advertise-address IP] [--cluster-cidr 10.244.0.0/16]
                    [--node-monitor-grace-period 50s] [--pod-eviction-timeout 300s]
Runs the control plane. Nodes join with: skiff token create (here), then on each node
skiff agent --server https://ADDRESS:6443 --token TOKEN
`;

export async function run(argv: string[]): Promise<number> {
  const flags = parseCommandFlags('skiff server', argv, { values: ['data-dir', 'secure-port', 'bind-address', 'advertise-address', 'cluster-cidr', 'node-monitor-grace-period', 'pod-eviction-timeout'] }, USAGE);
  if (typeof flags === 'number') return flags;
  const securePort = portFlag(flags, 'secure-port', 6443);
  if (securePort instanceof Error) {
    process.stderr.write(`skiff server: ${securePort.message}\n`);
    return 2;
  }
  const layout = clusterLayout(str(flags, 'data-dir', DEFAULT_DATA_DIR));
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o700 });
  const releasePid = claimPidFile(join(layout.dataDir, 'server.pid'));
  const log = (m: string) => process.stdout.write(`skiff server: ${m}\n`);
  const sup = new Supervisor(log);
  const stopRequested = untilSignal(log);
  try {
    const stored = await loadOrCreateSettings(layout.stateFile, { clusterCidr: str(flags, 'cluster-cidr', '10.244.0.0/16') });
    await Promise.race([
      startControlPlane(sup, layout, {
        ...stored,
        securePort,
        bindAddress: str(flags, 'bind-address', '0.0.0.0'),
        advertiseAddress: str(flags, 'advertise-address'),
        nodeMonitorGracePeriod: str(flags, 'node-monitor-grace-period'),
        podEvictionTimeout: str(flags, 'pod-eviction-timeout'),
      }).then(() =>
        process.stdout.write(`
The control plane is running. Admin kubeconfig: ${layout.kubeconfig}
Join a node: run \`skiff token create --data-dir ${layout.dataDir}\` here, then on the node
  skiff agent --server https://<this machine's address>:${securePort} --token <token>
`),
      ),
      stopRequested,
    ]);
    await stopRequested;
    return 0;
  } catch (err) {
    process.stderr.write(`skiff server: ${(err as Error).message} (logs in ${layout.logsDir})\n`);
    return 1;
  } finally {
    await sup.stopAll();
    releasePid();
    log('stopped');
  }
}
