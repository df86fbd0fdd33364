// downloadTap: progress with the bytes so far and once at the end, and a body longer than its
// descriptor stopped with the sizes named.
import { describe, expect, test } from 'vitest';
import { downloadTap } from '../../runtime/images/download-tap.js';
import { SizeMismatchError } from '../../runtime/images/errors.js';

async function* pieces(n: number, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < n; i++) yield Buffer.alloc(size);
}

describe('downloadTap', () => {
  test('passes every chunk and reports progress, the last report finished with the total', async () => {
    const reports: Array<[number, boolean]> = [];
    let total = 0;
    for await (const c of downloadTap(pieces(5, 1000), 5000, 'blob x', (done, finished) => reports.push([done, finished]))) {
      total += c.length;
    }
    expect(total).toBe(5000);
    expect(reports[0]).toEqual([1000, false]);
    expect(reports.at(-1)).toEqual([5000, true]);
    expect(reports.filter(([, f]) => f)).toHaveLength(1);
  });

  test('a body longer than the descriptor says fails with SizeMismatchError', async () => {
    const read = async (): Promise<void> => {
      for await (const _ of downloadTap(pieces(5, 1000), 4500, 'blob x', () => undefined)) void _;
    };
    const err = await read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SizeMismatchError);
    expect(String(err)).toMatch(/blob x: size mismatch: expected 4500 bytes, got 5000/);
  });
});
