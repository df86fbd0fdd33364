// Validating parsers for manifests, indexes and image configs; errors name the document and the
// field. Docker schema 1 manifests are refused by name.
import { checkDigest } from './digest.js';
import { UnsupportedImageError } from './errors.js';
import type { ImageConfig } from './image-store.js';
import { isIndexType, type Descriptor, type ImageConfigFile, type ImageIndex, type ImageManifest } from './media-types.js';

function parseJson(body: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new UnsupportedImageError(`${what}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UnsupportedImageError(`${what}: not a JSON object`);
  return v as Record<string, unknown>;
}

function descriptor(v: unknown, field: string): Descriptor {
  if (typeof v !== 'object' || v === null) throw new UnsupportedImageError(`${field}: not a descriptor`);
  const d = v as Descriptor;
  checkDigest(d.digest, `${field}.digest`);
  if (!Number.isSafeInteger(d.size) || d.size < 0) throw new UnsupportedImageError(`${field}.size: invalid size ${JSON.stringify(d.size)}`);
  if (typeof d.mediaType !== 'string') throw new UnsupportedImageError(`${field}.mediaType: missing`);
  return d;
}

/** true when the document is an index / manifest list (by media type or shape) */
export function looksLikeIndex(body: Buffer, mediaType: string): boolean {
  if (isIndexType(mediaType)) return true;
  const doc = parseJson(body, 'manifest');
  return Array.isArray(doc.manifests) && !('layers' in doc);
}

export function parseIndex(body: Buffer, what: string): ImageIndex {
  const doc = parseJson(body, what);
  if (!Array.isArray(doc.manifests)) throw new UnsupportedImageError(`${what}.manifests: missing`);
  doc.manifests.forEach((m, i) => descriptor(m, `${what}.manifests[${i}]`));
  return doc as unknown as ImageIndex;
}

export function parseManifest(body: Buffer, what: string): ImageManifest {
  const doc = parseJson(body, what);
  if (doc.schemaVersion === 1) {
    throw new UnsupportedImageError(`${what}: Docker schema 1 manifests are not supported (push the image again with a current client)`);
  }
  if (doc.schemaVersion !== 2) throw new UnsupportedImageError(`${what}.schemaVersion: want 2, got ${JSON.stringify(doc.schemaVersion)}`);
  descriptor(doc.config, `${what}.config`);
  if (!Array.isArray(doc.layers)) throw new UnsupportedImageError(`${what}.layers: missing`);
  doc.layers.forEach((l, i) => {
    const d = descriptor(l, `${what}.layers[${i}]`);
    if (!/tar/.test(d.mediaType)) throw new UnsupportedImageError(`${what}.layers[${i}].mediaType: not a layer: ${d.mediaType}`);
    if (/zstd/.test(d.mediaType)) throw new UnsupportedImageError(`${what}.layers[${i}].mediaType: zstd layers are not supported`);
  });
  return doc as unknown as ImageManifest;
}

export interface ParsedConfig {
  config: ImageConfig;
  diffIds: string[];
}

export function parseImageConfig(body: Buffer, what: string): ParsedConfig {
  const doc = parseJson(body, what) as ImageConfigFile;
  const diffIds = doc.rootfs?.diff_ids;
  if (!Array.isArray(diffIds)) throw new UnsupportedImageError(`${what}.rootfs.diff_ids: missing`);
  diffIds.forEach((d, i) => checkDigest(d, `${what}.rootfs.diff_ids[${i}]`));
  const c = doc.config ?? {};
  const config: ImageConfig = {};
  if (c.Entrypoint) config.Entrypoint = c.Entrypoint;
  if (c.Cmd) config.Cmd = c.Cmd;
  if (c.Env) config.Env = c.Env;
  if (c.WorkingDir) config.WorkingDir = c.WorkingDir;
  if (c.User) config.User = c.User;
  if (c.ExposedPorts) config.ExposedPorts = c.ExposedPorts;
  if (c.Labels) config.Labels = c.Labels;
  if (c.StopSignal) config.StopSignal = c.StopSignal;
  return { config, diffIds };
}
