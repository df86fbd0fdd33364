// `skiffctl create -f FILE|DIR|URL|-`: POST each object (fieldManager kubectl-create).
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { manifestTarget } from './manifest-target.js';
import { readManifests } from './manifest-reader.js';
import { objectRef } from './resource-args.js';

// --validate is accepted for kubectl compatibility: the server validates every object anyway
export const flags: FlagSpec = {
  values: ['output', 'field-manager', 'validate', 'dry-run'],
  booleans: ['recursive'],
  aliases: { f: 'filename', R: 'recursive', o: 'output' },
  repeated: ['filename'],
};

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new Error(`unknown command "${ctx.positionals[0]}" for "skiffctl create"; only -f is supported`);
  const items = await readManifests(ctx.list('filename'), ctx.bool('recursive'), ctx.io.stdin);
  const dryRun = ctx.str('dry-run') === 'server';
  let rc = 0;
  for (const { source, obj } of items) {
    try {
      const t = manifestTarget(ctx, obj, source);
      const created = await ctx.client
        .resource(t.info)
        .create(t.namespace, obj, { fieldManager: ctx.str('field-manager') ?? 'kubectl-create', dryRun });
      if (ctx.str('output') === 'name') ctx.out(`${objectRef(t.info, created.metadata.name ?? t.name)}\n`);
      else ctx.out(`${objectRef(t.info, created.metadata.name ?? t.name)} created${dryRun ? ' (server dry run)' : ''}\n`);
    } catch (e) {
      ctx.err(`${formatError(e, `error when creating "${source}"`)}\n`);
      rc = 1;
    }
  }
  return rc;
}
