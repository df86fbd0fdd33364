// Unpacks one layer tar (gzip or plain, detected by magic) into an empty directory: ownership,
// modes, times, symlinks, hardlinks, device nodes, xattrs, and OCI whiteouts turned into overlayfs
// ones (`.wh.x` → a 0/0 character device, `.wh..wh..opq` → `trusted.overlay.opaque=y`). No entry
// may leave the directory or be written through a symlink. Returns the diff ID (sha256 of the tar).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { decompressed } from './decompress.js';
import { ancestors, classifyWhiteout, cleanEntryPath, LayerEscapeError } from './entry-path.js';
import { lsetxattr, lutimesNs, mknod, S_IFBLK, S_IFCHR, S_IFIFO, SysCallError } from './sys-calls.js';
import { readTar, type TarEntry } from './tar-reader.js';

export interface UnpackResult {
  /** sha256 of the uncompressed tar */
  diffId: string;
  /** bytes of the uncompressed tar */
  tarSize: number;
}

type Kind = 'dir' | 'symlink' | 'other';

const O_WRITE_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW;

/** unpacks `source` (the layer blob's bytes, compressed or not) into the existing empty `dest` */
export async function unpackLayer(source: AsyncIterable<Buffer>, dest: string): Promise<UnpackResult> {
  const hash = createHash('sha256');
  let tarSize = 0;
  const tar = decompressed(source);
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of tar) {
      hash.update(chunk);
      tarSize += chunk.length;
      yield chunk;
    }
  }
  const unpacker = new Unpacker(dest);
  for await (const { entry, body } of readTar(hashed())) {
    await unpacker.apply(entry, body);
  }
  unpacker.finish();
  return { diffId: `sha256:${hash.digest('hex')}`, tarSize };
}

/**
 * Applies entries one after the other with synchronous calls: unpacking runs on a worker thread,
 * and a file system call made there costs a fraction of one sent to the shared libuv pool and
 * waited for (a layer of small files and symlinks would otherwise cost a pool round trip per call).
 */
class Unpacker {
  /** everything this unpack created, by cleaned relative path */
  private readonly created = new Map<string, Kind>([['', 'dir']]);
  private readonly dirTimes: Array<{ abs: string; mtime: number }> = [];

  constructor(private readonly root: string) {}

  async apply(entry: TarEntry, body: AsyncIterable<Buffer>): Promise<void> {
    const rel = cleanEntryPath(entry.name);
    const wh = classifyWhiteout(rel);
    if (wh.kind === 'opaque') {
      this.ensureDir(wh.dir, entry.name);
      lsetxattr(this.abs(wh.dir), 'trusted.overlay.opaque', 'y');
      return;
    }
    if (wh.kind === 'whiteout') {
      this.prepare(wh.path, entry.name);
      mknod(this.abs(wh.path), S_IFCHR | 0o000, 0, 0);
      this.created.set(wh.path, 'other');
      return;
    }
    if (rel === '') {
      if (entry.type !== 'directory') throw new LayerEscapeError(`entry ${JSON.stringify(entry.name)}: the layer root must be a directory`);
      this.setOwnerMode(this.root, entry, false);
      this.dirTimes.push({ abs: this.root, mtime: entry.mtime });
      return;
    }
    const abs = this.abs(rel);
    if (entry.type === 'directory') {
      this.checkParents(rel, entry.name);
      this.ensureParents(rel, entry.name);
      if (this.created.get(rel) !== 'dir') {
        this.removeExisting(rel);
        fs.mkdirSync(abs, { mode: 0o700 });
        this.created.set(rel, 'dir');
      }
      this.setOwnerMode(abs, entry, false);
      this.setXattrs(abs, entry);
      this.dirTimes.push({ abs, mtime: entry.mtime });
      return;
    }
    this.prepare(rel, entry.name);
    switch (entry.type) {
      case 'file':
        await this.writeFile(abs, entry, body);
        this.created.set(rel, 'other');
        break;
      case 'symlink':
        fs.symlinkSync(entry.linkname, abs);
        this.created.set(rel, 'symlink');
        fs.lchownSync(abs, entry.uid, entry.gid);
        this.setXattrs(abs, entry);
        lutimesNs(abs, entry.mtime, entry.mtime);
        break;
      case 'hardlink': {
        const target = cleanEntryPath(entry.linkname, `hardlink ${JSON.stringify(entry.name)} target`);
        this.checkParents(target, entry.name);
        const kind = this.created.get(target);
        if (!kind || kind === 'dir') {
          throw new LayerEscapeError(
            `hardlink ${JSON.stringify(entry.name)}: target ${JSON.stringify(entry.linkname)} is not a file earlier in the layer`,
          );
        }
        fs.linkSync(this.abs(target), abs);
        this.created.set(rel, kind);
        break;
      }
      case 'char':
      case 'block':
      case 'fifo': {
        const typeBits = entry.type === 'char' ? S_IFCHR : entry.type === 'block' ? S_IFBLK : S_IFIFO;
        mknod(abs, typeBits | (entry.mode & 0o777), entry.devmajor, entry.devminor);
        this.created.set(rel, 'other');
        this.setOwnerMode(abs, entry, false);
        lutimesNs(abs, entry.mtime, entry.mtime);
        break;
      }
    }
  }

  /** sets directory times last, so creating their children does not disturb them */
  finish(): void {
    for (const { abs, mtime } of this.dirTimes) lutimesNs(abs, mtime, mtime);
  }

  private abs(rel: string): string {
    return rel === '' ? this.root : path.join(this.root, rel);
  }

  /** parents must not be symlinks (or anything but directories) created by this layer */
  private checkParents(rel: string, name: string): void {
    for (const a of ancestors(rel)) {
      const kind = this.created.get(a);
      if (kind === 'symlink') {
        throw new LayerEscapeError(`entry ${JSON.stringify(name)}: would be written through the symlink ${JSON.stringify(a)}`);
      }
      if (kind === 'other') throw new LayerEscapeError(`entry ${JSON.stringify(name)}: parent ${JSON.stringify(a)} is not a directory`);
    }
  }

  private ensureParents(rel: string, name: string): void {
    for (const a of ancestors(rel)) this.ensureDir(a, name);
  }

  private ensureDir(rel: string, name: string): void {
    if (rel === '' || this.created.get(rel) === 'dir') return;
    this.checkParents(rel, name);
    this.ensureParents(rel, name);
    if (this.created.get(rel) === 'symlink') {
      throw new LayerEscapeError(`entry ${JSON.stringify(name)}: would be written through the symlink ${JSON.stringify(rel)}`);
    }
    this.removeExisting(rel);
    fs.mkdirSync(this.abs(rel), { mode: 0o755 });
    this.created.set(rel, 'dir');
  }

  /** parents checked and created, and whatever this layer put at `rel` before removed */
  private prepare(rel: string, name: string): void {
    this.checkParents(rel, name);
    this.ensureParents(rel, name);
    this.removeExisting(rel);
  }

  private removeExisting(rel: string): void {
    const kind = this.created.get(rel);
    if (!kind) return;
    fs.rmSync(this.abs(rel), { recursive: true, force: true });
    this.created.delete(rel);
    if (kind === 'dir') {
      const prefix = `${rel}/`;
      for (const k of [...this.created.keys()]) if (k.startsWith(prefix)) this.created.delete(k);
    }
  }

  /** streams the body through synchronous writes, then sets owner, mode, xattrs and times */
  private async writeFile(abs: string, entry: TarEntry, body: AsyncIterable<Buffer>): Promise<void> {
    const fd = fs.openSync(abs, O_WRITE_NEW, 0o600);
    try {
      for await (const chunk of body) {
        let off = 0;
        while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      }
      fs.fchownSync(fd, entry.uid, entry.gid);
      fs.fchmodSync(fd, entry.mode);
      this.setXattrs(abs, entry);
      fs.futimesSync(fd, entry.mtime, entry.mtime);
    } finally {
      fs.closeSync(fd);
    }
  }

  private setOwnerMode(abs: string, entry: TarEntry, isSymlink: boolean): void {
    fs.lchownSync(abs, entry.uid, entry.gid);
    if (!isSymlink) fs.chmodSync(abs, entry.mode);
  }

  private setXattrs(abs: string, entry: TarEntry): void {
    for (const [name, value] of Object.entries(entry.xattrs)) {
      try {
        lsetxattr(abs, name, value);
      } catch (e) {
        if (e instanceof SysCallError && e.code === 'ENOTSUP') continue;
        throw e;
      }
    }
  }
}
