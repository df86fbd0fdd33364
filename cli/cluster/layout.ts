// Where `skiff up` / `server` / `agent` keep everything under one data dir. One function, so the
// three commands, the demo and the tests agree on every path.
import { join } from 'node:path';

export interface ClusterLayout {
  dataDir: string;
  /** the apiserver's data dir: CA, keys, tokens, kubeconfig */
  serverDir: string;
  kubeconfig: string;
  etcdDir: string;
  logsDir: string;
  runtimeRoot: string;
  runtimeSocket: string;
  cniConfDir: string;
  kubeletRoot: string;
  /** ports and settings chosen on the first start, reused on every later start */
  stateFile: string;
}

export function clusterLayout(dataDir: string): ClusterLayout {
  return {
    dataDir,
    serverDir: dataDir,
    kubeconfig: join(dataDir, 'kubeconfig'),
    etcdDir: join(dataDir, 'etcd'),
    logsDir: join(dataDir, 'logs'),
    runtimeRoot: join(dataDir, 'runtime'),
    runtimeSocket: join(dataDir, 'run', 'runtime.sock'),
    cniConfDir: join(dataDir, 'cni', 'net.d'),
    kubeletRoot: join(dataDir, 'kubelet'),
    stateFile: join(dataDir, 'cluster.json'),
  };
}

export const DEFAULT_DATA_DIR = '/var/lib/skiff';
