// HTTP(S) requests for the registry client: keep-alive agents per endpoint, optional CA file or
// skipped verification, redirects followed (dropping Authorization when the host changes, as
// blob storage redirects require), and an idle timeout.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { RegistryError } from './errors.js';

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  skipVerify?: boolean;
  ca?: string;
  maxRedirects?: number;
  idleTimeoutMs?: number;
}

export class HttpTransport {
  private readonly agents = new Map<string, http.Agent>();

  async request(url: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    let current = new URL(url);
    const headers = { ...(opts.headers ?? {}) };
    for (let hop = 0; ; hop++) {
      const res = await this.once(current, headers, opts);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (![301, 302, 303, 307, 308].includes(status) || !location) return res;
      res.resume();
      if (hop >= (opts.maxRedirects ?? 5)) throw new RegistryError(`${url}: too many redirects`, status);
      const next = new URL(location, current);
      if (next.host !== current.host) delete headers.authorization;
      current = next;
    }
  }

  /** the whole response body as a Buffer, refusing bodies over `limit` bytes */
  static async readBody(res: http.IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
    const parts: Buffer[] = [];
    let n = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > limit) {
        res.destroy();
        throw new RegistryError(`response body larger than ${limit} bytes`);
      }
      parts.push(chunk);
    }
    return Buffer.concat(parts);
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  private agent(u: URL, opts: RequestOptions): http.Agent {
    const key = `${u.protocol}//${u.host}|${opts.skipVerify ? 1 : 0}|${opts.ca ?? ''}`;
    let a = this.agents.get(key);
    if (!a) {
      a =
        u.protocol === 'https:'
          ? new https.Agent({
              keepAlive: true,
              maxSockets: 16,
              rejectUnauthorized: !opts.skipVerify,
              ...(opts.ca ? { ca: fs.readFileSync(opts.ca) } : {}),
            })
          : new http.Agent({ keepAlive: true, maxSockets: 16 });
      this.agents.set(key, a);
    }
    return a;
  }

  private once(u: URL, headers: Record<string, string>, opts: RequestOptions): Promise<http.IncomingMessage> {
    const mod = u.protocol === 'https:' ? https : http;
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      return Promise.reject(new RegistryError(`${u.href}: unsupported URL scheme ${u.protocol}`));
    }
    return new Promise((resolve, reject) => {
      const req = mod.request(
        u,
        { method: opts.method ?? 'GET', headers: { 'user-agent': 'skiff/0.1', ...headers }, agent: this.agent(u, opts) },
        (res) => {
          res.setTimeout(opts.idleTimeoutMs ?? 60_000, () => res.destroy(new RegistryError(`${u.href}: read timed out`)));
          resolve(res);
        },
      );
      req.setTimeout(opts.idleTimeoutMs ?? 60_000, () => req.destroy(new RegistryError(`${u.href}: timed out`)));
      req.on('error', (e) => reject(new RegistryError(`${opts.method ?? 'GET'} ${u.href}: ${e.message}`)));
      req.end(opts.body);
    });
  }
}
