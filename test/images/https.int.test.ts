// HTTPS registries: verified against a CA file from the hosts config, refused when the
// certificate is not trusted, accepted with skipVerify.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HostsConfig } from '../../runtime/images/hosts-config.js';
import { createImageStore } from '../../runtime/images/local-image-store.js';
import { TarWriter } from '../../runtime/images/tar-writer.js';
import { makeImage, startFakeRegistry, type FakeRegistry } from './fake-registry.js';

let dir: string;
let reg: FakeRegistry;
const layer = new TarWriter().add({ name: 'secure', type: 'file', data: Buffer.from('tls\n') }).finish();
const img = makeImage([layer]);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-https-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  reg = await startFakeRegistry({ tls: { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) } });
  reg.add('secure/app', 'v1', img);
});
afterAll(async () => {
  await reg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** the HTTPS server as the only mirror of a registry name that does not resolve */
function config(extra: { ca?: string; skipVerify?: boolean }): HostsConfig {
  return { registries: { 'secure.skiff-test.invalid': { mirrors: [{ url: `https://${reg.host}`, ...extra }] } } };
}

async function pullWith(hostsConfig: HostsConfig): Promise<string> {
  const root = fs.mkdtempSync(path.join(dir, 'root-'));
  const s = createImageStore({ root, hostsConfig });
  try {
    return (await s.pull('secure.skiff-test.invalid/secure/app:v1')).id;
  } finally {
    s.close();
  }
}

test('HTTPS with the CA from the hosts config', async () => {
  expect(await pullWith(config({ ca: path.join(dir, 'cert.pem') }))).toBe(img.configDigest);
});

test('an untrusted certificate is refused, and accepted with skipVerify', async () => {
  await expect(pullWith(config({}))).rejects.toThrow(/self-signed certificate|unable to verify|certificate/);
  expect(await pullWith(config({ skipVerify: true }))).toBe(img.configDigest);
});
