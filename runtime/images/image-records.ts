// Image records on disk: `<root>/images/<id hex>.json` (the source of truth) and
// `<root>/images/names.json` (name → image ID, rewritten after every change). Records are read
// from disk on each call, so the runtime and `skiff image` on the same root agree.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { digestHex } from './digest.js';
import type { ImageRecord } from './image-store.js';

/** what the store keeps beyond the CRI-facing record */
export interface StoredImage extends ImageRecord {
  /** every blob the image references (index, manifest, config, layers): what GC keeps */
  blobs: string[];
  /** diff IDs of the layers, bottom first */
  diffIds: string[];
  /** the digest the image was pulled by (index or manifest), when it came from a registry */
  targetDigest?: string;
  createdAt: string;
}

export class ImageRecords {
  readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, 'images');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  all(): StoredImage[] {
    const out: StoredImage[] = [];
    for (const n of fs.readdirSync(this.dir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(this.dir, n), 'utf8')) as StoredImage);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        throw new Error(`image record ${path.join(this.dir, n)} is unreadable: ${(e as Error).message}`);
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Saves `image`, merging names into an existing record of the same ID, and moves its tags
   * away from any other image (a tag names one image at a time).
   */
  save(image: StoredImage): StoredImage {
    const all = this.all();
    const existing = all.find((r) => r.id === image.id);
    const merged: StoredImage = existing
      ? {
          ...image,
          repoTags: union(existing.repoTags, image.repoTags),
          repoDigests: union(existing.repoDigests, image.repoDigests),
          blobs: union(existing.blobs, image.blobs),
          createdAt: existing.createdAt,
        }
      : image;
    for (const other of all) {
      if (other.id === image.id) continue;
      const kept = other.repoTags.filter((t) => !image.repoTags.includes(t));
      if (kept.length !== other.repoTags.length) this.write({ ...other, repoTags: kept });
    }
    this.write(merged);
    this.writeIndex();
    return merged;
  }

  delete(id: string): void {
    fs.rmSync(path.join(this.dir, `${digestHex(id)}.json`), { force: true });
    this.writeIndex();
  }

  private write(image: StoredImage): void {
    atomicWrite(path.join(this.dir, `${digestHex(image.id)}.json`), JSON.stringify(image, null, 2));
  }

  private writeIndex(): void {
    const names: Record<string, string> = {};
    for (const r of this.all()) for (const n of [...r.repoTags, ...r.repoDigests]) names[n] = r.id;
    atomicWrite(path.join(this.dir, 'names.json'), JSON.stringify(names, null, 2));
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
