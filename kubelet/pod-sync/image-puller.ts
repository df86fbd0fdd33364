// Makes a container's image present per its imagePullPolicy, with a pull back-off per (pod, image):
// a failed pull shows `ErrImagePull`, and while the back-off runs `ImagePullBackOff`. With policy
// Always, a node that cannot reach the registry but holds the image uses its own copy (with a Warning
// event): Skiff nodes are often offline, and `image: busybox` must run from the seeded image.
import type { Container } from '../../api/types/core.js';
import type { ImageService } from '../cri/runtime-service.js';
import { backoffRemainingMs, pullBackoffKey, type CrashBackoff } from './crash-backoff.js';
import type { WaitingReason } from './compute-actions.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** Kubernetes' default: Always for `:latest` or no tag, IfNotPresent otherwise. */
export function pullPolicyOf(c: Container): PullPolicy {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.indexOf(':', lastSlash + 1);
  const tag = tagAt >= 0 ? image.slice(tagAt + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export type PullOutcome =
  | { ok: true; imageRef: string; pulled: boolean; pullMs?: number; event?: { reason: string; message: string } }
  | { ok: false; waiting: WaitingReason; retryAfterMs?: number; event?: { reason: string; message: string } };

export class ImagePuller {
  constructor(
    private readonly images: ImageService,
    private readonly backoff: CrashBackoff,
    private readonly now: () => number,
  ) {}

  async ensure(podUid: string, c: Container, onPulling: (image: string) => void): Promise<PullOutcome> {
    const image = c.image ?? '';
    const policy = pullPolicyOf(c);
    if (policy !== 'Always') {
      const present = await this.images.imageStatus(image);
      if (present) return { ok: true, imageRef: present.id, pulled: false };
      if (policy === 'Never') {
        const message = `Container image "${image}" is not present with pull policy of Never`;
        return { ok: false, waiting: { reason: 'ErrImageNeverPull', message }, event: { reason: 'ErrImageNeverPull', message } };
      }
    }
    const key = pullBackoffKey(podUid, image);
    const entry = this.backoff.get(key);
    const now = this.now();
    const remaining = entry ? backoffRemainingMs(entry, entry.lastUpdate, now) : 0;
    if (remaining > 0) {
      if (policy === 'Always') {
        const present = await this.images.imageStatus(image);
        if (present) return { ok: true, imageRef: present.id, pulled: false };
      }
      return { ok: false, waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }, retryAfterMs: remaining };
    }
    onPulling(image);
    const started = this.now();
    try {
      const imageRef = await this.images.pullImage(image);
      this.backoff.forget(key);
      return { ok: true, imageRef, pulled: true, pullMs: this.now() - started };
    } catch (err) {
      const next = this.backoff.next(key, this.now());
      const message = `Failed to pull image "${image}": ${(err as Error).message}`;
      if (policy === 'Always') {
        const present = await this.images.imageStatus(image);
        if (present) return { ok: true, imageRef: present.id, pulled: false, event: { reason: 'Failed', message: `${message}; using the image already present on the node` } };
      }
      return { ok: false, waiting: { reason: 'ErrImagePull', message }, retryAfterMs: next.delayMs, event: { reason: 'Failed', message } };
    }
  }
}
