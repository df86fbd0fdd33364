// Bearer-token authentication for the kubelet's endpoint, delegated to the apiserver with a
// TokenReview (authentication.k8s.io/v1). Verdicts are cached: a minute for a valid token, ten
// seconds for a rejected one.
import type { ApiClient } from '../../client/rest-client.js';

export interface AuthenticatedUser {
  username: string;
  groups: string[];
}

export interface TokenAuthenticator {
  authenticate(token: string): Promise<AuthenticatedUser | undefined>;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; groups?: string[] };
  error?: string;
}

const OK_TTL_MS = 60_000;
const BAD_TTL_MS = 10_000;

export class TokenReviewAuthenticator implements TokenAuthenticator {
  private readonly cache = new Map<string, { user?: AuthenticatedUser; until: number }>();

  constructor(
    private readonly api: Pick<ApiClient, 'request'>,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(token: string): Promise<AuthenticatedUser | undefined> {
    const hit = this.cache.get(token);
    if (hit && hit.until > this.now()) return hit.user;
    const review = await this.api.request<{ status?: TokenReviewStatus }>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const s = review.status;
    const user = s?.authenticated ? { username: s.user?.username ?? '', groups: s.user?.groups ?? [] } : undefined;
    this.cache.set(token, { user, until: this.now() + (user ? OK_TTL_MS : BAD_TTL_MS) });
    if (this.cache.size > 1000) {
      for (const [k, v] of this.cache) if (v.until <= this.now()) this.cache.delete(k);
    }
    return user;
  }
}
