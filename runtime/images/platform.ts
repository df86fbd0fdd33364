// Chooses the manifest for this node's platform (linux/amd64 by default) from an image index.
import { UnsupportedImageError } from './errors.js';
import type { Descriptor, ImageIndex, Platform } from './media-types.js';

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function choosePlatformManifest(index: ImageIndex, want: Platform = DEFAULT_PLATFORM, what = 'image index'): Descriptor {
  if (!Array.isArray(index.manifests)) throw new UnsupportedImageError(`${what}: manifests is not a list`);
  const candidates = index.manifests.filter(
    (m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture,
  );
  const exact = candidates.find((m) => (m.platform?.variant ?? '') === (want.variant ?? ''));
  const chosen = exact ?? candidates[0];
  if (chosen) return chosen;
  // an index without platforms (e.g. a single-image OCI layout) means "the only image"
  const untyped = index.manifests.filter((m) => !m.platform);
  if (untyped.length === 1) return untyped[0];
  const have = index.manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : '?')).join(', ');
  throw new UnsupportedImageError(`${what}: no manifest for ${want.os}/${want.architecture} (has: ${have || 'none'})`);
}
