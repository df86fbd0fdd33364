// ApiClient: the typed REST client every component uses. `resource('pods')` gives a
// ResourceClient; `request` is the raw JSON call for paths outside the resource table.
import type { IncomingMessage } from 'node:http';
import { findByResource, findByUserName, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types/meta.js';
import { ApiError, apiErrorFromResponse } from './api-error.js';
import { HttpTransport, type HttpReply, type HttpRequest } from './http-transport.js';
import { HttpResourceClient, type RequestSender } from './resource-client.js';
import type { ClientConfig, ResourceClient } from './types.js';

export { ApiError } from './api-error.js';
export type { HttpRequest } from './http-transport.js';

function isJson(reply: HttpReply): boolean {
  const ct = String(reply.headers['content-type'] ?? '');
  return ct.startsWith('application/json') || ct.includes('+json');
}

export class ApiClient implements RequestSender {
  readonly config: ClientConfig;
  private readonly transport: HttpTransport;
  private readonly clients = new Map<string, HttpResourceClient<KubeObject>>();

  constructor(config: ClientConfig) {
    this.config = config;
    this.transport = new HttpTransport(config);
  }

  /** fieldManager for apply patches when the caller names none: the User-Agent's product */
  get defaultFieldManager(): string | undefined {
    return this.config.userAgent?.split('/')[0] || undefined;
  }

  /** `pods`, `pod`, `po`, `deployments.apps`, or a ResourceInfo */
  resource<T extends KubeObject = KubeObject>(info: ResourceInfo | string): ResourceClient<T> {
    const resolved = typeof info === 'string' ? (findByResource('', info) ?? findByUserName(info)) : info;
    if (!resolved) throw new Error(`resource: unknown resource type ${JSON.stringify(info)}`);
    const key = `${resolved.group}/${resolved.resource}`;
    let c = this.clients.get(key);
    if (!c) {
      c = new HttpResourceClient<KubeObject>(this, resolved);
      this.clients.set(key, c);
    }
    return c as unknown as ResourceClient<T>;
  }

  /** A raw reply (any status), for callers that need headers or non-JSON bodies. */
  send(req: HttpRequest): Promise<HttpReply> {
    return this.transport.send(req);
  }

  /** A JSON request: rejects with ApiError on a non-2xx reply; non-JSON 2xx bodies come back as a string. */
  async request<R = unknown>(req: HttpRequest): Promise<R> {
    const reply = await this.transport.send(req);
    const text = reply.body.toString('utf8');
    if (reply.statusCode < 200 || reply.statusCode >= 300) {
      throw apiErrorFromResponse(reply.statusCode, text, `${req.method.toLowerCase()} ${req.path}`);
    }
    if (!isJson(reply)) return text as R;
    try {
      return JSON.parse(text) as R;
    } catch (e) {
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        code: reply.statusCode,
        reason: 'InternalError',
        message: `${req.method} ${req.path}: invalid JSON in reply: ${(e as Error).message}`,
      });
    }
  }

  /** A streaming GET (watch, log follow): resolves once the status is 2xx, body unread. */
  openStream(req: HttpRequest): { response: Promise<IncomingMessage>; abort: () => void } {
    return this.transport.stream(req);
  }

  /** Closes pooled connections; in-flight streams are ended. */
  close(): void {
    this.transport.close();
  }
}
