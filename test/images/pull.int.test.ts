// Pulls the three-layer busybox test image from a real registry (Debian's docker-registry) and
// checks the unpacked layers, the overlay view of them, lookups, and concurrent pulls.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createImageStore, type LocalImageStore } from '../../runtime/images/local-image-store.js';
import { lgetxattr } from '../../runtime/images/sys-calls.js';
import { pushBusyboxImage, type PushedImage } from '../fixtures/busybox-image.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry.js';

let registry: TestRegistry;
let pushed: PushedImage;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  registry = await startRegistry();
  pushed = await pushBusyboxImage(registry.host, 'test/busybox:1');
});
afterAll(async () => {
  await registry?.stop();
});
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void> | void)();
});

function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-images-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function store(root = tempRoot()): LocalImageStore {
  const s = createImageStore({ root });
  cleanups.push(() => s.close());
  return s;
}

describe('pull', () => {
  test('by tag: record, config and unpacked layers', async () => {
    const s = store();
    const phases = new Set<string>();
    const img = await s.pull(pushed.ref, { onProgress: (p) => phases.add(p.phase) });
    expect(img.id).toBe(pushed.configDigest);
    expect(img.repoTags).toEqual([pushed.ref]);
    expect(img.repoDigests).toEqual([`${registry.host}/test/busybox@${pushed.digest}`]);
    expect(img.config).toMatchObject({ Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hello'], WorkingDir: '/data' });
    expect(img.config.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(img.chainIds).toHaveLength(3);
    expect(phases.has('done')).toBe(true);

    const [l0, l1, l2] = s.layerPaths(img);
    expect(fs.readlinkSync(path.join(l0, 'bin/sh'))).toBe('/bin/busybox');
    expect(fs.statSync(path.join(l0, 'bin/busybox')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(l0, 'tmp')).mode & 0o7777).toBe(0o1777);
    expect(fs.statSync(path.join(l0, 'etc/passwd')).mtimeMs).toBe(1_700_000_000_000);
    // whiteout → 0/0 character device
    const wh = fs.lstatSync(path.join(l1, 'etc/remove-me'));
    expect(wh.isCharacterDevice()).toBe(true);
    expect(wh.rdev).toBe(0);
    // opaque directory → trusted.overlay.opaque=y, and no marker file
    expect(lgetxattr(path.join(l2, 'data'), 'trusted.overlay.opaque')?.toString()).toBe('y');
    expect(fs.existsSync(path.join(l2, 'data/.wh..wh..opq'))).toBe(false);
    const owned = fs.statSync(path.join(l2, 'srv/owned'));
    expect([owned.uid, owned.gid, owned.mode & 0o777]).toEqual([1000, 1000, 0o640]);
    expect(fs.statSync(path.join(l2, 'data/new-link')).ino).toBe(fs.statSync(path.join(l2, 'data/new')).ino);
    const dev = fs.statSync(path.join(l2, 'dev/skiff-null'));
    expect(dev.isCharacterDevice()).toBe(true);
    expect(dev.rdev).toBe((1 << 8) | 3);
  });

  test('whiteouts apply through a real overlay mount', async () => {
    const s = store();
    const img = await s.pull(pushed.ref);
    const merged = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-overlay-'));
    cleanups.push(() => fs.rmSync(merged, { recursive: true, force: true }));
    const lower = s.layerPaths(img).reverse().join(':');
    execFileSync('mount', ['-t', 'overlay', 'skiff-test-overlay', '-o', `lowerdir=${lower}`, merged]);
    try {
      expect(fs.existsSync(path.join(merged, 'etc/remove-me'))).toBe(false);
      expect(fs.readFileSync(path.join(merged, 'etc/layer2'), 'utf8')).toBe('from layer 2\n');
      expect(fs.readdirSync(path.join(merged, 'data')).sort()).toEqual(['new', 'new-link']);
      expect(fs.existsSync(path.join(merged, 'etc/passwd'))).toBe(true);
      const out = execFileSync('chroot', [merged, '/bin/sh', '-c', 'cat /data/new; ls /data'], { encoding: 'utf8' });
      expect(out).toBe('new data\nnew\nnew-link\n');
    } finally {
      execFileSync('umount', [merged]);
    }
  });

  test('by digest, and lookups by short name, id, id prefix and digest reference', async () => {
    const s = store();
    const byDigest = await s.pull(`${registry.host}/test/busybox@${pushed.digest}`);
    expect(byDigest.id).toBe(pushed.configDigest);
    expect(byDigest.repoTags).toEqual([]);
    expect(byDigest.repoDigests).toEqual([`${registry.host}/test/busybox@${pushed.digest}`]);
    await s.pull(pushed.ref);
    expect((await s.list()).length).toBe(1);
    expect((await s.get(pushed.ref))?.repoTags).toEqual([pushed.ref]);
    expect((await s.get(byDigest.id))?.id).toBe(byDigest.id);
    expect((await s.get(byDigest.id.slice(7, 19)))?.id).toBe(byDigest.id);
    expect((await s.get(`${registry.host}/test/busybox@${pushed.digest}`))?.id).toBe(byDigest.id);
    expect(await s.get(`${registry.host}/test/busybox:2`)).toBeUndefined();
    await expect(s.pull(`${registry.host}/test/busybox:nope`)).rejects.toThrow(/not found/);
  });

  test('concurrent pulls of one image download each blob once', async () => {
    const counts = new Map<string, number>();
    const proxy = http.createServer((req, res) => {
      const m = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(req.url ?? '');
      if (m && req.method === 'GET') counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
      const up = http.request(`http://${registry.host}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => proxy.close(() => r())));
    proxy.unref();
    const port = (proxy.address() as AddressInfo).port;
    const s1 = store();
    const ref = `127.0.0.1:${port}/test/busybox:1`;
    const [a, b, c] = await Promise.all([s1.pull(ref), s1.pull(ref), s1.pull(ref)]);
    expect(a.id).toBe(b.id);
    expect(b.id).toBe(c.id);
    for (const d of [...pushed.layerDigests, pushed.configDigest]) expect(counts.get(d)).toBe(1);
    // pulling again downloads nothing
    counts.clear();
    await s1.pull(ref);
    expect([...counts.values()].reduce((x, y) => x + y, 0)).toBe(0);
  });
});
