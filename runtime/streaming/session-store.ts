// One-time streaming sessions: the CRI Exec/PortForward call registers what to run and gets a
// random token for the URL; the first request with the token takes the session, and a session
// nobody takes within the time-to-live is forgotten (as containerd's and CRI-O's are).
import { randomBytes } from 'node:crypto';

export class SessionStore<T> {
  private readonly sessions = new Map<string, { value: T; timer: NodeJS.Timeout }>();

  constructor(private readonly ttlMs: number) {}

  /** registers VALUE and returns its token (URL-safe) */
  put(value: T): string {
    const token = randomBytes(18).toString('base64url');
    const timer = setTimeout(() => this.sessions.delete(token), this.ttlMs);
    timer.unref();
    this.sessions.set(token, { value, timer });
    return token;
  }

  /** the session of TOKEN, removed so a second request with it finds nothing */
  take(token: string): T | undefined {
    const s = this.sessions.get(token);
    if (!s) return undefined;
    clearTimeout(s.timer);
    this.sessions.delete(token);
    return s.value;
  }

  get size(): number {
    return this.sessions.size;
  }

  clear(): void {
    for (const s of this.sessions.values()) clearTimeout(s.timer);
    this.sessions.clear();
  }
}
