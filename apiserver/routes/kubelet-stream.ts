// Streams one request to a node's kubelet back to the client as it arrives (pod logs, nodes/proxy):
// a kubelet that cannot be reached before the reply started is a 503 naming the node; once the
// reply has started, a broken upstream ends it, and a client that goes away ends the upstream.
import https from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import { serviceUnavailable } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';

export interface KubeletStreamOptions {
  method: string;
  /** the node's name, for the error */
  nodeName: string | undefined;
  /** the Content-Type when the kubelet sends none */
  defaultContentType: string;
  /** more reply headers */
  headers?: OutgoingHttpHeaders;
  /** the error when connecting times out */
  timeoutMessage: string;
}

export function streamFromKubelet(ctx: ApiContext, url: URL, reply: FastifyReply, o: KubeletStreamOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const upstream = https.request(url, {
      method: o.method,
      rejectUnauthorized: false,
      headers: { Authorization: `Bearer ${ctx.adminToken}` },
      timeout: 10_000,
    });
    upstream.on('timeout', () => upstream.destroy(new Error(o.timeoutMessage)));
    upstream.on('error', (e) => {
      if (!reply.raw.headersSent) reject(serviceUnavailable(`cannot reach the kubelet of node ${JSON.stringify(o.nodeName)} at ${url.host}: ${e.message}`));
      else {
        reply.raw.destroy();
        resolve();
      }
    });
    upstream.on('response', (res) => {
      upstream.setTimeout(0);
      reply.hijack();
      reply.raw.writeHead(res.statusCode ?? 502, { 'Content-Type': res.headers['content-type'] ?? o.defaultContentType, ...o.headers });
      res.pipe(reply.raw);
      reply.raw.on('close', () => {
        res.destroy();
        upstream.destroy();
      });
      res.on('end', () => resolve());
      res.on('error', () => resolve());
    });
    upstream.end();
  });
}
