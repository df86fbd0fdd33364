// metrics.k8s.io/v1beta1 served by the apiserver itself, in place of metrics-server: node and pod
// metrics gathered from each kubelet's /stats/summary, so `kubectl top pods|nodes` works against
// Skiff. Admin only, like nodes/proxy (the figures come from the kubelets with the admin token).
import type { FastifyReply } from 'fastify';
import { findByResource } from '../../api/resources.js';
import type { Node, Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { Summary } from '../../api/types/stats.js';
import { forbidden, methodNotAllowed, StatusError } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';
import type { UserInfo } from '../auth/token-file.js';
import { sendJson } from '../http/respond.js';
import { fetchKubeletJson } from './node-proxy.js';
import { metricsList, nodeMetricsOf, podMetricsOf, type MetricsRequest, type NodeMetrics, type PodMetrics } from './metrics-objects.js';

function notFound(resource: 'nodemetrics' | 'podmetrics', name: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    code: 404,
    reason: 'NotFound',
    message: `${resource}.metrics.k8s.io "${name}" not found`,
    details: { name, group: 'metrics.k8s.io', kind: resource === 'nodemetrics' ? 'nodes' : 'pods' },
  });
}

/** a 404 from the registry becomes the metrics API's own 404 */
function metricsNotFound(resource: 'nodemetrics' | 'podmetrics', name: string): (e: unknown) => never {
  return (e) => {
    throw e instanceof StatusError && e.code === 404 ? notFound(resource, name) : e;
  };
}

/** the summaries of the named nodes that answer; unreachable kubelets are left out */
async function summaries(ctx: ApiContext, nodeNames: Set<string>): Promise<Map<string, Summary>> {
  const nodesInfo = findByResource('', 'nodes')!;
  const out = new Map<string, Summary>();
  await Promise.all(
    [...nodeNames].map(async (n) => {
      try {
        const node = (await ctx.registry.get(nodesInfo, undefined, n)) as KubeObject as Node;
        out.set(n, await fetchKubeletJson<Summary>(ctx, node, '/stats/summary'));
      } catch (e) {
        ctx.log.debug({ node: n, err: (e as Error).message }, 'no summary for metrics');
      }
    }),
  );
  return out;
}

async function nodeMetrics(ctx: ApiContext, name: string | undefined, query: URLSearchParams): Promise<unknown> {
  const info = findByResource('', 'nodes')!;
  const nodes = name
    ? [(await ctx.registry.get(info, undefined, name).catch(metricsNotFound('nodemetrics', name))) as KubeObject as Node]
    : ((await ctx.registry.list(info, undefined, { labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined })).items as KubeObject[] as Node[]);
  const sums = await summaries(ctx, new Set(nodes.map((n) => n.metadata.name ?? '')));
  const now = new Date();
  const items = nodes.flatMap((n) => {
    const s = sums.get(n.metadata.name ?? '');
    const m = s ? nodeMetricsOf(n, s, now) : undefined;
    return m ? [m] : [];
  });
  if (name) {
    if (!items[0]) throw notFound('nodemetrics', name);
    return items[0];
  }
  return metricsList<NodeMetrics>('NodeMetricsList', items);
}

async function podMetrics(ctx: ApiContext, namespace: string | undefined, name: string | undefined, query: URLSearchParams): Promise<unknown> {
  const info = findByResource('', 'pods')!;
  const pods = name
    ? [(await ctx.registry.get(info, namespace, name).catch(metricsNotFound('podmetrics', `${namespace}/${name}`))) as KubeObject as Pod]
    : ((await ctx.registry.list(info, namespace, { labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined })).items as KubeObject[] as Pod[]);
  const byUid = new Map(pods.map((p) => [p.metadata.uid ?? '', p]));
  const sums = await summaries(ctx, new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n)));
  const now = new Date();
  const items: PodMetrics[] = [];
  for (const s of sums.values()) {
    for (const ps of s.pods) {
      const pod = byUid.get(ps.podRef.uid);
      const m = pod ? podMetricsOf(pod, ps, now) : undefined;
      if (m) items.push(m);
    }
  }
  items.sort((a, b) => a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name));
  if (name) {
    if (!items[0]) throw notFound('podmetrics', `${namespace}/${name}`);
    return items[0];
  }
  return metricsList<PodMetrics>('PodMetricsList', items);
}

export async function serveMetrics(ctx: ApiContext, user: UserInfo, method: string, req: MetricsRequest, query: URLSearchParams, reply: FastifyReply): Promise<void> {
  if (!user.groups.includes('system:masters')) {
    throw forbidden(`${req.resource}.metrics.k8s.io is forbidden: User ${JSON.stringify(user.username)} cannot ${req.name ? 'get' : 'list'} resource "${req.resource}" in API group "metrics.k8s.io"`);
  }
  if (method !== 'GET') throw methodNotAllowed();
  const body = req.resource === 'nodes' ? await nodeMetrics(ctx, req.name, query) : await podMetrics(ctx, req.namespace, req.name, query);
  sendJson(reply, 200, body);
}
