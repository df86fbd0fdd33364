// The admin kubeconfig kubectl accepts as is: certificate-authority-data + bearer token.
import { renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export function kubeconfigYaml(server: string, caPem: string, token: string, user = 'admin'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'skiff', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'skiff', context: { cluster: 'skiff', user, namespace: 'default' } }],
    'current-context': 'skiff',
    preferences: {},
  });
}

export function writeKubeconfig(file: string, server: string, caPem: string, token: string, user = 'admin'): void {
  // written whole then renamed, so a reader never sees a half-written file
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, kubeconfigYaml(server, caPem, token, user), { mode: 0o600 });
  renameSync(tmp, file);
}
