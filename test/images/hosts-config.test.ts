import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { endpointsFor, HostsConfigError, loadHostsConfig, validateHostsConfig } from '../../runtime/images/hosts-config.js';

test('endpoints: HTTPS by default, docker.io goes to registry-1, loopback and insecure hosts over HTTP', () => {
  const cfg = validateHostsConfig({ registries: { 'reg.internal:5000': { insecure: true }, 'secure.example': { skipVerify: true } } });
  expect(endpointsFor('ghcr.io', cfg)).toEqual([{ host: 'ghcr.io', base: 'https://ghcr.io', skipVerify: false, ca: undefined, mirror: false, auth: undefined }]);
  expect(endpointsFor('docker.io', cfg)[0].base).toBe('https://registry-1.docker.io');
  expect(endpointsFor('127.0.0.1:5000', cfg)[0].base).toBe('http://127.0.0.1:5000');
  expect(endpointsFor('localhost:5000', cfg)[0].base).toBe('http://localhost:5000');
  expect(endpointsFor('reg.internal:5000', cfg)[0].base).toBe('http://reg.internal:5000');
  expect(endpointsFor('secure.example', cfg)[0]).toMatchObject({ base: 'https://secure.example', skipVerify: true });
});

test('mirrors come first, with their own settings and credentials', () => {
  const cfg = validateHostsConfig({
    registries: {
      'docker.io': { mirrors: ['https://mirror.example/v2/', { url: 'http://10.0.0.5:5000/prefix', skipVerify: true }] },
      'mirror.example': { auth: { username: 'm', password: 'p' }, ca: '/ca.pem' },
    },
  });
  const eps = endpointsFor('docker.io', cfg);
  expect(eps.map((e) => e.base)).toEqual(['https://mirror.example', 'http://10.0.0.5:5000/prefix', 'https://registry-1.docker.io']);
  expect(eps[0]).toMatchObject({ host: 'mirror.example', mirror: true, ca: '/ca.pem', auth: { username: 'm', password: 'p' } });
  expect(eps[1]).toMatchObject({ skipVerify: true, mirror: true });
  expect(eps[2].mirror).toBe(false);
});

test('validation names the field and the bad value', () => {
  expect(() => validateHostsConfig([])).toThrow(HostsConfigError);
  expect(() => validateHostsConfig({ registries: { x: { insecure: 'yes' } } })).toThrow('registries["x"].insecure: must be a boolean, got "yes"');
  expect(() => validateHostsConfig({ registries: { x: { mirrors: ['ftp://m'] } } })).toThrow('registries["x"].mirrors[0]: want an http(s) URL, got "ftp://m"');
  expect(() => validateHostsConfig({ registries: { x: { mirror: [] } } })).toThrow('registries["x"].mirror: unknown field');
});

test('loadHostsConfig: a missing file is empty, bad JSON names the file', () => {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-hosts-'));
  try {
    expect(loadHostsConfig(path.join(dir, 'absent.json'))).toEqual({ registries: {} });
    fs.writeFileSync(path.join(dir, 'bad.json'), '{');
    expect(() => loadHostsConfig(path.join(dir, 'bad.json'))).toThrow(`${path.join(dir, 'bad.json')}: invalid JSON`);
    fs.writeFileSync(path.join(dir, 'ok.json'), JSON.stringify({ registries: { 'a.b': { insecure: true } } }));
    expect(loadHostsConfig(path.join(dir, 'ok.json')).registries['a.b'].insecure).toBe(true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
