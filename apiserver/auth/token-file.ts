// Bearer tokens from `<data-dir>/tokens.json` (token → {user, uid, groups}), reloaded when the file
// changes. The first start writes an admin token in group `system:masters`.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface UserInfo {
  username: string;
  uid: string;
  groups: string[];
}

export interface TokenEntry {
  user: string;
  uid: string;
  groups: string[];
}

export interface Authenticator {
  authenticate(token: string): UserInfo | undefined;
}

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

function parseTokens(text: string, file: string): Map<string, UserInfo> {
  const raw = JSON.parse(text) as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: expected an object of token → {user, uid, groups}`);
  const out = new Map<string, UserInfo>();
  for (const [token, v] of Object.entries(raw as Record<string, Partial<TokenEntry>>)) {
    if (!v || typeof v.user !== 'string') throw new Error(`${file}: token entry ${token.slice(0, 6)}…: user: Required value`);
    out.set(token, { username: v.user, uid: v.uid ?? '', groups: Array.isArray(v.groups) ? v.groups.map(String) : [] });
  }
  return out;
}

/** Reads tokens.json, re-reading it whenever its mtime or size changes (checked at most every 500 ms). */
export class TokenFileAuthenticator implements Authenticator {
  private tokens = new Map<string, UserInfo>();
  private stamp = '';
  private checkedAt = 0;

  constructor(readonly file: string, private readonly onError?: (e: Error) => void) {
    this.reload(true);
  }

  /** `initial`: the first read, which must succeed; `now`: skip the 500 ms throttle. */
  private reload(initial: boolean, now = false): void {
    const t = Date.now();
    if (!initial && !now && t - this.checkedAt < 500) return;
    this.checkedAt = t;
    try {
      const st = statSync(this.file);
      const stamp = `${st.mtimeMs}:${st.size}`;
      if (stamp === this.stamp) return;
      this.tokens = parseTokens(readFileSync(this.file, 'utf8'), this.file);
      this.stamp = stamp;
    } catch (e) {
      if (initial) throw e;
      this.onError?.(e as Error);
    }
  }

  authenticate(token: string): UserInfo | undefined {
    this.reload(false);
    const user = this.tokens.get(token);
    if (user) return user;
    // An unknown token may have just been written (a node that joined a moment ago): look again now.
    this.reload(false, true);
    return this.tokens.get(token);
  }
}

/** Makes sure tokens.json exists with an admin token; returns the admin token. */
export function ensureAdminToken(dataDir: string): { file: string; adminToken: string } {
  const file = path.join(dataDir, 'tokens.json');
  if (existsSync(file)) {
    const tokens = JSON.parse(readFileSync(file, 'utf8')) as Record<string, TokenEntry>;
    const admin = Object.entries(tokens).find(([, v]) => v.user === 'admin' && v.groups?.includes('system:masters'));
    if (admin) return { file, adminToken: admin[0] };
    const adminToken = newToken();
    tokens[adminToken] = { user: 'admin', uid: randomUUID(), groups: ['system:masters', 'system:authenticated'] };
    writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
    return { file, adminToken };
  }
  const adminToken = newToken();
  const tokens: Record<string, TokenEntry> = {
    [adminToken]: { user: 'admin', uid: randomUUID(), groups: ['system:masters', 'system:authenticated'] },
  };
  writeFileSync(file, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
  return { file, adminToken };
}
