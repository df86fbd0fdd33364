// `skiffctl scale TYPE NAME --replicas=N` (deployments and replicasets): a merge patch on the
// scale subresource, as kubectl sends it; --current-replicas makes it conditional.
import { resourcePath } from '../../api/resources.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { isNotFound } from '../../client/api-error.js';
import { kindRef, parseResourceArgs } from './resource-args.js';
import type { Scale } from '../../api/types/apps.js';
import type { KubeObject } from '../../api/types/meta.js';

export const flags: FlagSpec = {
  values: ['replicas', 'current-replicas'],
};

export async function run(ctx: CommandContext): Promise<number> {
  const replicasText = ctx.str('replicas');
  if (replicasText === undefined || !/^\d+$/.test(replicasText)) {
    throw new Error(replicasText === undefined ? 'required flag(s) "replicas" not set' : `invalid argument "${replicasText}" for "--replicas" flag`);
  }
  const replicas = Number(replicasText);
  const current = ctx.str('current-replicas');
  const sels = parseResourceArgs(ctx.positionals);
  let rc = 0;
  for (const sel of sels) {
    if (!sel.info.subresources.includes('scale')) throw new Error(`cannot scale ${sel.info.resource}: it has no scale subresource`);
    const ns = sel.info.namespaced ? ctx.namespace : undefined;
    if (sel.names.length === 0) throw new Error('resource(s) were provided, but no name was specified');
    for (const name of sel.names) {
      try {
        const rcl = ctx.client.resource<Scale & KubeObject>(sel.info);
        if (current !== undefined) {
          const scale = (await rcl.getSubresource(ns, name, 'scale')) as Scale & KubeObject;
          if (String(scale.spec?.replicas ?? 0) !== current) {
            throw new Error(`Expected replicas to be ${current}, was ${scale.spec?.replicas ?? 0}`);
          }
          await ctx.client.request({
            method: 'PUT',
            path: resourcePath(sel.info, ns, name, 'scale'),
            body: { ...scale, spec: { ...scale.spec, replicas } },
          });
        } else {
          await rcl.patch(ns, name, { spec: { replicas } }, 'merge', { subresource: 'scale' });
        }
        ctx.out(`${kindRef(sel.info)}/${name} scaled\n`);
      } catch (e) {
        // kubectl resolves the objects first and words a missing one this way
        if (isNotFound(e)) ctx.err(`error: no objects passed to scale ${(e as Error).message}\n`);
        else ctx.err(`${formatError(e)}\n`);
        rc = 1;
      }
    }
  }
  return rc;
}
