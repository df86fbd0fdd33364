// `skiffctl logs POD|TYPE/NAME [-c C] [-f] [--tail N] [--previous] [--timestamps] [--since D]`:
// streams pods/log to stdout (a Deployment or ReplicaSet means its first pod, as kubectl does).
import { StringDecoder } from 'node:string_decoder';
import { findByResource, resourcePath } from '../../api/resources.js';
import type { Pod } from '../../api/types/core.js';
import type { KubeObject, LabelSelector } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { resolveType } from './resource-args.js';
import { isNotFound } from '../../client/api-error.js';
import { selectorString } from './selector-text.js';

export const flags: FlagSpec = {
  values: ['container', 'tail', 'since', 'limit-bytes'],
  booleans: ['follow', 'previous', 'timestamps'],
  aliases: { c: 'container', f: 'follow', p: 'previous' },
};

type PodObject = Pod & KubeObject;
const podsInfo = findByResource('', 'pods')!;

export function parseSince(s: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(s);
  if (!m) throw new Error(`invalid argument "${s}" for "--since" flag: time: invalid duration "${s}"`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

async function resolvePod(ctx: CommandContext, arg: string, ns: string): Promise<PodObject> {
  const pods = ctx.client.resource<PodObject>(podsInfo);
  const slash = arg.indexOf('/');
  if (slash < 0) {
    try {
      return await pods.get(ns, arg);
    } catch (e) {
      // kubectl's wording for a missing pod here
      if (isNotFound(e)) throw new Error(`error from server (NotFound): pods "${arg}" not found in namespace "${ns}"`);
      throw e;
    }
  }
  const [info] = resolveType(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (info.resource === 'pods') return pods.get(ns, name);
  const owner = await ctx.client.resource(info).get(ns, name);
  const selector = (owner.spec as { selector?: LabelSelector } | undefined)?.selector;
  if (!selector) throw new Error(`cannot get the logs from ${info.resource}: it has no pod selector`);
  const list = await pods.list(ns, { labelSelector: selectorString(selector) });
  const first = list.items.sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)))[0];
  if (!first) throw new Error(`timed out waiting for the condition`);
  return first;
}

export async function run(ctx: CommandContext): Promise<number> {
  const [target, containerArg] = ctx.positionals;
  if (!target) throw new Error('expected POD or TYPE/NAME is a required argument for the logs command');
  const ns = ctx.namespace;
  const pod = await resolvePod(ctx, target, ns);
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  let container = ctx.str('container') ?? containerArg;
  if (!container) {
    container = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? containers[0];
    if (containers.length > 1) ctx.err(`Defaulted container "${container}" out of: ${containers.join(', ')}\n`);
  }
  const tail = ctx.str('tail');
  const since = ctx.str('since');
  const { response } = ctx.client.openStream({
    method: 'GET',
    path: resourcePath(podsInfo, ns, pod.metadata.name, 'log'),
    accept: 'application/json, */*',
    query: {
      container,
      follow: ctx.bool('follow') ? 'true' : undefined,
      previous: ctx.bool('previous') ? 'true' : undefined,
      timestamps: ctx.bool('timestamps') ? 'true' : undefined,
      tailLines: tail !== undefined && tail !== '-1' ? tail : undefined,
      sinceSeconds: since ? parseSince(since) : undefined,
      limitBytes: ctx.str('limit-bytes'),
    },
  });
  const res = await response;
  const decoder = new StringDecoder('utf8');
  for await (const chunk of res) ctx.out(decoder.write(chunk as Buffer));
  ctx.out(decoder.end());
  return 0;
}
