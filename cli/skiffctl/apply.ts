// `skiffctl apply -f FILE|DIR|URL|- [-R]`: client-side apply (create with the last-applied
// annotation, or a three-way strategic merge patch from it), `--server-side` (apply patch,
// fieldManager kubectl), `--prune -l SEL` (delete applied objects no longer in the manifests).
import { RESOURCES, type ResourceInfo } from '../../api/resources.js';
import { createThreeWayMergePatch } from '../../api/patch/strategic-merge-patch.js';
import { schemaFor } from '../../api/schema.js';
import type { KubeObject } from '../../api/types/meta.js';
import { isNotFound } from '../../client/api-error.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { LAST_APPLIED_ANNOTATION, lastApplied, withLastApplied } from './last-applied.js';
import { manifestTarget, type ManifestTarget } from './manifest-target.js';
import { readManifests } from './manifest-reader.js';
import { objectRef } from './resource-args.js';
import { listAll } from './table-fetch.js';

// --validate is accepted for kubectl compatibility: the server validates every object anyway
export const flags: FlagSpec = {
  values: ['selector', 'field-manager', 'validate', 'output', 'dry-run'],
  booleans: ['recursive', 'server-side', 'force-conflicts', 'prune', 'all'],
  aliases: { f: 'filename', R: 'recursive', l: 'selector', o: 'output' },
  repeated: ['filename', 'prune-allowlist'],
};

const CLIENT_SIDE_MANAGER = 'kubectl-client-side-apply';

const SSA_CONFLICT_HELP = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;

/** The types --prune looks at by default (kubectl's default allowlist, as far as Skiff serves them). */
const PRUNE_DEFAULT = ['pods', 'services', 'deployments', 'replicasets', 'namespaces'];

type Outcome = 'created' | 'configured' | 'unchanged' | 'serverside-applied';

/** An error with what was being done, printed as kubectl does (`error when creating "pod.yaml": ...`). */
class StepError extends Error {
  constructor(
    readonly step: string,
    readonly cause: unknown,
  ) {
    super(`${step}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new StepError(what, e);
  }
}

async function applyClientSide(ctx: CommandContext, t: ManifestTarget, obj: KubeObject, source: string, dryRun: boolean): Promise<Outcome> {
  const rc = ctx.client.resource(t.info);
  const modified = withLastApplied(obj, t.namespace);
  let current: KubeObject;
  try {
    current = await rc.get(t.namespace, t.name);
  } catch (e) {
    if (!isNotFound(e)) throw new StepError(`error when retrieving current configuration of ${t.info.resource} "${t.name}" from server for "${source}"`, e);
    await step(`error when creating "${source}"`, () => rc.create(t.namespace, modified, { fieldManager: CLIENT_SIDE_MANAGER, dryRun }));
    return 'created';
  }
  const original = lastApplied(current);
  if (!original) {
    ctx.err(
      `Warning: resource ${t.info.resource}/${t.name} is missing the ${LAST_APPLIED_ANNOTATION} annotation which is required by skiffctl apply. skiffctl apply should only be used on resources created declaratively by either skiffctl create --save-config or skiffctl apply. The missing annotation will be patched automatically.\n`,
    );
  }
  const patch = createThreeWayMergePatch(original, modified, current, schemaFor(obj.apiVersion ?? '', obj.kind ?? ''));
  if (Object.keys(patch).length === 0) return 'unchanged';
  await step(`error when patching "${source}"`, () => rc.patch(t.namespace, t.name, patch, 'strategic', { fieldManager: CLIENT_SIDE_MANAGER, dryRun }));
  return 'configured';
}

async function prune(ctx: CommandContext, applied: Set<string>, namespaces: Set<string | undefined>, dryRun: boolean): Promise<number> {
  const selector = ctx.str('selector');
  if (!selector && !ctx.bool('all')) throw new Error('all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector');
  const allow = ctx.list('prune-allowlist');
  const infos: ResourceInfo[] = allow.length
    ? allow.map((a) => {
        const r = RESOURCES.find((i) => `${i.group || 'core'}/${i.version}/${i.kind}` === a);
        if (!r) throw new Error(`--prune-allowlist: unknown group/version/kind ${JSON.stringify(a)}`);
        return r;
      })
    : RESOURCES.filter((r) => PRUNE_DEFAULT.includes(r.resource));
  let rc = 0;
  for (const info of infos) {
    const scopes = info.namespaced ? [...namespaces].filter((n): n is string => !!n) : [undefined];
    for (const ns of scopes) {
      const list = await listAll(ctx.client, info, ns, { labelSelector: selector });
      for (const obj of list.items) {
        const name = obj.metadata.name ?? '';
        if (!obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION]) continue;
        if (applied.has(`${info.group}/${info.resource}/${obj.metadata.namespace ?? ''}/${name}`)) continue;
        try {
          if (!dryRun) await ctx.client.resource(info).delete(obj.metadata.namespace, name, { propagationPolicy: 'Background' });
          ctx.out(`${objectRef(info, name)} pruned${dryRun ? ' (server dry run)' : ''}\n`);
        } catch (e) {
          ctx.err(`${formatError(e)}\n`);
          rc = 1;
        }
      }
    }
  }
  return rc;
}

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new Error(`unknown command "${ctx.positionals[0]}" for "skiffctl apply"`);
  const dryRunFlag = ctx.str('dry-run');
  if (dryRunFlag && dryRunFlag !== 'server' && dryRunFlag !== 'none') throw new Error(`--dry-run: only "server" and "none" are supported, got ${JSON.stringify(dryRunFlag)}`);
  const dryRun = dryRunFlag === 'server';
  const items = await readManifests(ctx.list('filename'), ctx.bool('recursive'), ctx.io.stdin);
  const serverSide = ctx.bool('server-side');
  const applied = new Set<string>();
  const namespaces = new Set<string | undefined>();
  let rc = 0;
  for (const { source, obj } of items) {
    try {
      const t = manifestTarget(ctx, obj, source);
      applied.add(`${t.info.group}/${t.info.resource}/${t.namespace ?? ''}/${t.name}`);
      namespaces.add(t.namespace);
      let outcome: Outcome;
      if (serverSide) {
        await ctx.client.resource(t.info).patch(t.namespace, t.name, obj, 'apply', {
          fieldManager: ctx.str('field-manager') ?? 'kubectl',
          force: ctx.bool('force-conflicts'),
          dryRun,
        });
        outcome = 'serverside-applied';
      } else {
        outcome = await applyClientSide(ctx, t, obj, source, dryRun);
      }
      if (ctx.str('output') === 'name') ctx.out(`${objectRef(t.info, t.name)}\n`);
      else ctx.out(`${objectRef(t.info, t.name)} ${outcome}${dryRun ? ' (server dry run)' : ''}\n`);
    } catch (e) {
      const isConflict = serverSide && (e as { code?: number }).code === 409;
      if (isConflict) {
        ctx.err(`error: ${(e as Error).message}\n${SSA_CONFLICT_HELP}`);
      } else if (e instanceof StepError) {
        ctx.err(`${formatError(e.cause, e.step)}\n`);
      } else {
        ctx.err(`${formatError(e)}\n`);
      }
      rc = 1;
    }
  }
  if (ctx.bool('prune')) rc = Math.max(rc, await prune(ctx, applied, namespaces, dryRun));
  return rc;
}
