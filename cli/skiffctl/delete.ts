// `skiffctl delete`: by TYPE NAME..., TYPE/NAME, -f, -l, --all; --grace-period, --force,
// --wait (default true: wait until each object is gone), --ignore-not-found.
import type { ResourceInfo } from '../../api/resources.js';
import type { DeleteOptions } from '../../api/types/meta.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { manifestTarget } from './manifest-target.js';
import { readManifests } from './manifest-reader.js';
import { kindRef, parseResourceArgs } from './resource-args.js';
import { listAll } from './table-fetch.js';
import { waitDeleted } from './wait-deleted.js';

export const flags: FlagSpec = {
  values: ['selector', 'field-selector', 'grace-period', 'timeout', 'output', 'cascade', 'dry-run'],
  booleans: ['all', 'force', 'wait', 'ignore-not-found', 'now', 'recursive'],
  aliases: { f: 'filename', l: 'selector', R: 'recursive', o: 'output' },
  repeated: ['filename'],
};

interface Target {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
  source?: string;
}

function parseTimeout(s: string | undefined): number {
  if (!s || s === '0' || s === '0s') return 7 * 24 * 3600 * 1000;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new Error(`invalid argument "${s}" for "--timeout" flag`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

export function deleteOptions(ctx: CommandContext): DeleteOptions {
  const opts: DeleteOptions = {};
  const cascade = ctx.str('cascade');
  opts.propagationPolicy = cascade === 'orphan' ? 'Orphan' : cascade === 'foreground' ? 'Foreground' : 'Background';
  const gp = ctx.str('grace-period');
  if (gp !== undefined && gp !== '-1') {
    if (!/^\d+$/.test(gp)) throw new Error(`invalid argument "${gp}" for "--grace-period" flag`);
    opts.gracePeriodSeconds = Number(gp);
  }
  if (ctx.bool('now')) opts.gracePeriodSeconds = 1;
  if (ctx.bool('force') && opts.gracePeriodSeconds === undefined) opts.gracePeriodSeconds = 0;
  const dryRun = ctx.str('dry-run');
  if (dryRun === 'server') opts.dryRun = ['All'];
  else if (dryRun && dryRun !== 'none') throw new Error(`--dry-run: only "server" and "none" are supported, got ${JSON.stringify(dryRun)}`);
  return opts;
}

export async function run(ctx: CommandContext): Promise<number> {
  const opts = deleteOptions(ctx);
  if (ctx.bool('force') && opts.gracePeriodSeconds === 0) {
    ctx.err('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  }
  const targets: Target[] = [];
  let rc = 0;
  const files = ctx.list('filename');
  if (files.length > 0) {
    for (const { source, obj } of await readManifests(files, ctx.bool('recursive'), ctx.io.stdin)) {
      targets.push({ ...manifestTarget(ctx, obj, source), source });
    }
  } else {
    const sels = parseResourceArgs(ctx.positionals);
    const selector = ctx.str('selector');
    const fieldSelector = ctx.str('field-selector');
    for (const sel of sels) {
      const ns = sel.info.namespaced ? (ctx.allNamespaces ? undefined : ctx.namespace) : undefined;
      if (sel.names.length > 0) {
        if (selector || ctx.bool('all')) throw new Error('name cannot be provided when a selector is specified');
        for (const name of sel.names) targets.push({ info: sel.info, namespace: ns ?? (sel.info.namespaced ? ctx.namespace : undefined), name });
        continue;
      }
      if (!selector && !fieldSelector && !ctx.bool('all')) {
        throw new Error(`resource(s) were provided, but no name was specified`);
      }
      const list = await listAll(ctx.client, sel.info, ns, { labelSelector: selector, fieldSelector });
      for (const o of list.items) targets.push({ info: sel.info, namespace: o.metadata.namespace, name: o.metadata.name ?? '' });
    }
    if (targets.length === 0) {
      ctx.err(ctx.allNamespaces || sels.every((s) => !s.info.namespaced) ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
      return 0;
    }
  }
  // like kubectl: every DELETE first (each printed as it is accepted), then wait for all to go
  const deleted: (Target & { uid?: string })[] = [];
  for (const t of targets) {
    try {
      const res = await ctx.client.resource(t.info).delete(t.namespace, t.name, opts);
      deleted.push({ ...t, uid: (res as { metadata?: { uid?: string } }).metadata?.uid });
      if (ctx.str('output') === 'name') ctx.out(`${kindRef(t.info)}/${t.name}\n`);
      else ctx.out(`${kindRef(t.info)} "${t.name}" deleted${opts.dryRun ? ' (server dry run)' : ''}\n`);
    } catch (e) {
      if (ctx.bool('ignore-not-found') && (e as { code?: number }).code === 404) continue;
      ctx.err(`${formatError(e, t.source ? `error when deleting "${t.source}"` : undefined)}\n`);
      rc = 1;
    }
  }
  if (ctx.boolDefaultTrue('wait') && !opts.dryRun && opts.gracePeriodSeconds !== 0) {
    const timeoutMs = parseTimeout(ctx.str('timeout'));
    const results = await Promise.all(
      deleted.map(async (t) => ({ t, gone: await waitDeleted(ctx.client, t.info, t.namespace, t.name, t.uid, timeoutMs) })),
    );
    for (const { t, gone } of results) {
      if (gone) continue;
      ctx.err(`error: timed out waiting for the condition on ${t.info.resource}/${t.name}\n`);
      rc = 1;
    }
  }
  return rc;
}
