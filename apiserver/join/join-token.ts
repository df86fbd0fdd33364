// Join tokens for `skiff token create` / `skiff agent --token`, shaped like k3s's:
//   K10<sha256 of the cluster CA PEM, hex>::<id>.<secret>
// The hash lets an agent trust the server's CA before it has any credentials (it fetches /cacerts
// and compares); `<id>.<secret>` is a bootstrap token (kubeadm's format) that may only join a node.
import { createHash, randomBytes } from 'node:crypto';

export interface JoinToken {
  caHash: string;
  bootstrapToken: string;
}

const BOOTSTRAP_RE = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

function randomString(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

export function newBootstrapToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

export function formatJoinToken(t: JoinToken): string {
  return `K10${t.caHash}::${t.bootstrapToken}`;
}

export function parseJoinToken(text: string): JoinToken {
  const m = /^K10([0-9a-f]{64})::(.+)$/.exec(text.trim());
  if (!m) throw new Error(`--token: invalid value: a join token looks like K10<64 hex digits>::<6 chars>.<16 chars> (from \`skiff token create\`)`);
  if (!BOOTSTRAP_RE.test(m[2]!)) throw new Error(`--token: invalid value: the part after "::" must be <6 chars>.<16 chars> of [a-z0-9]`);
  return { caHash: m[1]!, bootstrapToken: m[2]! };
}

export function bootstrapTokenId(token: string): string {
  const m = BOOTSTRAP_RE.exec(token);
  if (!m) throw new Error(`invalid bootstrap token: must be <6 chars>.<16 chars> of [a-z0-9]`);
  return m[1]!;
}

/** parses a duration like `24h`, `90m`, `30s`, `0` (never expires) into milliseconds */
export function parseTtl(text: string): number {
  const m = /^(\d+)(h|m|s)?$/.exec(text.trim());
  if (!m) throw new Error(`--ttl: invalid value "${text}": use a number with h, m or s (e.g. 24h), or 0 for no expiry`);
  const n = Number(m[1]);
  return n * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1_000);
}
