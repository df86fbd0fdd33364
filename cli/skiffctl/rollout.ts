// `skiffctl rollout status|history|undo|restart deployment/NAME` (or `deployment NAME`).
import { findByResource, type ResourceInfo } from '../../api/resources.js';
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import type { KubeObject } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { kindRef, parseResourceArgs } from './resource-args.js';
import { CHANGE_CAUSE_ANNOTATION, ownedRevisions, sameTemplate, templateForDeployment, undoTarget } from './rollout-history.js';
import { deploymentRolloutStatus } from './rollout-status.js';
import { selectorString } from './selector-text.js';
import { alignColumns, DESCRIBE_TABWRITER } from './tab-writer.js';
import { DescribeWriter } from './describe-writer.js';
import { writeTemplate } from './describe-common.js';

export const flags: FlagSpec = {
  values: ['timeout', 'to-revision', 'revision'],
  booleans: ['watch'],
  aliases: { w: 'watch' },
};

type DeploymentObject = Deployment & KubeObject;
type ReplicaSetObject = ReplicaSet & KubeObject;
const rsInfo = findByResource('apps', 'replicasets')!;

function target(ctx: CommandContext, args: string[]): { info: ResourceInfo; name: string } {
  const sels = parseResourceArgs(args);
  if (sels.length !== 1 || sels[0].names.length !== 1) throw new Error('rollout needs exactly one resource: deployment/NAME');
  if (sels[0].info.resource !== 'deployments') {
    throw new Error(`no status viewer has been implemented for ${sels[0].info.kind}; rollout supports deployments`);
  }
  return { info: sels[0].info, name: sels[0].names[0] };
}

function parseTimeout(s: string | undefined): number {
  if (!s || s === '0' || s === '0s') return 0;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new Error(`invalid argument "${s}" for "--timeout" flag`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

async function status(ctx: CommandContext, info: ResourceInfo, name: string): Promise<number> {
  const ns = ctx.namespace;
  const rc = ctx.client.resource<DeploymentObject>(info);
  const timeoutMs = parseTimeout(ctx.str('timeout'));
  const deadline = timeoutMs ? Date.now() + timeoutMs : Infinity;
  let last = '';
  const evaluate = (d: DeploymentObject): { finished: boolean; code: number } => {
    const s = deploymentRolloutStatus(d);
    if (s.error) {
      ctx.err(`error: ${s.error}\n`);
      return { finished: true, code: 1 };
    }
    if (s.message !== last) ctx.out(`${s.message}\n`);
    last = s.message;
    return { finished: s.done, code: 0 };
  };
  const first = evaluate(await rc.get(ns, name));
  if (first.finished || ctx.flags.flags.watch === false) return first.code;
  while (Date.now() < deadline) {
    const list = await rc.list(ns, { fieldSelector: `metadata.name=${name}` });
    if (list.items.length === 0) throw new Error(`deployments.apps "${name}" not found`);
    const r = evaluate(list.items[0]);
    if (r.finished) return r.code;
    let result: { finished: boolean; code: number } | undefined;
    const w = rc.watch(ns, { fieldSelector: `metadata.name=${name}`, resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true }, (ev) => {
      if (ev.type === 'DELETED') {
        result = { finished: true, code: 1 };
        ctx.err(`error: object has been deleted\n`);
        w.stop();
      } else if (ev.type !== 'BOOKMARK') {
        const e = evaluate(ev.object);
        if (e.finished) {
          result = e;
          w.stop();
        }
      }
    });
    const timer = Number.isFinite(deadline) ? setTimeout(() => w.stop(), Math.max(0, deadline - Date.now())) : undefined;
    try {
      await w.done;
    } catch {
      // expired or dropped: list and watch again
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (result) return result.code;
  }
  ctx.err('error: timed out waiting for the condition\n');
  return 1;
}

async function revisionsOf(ctx: CommandContext, d: DeploymentObject) {
  const list = await ctx.client
    .resource<ReplicaSetObject>(rsInfo)
    .list(d.metadata.namespace, { labelSelector: selectorString(d.spec?.selector) || undefined });
  return ownedRevisions(d, list.items);
}

async function history(ctx: CommandContext, info: ResourceInfo, name: string): Promise<number> {
  const d = await ctx.client.resource<DeploymentObject>(info).get(ctx.namespace, name);
  const revisions = await revisionsOf(ctx, d);
  const wanted = Number(ctx.str('revision') ?? '0');
  if (wanted > 0) {
    const r = revisions.find((x) => x.revision === wanted);
    if (!r) throw new Error(`unable to find the specified revision`);
    const w = new DescribeWriter();
    writeTemplate(w, r.rs.spec?.template);
    ctx.out(`${kindRef(info)}/${name} with revision #${wanted}\n${w.unaligned()}\n`);
    return 0;
  }
  if (revisions.length === 0) {
    ctx.out(`${kindRef(info)}/${name} \nNo rollout history found.\n`);
    return 0;
  }
  const rows = [['REVISION', 'CHANGE-CAUSE']];
  for (const r of revisions) rows.push([String(r.revision), r.rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '<none>']);
  ctx.out(`${kindRef(info)}/${name} \n${alignColumns(rows, DESCRIBE_TABWRITER)}\n`);
  return 0;
}

async function undo(ctx: CommandContext, info: ResourceInfo, name: string): Promise<number> {
  const rc = ctx.client.resource<DeploymentObject>(info);
  const d = await rc.get(ctx.namespace, name);
  const t = undoTarget(await revisionsOf(ctx, d), Number(ctx.str('to-revision') ?? '0'));
  if ('error' in t) throw new Error(`${t.error} for deployment "${name}"`);
  const template = templateForDeployment(t.rs);
  if (sameTemplate(template, d.spec?.template)) {
    ctx.out(`${kindRef(info)}/${name} skipped rollback (current template already matches revision ${t.revision})\n`);
    return 0;
  }
  await rc.patch(
    ctx.namespace,
    name,
    [
      { op: 'test', path: '/metadata/resourceVersion', value: d.metadata.resourceVersion },
      { op: 'replace', path: '/spec/template', value: template },
    ],
    'json',
  );
  ctx.out(`${kindRef(info)}/${name} rolled back\n`);
  return 0;
}

async function restart(ctx: CommandContext, info: ResourceInfo, name: string): Promise<number> {
  const at = `${new Date().toISOString().slice(0, 19)}Z`;
  await ctx.client
    .resource<DeploymentObject>(info)
    .patch(ctx.namespace, name, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } }, 'strategic');
  ctx.out(`${kindRef(info)}/${name} restarted\n`);
  return 0;
}

export async function run(ctx: CommandContext): Promise<number> {
  const [sub, ...args] = ctx.positionals;
  const verbs: Record<string, (ctx: CommandContext, info: ResourceInfo, name: string) => Promise<number>> = { status, history, undo, restart };
  const fn = sub ? verbs[sub] : undefined;
  if (!fn) throw new Error(`unknown rollout subcommand ${JSON.stringify(sub ?? '')}: use status, history, undo or restart`);
  const { info, name } = target(ctx, args);
  return fn(ctx, info, name);
}
