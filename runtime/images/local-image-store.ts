// The runtime's image store on a local root (the runtime keeps it at <runtime root>/images, default
// /var/lib/skiff/runtime/images; see imageStoreRoot):
//   <root>/blobs/sha256/<hex>      content-addressed blobs (indexes, manifests, configs, layers)
//   <root>/ingest/                 blobs being written
//   <root>/layers/<chainID hex>/   unpacked layers (overlay lower dirs)
//   <root>/images/<id hex>.json    image records, plus images/names.json (name → ID)
//   <root>/registries.json         the registry hosts config (see hosts-config.ts)
//   <root>/lock                    flock'd: shared by pulls and imports, exclusive for rm and gc
import * as fs from 'node:fs';
import path from 'node:path';
import { importArchive } from './archive-importer.js';
import { ContentStore } from './content-store.js';
import { diskUsage } from './disk-usage.js';
import { ImageInUseError, ImageNotFoundError } from './errors.js';
import { findImage } from './image-lookup.js';
import { ImageRecords, type StoredImage } from './image-records.js';
import type { AuthConfig, ImageFsUsage, ImageRecord, ImageStore, PullProgress } from './image-store.js';
import { loadHostsConfig, type HostsConfig } from './hosts-config.js';
import { HttpTransport } from './http-transport.js';
import { LayerStore } from './layer-store.js';
import { pullImage, type PullShared } from './puller.js';
import { parseReference, repositoryName } from './reference.js';
import { RegistryClient } from './registry-client.js';
import { StoreLock } from './store-lock.js';

export const DEFAULT_RUNTIME_ROOT = '/var/lib/skiff/runtime';

/** where the runtime keeps its image store under its root */
export function imageStoreRoot(runtimeRoot: string): string {
  return path.join(runtimeRoot, 'images');
}

export interface ImageStoreOptions {
  root?: string;
  /** the registry hosts config file; default `<root>/registries.json` (absent = no settings) */
  hostsConfigPath?: string;
  /** the hosts config itself, instead of a file */
  hostsConfig?: HostsConfig;
  /** the container using the image, if any (remove is refused while one does) */
  inUse?: (imageId: string) => string | undefined;
}

export interface GcResult {
  removedBlobs: number;
  removedLayers: number;
  freedBytes: number;
}

export class LocalImageStore implements ImageStore {
  readonly root: string;
  private readonly content: ContentStore;
  private readonly layers: LayerStore;
  private readonly records: ImageRecords;
  private readonly transport = new HttpTransport();
  private readonly lock: StoreLock;
  private readonly blobFlights = new Map<string, Promise<void>>();

  constructor(private readonly opts: ImageStoreOptions = {}) {
    this.root = path.resolve(opts.root ?? imageStoreRoot(DEFAULT_RUNTIME_ROOT));
    fs.mkdirSync(this.root, { recursive: true });
    this.content = new ContentStore(this.root);
    this.layers = new LayerStore(this.root);
    this.records = new ImageRecords(this.root);
    this.lock = new StoreLock(path.join(this.root, 'lock'));
  }

  async pull(ref: string, opts: { auth?: AuthConfig; onProgress?: (p: PullProgress) => void } = {}): Promise<ImageRecord> {
    const parsed = parseReference(ref);
    const hosts = this.opts.hostsConfig ?? loadHostsConfig(this.opts.hostsConfigPath ?? path.join(this.root, 'registries.json'));
    const client = new RegistryClient({ hosts, auth: opts.auth, transport: this.transport });
    const shared: PullShared = { content: this.content, layers: this.layers, blobFlights: this.blobFlights };
    return this.lock.shared(async () => {
      const pulled = await pullImage(parsed, client, shared, opts.onProgress);
      const repo = repositoryName(parsed);
      const stored = this.records.save({
        id: pulled.configDigest,
        repoTags: parsed.tag ? [`${repo}:${parsed.tag}`] : [],
        repoDigests: [`${repo}@${pulled.targetDigest}`],
        size: pulled.size,
        config: pulled.parsed.config,
        chainIds: pulled.chainIds,
        diffIds: pulled.parsed.diffIds,
        blobs: pulled.blobs,
        targetDigest: pulled.targetDigest,
        createdAt: new Date().toISOString(),
      });
      return publicRecord(stored);
    });
  }

  async import(archivePath: string, opts: { tag?: string } = {}): Promise<ImageRecord[]> {
    return this.lock.shared(async () => {
      const { images, added } = await importArchive(archivePath, this.content, this.layers, opts);
      const out = images.map((img) =>
        publicRecord(
          this.records.save({
            id: img.configDigest,
            repoTags: img.names,
            repoDigests: img.repoDigests,
            size: img.size,
            config: img.parsed.config,
            chainIds: img.chainIds,
            diffIds: img.parsed.diffIds,
            blobs: img.blobs,
            ...(img.targetDigest ? { targetDigest: img.targetDigest } : {}),
            createdAt: new Date().toISOString(),
          }),
        ),
      );
      // the archive's own files (manifest.json, index.json, oci-layout, ...) are not kept
      const used = new Set(images.flatMap((i) => i.blobs));
      for (const d of added) if (!used.has(d)) await this.content.delete(d);
      return out;
    });
  }

  async list(): Promise<ImageRecord[]> {
    return this.records.all().map(publicRecord);
  }

  async get(ref: string): Promise<ImageRecord | undefined> {
    const hit = findImage(this.records.all(), ref);
    return hit && publicRecord(hit);
  }

  /** removes the image (all its names) and then collects what nothing references any more */
  async remove(ref: string): Promise<void> {
    await this.lock.exclusive(async () => {
      const image = findImage(this.records.all(), ref);
      if (!image) throw new ImageNotFoundError(ref);
      const user = this.opts.inUse?.(image.id);
      if (user) throw new ImageInUseError(ref, image.id, user);
      this.records.delete(image.id);
      await this.collect();
    });
  }

  layerPaths(image: ImageRecord): string[] {
    return image.chainIds.map((c) => this.layers.path(c));
  }

  async gc(): Promise<GcResult> {
    return this.lock.exclusive(() => this.collect());
  }

  async usage(): Promise<ImageFsUsage> {
    const seen = new Set<string>();
    const parts = [this.content.blobsDir, this.content.ingestDir, this.layers.dir, this.records.dir].map((d) => diskUsage(d, seen));
    return {
      mountpoint: this.root,
      usedBytes: parts.reduce((s, p) => s + p.bytes, 0),
      inodesUsed: parts.reduce((s, p) => s + p.inodes, 0),
    };
  }

  /** the on-disk record with the store's own fields (blobs, diff IDs) */
  async inspect(ref: string): Promise<StoredImage | undefined> {
    return findImage(this.records.all(), ref);
  }

  /** closes connections and the lock file; call when no operation is running */
  close(): void {
    this.transport.close();
    this.lock.close();
  }

  /** GC under the exclusive lock: blobs and layers no record references, and leftovers */
  private async collect(): Promise<GcResult> {
    const images = this.records.all();
    const keepBlobs = new Set(images.flatMap((i) => i.blobs));
    const keepLayers = new Set(images.flatMap((i) => i.chainIds));
    const result: GcResult = { removedBlobs: 0, removedLayers: 0, freedBytes: 0 };
    for (const d of await this.content.list()) {
      if (keepBlobs.has(d)) continue;
      result.freedBytes += await this.content.delete(d);
      result.removedBlobs++;
    }
    for (const c of this.layers.list()) {
      if (keepLayers.has(c)) continue;
      result.freedBytes += removeTree(this.layers.path(c));
      result.removedLayers++;
    }
    for (const tmp of this.layers.tempDirs()) result.freedBytes += removeTree(tmp);
    await this.content.clearIngest();
    return result;
  }
}

function removeTree(p: string): number {
  const { bytes } = diskUsage(p);
  fs.rmSync(p, { recursive: true, force: true });
  return bytes;
}

function publicRecord(s: StoredImage): ImageRecord {
  return {
    id: s.id,
    repoTags: s.repoTags,
    repoDigests: s.repoDigests,
    size: s.size,
    config: s.config,
    chainIds: s.chainIds,
  };
}

export function createImageStore(opts: ImageStoreOptions = {}): LocalImageStore {
  return new LocalImageStore(opts);
}
