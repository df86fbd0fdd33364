// Registry authentication: WWW-Authenticate challenges, Basic auth, and the Bearer token flow
// (realm/service/scope; anonymous, with username/password, with an identity (refresh) token, or
// with a ready registry token). Tokens are cached per host and scope until they expire.
import type { RegistryEndpoint } from './hosts-config.js';
import { HttpTransport } from './http-transport.js';
import { RegistryUnauthorizedError } from './errors.js';
import type { AuthConfig } from './image-store.js';

export interface Challenge {
  /** lowercased: `basic`, `bearer` */
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://a/token",service="reg",scope="repository:x:pull"` → challenges */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  const re = /\s*([A-Za-z][\w-]*)(?:\s+|$)((?:\s*,?\s*[\w-]+=(?:"(?:[^"\\]|\\.)*"|[^\s,"]*))*)/y;
  let pos = 0;
  while (pos < header.length) {
    re.lastIndex = pos;
    const m = re.exec(header);
    if (!m || m[0].length === 0) break;
    const params: Record<string, string> = {};
    const pre = /([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))/g;
    for (let p = pre.exec(m[2]); p; p = pre.exec(m[2])) {
      params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
    }
    out.push({ scheme: m[1].toLowerCase(), params });
    pos = re.lastIndex;
    while (header[pos] === ',' || header[pos] === ' ') pos++;
  }
  return out;
}

/** `Basic base64(user:password)` from username/password or a ready `auth` string */
export function basicAuthHeader(auth: AuthConfig | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.auth) return `Basic ${auth.auth}`;
  if (auth.username !== undefined && auth.password !== undefined) {
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  return undefined;
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

interface CachedToken {
  header: string;
  expiresAt: number;
}

export class Authorizer {
  private readonly basic = new Map<string, string>();
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly transport: HttpTransport,
    /** credentials for an endpoint, if any */
    private readonly credentials: (ep: RegistryEndpoint) => AuthConfig | undefined,
  ) {}

  /** the Authorization header to send for this endpoint and scope, if one is known */
  headerFor(ep: RegistryEndpoint, scope: string): string | undefined {
    const t = this.tokens.get(`${ep.base}|${scope}`);
    if (t && t.expiresAt > Date.now()) return t.header;
    const creds = this.credentials(ep);
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    return this.basic.get(ep.base);
  }

  /**
   * Handles a 401: learns how to authorize from the challenge. Returns true when a retry may
   * succeed, false when there is nothing new to try (no credentials, or they were refused).
   */
  async onUnauthorized(ep: RegistryEndpoint, challengeHeader: string | undefined, scope: string, sent?: string): Promise<boolean> {
    const challenges = parseChallenges(challengeHeader ?? '');
    const creds = this.credentials(ep);
    if (creds?.registryToken) return `Bearer ${creds.registryToken}` !== sent;
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer?.params.realm) {
      const header = await this.fetchToken(ep, bearer.params, scope, creds);
      return header !== sent;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      const header = basicAuthHeader(creds);
      if (!header || header === sent) return false;
      this.basic.set(ep.base, header);
      return true;
    }
    return false;
  }

  private async fetchToken(
    ep: RegistryEndpoint,
    params: Record<string, string>,
    scope: string,
    creds: AuthConfig | undefined,
  ): Promise<string> {
    const realm = new URL(params.realm);
    const scopes = [...new Set([params.scope, scope].filter((s): s is string => Boolean(s)))];
    let res;
    if (creds?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'skiff' });
      if (params.service) form.set('service', params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.transport.request(realm.href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        skipVerify: ep.skipVerify,
        ca: ep.ca,
      });
    } else {
      if (params.service) realm.searchParams.set('service', params.service);
      for (const s of scopes) realm.searchParams.append('scope', s);
      const basic = basicAuthHeader(creds);
      res = await this.transport.request(realm.href, {
        headers: basic ? { authorization: basic } : {},
        skipVerify: ep.skipVerify,
        ca: ep.ca,
      });
    }
    const body = await HttpTransport.readBody(res, 1024 * 1024);
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new RegistryUnauthorizedError(
        `token server ${realm.origin}${realm.pathname} refused ${creds ? 'the credentials' : 'anonymous access'} for ${ep.host} (${res.statusCode})`,
        res.statusCode,
      );
    }
    if ((res.statusCode ?? 0) >= 300) {
      throw new RegistryUnauthorizedError(`token server ${realm.origin}${realm.pathname}: HTTP ${res.statusCode}`, res.statusCode);
    }
    let parsed: { token?: string; access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(body.toString()) as typeof parsed;
    } catch {
      throw new RegistryUnauthorizedError(`token server ${realm.origin}${realm.pathname}: response is not JSON`);
    }
    const token = parsed.token ?? parsed.access_token;
    if (!token) throw new RegistryUnauthorizedError(`token server ${realm.origin}${realm.pathname}: response has no token`);
    const header = `Bearer ${token}`;
    const ttl = Math.max(60, Number(parsed.expires_in) || 60) * 1000;
    this.tokens.set(`${ep.base}|${scope}`, { header, expiresAt: Date.now() + ttl - 10_000 });
    return header;
  }
}
