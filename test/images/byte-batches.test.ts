// streamBatches: a stream's small chunks joined into batches of at least the minimum, every byte
// kept in order, a connection closed early reported, and a consumer that stops early ends the stream.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { PrematureCloseError, streamBatches } from '../../runtime/images/byte-batches.js';

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of source) out.push(b);
  return out;
}

describe('streamBatches', () => {
  test('joins small chunks into batches of at least the minimum, keeping every byte in order', async () => {
    const chunks = Array.from({ length: 100 }, (_, i) => Buffer.alloc(1000 + i, i));
    const batches = await collect(streamBatches(Readable.from(chunks), 10_000));
    expect(Buffer.concat(batches).equals(Buffer.concat(chunks))).toBe(true);
    for (const b of batches.slice(0, -1)) expect(b.length).toBeGreaterThanOrEqual(10_000);
    expect(batches.length).toBeLessThan(12);
  });

  test('a chunk already large enough passes as it is', async () => {
    const big = Buffer.alloc(50_000, 7);
    const [first, ...rest] = await collect(streamBatches(Readable.from([big, Buffer.from('tail')]), 10_000));
    expect(first).toBe(big);
    expect(Buffer.concat(rest).toString()).toBe('tail');
  });

  test('a stream that closes before its end fails the read', async () => {
    const s = new PassThrough();
    const reading = collect(streamBatches(s, 10));
    s.write(Buffer.from('partial'));
    s.destroy();
    await expect(reading).rejects.toBeInstanceOf(PrematureCloseError);
  });

  test('an error of the stream is thrown to the reader', async () => {
    const s = new PassThrough();
    const reading = collect(streamBatches(s, 10));
    s.destroy(new Error('connection reset'));
    await expect(reading).rejects.toThrow('connection reset');
  });

  test('a reader that stops early destroys the stream', async () => {
    const s = new PassThrough();
    s.write(Buffer.alloc(100));
    for await (const b of streamBatches(s, 10)) {
      expect(b.length).toBe(100);
      break;
    }
    expect(s.destroyed).toBe(true);
  });
});
