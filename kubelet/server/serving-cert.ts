// The kubelet's self-signed serving certificate, made with openssl at first start and kept under
// `<root-dir>/pki/` (reused on restart, so clients that pinned it keep working).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServingCert {
  cert: string;
  key: string;
}

export async function ensureServingCert(rootDir: string, nodeName: string, nodeIP: string): Promise<ServingCert> {
  const dir = join(rootDir, 'pki');
  const certPath = join(dir, 'kubelet.crt');
  const keyPath = join(dir, 'kubelet.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const san = [`DNS:${nodeName}`, 'DNS:localhost', 'IP:127.0.0.1', ...(nodeIP && nodeIP !== '127.0.0.1' ? [`IP:${nodeIP}`] : [])].join(',');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '365',
      '-subj', `/CN=${nodeName}@${Math.floor(Date.now() / 1000)}`,
      '-addext', `subjectAltName=${san}`,
    ]);
  }
  return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
}
