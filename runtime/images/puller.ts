// Pulls one image: resolve the reference, pick linux/amd64 from an index, fetch the config, then
// download every layer in parallel, each blob streaming into its unpacker (an unpack worker sends
// the request itself), which also copies it to the content store (sha256 checked before the blob
// and the layer are committed). Two pulls needing one blob at the same time download it once:
// the second waits for the first and unpacks from the stored blob.
import { chainIds as computeChainIds } from './digest.js';
import type { BlobInfo, ContentStore } from './content-store.js';
import { DigestMismatchError, SizeMismatchError, UnsupportedImageError } from './errors.js';
import type { PullProgress } from './image-store.js';
import type { LayerStore } from './layer-store.js';
import { looksLikeIndex, parseImageConfig, parseIndex, parseManifest, type ParsedConfig } from './manifest-parse.js';
import type { Descriptor } from './media-types.js';
import { choosePlatformManifest } from './platform.js';
import { formatReference, type ImageReference } from './reference.js';
import type { RegistryClient, ResolvedManifest } from './registry-client.js';
import type { RegistryEndpoint } from './hosts-config.js';
import type { UnpackResult } from './layer-unpacker.js';
import { downloadTap } from './download-tap.js';
import { prewarmUnpackers, unpackLayerPooled, unpackRemoteLayer } from './unpack-pool.js';

export interface PullShared {
  content: ContentStore;
  layers: LayerStore;
  /** blob digest → the download in progress (resolves when the blob is stored) */
  blobFlights: Map<string, Promise<void>>;
}

export interface PulledImage {
  /** the digest the reference resolved to (index or manifest) */
  targetDigest: string;
  configDigest: string;
  parsed: ParsedConfig;
  chainIds: string[];
  blobs: string[];
  size: number;
}

export async function pullImage(
  ref: ImageReference,
  client: RegistryClient,
  shared: PullShared,
  onProgress: (p: PullProgress) => void = () => undefined,
): Promise<PulledImage> {
  const name = formatReference(ref);
  const top = await client.resolve(ref);
  const blobs: string[] = [];
  let manifestDoc: ResolvedManifest = top;
  if (looksLikeIndex(top.body, top.mediaType)) {
    await shared.content.put(top.body, top.digest, `index of ${name}`);
    blobs.push(top.digest);
    const chosen = choosePlatformManifest(parseIndex(top.body, `index of ${name}`), undefined, `index of ${name}`);
    manifestDoc = await client.fetchManifest(top.endpoint, ref.path, chosen);
  }
  const manifest = parseManifest(manifestDoc.body, `manifest of ${name}`);
  prewarmUnpackers(manifest.layers.length);
  await shared.content.put(manifestDoc.body, manifestDoc.digest, `manifest of ${name}`);
  blobs.push(manifestDoc.digest);

  const ctx: PullContext = { client, ep: top.endpoint, repoPath: ref.path, shared, onProgress, name };
  const configBody = await fetchSmallBlob(ctx, manifest.config, `config of ${name}`);
  const parsed = parseImageConfig(configBody, `config of ${name}`);
  blobs.push(manifest.config.digest);
  if (parsed.diffIds.length !== manifest.layers.length) {
    throw new UnsupportedImageError(
      `${name}: manifest has ${manifest.layers.length} layers but the config lists ${parsed.diffIds.length} diff IDs`,
    );
  }
  const chainIds = computeChainIds(parsed.diffIds);
  for (const l of manifest.layers) onProgress({ digest: l.digest, total: l.size, done: 0, phase: 'waiting' });
  // every layer settles before the pull reports, so a failure never leaves work running behind it
  const results = await Promise.allSettled(
    manifest.layers.map((desc, i) => ensureLayer(ctx, desc, parsed.diffIds[i], chainIds[i])),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  blobs.push(...manifest.layers.map((l) => l.digest));
  const size = manifest.config.size + manifest.layers.reduce((s, l) => s + l.size, 0);
  return { targetDigest: top.digest, configDigest: manifest.config.digest, parsed, chainIds, blobs, size };
}

/** what every step of one pull needs */
interface PullContext {
  client: RegistryClient;
  /** the endpoint that resolved the reference; blobs come from the same one */
  ep: RegistryEndpoint;
  repoPath: string;
  shared: PullShared;
  onProgress: (p: PullProgress) => void;
  /** the reference, for messages */
  name: string;
}

async function fetchSmallBlob(ctx: PullContext, desc: Descriptor, what: string): Promise<Buffer> {
  const { content } = ctx.shared;
  if (!(await content.has(desc.digest))) {
    await downloadOnce(desc.digest, ctx.shared, async () => {
      const res = await ctx.client.fetchBlob(ctx.ep, ctx.repoPath, desc);
      await content.ingest(res, { digest: desc.digest, size: desc.size, what });
    });
  }
  return content.read(desc.digest);
}

/** runs `download` unless another download of the same blob is under way; then waits for that */
async function downloadOnce(digest: string, shared: PullShared, download: () => Promise<void>): Promise<void> {
  const other = shared.blobFlights.get(digest);
  if (other) return other;
  const settled = download().finally(() => shared.blobFlights.delete(digest));
  settled.catch(() => undefined);
  shared.blobFlights.set(digest, settled);
  await settled;
}

async function ensureLayer(ctx: PullContext, desc: Descriptor, diffId: string, chainId: string): Promise<void> {
  const { shared, onProgress } = ctx;
  const what = `layer ${desc.digest} of ${ctx.name}`;
  if (shared.layers.has(chainId)) {
    onProgress({ digest: desc.digest, total: desc.size, done: desc.size, phase: 'exists' });
    return;
  }
  const download = { stored: false };
  try {
    await shared.layers.ensure(chainId, diffId, (dir) => unpackLayerBlob(ctx, desc, dir, what, download));
  } catch (e) {
    // a blob that does not unpack is useless: drop it if this call stored it
    if (download.stored) await shared.content.delete(desc.digest);
    if (e instanceof Error && !e.message.includes(desc.digest)) e.message = `${what}: ${e.message}`;
    throw e;
  }
  onProgress({ digest: desc.digest, total: desc.size, done: desc.size, phase: 'done' });
}

/**
 * Unpacks the layer blob into `dir`: from the store when present (or once another pull has stored
 * it), else straight from the registry, the unpacker copying the bytes to an ingest file as it
 * goes; that file becomes the stored blob only when its digest and size match the descriptor.
 */
async function unpackLayerBlob(
  ctx: PullContext,
  desc: Descriptor,
  dir: string,
  what: string,
  download: { stored: boolean },
): Promise<UnpackResult> {
  const { shared, onProgress } = ctx;
  const other = shared.blobFlights.get(desc.digest);
  if (other) await other;
  if (await shared.content.has(desc.digest)) {
    onProgress({ digest: desc.digest, total: desc.size, done: 0, phase: 'extracting' });
    return unpackLayerPooled(shared.content.stream(desc.digest), dir);
  }
  let release!: () => void;
  let fail!: (e: unknown) => void;
  const flight = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  flight.catch(() => undefined);
  shared.blobFlights.set(desc.digest, flight);
  const ingest = shared.content.newIngestFile();
  try {
    const onDownload = (done: number, finished: boolean): void =>
      onProgress({ digest: desc.digest, total: desc.size, done, phase: finished ? 'verifying' : 'downloading' });
    const result = await unpackRemoteLayer(
      {
        request: ctx.client.blobRequest(ctx.ep, ctx.repoPath, desc),
        size: desc.size,
        what,
        onProgress: onDownload,
        fallback: () => downloadTap(mainThreadDownload(ctx, desc), desc.size, what, onDownload),
      },
      dir,
      ingest.path,
    );
    const stored = result.blob as BlobInfo;
    if (stored.digest !== desc.digest) throw new DigestMismatchError(what, desc.digest, stored.digest);
    if (stored.size !== desc.size) throw new SizeMismatchError(what, desc.size, stored.size);
    await ingest.commit(desc.digest);
    download.stored = true;
    shared.blobFlights.delete(desc.digest);
    release();
    return result;
  } catch (e) {
    await ingest.abort();
    shared.blobFlights.delete(desc.digest);
    fail(e);
    throw e;
  }
}

/** the blob through the registry client (which handles 401s, redirects and errors), requested on the first read */
async function* mainThreadDownload(ctx: PullContext, desc: Descriptor): AsyncGenerator<Buffer> {
  yield* await ctx.client.fetchBlob(ctx.ep, ctx.repoPath, desc);
}
