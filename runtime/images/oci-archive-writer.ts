// Builds an OCI image layout (oci-layout, index.json, blobs/sha256/...) as a tarball, from layer
// tars held in memory. Used for the built-in busybox image and by test fixtures and the benchmark.
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from './digest.js';
import { MEDIA, type Descriptor, type ImageConfigFile, type ImageIndex, type ImageManifest } from './media-types.js';
import { TarWriter } from './tar-writer.js';
import type { ImageConfig } from './image-store.js';

export interface OciArchiveSpec {
  /** uncompressed layer tars, bottom first */
  layers: Buffer[];
  config: ImageConfig;
  /** full reference recorded as the `org.opencontainers.image.ref.name` annotation */
  ref?: string;
  /** gzip the layers (default true) */
  gzip?: boolean;
  /** seconds since the epoch for the archive's own entries and the config's `created` */
  mtime?: number;
}

export interface OciArchive {
  archive: Buffer;
  manifestDigest: string;
  configDigest: string;
  layerDigests: string[];
}

export function buildOciArchive(spec: OciArchiveSpec): OciArchive {
  const gzip = spec.gzip ?? true;
  const mtime = spec.mtime ?? 0;
  const blobs = new Map<string, Buffer>();
  const put = (data: Buffer): string => {
    const d = sha256Digest(data);
    blobs.set(d, data);
    return d;
  };
  const layerDescs: Descriptor[] = spec.layers.map((tar) => {
    const blob = gzip ? gzipSync(tar, { level: 1 }) : tar;
    return { mediaType: gzip ? MEDIA.ociLayerGzip : MEDIA.ociLayer, digest: put(blob), size: blob.length };
  });
  const configFile: ImageConfigFile & { created: string } = {
    created: new Date(mtime * 1000).toISOString(),
    architecture: 'amd64',
    os: 'linux',
    config: spec.config,
    rootfs: { type: 'layers', diff_ids: spec.layers.map((t) => sha256Digest(t)) },
  };
  const configBlob = Buffer.from(JSON.stringify(configFile));
  const configDigest = put(configBlob);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: configDigest, size: configBlob.length },
    layers: layerDescs,
  };
  const manifestBlob = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = put(manifestBlob);
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MEDIA.ociIndex,
    manifests: [
      {
        mediaType: MEDIA.ociManifest,
        digest: manifestDigest,
        size: manifestBlob.length,
        platform: { architecture: 'amd64', os: 'linux' },
        ...(spec.ref ? { annotations: { 'org.opencontainers.image.ref.name': spec.ref, 'io.containerd.image.name': spec.ref } } : {}),
      },
    ],
  };
  const tar = new TarWriter();
  tar.add({ name: 'oci-layout', type: 'file', mtime, data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') });
  tar.add({ name: 'index.json', type: 'file', mtime, data: Buffer.from(JSON.stringify(index)) });
  tar.add({ name: 'blobs', type: 'directory', mtime });
  tar.add({ name: 'blobs/sha256', type: 'directory', mtime });
  for (const [digest, data] of blobs) {
    tar.add({ name: `blobs/sha256/${digest.slice(7)}`, type: 'file', mtime, data });
  }
  return {
    archive: tar.finish(),
    manifestDigest,
    configDigest,
    layerDigests: layerDescs.map((d) => d.digest),
  };
}

export async function writeOciArchive(outFile: string, spec: OciArchiveSpec): Promise<OciArchive> {
  const built = buildOciArchive(spec);
  await writeFile(outFile, built.archive);
  return built;
}
