// The admin kubeconfig kubectl accepts as is: certificate-authority-data + bearer token.
import { writeFileSync } from 'node:fs';
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
  writeFileSync(file, kubeconfigYaml(server, caPem, token, user), { mode: 0o600 });
}
