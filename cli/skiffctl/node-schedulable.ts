// Cordon and uncordon: set spec.unschedulable on nodes (by name or -l), printing kubectl's
// `node/n1 cordoned` / `already cordoned` / `uncordoned`.
import { findByResource } from '../../api/resources.js';
import type { Node } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { listAll } from './table-fetch.js';

export type NodeObject = Node & KubeObject;
export const nodesInfo = findByResource('', 'nodes')!;

export async function selectNodes(ctx: CommandContext, names: string[]): Promise<string[]> {
  const selector = ctx.str('selector');
  if (names.length > 0) return names.map((n) => n.replace(/^(node|nodes|no)\//, ''));
  if (!selector) throw new Error('resource(s) were provided, but no name was specified');
  const list = await listAll<NodeObject>(ctx.client, nodesInfo, undefined, { labelSelector: selector });
  return list.items.map((n) => n.metadata.name ?? '');
}

/** Sets unschedulable on one node; returns false when it already had that value. */
export async function setUnschedulable(ctx: CommandContext, name: string, unschedulable: boolean): Promise<boolean> {
  const nodes = ctx.client.resource<NodeObject>(nodesInfo);
  const node = await nodes.get(undefined, name);
  if (!!node.spec?.unschedulable === unschedulable) return false;
  await nodes.patch(undefined, name, { spec: { unschedulable: unschedulable ? true : null } }, 'strategic');
  return true;
}

export async function runSchedulable(ctx: CommandContext, unschedulable: boolean): Promise<number> {
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  let rc = 0;
  for (const name of await selectNodes(ctx, ctx.positionals)) {
    try {
      const changed = await setUnschedulable(ctx, name, unschedulable);
      ctx.out(`node/${name} ${changed ? '' : 'already '}${verb}\n`);
    } catch (e) {
      ctx.err(`${formatError(e)}\n`);
      rc = 1;
    }
  }
  return rc;
}
