// Writes to `<data-dir>/tokens.json`, the file the apiserver's token authenticator reads: bootstrap
// tokens that may only join a node, and the per-node tokens a join hands out. Writes are atomic
// (temp file + rename) so the authenticator never reads half a file.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapTokenId } from './join-token.js';

export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const NODES_GROUP = 'system:nodes';

export interface StoredToken {
  user: string;
  uid: string;
  groups: string[];
  /** RFC 3339; absent: never expires */
  expires?: string;
}

export function tokensFile(dataDir: string): string {
  return join(dataDir, 'tokens.json');
}

function read(file: string): Record<string, StoredToken> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredToken>;
}

function write(file: string, tokens: Record<string, StoredToken>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

export function addBootstrapToken(file: string, token: string, expires: Date | undefined): void {
  const tokens = read(file);
  tokens[token] = {
    user: `system:bootstrap:${bootstrapTokenId(token)}`,
    uid: randomUUID(),
    groups: [BOOTSTRAPPERS_GROUP],
    ...(expires ? { expires: expires.toISOString() } : {}),
  };
  write(file, tokens);
}

/** false when the token is unknown, not a bootstrap token, or expired */
export function bootstrapTokenValid(file: string, token: string, now: Date): boolean {
  const entry = read(file)[token];
  if (!entry || !entry.groups.includes(BOOTSTRAPPERS_GROUP)) return false;
  return !entry.expires || Date.parse(entry.expires) > now.getTime();
}

/** the node's token, made on its first join and handed out again on a re-join */
export function issueNodeToken(file: string, nodeName: string): string {
  const tokens = read(file);
  const user = `system:node:${nodeName}`;
  const existing = Object.entries(tokens).find(([, v]) => v.user === user && v.groups.includes(NODES_GROUP));
  if (existing) return existing[0];
  const token = randomBytes(24).toString('hex');
  tokens[token] = { user, uid: randomUUID(), groups: [NODES_GROUP, 'system:authenticated'] };
  write(file, tokens);
  return token;
}
