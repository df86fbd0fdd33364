import { describe, expect, test } from 'vitest';
import {
  familiarName,
  InvalidReferenceError,
  isLoopbackHost,
  normalizeReference,
  parseReference,
} from '../../runtime/images/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  test.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['bitnami/nginx:1', 'docker.io/bitnami/nginx:1'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/busybox:x', 'docker.io/library/busybox:x'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/x/y:tag', 'localhost:5000/x/y:tag'],
    ['127.0.0.1:5000/x/y/z:v1.2-rc_3', '127.0.0.1:5000/x/y/z:v1.2-rc_3'],
    ['ghcr.io/org/app', 'ghcr.io/org/app:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`],
    [`host:5000/x@${D}`, `host:5000/x@${D}`],
    ['[::1]:5000/x', '[::1]:5000/x:latest'],
    ['x/a.b-c__d', 'docker.io/x/a.b-c__d:latest'],
  ])('%s → %s', (input, want) => {
    expect(normalizeReference(input)).toBe(want);
  });

  test('parts', () => {
    expect(parseReference('host:5000/x/y:tag')).toEqual({ domain: 'host:5000', path: 'x/y', tag: 'tag' });
    expect(parseReference(`x@${D}`)).toEqual({ domain: 'docker.io', path: 'library/x', digest: D });
  });

  test.each([
    ['', /empty reference/],
    ['busy box', /whitespace/],
    ['BusyBox', /must be lowercase/],
    ['docker.io/Library/busybox', /must be lowercase/],
    ['busybox:', /invalid tag ""/],
    ['busybox:-x', /invalid tag "-x"/],
    [`busybox:${'t'.repeat(129)}`, /invalid tag/],
    ['busybox@sha256:abc', /must be sha256: followed by 64 lowercase hex/],
    [`busybox@md5:${'a'.repeat(32)}`, /only sha256 is supported/],
    ['x//y', /empty path component/],
    ['x/-y', /invalid path component "-y"/],
    ['x/y_', /invalid path component "y_"/],
    ['-host:5000/x', /invalid registry host/],
    [':tag', /missing repository name/],
    [`x/${'a'.repeat(260)}`, /longer than 255/],
  ])('rejects %j', (input, reason) => {
    expect(() => parseReference(input)).toThrow(InvalidReferenceError);
    expect(() => parseReference(input)).toThrow(reason);
  });

  test('error names the reference', () => {
    expect(() => parseReference('Bad Ref')).toThrow('invalid image reference "Bad Ref"');
  });
});

test('familiarName', () => {
  expect(familiarName('docker.io/library/busybox')).toBe('busybox');
  expect(familiarName('docker.io/bitnami/nginx')).toBe('bitnami/nginx');
  expect(familiarName('ghcr.io/x/y')).toBe('ghcr.io/x/y');
});

test('isLoopbackHost', () => {
  for (const h of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000', '::1']) expect(isLoopbackHost(h)).toBe(true);
  for (const h of ['docker.io', '10.0.0.1:5000', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(h)).toBe(false);
});
