import { describe, expect, it } from 'vitest';
import { computePodTemplateHash, fnv32a, safeEncodeString } from '../../api/pod-template-hash.js';
import { parseDuration } from '../../api/duration.js';
import type { PodTemplateSpec } from '../../api/types/index.js';

const t: PodTemplateSpec = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:v1' }] } };

describe('pod-template-hash', () => {
  it('is FNV-32a', () => {
    expect(fnv32a(new TextEncoder().encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
  });
  it('uses the safe alphabet', () => {
    expect(safeEncodeString('0123456789')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
  });
  it('ignores key order and null fields, changes with the template and the collision count', () => {
    const reordered = { spec: { containers: [{ image: 'busybox:v1', name: 'c' }] }, metadata: { creationTimestamp: null, labels: { app: 'web' } } } as unknown as PodTemplateSpec;
    expect(computePodTemplateHash(reordered)).toBe(computePodTemplateHash(t));
    const v2 = structuredClone(t);
    v2.spec.containers[0].image = 'busybox:v2';
    expect(computePodTemplateHash(v2)).not.toBe(computePodTemplateHash(t));
    expect(computePodTemplateHash(t, 1)).not.toBe(computePodTemplateHash(t));
  });
});

describe('parseDuration', () => {
  it.each([
    ['50s', 50_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['5', 5000],
    ['1.5s', 1500],
  ])('%s = %i ms', (s, ms) => expect(parseDuration(s)).toBe(ms));
  it('names the flag and value when it cannot parse', () => {
    expect(() => parseDuration('5 minutes', '--node-monitor-grace-period')).toThrow('--node-monitor-grace-period: invalid duration "5 minutes"');
  });
});
