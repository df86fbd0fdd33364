import { describe, expect, it } from 'vitest';
import { canonicalJson, computePodTemplateHash, fnv32a, safeEncodeString } from '../../api/pod-template-hash.js';
import type { PodTemplateSpec } from '../../api/types/core.js';

const template: PodTemplateSpec = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };

describe('pod-template-hash', () => {
  it('FNV-32a matches the reference vectors', () => {
    const enc = new TextEncoder();
    expect(fnv32a(enc.encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(enc.encode('a'))).toBe(0xe40c292c);
    expect(fnv32a(enc.encode('foobar'))).toBe(0xbf9cf968);
  });

  it('safe-encodes as Kubernetes does', () => {
    // '0' is 48, 48 % 27 = 21 → '4'; '9' is 57, 57 % 27 = 3 → 'f'
    expect(safeEncodeString('09')).toBe('4f');
  });

  it('is stable, ignores key order, and changes with the template and the collision count', () => {
    const h = computePodTemplateHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    const reordered: PodTemplateSpec = { spec: { containers: [{ image: 'nginx', name: 'web' }] }, metadata: { labels: { app: 'web' } } };
    expect(computePodTemplateHash(reordered)).toBe(h);
    expect(computePodTemplateHash({ ...template, spec: { containers: [{ name: 'web', image: 'nginx:2' }] } })).not.toBe(h);
    expect(computePodTemplateHash(template, 1)).not.toBe(h);
    expect(computePodTemplateHash(template, 1)).toBe(computePodTemplateHash(template, 1));
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});
