// pods/log: proxied to the node's kubelet at
// https://<InternalIP>:<kubeletEndpoint.Port>/containerLogs/{ns}/{pod}/{container}?<query>, with the
// apiserver's admin token, streaming the body (follow works). The kubelet's certificate is
// self-signed, so it is not verified.
import type { FastifyReply } from 'fastify';
import type { KubeObject } from '../../api/types/meta.js';
import type { Node, Pod } from '../../api/types/core.js';
import { findByResource } from '../../api/resources.js';
import { badRequest, serviceUnavailable, StatusError } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';
import type { Query } from './query.js';
import { streamFromKubelet } from './kubelet-stream.js';

const PASSED = ['follow', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps', 'tailLines', 'limitBytes'];

/** Picks the container: the named one, or the only one; several and none named is a 400. */
export function logContainer(pod: Pod, requested: string | null): string {
  const names = [...(pod.spec?.containers ?? []).map((c) => c.name), ...(pod.spec?.initContainers ?? []).map((c) => c.name)];
  if (requested) {
    if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const main = (pod.spec?.containers ?? []).map((c) => c.name);
  if (main.length === 1) return main[0]!;
  throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${main.join(' ')}]`);
}

/** https://<InternalIP>:<kubelet port> of NODE; WHAT says what needed it, for the error */
export function kubeletBaseUrl(node: Node, what: string): string {
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!ip || !port) throw serviceUnavailable(`the node ${JSON.stringify(node.metadata.name)} has no kubelet endpoint (status.addresses InternalIP and status.daemonEndpoints.kubeletEndpoint.Port); cannot ${what}`);
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `https://${host}:${port}`;
}

export function kubeletLogUrl(node: Node, ns: string, pod: string, container: string, query: Query): URL {
  const base = kubeletBaseUrl(node, `fetch logs of pod ${JSON.stringify(pod)}`);
  const url = new URL(`${base}/containerLogs/${encodeURIComponent(ns)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}`);
  for (const p of PASSED) {
    const v = query.get(p);
    if (v !== null) url.searchParams.set(p, v);
  }
  return url;
}

/** the Node POD is bound to: 400 when it has none, 503 when that node does not exist */
export async function podNode(ctx: ApiContext, pod: Pod): Promise<Node> {
  const nodes = findByResource('', 'nodes')!;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  try {
    return (await ctx.registry.get(nodes, undefined, nodeName)) as KubeObject as Node;
  } catch (e) {
    if (e instanceof StatusError && e.code === 404) throw serviceUnavailable(`the node ${JSON.stringify(nodeName)} of pod ${JSON.stringify(pod.metadata.name)} does not exist`);
    throw e;
  }
}

export async function servePodLog(ctx: ApiContext, ns: string, name: string, query: Query, reply: FastifyReply): Promise<void> {
  const pods = findByResource('', 'pods')!;
  const pod = (await ctx.registry.get(pods, ns, name)) as KubeObject as Pod;
  const container = logContainer(pod, query.get('container'));
  const node = await podNode(ctx, pod);
  const url = kubeletLogUrl(node, ns, name, container, query);
  await streamFromKubelet(ctx, url, reply, {
    method: 'GET',
    nodeName: node.metadata.name,
    defaultContentType: 'text/plain',
    headers: { 'Transfer-Encoding': 'chunked' },
    timeoutMessage: 'timed out connecting',
  });
}
