// nodes/proxy: `GET /api/v1/nodes/{name}/proxy/{path}` forwarded to that node's kubelet at
// https://<InternalIP>:<kubeletEndpoint.Port>/{path}?<query> with the apiserver's admin token (what
// `kubectl get --raw /api/v1/nodes/N/proxy/stats/summary` and `skiffctl top` use). Admin only: the
// kubelet's endpoints reveal every pod's logs and usage. The kubelet's certificate is self-signed,
// so it is not verified.
import https from 'node:https';
import type { FastifyReply } from 'fastify';
import type { KubeObject } from '../../api/types/meta.js';
import type { Node } from '../../api/types/core.js';
import { findByResource } from '../../api/resources.js';
import { forbidden, methodNotAllowed, serviceUnavailable } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';
import type { UserInfo } from '../auth/token-file.js';
import { kubeletBaseUrl } from './pod-log.js';
import { streamFromKubelet } from './kubelet-stream.js';

export interface NodeProxyTarget {
  node: string;
  /** the path on the kubelet, always starting with `/` */
  path: string;
}

const NODE_PROXY = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/;

/** the node and kubelet path of a nodes/proxy request path, or undefined for any other path */
export function nodeProxyTarget(path: string): NodeProxyTarget | undefined {
  const m = NODE_PROXY.exec(path);
  if (!m) return undefined;
  return { node: decodeURIComponent(m[1]!), path: m[2] ?? '/' };
}

/** the kubelet URL a nodes/proxy request goes to */
export function nodeProxyUrl(node: Node, target: NodeProxyTarget, query: URLSearchParams): URL {
  const url = new URL(`${kubeletBaseUrl(node, `proxy to node ${JSON.stringify(target.node)}`)}${target.path}`);
  url.search = query.toString();
  return url;
}

export async function serveNodeProxy(ctx: ApiContext, user: UserInfo, method: string, target: NodeProxyTarget, query: URLSearchParams, reply: FastifyReply): Promise<void> {
  if (!user.groups.includes('system:masters')) {
    throw forbidden(`nodes "${target.node}" is forbidden: User ${JSON.stringify(user.username)} cannot get resource "nodes/proxy" in API group "" at the cluster scope`);
  }
  if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(`the server does not allow this method on the requested resource (${method.toLowerCase()} nodes/proxy)`);
  const nodes = findByResource('', 'nodes')!;
  const node = (await ctx.registry.get(nodes, undefined, target.node)) as KubeObject as Node;
  const url = nodeProxyUrl(node, target, query);
  await streamFromKubelet(ctx, url, reply, { method, nodeName: target.node, defaultContentType: 'application/octet-stream', timeoutMessage: 'timed out' });
}

/** a buffered GET of PATH on NODE's kubelet, parsed as JSON; a non-2xx answer or no answer is a 503 naming the node */
export async function fetchKubeletJson<T>(ctx: ApiContext, node: Node, path: string): Promise<T> {
  const name = node.metadata.name;
  const url = new URL(`${kubeletBaseUrl(node, `read ${path} of node ${JSON.stringify(name)}`)}${path}`);
  const body = await new Promise<string>((resolve, reject) => {
    const req = https.request(url, { method: 'GET', rejectUnauthorized: false, headers: { Authorization: `Bearer ${ctx.adminToken}` }, timeout: 10_000 });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => reject(serviceUnavailable(`cannot reach the kubelet of node ${JSON.stringify(name)} at ${url.host}: ${e.message}`)));
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('error', (e) => reject(serviceUnavailable(`reading ${path} from node ${JSON.stringify(name)}: ${e.message}`)));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) reject(serviceUnavailable(`the kubelet of node ${JSON.stringify(name)} answered ${code} for ${path}: ${text.trim().slice(0, 200)}`));
        else resolve(text);
      });
    });
    req.end();
  });
  try {
    return JSON.parse(body) as T;
  } catch (e) {
    throw serviceUnavailable(`the kubelet of node ${JSON.stringify(name)} sent invalid JSON for ${path}: ${(e as Error).message}`);
  }
}
