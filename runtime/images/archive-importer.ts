// Imports image archives: `docker save` tarballs (manifest.json + config + layer tars) and OCI
// image layout tarballs (oci-layout + index.json + blobs/sha256/...), gzip-compressed or not.
// Every file of the archive streams into the content store once; the layout's documents are
// then read from there and each image's layers are unpacked from the stored blobs.
import * as fs from 'node:fs';
import path from 'node:path';
import { ContentStore } from './content-store.js';
import { decompressed } from './decompress.js';
import { chainIds as computeChainIds } from './digest.js';
import { cleanEntryPath } from './entry-path.js';
import { UnsupportedImageError } from './errors.js';
import type { LayerStore } from './layer-store.js';
import { looksLikeIndex, parseImageConfig, parseIndex, parseManifest, type ParsedConfig } from './manifest-parse.js';
import type { Descriptor } from './media-types.js';
import { choosePlatformManifest } from './platform.js';
import { normalizeReference, parseReference, repositoryName } from './reference.js';
import { readTar } from './tar-reader.js';
import { unpackLayerPooled } from './unpack-pool.js';

export interface ImportedImage {
  names: string[];
  repoDigests: string[];
  configDigest: string;
  targetDigest?: string;
  parsed: ParsedConfig;
  chainIds: string[];
  /** compressed (or plain) layer blobs, bottom first */
  layerDigests: string[];
  blobs: string[];
  size: number;
}

interface ArchiveFiles {
  /** archive path → stored blob */
  files: Map<string, { digest: string; size: number }>;
  /** blobs this import added to the store */
  added: Set<string>;
}

export class ArchiveFormatError extends Error {}

/** reads the archive into the content store and describes the images it holds */
export async function importArchive(
  archivePath: string,
  content: ContentStore,
  layers: LayerStore,
  opts: { tag?: string } = {},
): Promise<{ images: ImportedImage[]; added: Set<string> }> {
  const archive = await storeArchiveFiles(archivePath, content);
  const f = archive.files;
  let images: ImportedImage[];
  if (f.has('oci-layout') && f.has('index.json')) {
    images = await readOciLayout(archive, content, archivePath, opts.tag);
  } else if (f.has('manifest.json')) {
    images = await readDockerSave(archive, content, archivePath, opts.tag);
  } else {
    throw new ArchiveFormatError(`${archivePath}: not a docker save or OCI layout archive (no manifest.json, no oci-layout + index.json)`);
  }
  await Promise.all(
    images.flatMap((img) =>
      img.chainIds.map((chainId, i) => layers.ensure(chainId, img.parsed.diffIds[i], (dir) => unpackLayerPooled(content.stream(img.layerDigests[i]), dir))),
    ),
  );
  return { images, added: archive.added };
}

async function storeArchiveFiles(archivePath: string, content: ContentStore): Promise<ArchiveFiles> {
  const files = new Map<string, { digest: string; size: number }>();
  const links = new Map<string, string>();
  const added = new Set<string>();
  const source = decompressed(fs.createReadStream(archivePath, { highWaterMark: 256 * 1024 }));
  for await (const { entry, body } of readTar(source)) {
    const rel = cleanEntryPath(entry.name, 'archive entry');
    if (entry.type === 'file') {
      const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(rel);
      const expected = m ? `sha256:${m[1]}` : undefined;
      const had = expected ? await content.has(expected) : false;
      const info = await content.ingest(body, { digest: expected, size: entry.size, what: `${archivePath}: ${rel}` });
      if (!had) added.add(info.digest);
      files.set(rel, info);
    } else if (entry.type === 'symlink' || entry.type === 'hardlink') {
      const base = entry.type === 'symlink' ? path.posix.dirname(rel) : '';
      const target = entry.linkname.startsWith('/') ? entry.linkname : path.posix.join(base, entry.linkname);
      links.set(rel, cleanEntryPath(target, `archive link ${rel} target`));
    }
  }
  // docker save dedups identical layers as links to another layer's file
  for (const [from, to] of links) {
    let t = to;
    for (let i = 0; i < 16 && links.has(t); i++) t = links.get(t) as string;
    const target = files.get(t);
    if (target) files.set(from, target);
  }
  return { files, added };
}

function fileDigest(archive: ArchiveFiles, rel: string, archivePath: string): string {
  const f = archive.files.get(cleanEntryPath(rel, 'archive path'));
  if (!f) throw new ArchiveFormatError(`${archivePath}: ${JSON.stringify(rel)} is referenced but not in the archive`);
  return f.digest;
}

async function readDockerSave(archive: ArchiveFiles, content: ContentStore, archivePath: string, tag?: string): Promise<ImportedImage[]> {
  const doc = JSON.parse((await content.read(fileDigest(archive, 'manifest.json', archivePath))).toString()) as unknown;
  if (!Array.isArray(doc)) throw new ArchiveFormatError(`${archivePath}: manifest.json is not a list`);
  const out: ImportedImage[] = [];
  for (const [i, item] of (doc as Array<{ Config?: string; RepoTags?: string[] | null; Layers?: string[] }>).entries()) {
    const field = `${archivePath}: manifest.json[${i}]`;
    if (typeof item.Config !== 'string') throw new ArchiveFormatError(`${field}.Config: missing`);
    if (!Array.isArray(item.Layers)) throw new ArchiveFormatError(`${field}.Layers: missing`);
    const configDigest = fileDigest(archive, item.Config, archivePath);
    const configBody = await content.read(configDigest);
    const parsed = parseImageConfig(configBody, `${field} config`);
    if (parsed.diffIds.length !== item.Layers.length) {
      throw new ArchiveFormatError(`${field}: ${item.Layers.length} layers but the config lists ${parsed.diffIds.length} diff IDs`);
    }
    const layerDigests = item.Layers.map((l) => fileDigest(archive, l, archivePath));
    const names = tag ? [normalizeReference(tag)] : (item.RepoTags ?? []).map((t) => normalizeReference(t));
    let size = configBody.length;
    for (const d of layerDigests) size += await content.size(d);
    out.push({
      names,
      repoDigests: [],
      configDigest,
      parsed,
      chainIds: computeChainIds(parsed.diffIds),
      layerDigests,
      blobs: [configDigest, ...layerDigests],
      size,
    });
  }
  return out;
}

async function readOciLayout(archive: ArchiveFiles, content: ContentStore, archivePath: string, tag?: string): Promise<ImportedImage[]> {
  const indexBody = await content.read(fileDigest(archive, 'index.json', archivePath));
  const index = parseIndex(indexBody, `${archivePath}: index.json`);
  const out: ImportedImage[] = [];
  for (const [i, desc] of index.manifests.entries()) {
    const field = `${archivePath}: index.json manifests[${i}]`;
    const blobs: string[] = [];
    const need = async (d: Descriptor, what: string): Promise<Buffer> => {
      if (!(await content.has(d.digest))) throw new ArchiveFormatError(`${what}: blob ${d.digest} is not in the archive`);
      return content.read(d.digest);
    };
    let body = await need(desc, field);
    let manifestDesc = desc;
    if (looksLikeIndex(body, desc.mediaType)) {
      blobs.push(desc.digest);
      manifestDesc = choosePlatformManifest(parseIndex(body, field), undefined, field);
      body = await need(manifestDesc, field);
    }
    const manifest = parseManifest(body, field);
    blobs.push(manifestDesc.digest);
    const configBody = await need(manifest.config, `${field} config`);
    const parsed = parseImageConfig(configBody, `${field} config`);
    if (parsed.diffIds.length !== manifest.layers.length) {
      throw new ArchiveFormatError(`${field}: ${manifest.layers.length} layers but the config lists ${parsed.diffIds.length} diff IDs`);
    }
    for (const l of manifest.layers) if (!(await content.has(l.digest))) throw new ArchiveFormatError(`${field}: layer ${l.digest} is not in the archive`);
    blobs.push(manifest.config.digest, ...manifest.layers.map((l) => l.digest));
    const names = tag ? [normalizeReference(tag)] : ociNames(desc.annotations);
    const repoDigests = names.map((n) => `${repositoryName(parseReference(n))}@${desc.digest}`);
    out.push({
      names,
      repoDigests,
      configDigest: manifest.config.digest,
      targetDigest: desc.digest,
      parsed,
      chainIds: computeChainIds(parsed.diffIds),
      layerDigests: manifest.layers.map((l) => l.digest),
      blobs,
      size: manifest.config.size + manifest.layers.reduce((s, l) => s + l.size, 0),
    });
  }
  return out;
}

/** names from `io.containerd.image.name` or a full `org.opencontainers.image.ref.name` */
function ociNames(annotations: Record<string, string> | undefined): string[] {
  const full = annotations?.['io.containerd.image.name'] ?? annotations?.['org.opencontainers.image.ref.name'];
  // a bare ref.name is only a tag (OCI semantics) and names no repository
  if (!full || !/[/:]/.test(full)) return [];
  try {
    return [normalizeReference(full)];
  } catch {
    return [];
  }
}
