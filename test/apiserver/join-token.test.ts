import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapTokenId, caHash, formatJoinToken, newBootstrapToken, parseJoinToken, parseTtl } from '../../apiserver/join/join-token.js';
import { addBootstrapToken, bootstrapTokenValid, issueNodeToken } from '../../apiserver/join/token-store.js';

describe('join tokens', () => {
  it('round-trips the CA hash and the bootstrap token', () => {
    const t = { caHash: caHash('-----BEGIN CERTIFICATE-----\nabc\n'), bootstrapToken: newBootstrapToken() };
    expect(parseJoinToken(formatJoinToken(t))).toEqual(t);
    expect(bootstrapTokenId(t.bootstrapToken)).toHaveLength(6);
  });

  it.each([
    ['', /K10<64 hex digits>/],
    ['K10abc::abcdef.0123456789abcdef', /K10<64 hex digits>/],
    [`K10${'a'.repeat(64)}::ABCDEF.0123456789abcdef`, /<6 chars>\.<16 chars>/],
    [`K10${'a'.repeat(64)}::abcdef.short`, /<6 chars>\.<16 chars>/],
  ])('rejects %j with the reason', (text, reason) => {
    expect(() => parseJoinToken(text)).toThrow(reason);
  });

  it('parses TTLs', () => {
    expect(parseTtl('24h')).toBe(86_400_000);
    expect(parseTtl('90m')).toBe(5_400_000);
    expect(parseTtl('0')).toBe(0);
    expect(() => parseTtl('1d')).toThrow('--ttl: invalid value "1d"');
  });
});

describe('token store', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('bootstrap tokens expire; node tokens are issued once per node', () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-tokens-'));
    const file = join(dir, 'tokens.json');
    writeFileSync(file, '{}');
    const now = new Date('2026-01-01T00:00:00Z');
    const live = newBootstrapToken();
    const old = newBootstrapToken();
    addBootstrapToken(file, live, new Date(now.getTime() + 60_000));
    addBootstrapToken(file, old, new Date(now.getTime() - 1));
    expect(bootstrapTokenValid(file, live, now)).toBe(true);
    expect(bootstrapTokenValid(file, old, now)).toBe(false);
    expect(bootstrapTokenValid(file, 'nope', now)).toBe(false);
    const a = issueNodeToken(file, 'node-a');
    expect(issueNodeToken(file, 'node-a')).toBe(a);
    expect(issueNodeToken(file, 'node-b')).not.toBe(a);
    // a node token is not a bootstrap token
    expect(bootstrapTokenValid(file, a, now)).toBe(false);
  });
});
