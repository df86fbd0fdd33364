// The pod-template-hash Kubernetes gives a Deployment's ReplicaSets: FNV-32a over the template
// (here its canonical JSON: keys sorted, where Kubernetes hashes the Go struct's spew dump, so the
// values are stable but not Kubernetes' own), plus the collision count as Kubernetes writes it (a
// little-endian uint32 in an 8-byte buffer), printed in decimal and then encoded with the same
// vowel-free alphabet as rand.SafeEncodeString.
import type { PodTemplateSpec } from './types/index.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level, so equal objects give equal text */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * The template as Go would see it: null fields are zero values, the same as absent ones
 * (kubectl rollout undo sends `creationTimestamp: null` in the template's metadata).
 */
export function withoutNulls<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && v !== undefined) out[k] = withoutNulls(v);
  }
  return out as T;
}

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

export function computePodTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(withoutNulls(template))));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
