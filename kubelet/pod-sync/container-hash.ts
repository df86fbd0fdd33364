// A stable hash of a container's spec, recorded on the CRI container so that a running container
// whose spec changed (e.g. a new image) is noticed and restarted.
import { createHash } from 'node:crypto';
import type { Container } from '../../api/types/core.js';

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, canonical(o[k])]),
    );
  }
  return v;
}

export function containerHash(c: Container): string {
  return createHash('sha256').update(JSON.stringify(canonical(c))).digest('hex').slice(0, 16);
}
