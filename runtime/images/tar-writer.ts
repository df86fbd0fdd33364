// A small in-memory tar writer (ustar, with a pax extended header for names, link targets or
// sizes that do not fit ustar). Used to build image layers and OCI layout archives; reading tars
// lives in tar-reader.ts.

export type TarWriteType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarWriteEntry {
  /** path inside the archive, without a leading `/` (directories may end with `/`) */
  name: string;
  type: TarWriteType;
  mode?: number;
  uid?: number;
  gid?: number;
  /** seconds since the epoch */
  mtime?: number;
  /** contents of a regular file */
  data?: Buffer;
  /** target of a symlink or hardlink */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** extended attributes, written as pax `SCHILY.xattr.<name>` records */
  xattrs?: Record<string, string>;
}

const TYPE_FLAGS: Record<TarWriteType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
};

const BLOCK = 512;

export class TarWriter {
  private readonly chunks: Buffer[] = [];

  add(entry: TarWriteEntry): this {
    const data = entry.type === 'file' ? (entry.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const name = entry.type === 'directory' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
    const linkname = entry.linkname ?? '';
    const pax: Record<string, string> = {};
    if (Buffer.byteLength(name) > 100 || !isAscii(name)) pax.path = name;
    if (Buffer.byteLength(linkname) > 100 || !isAscii(linkname)) pax.linkpath = linkname;
    if (data.length > 0o77777777777) pax.size = String(data.length);
    for (const [k, v] of Object.entries(entry.xattrs ?? {})) pax[`SCHILY.xattr.${k}`] = v;
    if (Object.keys(pax).length > 0) {
      const body = encodePax(pax);
      this.chunks.push(header({ name: 'PaxHeaders/entry', typeflag: 'x', size: body.length, mode: 0o644 }));
      this.pushData(body);
    }
    this.chunks.push(
      header({
        name: truncateAscii(name, 100),
        typeflag: TYPE_FLAGS[entry.type],
        size: data.length,
        mode: entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644),
        uid: entry.uid,
        gid: entry.gid,
        mtime: entry.mtime,
        linkname: truncateAscii(linkname, 100),
        devmajor: entry.devmajor,
        devminor: entry.devminor,
      }),
    );
    this.pushData(data);
    return this;
  }

  /** the archive: entries followed by two zero blocks */
  finish(): Buffer {
    return Buffer.concat([...this.chunks, Buffer.alloc(BLOCK * 2)]);
  }

  private pushData(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) this.chunks.push(Buffer.alloc(pad));
  }
}

interface HeaderFields {
  name: string;
  typeflag: string;
  size: number;
  mode: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

function header(h: HeaderFields): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  writeOctal(b, 100, 8, h.mode & 0o7777);
  writeOctal(b, 108, 8, h.uid ?? 0);
  writeOctal(b, 116, 8, h.gid ?? 0);
  writeOctal(b, 124, 12, h.size > 0o77777777777 ? 0 : h.size);
  writeOctal(b, 136, 12, Math.floor(h.mtime ?? 0));
  b.write('        ', 148, 8, 'ascii');
  b.write(h.typeflag, 156, 1, 'ascii');
  b.write(h.linkname ?? '', 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'ascii');
  writeOctal(b, 329, 8, h.devmajor ?? 0);
  writeOctal(b, 337, 8, h.devminor ?? 0);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i];
  writeOctal(b, 148, 7, sum);
  return b;
}

function writeOctal(b: Buffer, off: number, len: number, value: number): void {
  const s = value.toString(8).padStart(len - 1, '0');
  b.write(s.slice(-(len - 1)), off, len - 1, 'ascii');
  b[off + len - 1] = 0;
}

function encodePax(records: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    const bodyLen = Buffer.byteLength(body);
    let len = bodyLen + 1;
    while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
    parts.push(Buffer.from(`${len}${body}`));
  }
  return Buffer.concat(parts);
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

function truncateAscii(s: string, max: number): string {
  return isAscii(s) && s.length <= max ? s : s.replace(/[^\x20-\x7e]/g, '_').slice(0, max);
}
