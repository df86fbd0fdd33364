// The kubelet's HTTPS endpoint (port 10250): `/healthz` openly, everything else behind a bearer
// token the apiserver vouches for: `/containerLogs/{ns}/{pod}/{container}` (what `kubectl logs`
// reaches through the apiserver's pods/log proxy), `/pods` (the pods this node runs) and
// `/stats/summary` (CPU and memory of the node, its pods and containers). HTTP upgrades to
// `/exec/...` and `/portForward/...` (kubectl exec / port-forward) go to kubelet/streaming.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Pod } from '../../api/types/core.js';
import { HttpError, serveContainerLogs, type ContainerLogsDeps } from './container-logs.js';
import type { ServingCert } from './serving-cert.js';
import type { TokenAuthenticator } from './token-authenticator.js';
import { StatsProvider } from '../stats/stats-provider.js';
import { serveKubeletUpgrade } from '../streaming/kubelet-streaming.js';

export interface KubeletServerOptions extends ContainerLogsDeps {
  host: string;
  port: number;
  cert: ServingCert;
  auth: TokenAuthenticator;
  listPods(): Pod[];
  nodeName: string;
  log: Logger;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body.endsWith('\n') ? body : `${body}\n`);
}

const REASONS: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 404: 'NotFound', 405: 'MethodNotAllowed', 500: 'InternalError' };

/** errors as a Kubernetes Status, which the apiserver's log proxy passes on and kubectl prints */
function failure(res: ServerResponse, code: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code] ?? 'InternalError', code }));
}

async function authenticate(o: KubeletServerOptions, req: IncomingMessage): Promise<boolean> {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) return false;
  return (await o.auth.authenticate(m[1])) !== undefined;
}

/** what the server remembers between requests: the previous CPU samples, for usage rates */
interface ServerState {
  stats: StatsProvider;
}

async function handle(o: KubeletServerOptions, state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubelet');
  if (url.pathname === '/healthz') return text(res, 200, 'ok');
  if (req.method !== 'GET') return failure(res, 405, `method ${req.method} not allowed`);
  if (!(await authenticate(o, req))) return failure(res, 401, 'Unauthorized');
  const logs = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
  if (logs) {
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    await serveContainerLogs(
      o,
      { namespace: decodeURIComponent(logs[1]), pod: decodeURIComponent(logs[2]), container: decodeURIComponent(logs[3]), query: url.searchParams },
      res,
      ac.signal,
    );
    res.end();
    return;
  }
  if (url.pathname === '/stats/summary') {
    const summary = await state.stats.summary();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(summary));
    return;
  }
  if (url.pathname === '/pods') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: o.listPods() }));
    return;
  }
  return failure(res, 404, `404 page not found: ${url.pathname}`);
}

export function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const state: ServerState = { stats: new StatsProvider({ nodeName: o.nodeName, listPodSandboxStats: () => o.runtime.listPodSandboxStats(), listPods: () => o.listPods() }) };
  state.stats.start((err) => o.log.debug({ err: err.message }, 'stats housekeeping sample failed'));
  const server = https.createServer({ cert: o.cert.cert, key: o.cert.key }, (req, res) => {
    handle(o, state, req, res).catch((err: unknown) => {
      const code = err instanceof HttpError ? err.code : 500;
      if (code === 500) o.log.warn({ url: req.url, err: (err as Error).message }, 'kubelet request failed');
      failure(res, code, (err as Error).message);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void serveKubeletUpgrade({ auth: o.auth, findPod: o.findPod, runtime: o.runtime, log: o.log }, req, socket, head));
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      state.stats.stop();
      reject(err);
    };
    server.once('error', onError);
    server.listen(o.port, o.host, () => {
      server.off('error', onError);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            state.stats.stop();
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
