// Import of docker-save and OCI layout archives, removal while in use, GC, usage, the built-in
// busybox image, Basic auth against an htpasswd registry, and mirrors from the hosts config.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ensureBusyboxImage } from '../../runtime/images/busybox-image.js';
import { sha256Digest } from '../../runtime/images/digest.js';
import { ImageInUseError, ImageNotFoundError, RegistryUnauthorizedError } from '../../runtime/images/errors.js';
import { createImageStore, type ImageStoreOptions, type LocalImageStore } from '../../runtime/images/local-image-store.js';
import { TarWriter } from '../../runtime/images/tar-writer.js';
import { buildBusyboxTestArchive, busyboxTestLayers, pushBusyboxImage, TEST_IMAGE_CONFIG } from '../fixtures/busybox-image.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void> | void)();
});

function tempDir(prefix = 'skiff-test-images-'): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function store(opts: ImageStoreOptions = {}): LocalImageStore {
  const s = createImageStore({ root: tempDir(), ...opts });
  cleanups.push(() => s.close());
  return s;
}

/** a `docker save` archive of the three test layers, the middle one stored as a link */
async function dockerSaveArchive(file: string, opts: { gzip?: boolean } = {}): Promise<string> {
  const layers = await busyboxTestLayers();
  const diffIds = layers.map((l) => sha256Digest(l));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: TEST_IMAGE_CONFIG, rootfs: { type: 'layers', diff_ids: diffIds } }),
  );
  const configName = `${sha256Digest(config).slice(7)}.json`;
  const dirs = diffIds.map((d) => d.slice(7, 19));
  const w = new TarWriter();
  for (const [i, l] of layers.entries()) {
    w.add({ name: dirs[i], type: 'directory' });
    w.add({ name: `${dirs[i]}/VERSION`, type: 'file', data: Buffer.from('1.0') });
    if (i === 1) {
      w.add({ name: 'shared', type: 'directory' });
      w.add({ name: 'shared/layer.tar', type: 'file', data: l });
      w.add({ name: `${dirs[i]}/layer.tar`, type: 'symlink', linkname: '../shared/layer.tar' });
    } else {
      w.add({ name: `${dirs[i]}/layer.tar`, type: 'file', data: l });
    }
  }
  w.add({ name: configName, type: 'file', data: config });
  w.add({
    name: 'manifest.json',
    type: 'file',
    data: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['skiff/saved:v1'], Layers: dirs.map((d) => `${d}/layer.tar`) }])),
  });
  w.add({ name: 'repositories', type: 'file', data: Buffer.from('{"skiff/saved":{"v1":"x"}}') });
  const tar = w.finish();
  fs.writeFileSync(file, opts.gzip ? gzipSync(tar) : tar);
  return sha256Digest(config);
}

describe('import', () => {
  test('a docker save archive (plain and gzipped)', async () => {
    for (const gzip of [false, true]) {
      const dir = tempDir();
      const file = path.join(dir, 'saved.tar');
      const configDigest = await dockerSaveArchive(file, { gzip });
      const s = store();
      const [img] = await s.import(file);
      expect(img.id).toBe(configDigest);
      expect(img.repoTags).toEqual(['docker.io/skiff/saved:v1']);
      expect(img.config.Cmd).toEqual(['echo hello']);
      const [, l1, l2] = s.layerPaths(img);
      expect(fs.lstatSync(path.join(l1, 'etc/remove-me')).isCharacterDevice()).toBe(true);
      expect(fs.readFileSync(path.join(l2, 'data/new'), 'utf8')).toBe('new data\n');
      expect((await s.get('skiff/saved:v1'))?.id).toBe(configDigest);
      // only the image's blobs are kept (config + 3 layers), not manifest.json and friends
      expect(fs.readdirSync(path.join(s.root, 'blobs/sha256')).length).toBe(4);
    }
  });

  test('an OCI layout archive, with and without --tag', async () => {
    const file = path.join(tempDir(), 'oci.tar');
    const built = await buildBusyboxTestArchive(file, 'docker.io/library/skiff-test:latest');
    const s = store();
    const [img] = await s.import(file);
    expect(img.id).toBe(built.configDigest);
    expect(img.repoTags).toEqual(['docker.io/library/skiff-test:latest']);
    expect(img.repoDigests).toEqual([`docker.io/library/skiff-test@${built.manifestDigest}`]);
    expect((await s.get('skiff-test'))?.id).toBe(img.id);
    const [tagged] = await s.import(file, { tag: 'example.com/x/y:z' });
    expect(tagged.repoTags).toContain('example.com/x/y:z');
    expect(s.layerPaths(img).every((p) => fs.existsSync(p))).toBe(true);
  });

  test('the built-in busybox image runs', async () => {
    const s = store();
    const img = await ensureBusyboxImage(s);
    expect((await ensureBusyboxImage(s)).id).toBe(img.id);
    expect(await s.list()).toHaveLength(1);
    expect(img.repoTags).toEqual(['docker.io/library/busybox:latest']);
    expect(img.config.Cmd).toEqual(['sh']);
    expect(img.config.Env?.[0]).toMatch(/^PATH=/);
    const [layer] = s.layerPaths(img);
    const out = execFileSync('chroot', [layer, '/bin/sh', '-c', 'echo ok; ls -ld /tmp | cut -c1-10; grep nobody /etc/passwd | cut -d: -f3'], {
      encoding: 'utf8',
    });
    expect(out).toBe('ok\ndrwxrwxrwt\n65534\n');
  });

  test('garbage that is not an image archive is refused', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'junk.tar');
    fs.writeFileSync(file, new TarWriter().add({ name: 'hello', type: 'file', data: Buffer.from('x') }).finish());
    const s = store();
    await expect(s.import(file)).rejects.toThrow(/not a docker save or OCI layout archive/);
    fs.writeFileSync(file, 'not a tar at all, not even close'.repeat(40));
    await expect(s.import(file)).rejects.toThrow(/checksum|tar/);
  });
});

describe('remove and gc', () => {
  test('remove is refused while a container uses the image, then frees its layers', async () => {
    const used = new Map<string, string>();
    const s = store({ inUse: (id) => used.get(id) });
    const file = path.join(tempDir(), 'oci.tar');
    await buildBusyboxTestArchive(file);
    const [img] = await s.import(file);
    used.set(img.id, 'pod-a/ctr-1');
    const err = await s.remove('skiff-test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageInUseError);
    expect(String(err)).toContain('ctr-1');
    expect(String(err)).toContain('skiff-test');
    expect(await s.get(img.id)).toBeDefined();
    used.clear();
    await s.remove('skiff-test');
    expect(await s.list()).toEqual([]);
    expect(s.layerPaths(img).some((p) => fs.existsSync(p))).toBe(false);
    expect(fs.readdirSync(path.join(s.root, 'blobs/sha256'))).toEqual([]);
    await expect(s.remove('skiff-test')).rejects.toBeInstanceOf(ImageNotFoundError);
  });

  test('gc frees what nothing references and keeps shared layers', async () => {
    const s = store();
    const dir = tempDir();
    await buildBusyboxTestArchive(path.join(dir, 'oci.tar'));
    await dockerSaveArchive(path.join(dir, 'saved.tar'));
    const [oci] = await s.import(path.join(dir, 'oci.tar'));
    const [saved] = await s.import(path.join(dir, 'saved.tar'));
    expect(saved.chainIds).toEqual(oci.chainIds); // same layers, different blobs (gzip vs plain)
    await s.remove(oci.id);
    expect(s.layerPaths(saved).every((p) => fs.existsSync(p))).toBe(true);
    // unreferenced leftovers: a blob, a layer, a half-unpacked layer, a partial ingest
    const orphanBlob = Buffer.from('orphan blob '.repeat(1000));
    fs.writeFileSync(path.join(s.root, 'blobs/sha256', sha256Digest(orphanBlob).slice(7)), orphanBlob);
    const orphanLayer = path.join(s.root, 'layers', 'a'.repeat(64));
    fs.mkdirSync(path.join(orphanLayer, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(orphanLayer, 'etc/x'), 'x'.repeat(10000));
    fs.mkdirSync(path.join(s.root, 'layers', `.tmp-${'b'.repeat(64)}-1234`));
    fs.writeFileSync(path.join(s.root, 'ingest', 'partial'), 'p');
    const before = await s.usage();
    const res = await s.gc();
    expect(res.removedBlobs).toBe(1);
    expect(res.removedLayers).toBe(1);
    expect(res.freedBytes).toBeGreaterThan(10000);
    expect(fs.existsSync(orphanLayer)).toBe(false);
    expect(fs.readdirSync(path.join(s.root, 'ingest'))).toEqual([]);
    expect(fs.readdirSync(path.join(s.root, 'layers')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(s.layerPaths(saved).every((p) => fs.existsSync(p))).toBe(true);
    const after = await s.usage();
    expect(after.mountpoint).toBe(s.root);
    expect(after.usedBytes).toBeLessThan(before.usedBytes);
    expect(after.inodesUsed).toBeLessThan(before.inodesUsed);
    expect(after.inodesUsed).toBeGreaterThan(200);
    expect((await s.gc()).removedBlobs).toBe(0);
  });
});

describe('registry auth and mirrors', () => {
  let locked: TestRegistry;
  let open: TestRegistry;
  const creds = { user: 'skiff', password: 'pa55word' };
  beforeAll(async () => {
    locked = await startRegistry({ htpasswd: creds });
    open = await startRegistry();
    await pushBusyboxImage(locked.host, 'private/busybox:1', { creds });
    await pushBusyboxImage(open.host, 'mirrored/busybox:1');
  });
  afterAll(async () => {
    await locked?.stop();
    await open?.stop();
  });

  test('Basic auth: 401 without credentials, refused with wrong ones, pulled with right ones', async () => {
    const ref = `${locked.host}/private/busybox:1`;
    const none = await store().pull(ref).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(RegistryUnauthorizedError);
    expect(String(none)).toMatch(/unauthorized \(credentials required\)/);
    const wrong = await store().pull(ref, { auth: { username: 'skiff', password: 'bad' } }).catch((e: unknown) => e);
    expect(String(wrong)).toMatch(/credentials refused/);
    const img = await store().pull(ref, { auth: { username: creds.user, password: creds.password } });
    expect(img.repoTags).toEqual([ref]);
    // credentials from the hosts config
    const viaConfig = store({
      hostsConfig: { registries: { [locked.host]: { auth: { auth: Buffer.from('skiff:pa55word').toString('base64') } } } },
    });
    expect((await viaConfig.pull(ref)).id).toBe(img.id);
  });

  test('a mirror from the hosts config serves a registry that does not exist', async () => {
    const s = store({ hostsConfig: { registries: { 'registry.skiff-test.invalid': { mirrors: [`http://${open.host}`] } } } });
    const img = await s.pull('registry.skiff-test.invalid/mirrored/busybox:1');
    expect(img.repoTags).toEqual(['registry.skiff-test.invalid/mirrored/busybox:1']);
    expect(s.layerPaths(img)).toHaveLength(3);
  });
});
