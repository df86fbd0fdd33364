// `skiffctl drain NODE`: cordon, then delete the node's pods (kubectl's rules in drain-plan.ts)
// and wait for them to go.
import { findByResource } from '../../api/resources.js';
import type { Pod } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { planDrain } from './drain-plan.js';
import { formatError } from './error-format.js';
import { selectNodes, setUnschedulable } from './node-schedulable.js';
import { listAll } from './table-fetch.js';
import { waitDeleted } from './wait-deleted.js';

// pods are always deleted (there is no eviction API), which is what --disable-eviction asks for
export const flags: FlagSpec = {
  values: ['selector', 'grace-period', 'timeout', 'pod-selector'],
  booleans: ['force', 'ignore-daemonsets', 'delete-emptydir-data', 'delete-local-data', 'disable-eviction'],
  aliases: { l: 'selector' },
};

const podsInfo = findByResource('', 'pods')!;

export async function run(ctx: CommandContext): Promise<number> {
  let rc = 0;
  const gp = ctx.str('grace-period');
  const timeoutText = ctx.str('timeout');
  const timeoutMs = timeoutText && /^\d+s?$/.test(timeoutText) && timeoutText !== '0s' && timeoutText !== '0' ? parseInt(timeoutText, 10) * 1000 : 7 * 24 * 3600 * 1000;
  for (const node of await selectNodes(ctx, ctx.positionals)) {
    try {
      const changed = await setUnschedulable(ctx, node, true);
      ctx.out(`node/${node} ${changed ? '' : 'already '}cordoned\n`);
      const pods = await listAll<Pod & KubeObject>(ctx.client, podsInfo, undefined, {
        fieldSelector: `spec.nodeName=${node}`,
        labelSelector: ctx.str('pod-selector'),
      });
      const plan = planDrain(pods.items, {
        force: ctx.bool('force'),
        ignoreDaemonsets: ctx.bool('ignore-daemonsets'),
        deleteEmptyDirData: ctx.bool('delete-emptydir-data') || ctx.bool('delete-local-data'),
      });
      if (plan.errors.length > 0) {
        ctx.err(`error: unable to drain node "${node}" due to error: [${plan.errors.join(', ')}], continuing command...\n`);
        ctx.err(`There are pending nodes to be drained:\n ${node}\n`);
        for (const e of plan.errors) ctx.err(`${e}\n`);
        rc = 1;
        continue;
      }
      for (const w of plan.warnings) ctx.err(`Warning: ${w}\n`);
      const pc = ctx.client.resource<Pod & KubeObject>(podsInfo);
      const deleted: (Pod & KubeObject)[] = [];
      for (const p of plan.delete) {
        ctx.out(`evicting pod ${p.metadata.namespace}/${p.metadata.name}\n`);
        await pc.delete(p.metadata.namespace, p.metadata.name ?? '', gp && gp !== '-1' ? { gracePeriodSeconds: Number(gp) } : {});
        deleted.push(p as Pod & KubeObject);
      }
      // wait for all of them at once, as kubectl does
      await Promise.all(
        deleted.map(async (p) => {
          const gone = await waitDeleted(ctx.client, podsInfo, p.metadata.namespace, p.metadata.name ?? '', p.metadata.uid, timeoutMs);
          if (gone) ctx.out(`pod/${p.metadata.name} evicted\n`);
          else {
            ctx.err(`error: timed out waiting for pod ${p.metadata.namespace}/${p.metadata.name} to be deleted\n`);
            rc = 1;
          }
        }),
      );
      if (rc === 0) ctx.out(`node/${node} drained\n`);
    } catch (e) {
      ctx.err(`${formatError(e)}\n`);
      rc = 1;
    }
  }
  return rc;
}
