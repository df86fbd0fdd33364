// Pulls that must fail and leave nothing behind (corrupted blobs, tar-slip layers), and the
// Bearer token flow, against a small in-process registry.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DigestMismatchError, RegistryUnauthorizedError } from '../../runtime/images/errors.js';
import { createImageStore, type LocalImageStore } from '../../runtime/images/local-image-store.js';
import { TarWriter, type TarWriteEntry } from '../../runtime/images/tar-writer.js';
import { makeImage, startFakeRegistry, type FakeRegistry } from './fake-registry.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void> | void)();
});

function tempDir(prefix = 'skiff-test-images-'): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function store(root = tempDir()): LocalImageStore {
  const s = createImageStore({ root });
  cleanups.push(() => s.close());
  return s;
}

async function fake(opts: Parameters<typeof startFakeRegistry>[0] = {}): Promise<FakeRegistry> {
  const r = await startFakeRegistry(opts);
  cleanups.push(() => r.stop());
  return r;
}

function tar(entries: TarWriteEntry[]): Buffer {
  const w = new TarWriter();
  for (const e of entries) w.add(e);
  return w.finish();
}

const okLayer = tar([
  { name: 'etc', type: 'directory' },
  { name: 'etc/hello', type: 'file', data: Buffer.from('hello\n') },
]);

/** nothing of a failed pull is left under the root */
function expectNothingLeft(root: string, blobs: string[]): void {
  expect(fs.readdirSync(path.join(root, 'layers'))).toEqual([]);
  expect(fs.readdirSync(path.join(root, 'ingest'))).toEqual([]);
  const stored = fs.readdirSync(path.join(root, 'blobs/sha256'));
  for (const d of blobs) expect(stored).not.toContain(d.slice(7));
  expect(fs.readdirSync(path.join(root, 'images'))).toEqual([]);
}

describe('failed pulls keep nothing', () => {
  test('a corrupted layer blob is rejected', async () => {
    const reg = await fake();
    const img = makeImage([okLayer, tar([{ name: 'big', type: 'file', data: randomBytes(300_000) }])]);
    reg.add('bad/image', 'v1', img);
    const served = Buffer.from(img.blobs.get(img.layerDigests[1]) as Buffer);
    served[served.length - 20] ^= 0xff; // same size, different bytes
    reg.blobs.set(img.layerDigests[1], served);
    const root = tempDir();
    const s = store(root);
    const err = await s.pull(`${reg.host}/bad/image:v1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toMatch(/digest mismatch|invalid|incorrect|unexpected end/i);
    expect(String(err)).toContain(img.layerDigests[1].slice(0, 20));
    // the good layer may have completed; the bad one left no layer, blob or temp file
    const layers = fs.readdirSync(path.join(root, 'layers'));
    expect(layers.filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(layers.length).toBeLessThanOrEqual(1);
    expect(fs.readdirSync(path.join(root, 'blobs/sha256'))).not.toContain(img.layerDigests[1].slice(7));
    expect(fs.readdirSync(path.join(root, 'ingest'))).toEqual([]);
    expect(await s.list()).toEqual([]);
  });

  test('a blob whose bytes decompress fine but hash wrong fails with DigestMismatchError', async () => {
    const reg = await fake();
    const img = makeImage([okLayer]);
    const other = makeImage([tar([{ name: 'other', type: 'file', data: Buffer.from('x') }])]);
    reg.add('bad/swap', 'v1', img);
    reg.blobs.set(img.layerDigests[0], other.blobs.get(other.layerDigests[0]) as Buffer);
    const root = tempDir();
    const err = await store(root).pull(`${reg.host}/bad/swap:v1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expectNothingLeft(root, img.layerDigests);
  });

  const slips: Array<[string, TarWriteEntry[], RegExp]> = [
    ['a ".." path', [{ name: '../ESCAPE', type: 'file', data: Buffer.from('x') }], /"\.\." escapes the layer/],
    ['an absolute path', [{ name: '/ESCAPE', type: 'file', data: Buffer.from('x') }], /absolute path escapes the layer/],
    [
      'a write through a symlink',
      [
        { name: 'evil', type: 'symlink', linkname: 'OUTSIDE' },
        { name: 'evil/ESCAPE', type: 'file', data: Buffer.from('x') },
      ],
      /written through the symlink "evil"/,
    ],
    [
      'a hardlink pointing out',
      [{ name: 'passwd', type: 'hardlink', linkname: '../../../../etc/passwd' }],
      /hardlink "passwd" target .*escapes the layer/,
    ],
  ];
  test.each(slips)('a tar-slip layer with %s is rejected', async (_what, entries, message) => {
    const outside = tempDir('skiff-test-outside-');
    const fixed = entries.map((e) => ({
      ...e,
      name: e.name.replace('ESCAPE', `skiff-escape-${path.basename(outside)}`),
      linkname: e.linkname?.replace('OUTSIDE', outside),
    }));
    const reg = await fake();
    const img = makeImage([okLayer, tar(fixed)]);
    reg.add('evil/image', 'v1', img);
    const root = tempDir();
    const err = await store(root).pull(`${reg.host}/evil/image:v1`).catch((e: unknown) => e);
    expect(String(err)).toMatch(message);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.existsSync(path.join(root, '..', `skiff-escape-${path.basename(outside)}`))).toBe(false);
    expect(fs.existsSync(`/skiff-escape-${path.basename(outside)}`)).toBe(false);
    const layers = fs.readdirSync(path.join(root, 'layers'));
    expect(layers.filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'blobs/sha256'))).not.toContain(img.layerDigests[1].slice(7));
    expect(fs.readdirSync(path.join(root, 'images'))).toEqual([]);
  });
});

describe('Bearer token flow', () => {
  test('anonymous tokens with the repository scope', async () => {
    const reg = await fake({ bearer: {} });
    const img = makeImage([okLayer]);
    reg.add('tok/anon', 'v1', img);
    const got = await store().pull(`${reg.host}/tok/anon:v1`);
    expect(got.id).toBe(img.configDigest);
    expect(reg.tokenRequests.length).toBeGreaterThanOrEqual(1);
    const t = new URL(reg.tokenRequests[0].url, 'http://x');
    expect(t.searchParams.get('service')).toBe('fake-registry');
    expect(t.searchParams.getAll('scope')).toContain('repository:tok/anon:pull');
    expect(reg.tokenRequests[0].authorization).toBeUndefined();
  });

  test('a token server that wants credentials: refused without, granted with them', async () => {
    const reg = await fake({ bearer: { user: { name: 'alice', password: 'pw' } } });
    const img = makeImage([okLayer]);
    reg.add('tok/private', 'v1', img);
    const ref = `${reg.host}/tok/private:v1`;
    const err = await store().pull(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnauthorizedError);
    expect(String(err)).toMatch(/refused anonymous access/);
    const wrong = await store().pull(ref, { auth: { username: 'alice', password: 'nope' } }).catch((e: unknown) => e);
    expect(String(wrong)).toMatch(/refused the credentials/);
    const got = await store().pull(ref, { auth: { username: 'alice', password: 'pw' } });
    expect(got.id).toBe(img.configDigest);
    expect(reg.tokenRequests.at(-1)?.authorization).toBe(`Basic ${Buffer.from('alice:pw').toString('base64')}`);
  });

  test('a ready registry token is sent as is', async () => {
    const reg = await fake({ bearer: {} });
    const img = makeImage([okLayer]);
    reg.add('tok/ready', 'v1', img);
    // get a valid token the way a credential helper would, then hand it over
    const res = await fetch(`http://${reg.host}/token?scope=repository:tok/ready:pull`);
    const { token } = (await res.json()) as { token: string };
    const before = reg.tokenRequests.length;
    const got = await store().pull(`${reg.host}/tok/ready:v1`, { auth: { registryToken: token } });
    expect(got.id).toBe(img.configDigest);
    expect(reg.tokenRequests.length).toBe(before);
  });
});

describe('layers that replace what they wrote', () => {
  test('later entries replace earlier ones: a dir full of symlinks by a file, a symlink by a dir', async () => {
    const entries: TarWriteEntry[] = [{ name: 'd', type: 'directory' }];
    for (let i = 0; i < 100; i++) entries.push({ name: `d/l${i}`, type: 'symlink', linkname: '/nowhere' });
    entries.push({ name: 'd', type: 'file', data: Buffer.from('now a file\n') });
    entries.push({ name: 's', type: 'symlink', linkname: '/etc' });
    entries.push({ name: 's', type: 'directory' });
    entries.push({ name: 's/inside', type: 'file', data: Buffer.from('in a real dir\n') });
    entries.push({ name: 'f', type: 'file', data: Buffer.from('first\n') });
    entries.push({ name: 'f', type: 'file', data: Buffer.from('second\n') });
    entries.push({ name: 'f2', type: 'hardlink', linkname: 'f' });
    entries.push({ name: '.wh.f', type: 'file', data: Buffer.alloc(0) });
    const reg = await fake();
    const img = makeImage([tar(entries)]);
    reg.add('replace/image', 'v1', img);
    const s = store();
    const got = await s.pull(`${reg.host}/replace/image:v1`);
    const [layer] = s.layerPaths(got);
    expect(fs.readFileSync(path.join(layer, 'd'), 'utf8')).toBe('now a file\n');
    expect(fs.lstatSync(path.join(layer, 's')).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(layer, 's/inside'), 'utf8')).toBe('in a real dir\n');
    expect(fs.readFileSync(path.join(layer, 'f2'), 'utf8')).toBe('second\n');
    expect(fs.lstatSync(path.join(layer, 'f')).isCharacterDevice()).toBe(true);
  });
});
