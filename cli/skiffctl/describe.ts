// `skiffctl describe TYPE [NAME...] [-l SEL]`: pods, deployments, replicasets, nodes with their
// Events; other kinds generically.
import { findByResource, type ResourceInfo } from '../../api/resources.js';
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import type { Node, Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { fetchEvents } from './describe-common.js';
import { describeGeneric } from './describe-generic.js';
import { describeNode, type NodeLeaseInfo } from './describe-node.js';
import type { LeaseObject } from '../../client/leader-election.js';
import { describePod } from './describe-pod.js';
import { describeDeployment, describeReplicaSet } from './describe-workloads.js';
import { formatError } from './error-format.js';
import { parseResourceArgs } from './resource-args.js';
import { objectNamespace, selectionsFromManifests } from './get-options.js';
import { readManifests } from './manifest-reader.js';
import { selectorString } from './selector-text.js';
import { listAll } from './table-fetch.js';

export const flags: FlagSpec = {
  values: ['selector'],
  booleans: ['show-events', 'recursive'],
  aliases: { l: 'selector', f: 'filename', R: 'recursive' },
  repeated: ['filename'],
};

const podsInfo = findByResource('', 'pods')!;
const rsInfo = findByResource('apps', 'replicasets')!;
const leaseInfo = findByResource('coordination.k8s.io', 'leases')!;

async function describeOne(ctx: CommandContext, info: ResourceInfo, obj: KubeObject): Promise<string> {
  const events = ctx.boolDefaultTrue('show-events') ? await fetchEvents(ctx.client, obj) : undefined;
  const ns = obj.metadata.namespace;
  switch (info.resource) {
    case 'pods':
      return describePod(obj as Pod & KubeObject, events);
    case 'deployments': {
      const d = obj as Deployment & KubeObject;
      const rss = await listAll<ReplicaSet & KubeObject>(ctx.client, rsInfo, ns, { labelSelector: selectorString(d.spec?.selector) || undefined });
      return describeDeployment(d, rss.items, events);
    }
    case 'replicasets': {
      const rs = obj as ReplicaSet & KubeObject;
      const pods = await listAll<Pod & KubeObject>(ctx.client, podsInfo, ns, { labelSelector: selectorString(rs.spec?.selector) || undefined });
      return describeReplicaSet(rs, pods.items, events);
    }
    case 'nodes': {
      const pods = await listAll<Pod & KubeObject>(ctx.client, podsInfo, undefined, { fieldSelector: `spec.nodeName=${obj.metadata.name}` });
      let lease: NodeLeaseInfo;
      try {
        lease = { lease: (await ctx.client.resource<LeaseObject>(leaseInfo).get('kube-node-lease', obj.metadata.name ?? '')).spec };
      } catch (e) {
        lease = { error: (e as Error).message };
      }
      return describeNode(obj as Node & KubeObject, lease, pods.items, events);
    }
    default:
      return describeGeneric(obj, events);
  }
}

export async function run(ctx: CommandContext): Promise<number> {
  const files = ctx.list('filename');
  const sels = files.length
    ? selectionsFromManifests(ctx, await readManifests(files, ctx.bool('recursive'), ctx.io.stdin))
    : parseResourceArgs(ctx.positionals);
  const texts: string[] = [];
  let rc = 0;
  for (const sel of sels) {
    const ns = sel.info.namespaced ? (ctx.allNamespaces ? undefined : ctx.namespace) : undefined;
    let objects: KubeObject[] = [];
    if (sel.names.length === 0) {
      objects = (await listAll(ctx.client, sel.info, ns, { labelSelector: ctx.str('selector') })).items;
    } else {
      for (const name of sel.names) {
        try {
          objects.push(await ctx.client.resource(sel.info).get(objectNamespace(ctx, sel), name));
        } catch (e) {
          ctx.err(`${formatError(e)}\n`);
          rc = 1;
        }
      }
    }
    for (const obj of objects) texts.push(await describeOne(ctx, sel.info, obj));
  }
  if (texts.length === 0 && rc === 0) {
    ctx.err(ctx.allNamespaces || sels.every((s) => !s.info.namespaced) ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
  }
  ctx.out(texts.join('\n\n'));
  return rc;
}
