// A streaming tar reader: ustar, pax extended headers (`x` per entry, `g` global; path,
// linkpath, size, uid, gid, mtime, SCHILY.xattr.*), GNU long names (`L`, `K`) and base-256
// numbers. Each entry's body must be read (or is skipped) before the next entry is produced.
import { ByteReader } from './byte-reader.js';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface TarEntry {
  /** the path as written in the archive (not cleaned) */
  name: string;
  type: TarEntryType;
  /** permission bits including setuid/setgid/sticky */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** seconds since the epoch (may be fractional from pax) */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  xattrs: Record<string, Buffer>;
}

export class TarFormatError extends Error {}

const BLOCK = 512;
const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'directory',
  '6': 'fifo',
};

export interface TarItem {
  entry: TarEntry;
  /** the entry's data, exactly entry.size bytes for regular files */
  body: AsyncIterable<Buffer>;
}

export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarItem> {
  const reader = new ByteReader(source);
  try {
    yield* entries(reader);
  } finally {
    await reader.close();
  }
}

async function* entries(reader: ByteReader): AsyncGenerator<TarItem> {
  let globalPax: Record<string, Buffer> = {};
  let pax: Record<string, Buffer> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let index = 0;
  for (;;) {
    const block = await reader.readExact(BLOCK);
    if (!block) throw new TarFormatError('truncated tar: missing end-of-archive blocks');
    if (isZero(block)) {
      // consume the rest (the second end block and record padding) so upstream hashes see it all
      await reader.drain();
      return;
    }
    index++;
    verifyChecksum(block, index);
    const flag = String.fromCharCode(block[156]);
    const size = num(block, 124, 12, 'size', index);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      const data = await reader.readExact(padded);
      if (!data && padded > 0) throw new TarFormatError(`truncated tar in extended header #${index}`);
      const body = (data ?? Buffer.alloc(0)).subarray(0, size);
      if (flag === 'x') pax = { ...pax, ...parsePax(body, index) };
      else if (flag === 'g') globalPax = { ...globalPax, ...parsePax(body, index) };
      else if (flag === 'L') longName = cString(body);
      else longLink = cString(body);
      continue;
    }
    const type = TYPES[flag];
    if (!type) throw new TarFormatError(`unsupported tar entry type ${JSON.stringify(flag)} in header #${index}`);
    const ext = { ...globalPax, ...pax };
    const isUstar = block.toString('latin1', 257, 262) === 'ustar';
    const prefix = isUstar && block[345] !== 0 ? cString(block.subarray(345, 500)) : '';
    let name = ext.path ? ext.path.toString('utf8') : (longName ?? cString(block.subarray(0, 100)));
    if (!ext.path && longName === undefined && prefix) name = `${prefix}/${name}`;
    const xattrs: Record<string, Buffer> = {};
    for (const [k, v] of Object.entries(ext)) if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice(13)] = v;
    const entrySize = ext.size ? paxNumber(ext.size, 'size', index) : size;
    const entry: TarEntry = {
      name,
      type: type === 'file' && name.endsWith('/') && flag === '\0' ? 'directory' : type,
      mode: num(block, 100, 8, 'mode', index) & 0o7777,
      uid: ext.uid ? paxNumber(ext.uid, 'uid', index) : num(block, 108, 8, 'uid', index),
      gid: ext.gid ? paxNumber(ext.gid, 'gid', index) : num(block, 116, 8, 'gid', index),
      size: type === 'file' ? entrySize : 0,
      mtime: ext.mtime ? Number(ext.mtime.toString()) : num(block, 136, 12, 'mtime', index),
      linkname: ext.linkpath ? ext.linkpath.toString('utf8') : (longLink ?? cString(block.subarray(157, 257))),
      devmajor: isUstar ? num(block, 329, 8, 'devmajor', index) : 0,
      devminor: isUstar ? num(block, 337, 8, 'devminor', index) : 0,
      xattrs,
    };
    pax = {};
    longName = undefined;
    longLink = undefined;
    // a hardlink or other non-file entry may still carry data blocks; they are skipped
    const dataBytes = type === 'file' ? entrySize : size;
    const dataPadded = Math.ceil(dataBytes / BLOCK) * BLOCK;
    reader.startRun(dataBytes);
    yield { entry, body: type === 'file' ? reader.chunks() : (async function* () {})() };
    await reader.skipPending();
    await reader.skip(dataPadded - dataBytes);
  }
}

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end < 0 ? b.length : end);
}

function num(b: Buffer, off: number, len: number, field: string, index: number): number {
  if (b[off] & 0x80) {
    // base-256: big-endian two's complement with the top bit of the first byte as the marker
    let v = BigInt(b[off] & 0x7f);
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(b[off + i]);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TarFormatError(`tar header #${index}: ${field} too large`);
    return Number(v);
  }
  const s = b.toString('latin1', off, off + len).replace(/[\0 ]+$/g, '').replace(/^[ ]+/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`tar header #${index}: invalid ${field} ${JSON.stringify(s)}`);
  return parseInt(s, 8);
}

function paxNumber(v: Buffer, field: string, index: number): number {
  const s = v.toString();
  if (!/^[0-9]+$/.test(s)) throw new TarFormatError(`tar pax header #${index}: invalid ${field} ${JSON.stringify(s)}`);
  return Number(s);
}

function verifyChecksum(block: Buffer, index: number): void {
  const want = num(block, 148, 8, 'checksum', index);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  if (want !== unsigned && want !== signed) {
    throw new TarFormatError(`tar header #${index}: checksum mismatch (not a tar archive or corrupted)`);
  }
}

function parsePax(body: Buffer, index: number): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break;
    const sp = body.indexOf(0x20, pos);
    const len = sp < 0 ? NaN : Number(body.toString('latin1', pos, sp));
    if (!Number.isInteger(len) || len <= 0 || pos + len > body.length) {
      throw new TarFormatError(`tar pax header #${index}: malformed record at byte ${pos}`);
    }
    const rec = body.subarray(sp + 1, pos + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw new TarFormatError(`tar pax header #${index}: record without '=' at byte ${pos}`);
    out[rec.toString('utf8', 0, eq)] = Buffer.from(rec.subarray(eq + 1));
    pos += len;
  }
  return out;
}
