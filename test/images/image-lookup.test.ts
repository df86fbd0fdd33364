import { expect, test } from 'vitest';
import { chainIds, checkDigest } from '../../runtime/images/digest.js';
import { findImage } from '../../runtime/images/image-lookup.js';
import type { ImageRecord } from '../../runtime/images/image-store.js';
import { choosePlatformManifest } from '../../runtime/images/platform.js';

const id = (c: string): string => `sha256:${c.repeat(64)}`;
const rec = (c: string, tags: string[], digests: string[] = []): ImageRecord => ({
  id: id(c),
  repoTags: tags,
  repoDigests: digests,
  size: 1,
  config: {},
  chainIds: [],
});

const records = [
  rec('a', ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1'], [`docker.io/library/busybox@${id('d')}`]),
  rec('b', ['127.0.0.1:5000/x/y:v1']),
  rec('c', []),
];

test('findImage by names, short names, digests, ids and prefixes', () => {
  expect(findImage(records, 'busybox')?.id).toBe(id('a'));
  expect(findImage(records, 'busybox:1')?.id).toBe(id('a'));
  expect(findImage(records, 'docker.io/library/busybox:latest')?.id).toBe(id('a'));
  expect(findImage(records, `busybox@${id('d')}`)?.id).toBe(id('a'));
  expect(findImage(records, '127.0.0.1:5000/x/y:v1')?.id).toBe(id('b'));
  expect(findImage(records, id('c'))?.id).toBe(id('c'));
  expect(findImage(records, 'c'.repeat(64))?.id).toBe(id('c'));
  expect(findImage(records, 'cccc')?.id).toBe(id('c'));
  expect(findImage(records, 'ccc')).toBeUndefined();
  expect(findImage(records, 'busybox:2')).toBeUndefined();
  expect(findImage(records, '')).toBeUndefined();
  expect(findImage(records, 'Not A Ref')).toBeUndefined();
});

test('choosePlatformManifest', () => {
  const m = (c: string, arch: string, os = 'linux', variant?: string) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: id(c),
    size: 1,
    platform: { os, architecture: arch, ...(variant ? { variant } : {}) },
  });
  const index = { schemaVersion: 2, manifests: [m('1', 'arm64', 'linux', 'v8'), m('2', 'amd64', 'windows'), m('3', 'amd64')] };
  expect(choosePlatformManifest(index).digest).toBe(id('3'));
  expect(() => choosePlatformManifest({ schemaVersion: 2, manifests: [m('4', 's390x')] }, undefined, 'index of x')).toThrow(
    'index of x: no manifest for linux/amd64 (has: linux/s390x)',
  );
  const untyped = { schemaVersion: 2, manifests: [{ mediaType: 'm', digest: id('e'), size: 1 }] };
  expect(choosePlatformManifest(untyped).digest).toBe(id('e'));
});

test('chainIds and digests', () => {
  expect(chainIds([id('1')])).toEqual([id('1')]);
  const [c0, c1] = chainIds([id('1'), id('2')]);
  expect(c0).toBe(id('1'));
  expect(c1).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(c1).not.toBe(id('2'));
  expect(() => chainIds(['nope'])).toThrow('rootfs.diff_ids[0]: invalid digest "nope"');
  expect(() => checkDigest(`sha256:${'A'.repeat(64)}`, 'f')).toThrow(/f: invalid digest/);
});
