// `skiffctl top pods [NAME] [-A] [-n NS] [-l SEL] [--containers] [--sum]` and `skiffctl top nodes [NAME]
// [-l SEL]`: CPU and memory from each node's kubelet summary, read through the apiserver's
// nodes/proxy (`/api/v1/nodes/N/proxy/stats/summary`), printed with kubectl's columns.
import { findByResource } from '../../api/resources.js';
import type { Node, Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { Summary } from '../../api/types/stats.js';
import type { ApiClient } from '../../client/rest-client.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { humanDuration } from '../../api/human-duration.js';
import { listAll } from './table-fetch.js';
import { nodeUsageFrom, parseSortBy, podUsageFrom, sortNodes, sortPods, type PodUsage } from './top-metrics.js';
import { formatNodeTable, formatPodTable } from './top-printer.js';

export const flags: FlagSpec = {
  values: ['selector', 'sort-by'],
  booleans: ['containers', 'no-headers', 'sum'],
  aliases: { l: 'selector' },
};

type PodObject = Pod & KubeObject;
type NodeObject = Node & KubeObject;

const POD_NAMES = new Set(['pod', 'pods', 'po']);
const NODE_NAMES = new Set(['node', 'nodes', 'no']);

export function summaryPath(node: string): string {
  return `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`;
}

/**
 * The summaries of NODES, fetched in parallel; a node whose kubelet cannot be reached is left
 * out, but when none answers the first error is thrown (e.g. a user who may not use nodes/proxy).
 */
export async function fetchSummaries(client: ApiClient, nodes: string[]): Promise<Map<string, Summary>> {
  const results = await Promise.allSettled(nodes.map((n) => client.request<Summary>({ method: 'GET', path: summaryPath(n), accept: 'application/json' })));
  const out = new Map<string, Summary>();
  let firstError: unknown;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled' && typeof r.value === 'object') out.set(nodes[i]!, r.value);
    else if (r.status === 'rejected') firstError ??= r.reason;
  });
  if (out.size === 0 && firstError !== undefined) throw firstError;
  return out;
}

async function selectedPods(ctx: CommandContext, name: string | undefined): Promise<PodObject[]> {
  const info = findByResource('', 'pods')!;
  if (name) return [await ctx.client.resource<PodObject>(info).get(ctx.namespace, name)];
  const selector = ctx.str('selector');
  const list = await listAll<PodObject>(ctx.client, info, ctx.allNamespaces ? undefined : ctx.namespace, selector ? { labelSelector: selector } : {});
  return list.items;
}

async function topPods(ctx: CommandContext, name: string | undefined): Promise<number> {
  const sortBy = parseSortBy(ctx.str('sort-by'));
  const pods = await selectedPods(ctx, name);
  if (pods.length === 0) {
    ctx.err(ctx.allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
    return 0;
  }
  const nodes = [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
  const summaries = nodes.length ? await fetchSummaries(ctx.client, nodes) : new Map<string, Summary>();
  const byUid = new Map(pods.map((p) => [p.metadata.uid ?? '', p]));
  const rows: PodUsage[] = [];
  for (const s of summaries.values()) {
    for (const ps of s.pods) {
      if (!byUid.has(ps.podRef.uid)) continue;
      const u = podUsageFrom(ps);
      if (u) rows.push(u);
    }
  }
  if (rows.length === 0) {
    if (name) {
      const p = pods[0]!;
      const created = Date.parse(p.metadata.creationTimestamp ?? '');
      const age = Number.isNaN(created) ? '' : `, age: ${humanDuration(Date.now() - created)}`;
      ctx.err(`error: Metrics not available for pod ${p.metadata.namespace}/${p.metadata.name}${age}\n`);
    } else ctx.err('error: metrics not available yet\n');
    return 1;
  }
  ctx.out(formatPodTable(sortPods(rows, sortBy), { allNamespaces: ctx.allNamespaces, containers: ctx.bool('containers'), noHeaders: ctx.bool('no-headers'), sum: ctx.bool('sum') }));
  return 0;
}

async function topNodes(ctx: CommandContext, name: string | undefined): Promise<number> {
  const sortBy = parseSortBy(ctx.str('sort-by'));
  const info = findByResource('', 'nodes')!;
  const selector = ctx.str('selector');
  const nodes = name
    ? [await ctx.client.resource<NodeObject>(info).get(undefined, name)]
    : (await listAll<NodeObject>(ctx.client, info, undefined, selector ? { labelSelector: selector } : {})).items;
  if (nodes.length === 0) {
    ctx.err('No resources found\n');
    return 0;
  }
  const summaries = await fetchSummaries(
    ctx.client,
    nodes.map((n) => n.metadata.name ?? ''),
  );
  if (summaries.size === 0) {
    ctx.err('error: metrics not available yet\n');
    return 1;
  }
  const rows = nodes.map((n) => nodeUsageFrom(n, summaries.get(n.metadata.name ?? '')));
  ctx.out(formatNodeTable(sortNodes(rows, sortBy), { noHeaders: ctx.bool('no-headers') }));
  return 0;
}

export async function run(ctx: CommandContext): Promise<number> {
  const [what, name, ...extra] = ctx.positionals;
  if (!what) {
    ctx.err('error: you must specify a resource: "skiffctl top pods" or "skiffctl top nodes"\n');
    return 1;
  }
  if (extra.length) {
    ctx.err(`error: top takes at most one name, got ${JSON.stringify([name, ...extra])}\n`);
    return 1;
  }
  if (name && ctx.str('selector')) {
    ctx.err('error: only one of NAME or --selector can be provided\n');
    return 1;
  }
  if (POD_NAMES.has(what)) return topPods(ctx, name);
  if (NODE_NAMES.has(what)) return topNodes(ctx, name);
  ctx.err(`error: unknown command "${what}" for "skiffctl top": use "pods" or "nodes"\n`);
  return 1;
}
