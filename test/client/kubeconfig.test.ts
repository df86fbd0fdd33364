import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KubeconfigError, loadKubeconfig, writeKubeconfig } from '../../client/kubeconfig.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-kubeconfig-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function twoContexts(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'a', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(PEM).toString('base64') } },
      { name: 'b', cluster: { server: 'https://127.0.0.2:7443', 'certificate-authority': 'ca.crt', 'insecure-skip-tls-verify': true } },
    ],
    users: [
      { name: 'u1', user: { token: 'tok-1' } },
      { name: 'u2', user: { tokenFile: 'token.txt' } },
    ],
    contexts: [
      { name: 'ctx-a', context: { cluster: 'a', user: 'u1' } },
      { name: 'ctx-b', context: { cluster: 'b', user: 'u2', namespace: 'team' } },
    ],
    'current-context': 'ctx-a',
  };
}

describe('kubeconfig', () => {
  it('resolves the current context: CA data, token, default namespace', () => {
    const f = join(dir, 'config');
    writeFileSync(f, stringify(twoContexts()));
    const k = loadKubeconfig({ kubeconfig: f });
    expect(k.config).toEqual({ server: 'https://127.0.0.1:6443', caData: PEM, token: 'tok-1' });
    expect(k.namespace).toBe('default');
    expect(k.contextName).toBe('ctx-a');
  });

  it('--context picks another: CA and token files relative to the kubeconfig, insecure, namespace', () => {
    const f = join(dir, 'config');
    writeFileSync(f, stringify(twoContexts()));
    writeFileSync(join(dir, 'ca.crt'), PEM);
    writeFileSync(join(dir, 'token.txt'), 'tok-2\n');
    const k = loadKubeconfig({ kubeconfig: f, context: 'ctx-b' });
    expect(k.config).toEqual({ server: 'https://127.0.0.2:7443', caData: PEM, token: 'tok-2', insecureSkipTLSVerify: true });
    expect(k.namespace).toBe('team');
  });

  it('merges a KUBECONFIG list, first file winning, skipping missing files', () => {
    const first = join(dir, 'one');
    const second = join(dir, 'two');
    writeFileSync(first, stringify({ clusters: [{ name: 'a', cluster: { server: 'https://first:1' } }], 'current-context': 'ctx-b' }));
    writeFileSync(second, stringify(twoContexts()));
    writeFileSync(join(dir, 'token.txt'), 'tok-2');
    writeFileSync(join(dir, 'ca.crt'), PEM);
    const k = loadKubeconfig({ env: { KUBECONFIG: `${join(dir, 'missing')}:${first}:${second}` }, context: 'ctx-a' });
    expect(k.config.server).toBe('https://first:1');
    expect(k.kubeconfig['current-context']).toBe('ctx-b');
    expect(k.paths).toEqual([first, second]);
  });

  it('falls back to ~/.kube/config via HOME', () => {
    const home = join(dir, 'home');
    writeKubeconfig(join(home, '.kube', 'config'), { server: 'https://127.0.0.1:1', token: 't' });
    expect(loadKubeconfig({ env: { HOME: home } }).config.server).toBe('https://127.0.0.1:1');
  });

  it('names what is wrong', () => {
    const f = join(dir, 'config');
    writeFileSync(f, stringify(twoContexts()));
    expect(() => loadKubeconfig({ kubeconfig: f, context: 'nope' })).toThrow('context was not found for specified context: nope');
    expect(() => loadKubeconfig({ kubeconfig: join(dir, 'absent') })).toThrow(KubeconfigError);
    writeFileSync(f, 'clusters: [');
    expect(() => loadKubeconfig({ kubeconfig: f })).toThrow(/invalid YAML/);
  });

  it('writeKubeconfig round-trips and is private', () => {
    const f = join(dir, 'out', 'kubeconfig');
    writeKubeconfig(f, { server: 'https://127.0.0.1:6443', caData: PEM, token: 'secret', namespace: 'ns1' });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const k = loadKubeconfig({ kubeconfig: f });
    expect(k.config).toEqual({ server: 'https://127.0.0.1:6443', caData: PEM, token: 'secret' });
    expect(k.namespace).toBe('ns1');
  });
});
