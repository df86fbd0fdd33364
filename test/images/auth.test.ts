import { expect, test } from 'vitest';
import { basicAuthHeader, parseChallenges, pullScope } from '../../runtime/images/auth.js';

test('parseChallenges: Docker Hub style Bearer', () => {
  expect(
    parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'),
  ).toEqual([
    {
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' },
    },
  ]);
});

test('parseChallenges: Basic, unquoted values, escapes, several challenges', () => {
  expect(parseChallenges('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  expect(parseChallenges('Basic realm=x, Bearer realm="r\\"q",service=s')).toEqual([
    { scheme: 'basic', params: { realm: 'x' } },
    { scheme: 'bearer', params: { realm: 'r"q', service: 's' } },
  ]);
  expect(parseChallenges('')).toEqual([]);
  expect(parseChallenges('Negotiate')).toEqual([{ scheme: 'negotiate', params: {} }]);
});

test('basicAuthHeader', () => {
  expect(basicAuthHeader({ username: 'u', password: 'p:w' })).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`);
  expect(basicAuthHeader({ auth: 'abc=' })).toBe('Basic abc=');
  expect(basicAuthHeader({ username: 'u' })).toBeUndefined();
  expect(basicAuthHeader(undefined)).toBeUndefined();
});

test('pullScope', () => {
  expect(pullScope('library/busybox')).toBe('repository:library/busybox:pull');
});
