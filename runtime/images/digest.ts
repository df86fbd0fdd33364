// Content digests (`sha256:<64 hex>`) and layer chain IDs.
import { createHash } from 'node:crypto';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export class InvalidDigestError extends Error {}

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** throws naming the field and the bad value unless `value` is a sha256 digest */
export function checkDigest(value: unknown, field: string): string {
  if (typeof value !== 'string' || !DIGEST_RE.test(value)) {
    throw new InvalidDigestError(`${field}: invalid digest ${JSON.stringify(value)} (want sha256:<64 lowercase hex>)`);
  }
  return value;
}

export function digestHex(digest: string): string {
  return checkDigest(digest, 'digest').slice('sha256:'.length);
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** chain IDs bottom first: chain[0] = diff[0], chain[n] = sha256(chain[n-1] + " " + diff[n]) */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const [i, diff] of diffIds.entries()) {
    checkDigest(diff, `rootfs.diff_ids[${i}]`);
    out.push(i === 0 ? diff : sha256Digest(`${out[i - 1]} ${diff}`));
  }
  return out;
}
