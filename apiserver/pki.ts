// The apiserver's PKI in its data dir: a CA and a serving certificate whose SANs cover 127.0.0.1,
// localhost, the host name and any extra names/addresses. Keys come from Node's crypto; the X.509
// signing shells out to `openssl` (no new dependency). Created once, reused on later starts (the
// serving cert is re-issued when a wanted SAN is missing). Keys are 0600.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import net from 'node:net';
import path from 'node:path';

export interface Pki {
  caPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
  dir: string;
}

function newKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The SANs wanted for the serving certificate: 127.0.0.1, localhost, the host name, extras. */
export function wantedSans(extra: string[]): { dns: string[]; ips: string[] } {
  const dns = new Set<string>(['localhost', 'kubernetes', 'kubernetes.default']);
  const ips = new Set<string>(['127.0.0.1']);
  const host = hostname();
  if (host) dns.add(host);
  for (const e of extra) {
    if (!e) continue;
    if (net.isIP(e)) ips.add(e);
    else dns.add(e);
  }
  return { dns: [...dns], ips: [...ips] };
}

function certCoversSans(certPem: string, sans: { dns: string[]; ips: string[] }): boolean {
  const alt = new X509Certificate(certPem).subjectAltName ?? '';
  const have = new Set(alt.split(',').map((s) => s.trim()));
  return sans.dns.every((d) => have.has(`DNS:${d}`)) && sans.ips.every((ip) => have.has(`IP Address:${ip}`));
}

export function ensurePki(dataDir: string, extraSans: string[] = []): Pki {
  const dir = path.join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = path.join(dir, 'ca.key');
  const caCrt = path.join(dir, 'ca.crt');
  const key = path.join(dir, 'apiserver.key');
  const crt = path.join(dir, 'apiserver.crt');
  if (!existsSync(caKey) || !existsSync(caCrt)) {
    writeFileSync(caKey, newKeyPem(), { mode: 0o600 });
    openssl(['req', '-x509', '-new', '-key', caKey, '-out', caCrt, '-days', '3650', '-subj', '/CN=skiff-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
    rmSync(crt, { force: true });
  }
  const sans = wantedSans(extraSans);
  if (!existsSync(key) || !existsSync(crt) || !certCoversSans(readFileSync(crt, 'utf8'), sans)) {
    writeFileSync(key, newKeyPem(), { mode: 0o600 });
    const csr = path.join(dir, 'apiserver.csr');
    const ext = path.join(dir, 'apiserver.ext');
    const altNames = [...sans.dns.map((d) => `DNS:${d}`), ...sans.ips.map((ip) => `IP:${ip}`)].join(',');
    writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${altNames}\n`);
    try {
      openssl(['req', '-new', '-key', key, '-out', csr, '-subj', '/CN=skiff-apiserver']);
      openssl(['x509', '-req', '-in', csr, '-CA', caCrt, '-CAkey', caKey, '-CAcreateserial', '-out', crt, '-days', '825', '-extfile', ext]);
    } finally {
      rmSync(csr, { force: true });
      rmSync(ext, { force: true });
    }
  }
  return {
    dir,
    caPem: readFileSync(caCrt, 'utf8'),
    caKeyPem: readFileSync(caKey, 'utf8'),
    certPem: readFileSync(crt, 'utf8'),
    keyPem: readFileSync(key, 'utf8'),
  };
}
