// The store lock holds across processes: two stores on one root stand for the runtime and
// `skiff image` (flock conflicts between two open files just as between two processes).
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createImageStore } from '../../runtime/images/local-image-store.js';
import { TarWriter } from '../../runtime/images/tar-writer.js';
import { makeImage, startFakeRegistry } from './fake-registry.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void> | void)();
});

test('gc in another process waits for a pull in progress and keeps what it pulled', async () => {
  const reg = await startFakeRegistry();
  cleanups.push(() => reg.stop());
  const layer = (n: string): Buffer => new TarWriter().add({ name: n, type: 'file', data: Buffer.from(n) }).finish();
  const img = makeImage([layer('one'), layer('two')]);
  reg.add('slow/image', 'v1', img);
  const root = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-images-'));
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
  const runtime = createImageStore({ root });
  const cli = createImageStore({ root });
  cleanups.push(() => runtime.close());
  cleanups.push(() => cli.close());

  const release = reg.hold(img.layerDigests[1]);
  const pulling = runtime.pull(`${reg.host}/slow/image:v1`);
  // wait until the first layer is in and the second is being requested
  for (let i = 0; i < 200 && !reg.requests.includes(`GET /v2/slow/image/blobs/${img.layerDigests[1]}`); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  let gcDone = false;
  const gc = cli.gc().then((r) => {
    gcDone = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 300));
  expect(gcDone).toBe(false);
  release();
  const pulled = await pulling;
  const result = await gc;
  expect(result).toMatchObject({ removedBlobs: 0, removedLayers: 0 });
  expect(cli.layerPaths(pulled).every((p) => fs.existsSync(p))).toBe(true);
  expect((await cli.get(`${reg.host}/slow/image:v1`))?.id).toBe(img.configDigest);
});
