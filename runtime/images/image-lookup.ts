// Pure lookup of an image among records: by reference (name:tag, name@digest, short names like
// `busybox`), by ID (`sha256:<hex>` or `<hex>`), or by a unique ID prefix of 4+ hex digits.
import type { ImageRecord } from './image-store.js';
import { parseReference, repositoryName } from './reference.js';

export function findImage<T extends ImageRecord>(records: T[], query: string): T | undefined {
  const q = query.trim();
  if (q === '') return undefined;
  const byId = records.find((r) => r.id === q || r.id === `sha256:${q}`);
  if (byId) return byId;
  if (!q.startsWith('sha256:')) {
    try {
      const ref = parseReference(q);
      const repo = repositoryName(ref);
      const hit = ref.digest
        ? records.find((r) => r.repoDigests.includes(`${repo}@${ref.digest}`))
        : records.find((r) => r.repoTags.includes(`${repo}:${ref.tag}`));
      if (hit) return hit;
    } catch {
      // not a reference; maybe an ID prefix
    }
  }
  const prefix = q.replace(/^sha256:/, '');
  if (/^[a-f0-9]{4,64}$/.test(prefix)) {
    const hits = records.filter((r) => r.id.slice(7).startsWith(prefix));
    if (hits.length === 1) return hits[0];
  }
  return undefined;
}
