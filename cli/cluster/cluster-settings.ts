// Settings chosen on a cluster's first start and kept in `<data-dir>/cluster.json`, so that a second
// `skiff up` on the same data dir resumes the same cluster (same etcd ports, same pod network).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort } from '../../apiserver/storage/managed-etcd.js';

export interface StoredSettings {
  etcdClientPort: number;
  etcdPeerPort: number;
  clusterCidr: string;
}

export async function loadOrCreateSettings(file: string, defaults: { clusterCidr: string }): Promise<StoredSettings> {
  if (existsSync(file)) {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSettings>;
    if (typeof s.etcdClientPort === 'number' && typeof s.etcdPeerPort === 'number' && typeof s.clusterCidr === 'string') {
      return s as StoredSettings;
    }
    throw new Error(`${file}: missing etcdClientPort, etcdPeerPort or clusterCidr; fix or remove the file`);
  }
  const settings: StoredSettings = {
    etcdClientPort: await freePort(),
    etcdPeerPort: await freePort(),
    clusterCidr: defaults.clusterCidr,
  };
  writeFileSync(file, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
  return settings;
}
