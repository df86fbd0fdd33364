// The runtime's streaming server (what containerd and CRI-O run beside the CRI): HTTP on
// 127.0.0.1 at a random port. CRI Exec and PortForward register a one-time session and answer its
// URL (`/exec/<token>`, `/portforward/<token>`); the kubelet proxies the client's upgraded
// connection there. Exec speaks the channel protocol over WebSocket, or SPDY/3.1 streams (the
// fallback, and kubectl before 1.29); port-forward speaks SPDY/3.1,
// as a plain HTTP upgrade or tunnelled in WebSocket (`SPDY/3.1+portforward.k8s.io`).
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { selectExecProtocol } from './channel-protocol.js';
import { serveExecSpdy, selectSpdyExecProtocol } from './exec-spdy.js';
import { serveExecWebSocket, type ExecSessionSpec, type StartExec } from './exec-websocket.js';
import { refuseUpgrade } from './http-reply.js';
import { SessionStore } from './session-store.js';

export const SESSION_TTL_MS = 30_000;

export interface PortForwardSessionSpec {
  sandboxId: string;
  /** the ports the CRI request named; empty: any */
  ports: number[];
}

/** serves one port-forward session on an upgraded connection (SPDY framing over SOCKET) */
export type ServePortForward = (socket: Duplex, spec: PortForwardSessionSpec) => void;

export interface StreamingServerDeps {
  startExec: StartExec;
  /** absent: port-forward URLs are refused */
  servePortForward?: ServePortForward;
  log: Logger;
  host?: string;
}

export interface StreamingServer {
  /** the base URL, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  execUrl(spec: ExecSessionSpec): string;
  portForwardUrl(spec: PortForwardSessionSpec): string;
  close(): Promise<void>;
}

export const PORTFORWARD_WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
export const PORTFORWARD_PROTOCOL = 'portforward.k8s.io';

function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function isWebSocket(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

function isSpdy(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1';
}

export async function startStreamingServer(d: StreamingServerDeps): Promise<StreamingServer> {
  const execs = new SessionStore<ExecSessionSpec>(SESSION_TTL_MS);
  const forwards = new SessionStore<PortForwardSessionSpec>(SESSION_TTL_MS);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => selectExecProtocol(offered) ?? false });
  const tunnels = new WeakSet<IncomingMessage>();
  wss.on('headers', (headers, req) => {
    if (tunnels.has(req)) headers.push(`Sec-WebSocket-Protocol: ${PORTFORWARD_WS_PROTOCOL}`);
  });
  const server = http.createServer((req, res) => {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${req.url}: streaming needs an upgraded connection (WebSocket or SPDY/3.1)`, reason: 'BadRequest', code: 400 }));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const m = /^\/(exec|portforward)\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m) return refuseUpgrade(socket, 404, `${req.url}: not a streaming URL`);
    if (m[1] === 'exec') {
      const spec = execs.take(m[2]!);
      if (!spec) return refuseUpgrade(socket, 404, 'the exec session does not exist or has expired (sessions last 30 s)');
      const spdyVersion = isSpdy(req) ? selectSpdyExecProtocol(String(req.headers['x-stream-protocol-version'] ?? '')) : undefined;
      if (spdyVersion) {
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${spdyVersion}\r\n\r\n`);
        if (head.length) socket.unshift(head);
        serveExecSpdy(socket, spec, d.startExec, d.log);
        return;
      }
      const protocol = selectExecProtocol(offeredProtocols(req));
      if (!isWebSocket(req) || !protocol) {
        return refuseUpgrade(socket, 400, `exec needs a WebSocket with subprotocol v5.channel.k8s.io or v4.channel.k8s.io, or SPDY/3.1 with X-Stream-Protocol-Version v5.channel.k8s.io or v4.channel.k8s.io (offered upgrade ${JSON.stringify(req.headers.upgrade ?? '')}, protocols ${JSON.stringify(offeredProtocols(req))})`);
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        serveExecWebSocket(ws, protocol, spec, d.startExec).catch((e: unknown) => {
          d.log.warn({ err: (e as Error).message, container: spec.containerId }, 'exec session failed');
          ws.terminate();
        });
      });
      return;
    }
    const spec = forwards.take(m[2]!);
    if (!spec) return refuseUpgrade(socket, 404, 'the port-forward session does not exist or has expired (sessions last 30 s)');
    if (!d.servePortForward) return refuseUpgrade(socket, 400, 'port-forward is not supported by this runtime');
    const serve = d.servePortForward;
    if (isWebSocket(req) && offeredProtocols(req).includes(PORTFORWARD_WS_PROTOCOL)) {
      d.log.info({ sandbox: spec.sandboxId, transport: 'websocket' }, 'port-forward session');
      // `/` is not a token character, so ws refuses this subprotocol: negotiate it here instead
      delete req.headers['sec-websocket-protocol'];
      tunnels.add(req);
      wss.handleUpgrade(req, socket, head, (ws) => serve(createWebSocketStream(ws), spec));
      return;
    }
    const versions = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim());
    if (isSpdy(req) && versions.includes(PORTFORWARD_PROTOCOL)) {
      d.log.info({ sandbox: spec.sandboxId, transport: 'spdy' }, 'port-forward session');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORTFORWARD_PROTOCOL}\r\n\r\n`);
      if (head.length) socket.unshift(head);
      serve(socket, spec);
      return;
    }
    refuseUpgrade(socket, 400, `port-forward needs a WebSocket with subprotocol ${PORTFORWARD_WS_PROTOCOL} or an SPDY/3.1 upgrade with X-Stream-Protocol-Version ${PORTFORWARD_PROTOCOL}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, d.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const baseUrl = `http://${addr.address}:${addr.port}`;
  d.log.info({ url: baseUrl }, 'streaming server listening');
  return {
    baseUrl,
    execUrl: (spec) => `${baseUrl}/exec/${execs.put(spec)}`,
    portForwardUrl: (spec) => `${baseUrl}/portforward/${forwards.put(spec)}`,
    close: () =>
      new Promise<void>((resolve) => {
        execs.clear();
        forwards.clear();
        for (const c of wss.clients) c.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
