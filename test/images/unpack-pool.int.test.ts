// The worker-thread unpacker, which only runs from the compiled output (`npm run build`): same
// results as the inline unpacker, the blob copied on the way, errors carried back with their class, workers reusable after a
// failure, and a failing source stops the worker before the caller cleans up.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { sha256Digest } from '../../runtime/images/digest.js';
import { TarWriter } from '../../runtime/images/tar-writer.js';
import { busyboxTestLayers } from '../fixtures/busybox-image.js';
import { requireBuilt } from '../fixtures/require-build.js';

const dist = (file: string): string => fileURLToPath(new URL(`../../dist/runtime/images/${file}`, import.meta.url));
const distPool = dist('unpack-pool.js');

type Pool = typeof import('../../runtime/images/unpack-pool.js');
type Errors = typeof import('../../runtime/images/entry-path.js');

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) (cleanups.pop() as () => void)();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'skiff-test-unpack-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function* chunks(data: Buffer, size = 50_000): AsyncGenerator<Buffer> {
  for (let o = 0; o < data.length; o += size) yield data.subarray(o, o + size);
}

describe('unpack pool (compiled workers)', () => {
  requireBuilt(distPool, dist('unpack-worker.js'));
  test('unpacks like the inline unpacker, reports errors by class, and survives failures', async () => {
    const pool = (await import(distPool)) as Pool;
    const { LayerEscapeError } = (await import(dist('entry-path.js'))) as Errors;
    expect(pool.workersAvailable()).toBe(true);
    const layers = await busyboxTestLayers();
    const results = await Promise.all(layers.map((l) => pool.unpackLayerPooled(chunks(l), tempDir())));
    expect(results.map((r) => r.tarSize)).toEqual(layers.map((l) => l.length));

    // the raw bytes copied to a blob file on the way, with their digest
    const blobFile = path.join(tempDir(), 'blob');
    const teed = await pool.unpackLayerPooled(chunks(layers[2]), tempDir(), blobFile);
    expect(teed.blob).toEqual({ digest: sha256Digest(layers[2]), size: layers[2].length });
    expect(fs.readFileSync(blobFile).equals(layers[2])).toBe(true);

    const evil = new TarWriter().add({ name: '../skiff-escape', type: 'file', data: Buffer.from('x') }).finish();
    const dest = tempDir();
    const err = await pool.unpackLayerPooled(chunks(evil), dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayerEscapeError);
    expect(String(err)).toMatch(/escapes the layer/);
    expect(fs.existsSync(path.join(dest, '..', 'skiff-escape'))).toBe(false);

    async function* failing(): AsyncGenerator<Buffer> {
      yield layers[0].subarray(0, 100_000);
      throw new Error('download broke');
    }
    const dest2 = tempDir();
    await expect(pool.unpackLayerPooled(failing(), dest2)).rejects.toThrow('download broke');
    // the worker has stopped: nothing changes in the directory any more
    const before = fs.readdirSync(dest2, { recursive: true }).length;
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(dest2, { recursive: true }).length).toBe(before);

    // reused workers still work
    const again = await Promise.all(layers.map((l) => pool.unpackLayerPooled(chunks(l), tempDir())));
    expect(again.map((r) => r.diffId)).toEqual(results.map((r) => r.diffId));
  });
});
