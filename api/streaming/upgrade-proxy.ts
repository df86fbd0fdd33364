// Forwards an HTTP upgrade request (WebSocket, SPDY/3.1) to another server and, once that server
// switches protocols, splices the two connections together byte for byte; a refusal (any status
// but 101) is relayed to the client as is. The apiserver uses it towards the kubelet and the
// kubelet towards the runtime's streaming server, as Kubernetes' upgrade-aware proxy does.
// Node built-ins only, so both sides of the CRI line can use it.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

export interface UpgradeTarget {
  url: URL;
  /** replaces the client's Authorization (absent: none is sent) */
  authorization?: string;
  /** HTTPS targets with self-signed certificates (the kubelet's) */
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
}

const DROPPED = new Set(['host', 'authorization', 'proxy-authorization', 'keep-alive', 'te', 'trailer', 'transfer-encoding']);

/** the headers sent upstream: the client's, less host and credentials (pure) */
export function upstreamHeaders(h: IncomingHttpHeaders, authorization: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !DROPPED.has(k)) out[k] = v;
  if (authorization) out.authorization = authorization;
  return out;
}

/** the response head (status line and headers) written back to the client (pure) */
export function responseHead(status: number, message: string, rawHeaders: string[], drop: Set<string> = new Set()): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!drop.has(rawHeaders[i]!.toLowerCase())) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  }
  return `${head}\r\n`;
}

function splice(a: Duplex, b: Duplex): void {
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end).on('close', end);
  b.on('error', end).on('close', end);
  a.pipe(b);
  b.pipe(a);
}

/**
 * Proxies the upgrade request REQ (its socket and any bytes read past the head) to TARGET.
 * Resolves once the connection is spliced or the refusal relayed; rejects when the target cannot
 * be reached (nothing was written to SOCKET yet, so the caller can answer).
 */
export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    const mod = target.url.protocol === 'https:' ? https : http;
    const upstream = mod.request(target.url, {
      method: req.method,
      headers: upstreamHeaders(req.headers, target.authorization),
      rejectUnauthorized: target.rejectUnauthorized ?? true,
      timeout: target.timeoutMs ?? 10_000,
    });
    upstream.on('timeout', () => upstream.destroy(new Error(`timed out reaching ${target.url.host}`)));
    upstream.on('error', (e) => reject(e));
    upstream.on('upgrade', (res: IncomingMessage, upSocket: Duplex, upHead: Buffer) => {
      upstream.setTimeout(0);
      if ('setNoDelay' in upSocket) (upSocket as unknown as { setNoDelay(v: boolean): void }).setNoDelay(true);
      socket.write(responseHead(101, res.statusMessage ?? 'Switching Protocols', res.rawHeaders));
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      splice(socket, upSocket);
      resolve();
    });
    upstream.on('response', (res: IncomingMessage) => {
      upstream.setTimeout(0);
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const headers = responseHead(res.statusCode ?? 502, res.statusMessage ?? '', res.rawHeaders, new Set(['transfer-encoding', 'content-length', 'connection']));
        socket.end(Buffer.concat([Buffer.from(`${headers.slice(0, -2)}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
        resolve();
      });
      res.on('error', () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('close', () => upstream.destroy());
    upstream.end();
  });
}
