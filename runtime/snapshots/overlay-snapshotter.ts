// Overlay snapshots: image layers are read-only lower dirs shared by every container of an image;
// each snapshot gets its own upper and work dirs under ROOT/<key> and is mounted on a target.
// Mount data is limited to one page, so the lower dirs are named by short symlinks
// (ROOT/<key>/l/0, 1, ...) and the mount runs with the process's cwd there, which makes
// "lowerdir=2:1:0" enough for hundreds of layers.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { MNT_DETACH, mount, SysError, umount2 } from '../sys/libc.js';

export const snapshotKeyPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const PAGE = 4096;

export class SnapshotError extends Error {}

export interface Snapshotter {
  /** mounts an overlay of LOWERDIRS (bottom layer first) with a fresh upper dir at TARGET */
  prepare(key: string, lowerDirs: string[], target: string): Promise<void>;
  /** unmounts and deletes the snapshot (its upper and work dirs); a missing key is fine */
  remove(key: string): Promise<void>;
  upperDir(key: string): string;
  list(): string[];
}

/** pure: the overlay mount data for N lower layers named 0..N-1 (bottom first), cwd = the l/ dir */
export function overlayMountData(layers: number): string {
  const lower = Array.from({ length: layers }, (_v, i) => String(layers - 1 - i)).join(':');
  return `lowerdir=${lower},upperdir=../upper,workdir=../work`;
}

export class OverlaySnapshotter implements Snapshotter {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  private dir(key: string): string {
    if (!snapshotKeyPattern.test(key)) throw new SnapshotError(`key: invalid snapshot key ${JSON.stringify(key)}`);
    return join(this.root, key);
  }

  upperDir(key: string): string {
    return join(this.dir(key), 'upper');
  }

  list(): string[] {
    return readdirSync(this.root).filter((k) => snapshotKeyPattern.test(k));
  }

  async prepare(key: string, lowerDirs: string[], target: string): Promise<void> {
    const dir = this.dir(key);
    if (lowerDirs.length === 0) throw new SnapshotError('lowerDirs: at least one layer is needed');
    lowerDirs.forEach((l, i) => {
      if (!isAbsolute(l)) throw new SnapshotError(`lowerDirs[${i}]: must be an absolute path, got ${JSON.stringify(l)}`);
      let ok = false;
      try {
        ok = statSync(l).isDirectory();
      } catch {
        ok = false;
      }
      if (!ok) throw new SnapshotError(`lowerDirs[${i}]: ${JSON.stringify(l)} is not a directory`);
    });
    if (!isAbsolute(target)) throw new SnapshotError(`target: must be an absolute path, got ${JSON.stringify(target)}`);
    const data = overlayMountData(lowerDirs.length);
    if (data.length >= PAGE) throw new SnapshotError(`lowerDirs: ${lowerDirs.length} layers do not fit in one mount`);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new SnapshotError(`key: snapshot ${JSON.stringify(key)} already exists`);
      throw e;
    }
    const madeTarget = !existsSync(target);
    try {
      mkdirSync(join(dir, 'upper'));
      mkdirSync(join(dir, 'work'));
      mkdirSync(join(dir, 'l'));
      lowerDirs.forEach((l, i) => symlinkSync(l, join(dir, 'l', String(i))));
      writeFileSync(join(dir, 'target'), target);
      mkdirSync(target, { recursive: true });
      const cwd = process.cwd();
      process.chdir(join(dir, 'l'));
      try {
        mount('overlay', target, 'overlay', 0, data);
      } finally {
        process.chdir(cwd);
      }
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      if (madeTarget) rmdirSync(target, { recursive: false });
      throw e instanceof SysError ? new SnapshotError(`mount overlay on ${target}: ${e.code}`) : e;
    }
  }

  async remove(key: string): Promise<void> {
    const dir = this.dir(key);
    if (!existsSync(dir)) return;
    let target: string | undefined;
    try {
      target = readFileSync(join(dir, 'target'), 'utf8');
    } catch {
      target = undefined;
    }
    if (target) {
      try {
        umount2(target, 0);
      } catch (e) {
        const code = e instanceof SysError ? e.code : '';
        if (code === 'EBUSY') umount2(target, MNT_DETACH);
        else if (code !== 'EINVAL' && code !== 'ENOENT') throw e; // not mounted (any more): fine
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
