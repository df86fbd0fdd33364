// Detects the compression of a layer or archive by its magic bytes: gzip (1f 8b) is
// decompressed, plain tar passes through, zstd is refused by name.
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Size of gunzip's output pieces: what follows (hashing, tar parsing, file writes) costs per
 * piece as well as per byte, so a 1 MiB download batch (of incompressible data) comes out in one
 * piece, not several.
 */
const GUNZIP_CHUNK = 1024 * 1024;

export async function* decompressed(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  let input: Readable | undefined;
  try {
    let first = await it.next();
    while (!first.done && first.value.length === 0) first = await it.next();
    if (first.done) return;
    const head: Buffer = first.value;
    const rest = (async function* () {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })();
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
      input = Readable.from(rest, { objectMode: false });
      input.on('error', (e) => gunzip.destroy(e));
      yield* input.pipe(gunzip) as AsyncIterable<Buffer>;
      return;
    }
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) {
      throw new Error('zstd compression is not supported (want gzip or plain tar)');
    }
    yield* rest;
  } finally {
    input?.destroy();
    await it.return?.();
  }
}
