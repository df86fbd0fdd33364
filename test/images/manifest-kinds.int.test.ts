// Docker schema 2 manifests and manifest lists (the linux/amd64 entry is chosen), and schema 1
// refused by name, against the in-process fake registry.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { sha256Digest } from '../../runtime/images/digest.js';
import { createImageStore, type LocalImageStore } from '../../runtime/images/local-image-store.js';
import { MEDIA } from '../../runtime/images/media-types.js';
import { TarWriter } from '../../runtime/images/tar-writer.js';
import { makeImage, startFakeRegistry, type FakeImage } from './fake-registry.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void> | void)();
});

function store(): LocalImageStore {
  const root = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-images-'));
  const s = createImageStore({ root });
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
  cleanups.push(() => s.close());
  return s;
}

const layer = (text: string): Buffer => new TarWriter().add({ name: 'which', type: 'file', data: Buffer.from(text) }).finish();

/** the same image re-described with Docker schema 2 media types */
function asDocker(img: FakeImage): FakeImage {
  const m = JSON.parse(img.manifest.toString()) as { config: { mediaType: string }; layers: Array<{ mediaType: string }> };
  m.config.mediaType = MEDIA.dockerConfig;
  for (const l of m.layers) l.mediaType = MEDIA.dockerLayerGzip;
  const manifest = Buffer.from(JSON.stringify({ ...m, mediaType: MEDIA.dockerManifest }));
  return { ...img, manifest, digest: sha256Digest(manifest) };
}

test('a Docker manifest list: the linux/amd64 Docker schema 2 image is pulled, nothing else', async () => {
  const reg = await startFakeRegistry();
  cleanups.push(() => reg.stop());
  const amd = asDocker(makeImage([layer('amd64')], { Cmd: ['amd'] }));
  const arm = asDocker(makeImage([layer('arm64')], { Cmd: ['arm'] }));
  const list = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.dockerList,
      manifests: [
        { mediaType: MEDIA.dockerManifest, digest: arm.digest, size: arm.manifest.length, platform: { architecture: 'arm64', os: 'linux' } },
        { mediaType: MEDIA.dockerManifest, digest: amd.digest, size: amd.manifest.length, platform: { architecture: 'amd64', os: 'linux' } },
      ],
    }),
  );
  reg.add('multi/app', 'arm-only', arm);
  reg.add('multi/app', 'amd-only', amd);
  reg.manifests.get('multi/app')?.set('v1', list);
  const s = store();
  const img = await s.pull(`${reg.host}/multi/app:v1`);
  expect(img.id).toBe(amd.configDigest);
  expect(img.config.Cmd).toEqual(['amd']);
  expect(img.repoDigests).toEqual([`${reg.host}/multi/app@${sha256Digest(list)}`]);
  expect(fs.readFileSync(path.join(s.layerPaths(img)[0], 'which'), 'utf8')).toBe('amd64');
  expect(reg.requests).not.toContain(`GET /v2/multi/app/blobs/${arm.layerDigests[0]}`);
  expect(reg.requests).not.toContain(`GET /v2/multi/app/manifests/${arm.digest}`);
});

test('Docker schema 1 manifests are refused by name', async () => {
  const reg = await startFakeRegistry();
  cleanups.push(() => reg.stop());
  const v1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'old/app', tag: 'v1', fsLayers: [] }));
  reg.manifests.set('old/app', new Map([['v1', v1]]));
  await expect(store().pull(`${reg.host}/old/app:v1`)).rejects.toThrow(/schema 1 manifests are not supported/);
});

test('a manifest whose layer count disagrees with the config is refused', async () => {
  const reg = await startFakeRegistry();
  cleanups.push(() => reg.stop());
  const img = makeImage([layer('one')]);
  const m = JSON.parse(img.manifest.toString()) as { layers: unknown[] };
  m.layers.push(m.layers[0]);
  const manifest = Buffer.from(JSON.stringify(m));
  reg.add('bad/count', 'v1', { ...img, manifest, digest: sha256Digest(manifest) });
  await expect(store().pull(`${reg.host}/bad/count:v1`)).rejects.toThrow(/manifest has 2 layers but the config lists 1 diff IDs/);
});
