// The HTTP(S) edge of the client: one keep-alive agent for ordinary requests (many concurrent
// requests reuse connections), a second one for long-lived streams (watch, log follow) so that
// they never starve the pool. Bearer token, CA and insecure-skip-verify come from ClientConfig.
import http from 'node:http';
import https from 'node:https';
import type { ClientConfig } from './types.js';
import { apiErrorFromResponse } from './api-error.js';

export type QueryValue = string | number | boolean | undefined | string[];

export interface HttpRequest {
  method: string;
  path: string;
  query?: Record<string, QueryValue>;
  /** serialised as JSON unless a string or Buffer */
  body?: unknown;
  contentType?: string;
  accept?: string;
  headers?: Record<string, string>;
  /** ms; default 60 s for ordinary requests, none for streams */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpReply {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class HttpTransport {
  readonly base: URL;
  private readonly agent: http.Agent;
  private readonly streamAgent: http.Agent;
  private readonly secure: boolean;

  constructor(private readonly config: ClientConfig) {
    try {
      this.base = new URL(config.server);
    } catch {
      throw new Error(`server: invalid URL ${JSON.stringify(config.server)}`);
    }
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new Error(`server: unsupported scheme ${JSON.stringify(this.base.protocol)} in ${config.server}`);
    }
    this.secure = this.base.protocol === 'https:';
    const tls = { ca: config.caData, rejectUnauthorized: !config.insecureSkipTLSVerify };
    const agentOpts = { keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' as const };
    this.agent = this.secure ? new https.Agent({ ...agentOpts, ...tls }) : new http.Agent(agentOpts);
    this.streamAgent = this.secure ? new https.Agent({ keepAlive: false, ...tls }) : new http.Agent({ keepAlive: false });
  }

  private open(req: HttpRequest, stream: boolean): { clientReq: http.ClientRequest; payload?: Buffer } {
    const headers: Record<string, string> = {
      Accept: req.accept ?? 'application/json',
      'User-Agent': this.config.userAgent ?? 'skiff-client',
      ...req.headers,
    };
    if (this.config.token) headers.Authorization = `Bearer ${this.config.token}`;
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const basePath = this.base.pathname.replace(/\/$/, '');
    const options: http.RequestOptions = {
      protocol: this.base.protocol,
      hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
      port: this.base.port || (this.secure ? 443 : 80),
      method: req.method,
      path: basePath + req.path + buildQuery(req.query),
      headers,
      agent: stream ? this.streamAgent : this.agent,
      signal: req.signal,
    };
    const clientReq = (this.secure ? https : http).request(options);
    const timeout = req.timeoutMs ?? (stream ? 0 : (this.config.requestTimeoutMs ?? 60_000));
    if (timeout > 0) {
      clientReq.setTimeout(timeout, () => clientReq.destroy(new Error(`${req.method} ${req.path}: timed out after ${timeout} ms`)));
    }
    return { clientReq, payload };
  }

  /** One request, the whole body buffered. Non-2xx replies are returned, not thrown. */
  send(req: HttpRequest): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const { clientReq, payload } = this.open(req, false);
      clientReq.on('error', reject);
      clientReq.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      clientReq.end(payload);
    });
  }

  /**
   * A streaming request: resolves with the response once its status is 2xx (the body left
   * unread), rejects with ApiError otherwise. `abort()` ends the stream.
   */
  stream(req: HttpRequest): { response: Promise<http.IncomingMessage>; abort: () => void } {
    const { clientReq, payload } = this.open(req, true);
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      clientReq.on('error', reject);
      clientReq.on('response', (res) => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          resolve(res);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => reject(apiErrorFromResponse(code, Buffer.concat(chunks).toString('utf8'), `${req.method.toLowerCase()} ${req.path}`)));
      });
    });
    clientReq.end(payload);
    return { response, abort: () => clientReq.destroy() };
  }

  close(): void {
    this.agent.destroy();
    this.streamAgent.destroy();
  }
}
