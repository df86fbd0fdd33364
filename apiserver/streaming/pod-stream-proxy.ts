// pods/exec, pods/attach and pods/portforward: HTTP upgrades (WebSocket, or the SPDY/3.1 POST
// kubectl falls back to) proxied to the kubelet of the pod's node at /exec/{ns}/{pod}/{container}
// or /portForward/{ns}/{pod}, with the apiserver's admin token. Authorized as `create` on the
// subresource (so a node's read access does not cover it), as Kubernetes does.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { findByResource } from '../../api/resources.js';
import { badRequest, forbidden, notFound, StatusError, toStatus, unauthorized } from '../../api/status.js';
import type { Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import { proxyUpgrade } from '../../api/streaming/upgrade-proxy.js';
import { refuseUpgrade } from '../../api/streaming/upgrade-refusal.js';
import type { ApiContext } from '../api-context.js';
import { authorize, forbiddenMessage } from '../auth/authorizer.js';
import type { UserInfo } from '../auth/token-file.js';
import { kubeletBaseUrl, logContainer, podNode } from '../routes/pod-log.js';

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/;
const EXEC_PARAMS = ['command', 'stdin', 'stdout', 'stderr', 'tty', 'input', 'output', 'error'];

export interface PodStreamTarget {
  namespace: string;
  name: string;
  subresource: 'exec' | 'attach' | 'portforward';
}

/** the pod and subresource of an upgrade request's path, undefined for any other path (pure) */
export function parsePodStreamPath(path: string): PodStreamTarget | undefined {
  const m = PATH.exec(path);
  if (!m) return undefined;
  return { namespace: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!), subresource: m[3] as PodStreamTarget['subresource'] };
}

/** the kubelet path and query for T on POD (pure) */
export function kubeletStreamPath(t: PodStreamTarget, pod: Pod, query: URLSearchParams): string {
  const ns = encodeURIComponent(t.namespace);
  const name = encodeURIComponent(t.name);
  if (t.subresource === 'portforward') {
    const q = new URLSearchParams();
    for (const p of query.getAll('ports')) for (const port of p.split(',')) q.append('port', port.trim());
    const qs = q.toString();
    return `/portForward/${ns}/${name}${qs ? `?${qs}` : ''}`;
  }
  if (t.subresource === 'attach') throw badRequest('attach is not supported by skiff: container output goes to its log (use logs -f); use exec for a process with stdin');
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = logContainer(pod, query.get('container'));
  const q = new URLSearchParams();
  for (const k of EXEC_PARAMS) for (const v of query.getAll(k)) q.append(k, v);
  return `/exec/${ns}/${name}/${encodeURIComponent(container)}?${q.toString()}`;
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]!.trim() : undefined;
}

export interface PodStreamOptions {
  /** the plain-HTTP test listener: every caller is this user */
  fixedUser?: UserInfo;
}

/** handles an upgrade request on the apiserver's listener; every other path is refused with 404 */
export async function servePodStreamUpgrade(ctx: ApiContext, opts: PodStreamOptions, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on('error', () => undefined);
  const url = new URL(req.url ?? '/', 'https://apiserver');
  try {
    const t = parsePodStreamPath(url.pathname);
    if (!t) throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: `the server does not support an upgrade at ${url.pathname}` });
    const token = bearer(req);
    const user = opts.fixedUser ?? (token ? ctx.authenticator.authenticate(token) : undefined);
    if (!user) throw unauthorized();
    const areq = { verb: 'create', group: '', resource: 'pods', subresource: t.subresource, namespace: t.namespace, name: t.name };
    if (!authorize(user, areq).allowed) throw forbidden(forbiddenMessage(user, areq));
    const pods = findByResource('', 'pods')!;
    let pod: Pod;
    try {
      pod = (await ctx.registry.get(pods, t.namespace, t.name)) as KubeObject as Pod;
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) throw notFound(pods, t.name);
      throw e;
    }
    const path = kubeletStreamPath(t, pod, url.searchParams);
    const node = await podNode(ctx, pod);
    const base = kubeletBaseUrl(node, `${t.subresource} in pod ${JSON.stringify(t.name)}`);
    try {
      await proxyUpgrade(req, socket, head, { url: new URL(`${base}${path}`), authorization: `Bearer ${ctx.adminToken}`, rejectUnauthorized: false });
    } catch (e) {
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable', message: `cannot reach the kubelet of node ${JSON.stringify(node.metadata.name)}: ${(e as Error).message}` });
    }
  } catch (e) {
    const s = toStatus(e);
    if (s.code >= 500) ctx.log.warn({ err: s.message, url: req.url }, 'pod streaming request failed');
    refuseUpgrade(socket, { code: s.code, message: s.message ?? 'error', reason: s.reason, details: s.details });
  }
}
