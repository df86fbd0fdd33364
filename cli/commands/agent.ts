// `skiff agent --server URL --token TOKEN`: makes this machine a node of a `skiff server` cluster.
// On the first start it trades the join token for the node's own credentials (kept in the data
// dir, so later starts need no token), then runs the runtime and the kubelet. Ctrl-C stops the pods
// and leaves nothing behind.
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseCommandFlags, portFlag, str } from '../flags.js';
import { clusterLayout } from '../cluster/layout.js';
import { claimPidFile } from '../cluster/pid-file.js';
import { Supervisor } from '../cluster/supervisor.js';
import { startNode, stopNode } from '../cluster/node-agent.js';
import { waitForNodeReady } from '../cluster/node-ready.js';
import { untilSignal } from '../cluster/signals.js';
import { joinCluster } from '../cluster/join-client.js';
import { parseJoinToken } from '../../apiserver/join/join-token.js';
import { loadKubeconfig, writeKubeconfig } from '../../client/kubeconfig.js';

export const DEFAULT_AGENT_DATA_DIR = '/var/lib/skiff-agent';

const USAGE = `usage: skiff agent --server https://HOST:6443 --token TOKEN [--node-name NAME] [--node-ip IP]
                   [--data-dir ${DEFAULT_AGENT_DATA_DIR}] [--kubelet-port 10250]
`;

export async function run(argv: string[]): Promise<number> {
  const flags = parseCommandFlags('skiff agent', argv, { values: ['server', 'token', 'node-name', 'node-ip', 'data-dir', 'kubelet-port'] }, USAGE);
  if (typeof flags === 'number') return flags;
  const kubeletPort = portFlag(flags, 'kubelet-port', 10250);
  if (kubeletPort instanceof Error) {
    process.stderr.write(`skiff agent: ${kubeletPort.message}\n`);
    return 2;
  }
  const layout = clusterLayout(str(flags, 'data-dir', DEFAULT_AGENT_DATA_DIR));
  const nodeName = str(flags, 'node-name', hostname().toLowerCase());
  const server = str(flags, 'server')?.replace(/\/+$/, '');
  mkdirSync(layout.dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(layout.kubeconfig)) {
    const tokenText = str(flags, 'token');
    if (!server || !tokenText) {
      process.stderr.write(`skiff agent: --server and --token are required for the first start (the token comes from \`skiff token create\`)\n${USAGE}`);
      return 2;
    }
    try {
      const { caPem, credentials } = await joinCluster(server, parseJoinToken(tokenText), nodeName);
      writeKubeconfig(layout.kubeconfig, { server, caData: caPem, token: credentials.token, userName: `system:node:${nodeName}` });
      process.stdout.write(`skiff agent: joined ${server} as node ${nodeName}\n`);
    } catch (e) {
      process.stderr.write(`skiff agent: ${(e as Error).message}\n`);
      return 1;
    }
  }
  const releasePid = claimPidFile(join(layout.dataDir, 'agent.pid'));
  const log = (m: string) => process.stdout.write(`skiff agent: ${m}\n`);
  const sup = new Supervisor(log);
  const stopRequested = untilSignal(log);
  try {
    await Promise.race([
      (async () => {
        await startNode(sup, layout, { nodeName, nodeIp: str(flags, 'node-ip'), kubeletPort, routePodCidrs: true, kubeconfig: layout.kubeconfig, cniBinDir: '/usr/lib/cni' }, log);
        await waitForNodeReady(loadKubeconfig({ kubeconfig: layout.kubeconfig }).config, nodeName);
        log(`node ${nodeName} is Ready`);
      })(),
      stopRequested,
    ]);
    await stopRequested;
    return 0;
  } catch (err) {
    process.stderr.write(`skiff agent: ${(err as Error).message} (logs in ${layout.logsDir})\n`);
    return 1;
  } finally {
    await stopNode(sup, layout, log);
    await sup.stopAll();
    releasePid();
    log('stopped');
  }
}
