// The content-addressed blob store: `<root>/blobs/sha256/<hex>`. Blobs are written to
// `<root>/ingest/` while their sha256 is computed, and renamed into place only when the digest
// (and size, when known) matches; a mismatch removes the partial file and throws.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import path from 'node:path';
import { checkDigest, digestHex } from './digest.js';
import { DigestMismatchError, SizeMismatchError } from './errors.js';

export interface BlobInfo {
  digest: string;
  size: number;
}

export class ContentStore {
  readonly blobsDir: string;
  readonly ingestDir: string;

  constructor(root: string) {
    this.blobsDir = path.join(root, 'blobs', 'sha256');
    this.ingestDir = path.join(root, 'ingest');
    fs.mkdirSync(this.blobsDir, { recursive: true });
    fs.mkdirSync(this.ingestDir, { recursive: true });
  }

  blobPath(digest: string): string {
    return path.join(this.blobsDir, digestHex(digest));
  }

  async has(digest: string): Promise<boolean> {
    try {
      await fs.promises.stat(this.blobPath(digest));
      return true;
    } catch {
      return false;
    }
  }

  /** a stored blob, verified against its digest */
  async read(digest: string): Promise<Buffer> {
    const data = await fs.promises.readFile(this.blobPath(digest));
    const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (actual !== digest) throw new DigestMismatchError(`stored blob ${digest}`, digest, actual);
    return data;
  }

  /** a stored blob's bytes as a stream (verified by whoever hashes what it reads) */
  stream(digest: string): AsyncIterable<Buffer> {
    return fs.createReadStream(this.blobPath(digest), { highWaterMark: 256 * 1024 });
  }

  /** stores `data`, which must hash to `digest` when given; returns its digest */
  async put(data: Buffer, digest?: string, what = 'blob'): Promise<string> {
    const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (digest !== undefined && actual !== checkDigest(digest, `${what} digest`)) {
      throw new DigestMismatchError(what, digest, actual);
    }
    if (await this.has(actual)) return actual;
    const tmp = this.tempPath();
    try {
      await fs.promises.writeFile(tmp, data);
      await fs.promises.rename(tmp, this.blobPath(actual));
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
    return actual;
  }

  /**
   * Streams `source` into the store. When it ends, the digest (and size) is checked: on a match
   * the blob is renamed into place; on a mismatch the partial file is removed and this throws.
   * With no `expected.digest` the blob is stored under the digest computed.
   */
  async ingest(source: AsyncIterable<Buffer>, expected: { digest?: string; size?: number; what: string }): Promise<BlobInfo> {
    const tmp = this.tempPath();
    const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644, highWaterMark: 1024 * 1024 });
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    failed.catch(() => undefined);
    let committed = false;
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        if (expected.size !== undefined && size > expected.size) {
          throw new SizeMismatchError(expected.what, expected.size, size);
        }
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      }
      const actual = `sha256:${hash.digest('hex')}`;
      if (expected.digest !== undefined && actual !== expected.digest) {
        throw new DigestMismatchError(expected.what, expected.digest, actual);
      }
      if (expected.size !== undefined && size !== expected.size) throw new SizeMismatchError(expected.what, expected.size, size);
      await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
      await fs.promises.rename(tmp, this.blobPath(actual));
      committed = true;
      return { digest: actual, size };
    } finally {
      if (!committed) {
        await new Promise<void>((resolve) => {
          if (out.closed) resolve();
          else out.destroy().once('close', () => resolve());
        });
        await fs.promises.rm(tmp, { force: true });
      }
    }
  }

  /**
   * A file in the ingest dir for someone else to fill (e.g. an unpack worker copying a layer as
   * it unpacks it); `commit` moves it into the store once its digest was checked.
   */
  newIngestFile(): { path: string; commit(digest: string): Promise<void>; abort(): Promise<void> } {
    const tmp = this.tempPath();
    return {
      path: tmp,
      commit: (digest) => fs.promises.rename(tmp, this.blobPath(digest)),
      abort: () => fs.promises.rm(tmp, { force: true }),
    };
  }

  /** digests of every stored blob */
  async list(): Promise<string[]> {
    const names = await fs.promises.readdir(this.blobsDir);
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  async size(digest: string): Promise<number> {
    return (await fs.promises.stat(this.blobPath(digest))).size;
  }

  async delete(digest: string): Promise<number> {
    const p = this.blobPath(digest);
    const size = (await fs.promises.stat(p).catch(() => undefined))?.size ?? 0;
    await fs.promises.rm(p, { force: true });
    return size;
  }

  /** removes leftovers of interrupted ingests */
  async clearIngest(): Promise<void> {
    for (const n of await fs.promises.readdir(this.ingestDir)) {
      await fs.promises.rm(path.join(this.ingestDir, n), { force: true, recursive: true });
    }
  }

  private tempPath(): string {
    return path.join(this.ingestDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
  }
}
