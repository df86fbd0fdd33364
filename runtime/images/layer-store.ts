// Unpacked layers keyed by chain ID: `<root>/layers/<chainID hex>/`. A layer is unpacked into
// `<root>/layers/.tmp-<hex>-<random>/` and renamed into place only when its diff ID matched, so a
// crash never leaves a half layer that looks complete. Concurrent requests for one chain ID share
// one unpack. On ext4 the layers dir is marked a top of unrelated hierarchies (chattr +T), so each
// layer's inodes are spread to a roomy block group instead of the crowded one of the store's parent.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { digestHex } from './digest.js';
import { DigestMismatchError } from './errors.js';
import type { UnpackResult } from './layer-unpacker.js';
import { SingleFlight } from './single-flight.js';
import { addInodeFlags, FS_TOPDIR_FL, SysCallError } from './sys-calls.js';

export const LAYER_TMP_PREFIX = '.tmp-';

export class LayerStore {
  readonly dir: string;
  private readonly flights = new SingleFlight<boolean>();

  constructor(root: string) {
    this.dir = path.join(root, 'layers');
    fs.mkdirSync(this.dir, { recursive: true });
    spreadChildren(this.dir);
  }

  path(chainId: string): string {
    return path.join(this.dir, digestHex(chainId));
  }

  has(chainId: string): boolean {
    return fs.existsSync(this.path(chainId));
  }

  /**
   * Makes sure the layer exists; when it does not, `unpack` fills a fresh temp dir (see
   * unpack-pool.ts), whose diff ID must match before the dir is renamed into place. Returns true
   * when this call unpacked it.
   */
  ensure(chainId: string, diffId: string, unpack: (dir: string) => Promise<UnpackResult>): Promise<boolean> {
    return this.flights.run(chainId, async () => {
      const final = this.path(chainId);
      if (fs.existsSync(final)) return false;
      const tmp = path.join(this.dir, `${LAYER_TMP_PREFIX}${digestHex(chainId)}-${randomBytes(4).toString('hex')}`);
      fs.mkdirSync(tmp, { mode: 0o755 });
      try {
        const result = await unpack(tmp);
        if (result.diffId !== diffId) throw new DigestMismatchError(`layer ${chainId} (uncompressed)`, diffId, result.diffId);
        try {
          fs.renameSync(tmp, final);
        } catch (e) {
          // another process finished the same layer first
          if (!fs.existsSync(final)) throw e;
          fs.rmSync(tmp, { recursive: true, force: true });
          return false;
        }
        return true;
      } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
    });
  }

  /** chain IDs of the complete layers on disk */
  list(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((n) => /^[a-f0-9]{64}$/.test(n))
      .map((n) => `sha256:${n}`);
  }

  /** leftovers of interrupted unpacks */
  tempDirs(): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((n) => n.startsWith(LAYER_TMP_PREFIX))
      .map((n) => path.join(this.dir, n));
  }

  get busy(): boolean {
    return this.flights.size > 0;
  }
}

/**
 * Asks ext4's Orlov allocator to place each layer dir in its own roomy block group (the flag
 * `chattr +T` sets, as on /home). Without it every layer's inodes go to the group of the store's
 * parent dir; where that group holds many recently freed inodes (ext4 without a journal skips
 * those, checking each one), creating an inode there can cost a millisecond. Only a hint: other
 * filesystems, or a dir this process may not flag, keep the default placement.
 */
function spreadChildren(dir: string): void {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    addInodeFlags(fd, FS_TOPDIR_FL, dir);
  } catch (e) {
    if (!(e instanceof SysCallError)) throw e;
  } finally {
    fs.closeSync(fd);
  }
}
