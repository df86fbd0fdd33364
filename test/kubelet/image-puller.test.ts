import { describe, expect, it } from 'vitest';
import { ImagePuller } from '../../kubelet/pod-sync/image-puller.js';
import { CrashBackoff } from '../../kubelet/pod-sync/crash-backoff.js';
import type { CriImage, ImageService } from '../../kubelet/cri/runtime-service.js';

function images(present: string[], reachable: boolean): ImageService & { pulls: string[] } {
  const pulls: string[] = [];
  const have = new Set(present);
  const img = (i: string): CriImage => ({ id: `sha256:${i}`, repo_tags: [i], repo_digests: [], size: 1 });
  return {
    pulls,
    async imageStatus(i: string) {
      return have.has(i) ? img(i) : undefined;
    },
    async pullImage(i: string) {
      pulls.push(i);
      if (!reachable) throw new Error('getaddrinfo ENOTFOUND registry-1.docker.io');
      have.add(i);
      return `sha256:${i}`;
    },
    async listImages() {
      return [...have].map(img);
    },
  } as unknown as ImageService & { pulls: string[] };
}

describe('ImagePuller', () => {
  const now = () => 1_000_000;

  it('pulls with policy Always even when the image is present', async () => {
    const svc = images(['busybox'], true);
    const out = await new ImagePuller(svc, new CrashBackoff(), now).ensure('uid', { name: 'c', image: 'busybox' }, () => {});
    expect(out).toMatchObject({ ok: true, pulled: true });
    expect(svc.pulls).toEqual(['busybox']);
  });

  it('with policy Always and no registry, uses the copy on the node and says so', async () => {
    const svc = images(['busybox'], false);
    const puller = new ImagePuller(svc, new CrashBackoff(), now);
    const out = await puller.ensure('uid', { name: 'c', image: 'busybox' }, () => {});
    expect(out).toMatchObject({ ok: true, pulled: false, imageRef: 'sha256:busybox' });
    expect(out.ok && out.event?.message).toMatch(/Failed to pull image "busybox": .*ENOTFOUND.*; using the image already present on the node/);
    // during the pull back-off the local copy is used without another attempt or event
    const again = await puller.ensure('uid', { name: 'c', image: 'busybox' }, () => {});
    expect(again).toEqual({ ok: true, imageRef: 'sha256:busybox', pulled: false });
    expect(svc.pulls).toEqual(['busybox']);
  });

  it('with no registry and no copy, fails with ErrImagePull, then ImagePullBackOff', async () => {
    const svc = images([], false);
    const puller = new ImagePuller(svc, new CrashBackoff(), now);
    const out = await puller.ensure('uid', { name: 'c', image: 'busybox' }, () => {});
    expect(out).toMatchObject({ ok: false, waiting: { reason: 'ErrImagePull' } });
    const again = await puller.ensure('uid', { name: 'c', image: 'busybox' }, () => {});
    expect(again).toMatchObject({ ok: false, waiting: { reason: 'ImagePullBackOff' } });
  });

  it('IfNotPresent never pulls a present image', async () => {
    const svc = images(['busybox:1.36'], true);
    const out = await new ImagePuller(svc, new CrashBackoff(), now).ensure('uid', { name: 'c', image: 'busybox:1.36' }, () => {});
    expect(out).toMatchObject({ ok: true, pulled: false });
    expect(svc.pulls).toEqual([]);
  });
});
