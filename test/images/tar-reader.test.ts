import { describe, expect, test } from 'vitest';
import { readTar, TarFormatError, type TarEntry } from '../../runtime/images/tar-reader.js';
import { TarWriter } from '../../runtime/images/tar-writer.js';

async function* chunks(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let o = 0; o < data.length; o += size) yield data.subarray(o, o + size);
}

async function readAll(data: Buffer, chunkSize = 7): Promise<Array<{ entry: TarEntry; data: string }>> {
  const out: Array<{ entry: TarEntry; data: string }> = [];
  for await (const { entry, body } of readTar(chunks(data, chunkSize))) {
    const parts: Buffer[] = [];
    for await (const c of body) parts.push(c);
    out.push({ entry, data: Buffer.concat(parts).toString() });
  }
  return out;
}

/** a raw 512-byte header with a valid checksum */
function rawHeader(fields: { name: string; type: string; size: number; prefix?: string; sizeBase256?: boolean }): Buffer {
  const b = Buffer.alloc(512);
  b.write(fields.name, 0, 100);
  b.write('0000644\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  if (fields.sizeBase256) {
    b[124] = 0x80;
    b.writeUIntBE(fields.size, 124 + 12 - 6, 6);
  } else {
    b.write(`${fields.size.toString(8).padStart(11, '0')}\0`, 124);
  }
  b.write('00000000000\0', 136);
  b.write(fields.type, 156);
  b.write('ustar\u000000', 257);
  if (fields.prefix) b.write(fields.prefix, 345, 155);
  b.write('        ', 148);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

function pad(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

describe('readTar', () => {
  test('round-trips every entry type from the writer, across odd chunk sizes', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(130)}`;
    const tar = new TarWriter()
      .add({ name: 'dir', type: 'directory', mode: 0o1777, uid: 5, gid: 6, mtime: 1234 })
      .add({ name: 'dir/file', type: 'file', data: Buffer.from('hello'), mode: 0o4755 })
      .add({ name: 'link', type: 'symlink', linkname: `/target/${'x'.repeat(150)}` })
      .add({ name: 'hard', type: 'hardlink', linkname: 'dir/file' })
      .add({ name: 'dev', type: 'char', devmajor: 1, devminor: 3 })
      .add({ name: 'blk', type: 'block', devmajor: 8, devminor: 1 })
      .add({ name: 'fifo', type: 'fifo' })
      .add({ name: long, type: 'file', data: Buffer.from('long'), xattrs: { 'user.k': 'v' } })
      .add({ name: 'ünïcödé', type: 'file', data: Buffer.alloc(0) })
      .finish();
    for (const size of [1, 7, 512, 100_000]) {
      const got = await readAll(tar, size);
      expect(got.map((g) => [g.entry.name, g.entry.type])).toEqual([
        ['dir/', 'directory'],
        ['dir/file', 'file'],
        ['link', 'symlink'],
        ['hard', 'hardlink'],
        ['dev', 'char'],
        ['blk', 'block'],
        ['fifo', 'fifo'],
        [long, 'file'],
        ['ünïcödé', 'file'],
      ]);
      expect(got[0].entry).toMatchObject({ mode: 0o1777, uid: 5, gid: 6, mtime: 1234 });
      expect(got[1]).toMatchObject({ data: 'hello', entry: { mode: 0o4755, size: 5 } });
      expect(got[2].entry.linkname).toBe(`/target/${'x'.repeat(150)}`);
      expect(got[3].entry.linkname).toBe('dir/file');
      expect(got[4].entry).toMatchObject({ devmajor: 1, devminor: 3 });
      expect(got[7].data).toBe('long');
      expect(got[7].entry.xattrs['user.k'].toString()).toBe('v');
    }
  });

  test('unread bodies are skipped', async () => {
    const tar = new TarWriter()
      .add({ name: 'a', type: 'file', data: Buffer.alloc(3000, 1) })
      .add({ name: 'b', type: 'file', data: Buffer.from('bee') })
      .finish();
    const names: string[] = [];
    let last = '';
    for await (const { entry, body } of readTar(chunks(tar, 100))) {
      names.push(entry.name);
      if (entry.name === 'b') for await (const c of body) last += c.toString();
    }
    expect(names).toEqual(['a', 'b']);
    expect(last).toBe('bee');
  });

  test('GNU long names and link targets, ustar prefix, base-256 sizes', async () => {
    const longName = `${'n'.repeat(150)}/file`;
    const longLink = `${'l'.repeat(150)}/target`;
    const tar = Buffer.concat([
      rawHeader({ name: '././@LongLink', type: 'L', size: longName.length + 1 }),
      pad(Buffer.from(`${longName}\0`)),
      rawHeader({ name: '././@LongLink', type: 'K', size: longLink.length + 1 }),
      pad(Buffer.from(`${longLink}\0`)),
      rawHeader({ name: 'short', type: '2', size: 0 }),
      rawHeader({ name: 'name', type: '0', size: 2, prefix: 'some/prefix' }),
      pad(Buffer.from('hi')),
      rawHeader({ name: 'big', type: '0', size: 3, sizeBase256: true }),
      pad(Buffer.from('abc')),
      Buffer.alloc(1024),
    ]);
    const got = await readAll(tar);
    expect(got.map((g) => g.entry.name)).toEqual([longName, 'some/prefix/name', 'big']);
    expect(got[0].entry).toMatchObject({ type: 'symlink', linkname: longLink });
    expect(got[1].data).toBe('hi');
    expect(got[2].data).toBe('abc');
  });

  test('pax global headers apply to later entries', async () => {
    const record = (k: string, v: string): string => {
      const body = ` ${k}=${v}\n`;
      let len = body.length + 2;
      while (String(len).length + body.length !== len) len = String(len).length + body.length;
      return `${len}${body}`;
    };
    const g = Buffer.from(record('uid', '4242') + record('mtime', '1700000000.5'));
    const tar = Buffer.concat([
      rawHeader({ name: 'pax_global_header', type: 'g', size: g.length }),
      pad(g),
      rawHeader({ name: 'f', type: '0', size: 0 }),
      Buffer.alloc(1024),
    ]);
    const [f] = await readAll(tar);
    expect(f.entry).toMatchObject({ name: 'f', uid: 4242, mtime: 1700000000.5 });
  });

  test('corrupt, truncated and unsupported archives fail with the reason', async () => {
    const good = new TarWriter().add({ name: 'a', type: 'file', data: Buffer.alloc(2000) }).finish();
    const bad = Buffer.from(good);
    bad[10] ^= 0xff;
    await expect(readAll(bad)).rejects.toThrow(/checksum mismatch/);
    await expect(readAll(bad)).rejects.toBeInstanceOf(TarFormatError);
    await expect(readAll(good.subarray(0, 1000))).rejects.toThrow(/truncated/);
    await expect(readAll(good.subarray(0, 512 * 5))).rejects.toThrow(/missing end-of-archive/);
    const sparse = Buffer.concat([rawHeader({ name: 's', type: 'S', size: 0 }), Buffer.alloc(1024)]);
    await expect(readAll(sparse)).rejects.toThrow(/unsupported tar entry type "S"/);
  });
});
