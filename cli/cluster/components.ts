// The child processes a cluster is made of, as supervisor specs: the same `skiff <component>`
// commands a user can run by hand, with the flags that tie them to one data dir.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { etcdArgs } from '../../apiserver/storage/managed-etcd.js';
import type { ClusterLayout } from './layout.js';
import type { ComponentSpec } from './supervisor.js';
import { waitForFile, waitForHttp } from './readiness.js';

/** bin/skiff of this installation */
export const SKIFF_BIN = fileURLToPath(new URL('../../../bin/skiff', import.meta.url));

function skiff(layout: ClusterLayout, name: string, args: string[], extra: Partial<ComponentSpec> = {}): ComponentSpec {
  return {
    name,
    command: process.execPath,
    args: [SKIFF_BIN, name, ...args],
    logFile: join(layout.logsDir, `${name}.log`),
    ...extra,
  };
}

export interface ServerSettings {
  etcdClientPort: number;
  etcdPeerPort: number;
  securePort: number;
  bindAddress: string;
  advertiseAddress?: string;
  clusterCidr: string;
  nodeMonitorGracePeriod?: string;
  podEvictionTimeout?: string;
}

export function etcdComponent(layout: ClusterLayout, s: ServerSettings): ComponentSpec {
  return {
    name: 'etcd',
    command: '/usr/bin/etcd',
    args: etcdArgs({ name: 'skiff', dataDir: layout.etcdDir, clientPort: s.etcdClientPort, peerPort: s.etcdPeerPort }),
    logFile: join(layout.logsDir, 'etcd.log'),
    ready: () => waitForHttp('etcd', `http://127.0.0.1:${s.etcdClientPort}/health`),
  };
}

export function apiserverComponent(layout: ClusterLayout, s: ServerSettings): ComponentSpec {
  const args = [
    '--data-dir', layout.serverDir,
    '--etcd-servers', `http://127.0.0.1:${s.etcdClientPort}`,
    '--secure-port', String(s.securePort),
    '--bind-address', s.bindAddress,
  ];
  if (s.advertiseAddress) args.push('--advertise-address', s.advertiseAddress, '--tls-san', s.advertiseAddress);
  return skiff(layout, 'apiserver', args, {
    ready: () => waitForHttp('the apiserver', `https://127.0.0.1:${s.securePort}/readyz`),
  });
}

export function controllerManagerComponent(layout: ClusterLayout, s: ServerSettings): ComponentSpec {
  const args = ['--kubeconfig', layout.kubeconfig, '--cluster-cidr', s.clusterCidr];
  if (s.nodeMonitorGracePeriod) args.push('--node-monitor-grace-period', s.nodeMonitorGracePeriod);
  if (s.podEvictionTimeout) args.push('--pod-eviction-timeout', s.podEvictionTimeout);
  return skiff(layout, 'controller-manager', args);
}

export function schedulerComponent(layout: ClusterLayout): ComponentSpec {
  return skiff(layout, 'scheduler', ['--kubeconfig', layout.kubeconfig]);
}

export interface NodeSettings {
  nodeName: string;
  nodeIp?: string;
  /** the kubelet's HTTPS port (logs); default 10250 */
  kubeletPort?: number;
  /** host-gw routes to the other nodes' pod CIDRs (agents of a multi-node cluster) */
  routePodCidrs?: boolean;
  /** the kubeconfig the kubelet uses: the admin one for `skiff up`, a node one for an agent */
  kubeconfig: string;
  cniBinDir: string;
}

export function runtimeComponent(layout: ClusterLayout): ComponentSpec {
  return skiff(
    layout,
    'runtime',
    ['--root', layout.runtimeRoot, '--socket', layout.runtimeSocket, '--cni-conf-dir', layout.cniConfDir, '--cni-bin-dir', '/usr/lib/cni', '--await-pod-cidr'],
    { ready: () => waitForFile('the runtime socket', layout.runtimeSocket) },
  );
}

export function kubeletComponent(layout: ClusterLayout, n: NodeSettings): ComponentSpec {
  const args = [
    '--kubeconfig', n.kubeconfig,
    '--runtime-endpoint', `unix://${layout.runtimeSocket}`,
    '--node-name', n.nodeName,
    '--root-dir', layout.kubeletRoot,
  ];
  if (n.nodeIp) args.push('--node-ip', n.nodeIp);
  if (n.kubeletPort) args.push('--port', String(n.kubeletPort));
  if (n.routePodCidrs) args.push('--route-pod-cidrs');
  // readiness is the Node turning Ready, which the caller waits for through the API
  return skiff(layout, 'kubelet', args, { stopTimeoutMs: 20_000 });
}
