// `label` and `annotate`: `key=value` sets, `key-` removes; an existing different value needs
// --overwrite. Pure planning of the merge patch, then one patch per object.
import type { KubeObject } from '../../api/types/meta.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { getQuery, listNamespace, objectNamespace } from './get-options.js';
import { kindRef, parseResourceArgs, type ResourceSelection } from './resource-args.js';
import { listAll } from './table-fetch.js';

export interface MetadataChanges {
  set: Record<string, string>;
  remove: string[];
}

export function parseChanges(args: string[], what: 'label' | 'annotation'): MetadataChanges {
  const changes: MetadataChanges = { set: {}, remove: [] };
  for (const a of args) {
    if (a.endsWith('-') && !a.includes('=')) changes.remove.push(a.slice(0, -1));
    else if (a.includes('=')) changes.set[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    else throw new Error(`invalid ${what} format: ${a}; expected key=value or key-`);
  }
  if (Object.keys(changes.set).length === 0 && changes.remove.length === 0) throw new Error(`at least one ${what} update is required`);
  return changes;
}

/** The merge patch for one object's map, or an error when a value would change without --overwrite. */
export type MetadataPatch = { ok: true; patch: Record<string, string | null> } | { ok: false; error: string };

export function metadataPatch(
  current: Record<string, string> | undefined,
  c: MetadataChanges,
  overwrite: boolean,
  field: 'labels' | 'annotations' = 'labels',
): MetadataPatch {
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(c.set)) {
    const old = current?.[k];
    if (old !== undefined && old !== v && !overwrite) {
      // kubectl words the two commands differently
      return field === 'labels'
        ? { ok: false, error: `'${k}' already has a value (${old}), and --overwrite is false` }
        : { ok: false, error: `--overwrite is false but found the following declared annotation(s): '${k}' already has a value (${old})` };
    }
    if (old !== v) patch[k] = v;
  }
  for (const k of c.remove) if (current?.[k] !== undefined) patch[k] = null;
  return { ok: true, patch };
}

/**
 * kubectl's wording: label says `labeled`, `unlabeled` (the map got shorter without --overwrite)
 * or `not labeled`; annotate always says `annotated`.
 */
export function changeMessage(field: 'labels' | 'annotations', before: Record<string, string> | undefined, patch: Record<string, string | null>, overwrite: boolean): string {
  if (field === 'annotations') return 'annotated';
  if (Object.keys(patch).length === 0) return 'not labeled';
  const after: Record<string, string> = { ...before };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete after[k];
    else after[k] = v;
  }
  return !overwrite && JSON.stringify(after).length < JSON.stringify(before ?? {}).length ? 'unlabeled' : 'labeled';
}

/** Splits positionals into resource arguments and the key=value / key- changes. */
function splitArgs(positionals: string[]): { resources: string[]; changes: string[] } {
  const first = positionals.findIndex((p) => p.includes('=') || (p.endsWith('-') && positionals.indexOf(p) > 0));
  if (first < 0) return { resources: positionals, changes: [] };
  return { resources: positionals.slice(0, first), changes: positionals.slice(first) };
}

async function targets(ctx: CommandContext, sels: ResourceSelection[]): Promise<{ sel: ResourceSelection; obj: KubeObject }[]> {
  const out: { sel: ResourceSelection; obj: KubeObject }[] = [];
  for (const sel of sels) {
    if (sel.names.length > 0) {
      for (const name of sel.names) out.push({ sel, obj: await ctx.client.resource(sel.info).get(objectNamespace(ctx, sel), name) });
    } else if (ctx.str('selector') || ctx.bool('all')) {
      const list = await listAll(ctx.client, sel.info, listNamespace(ctx, sel.info), getQuery(ctx));
      for (const obj of list.items) out.push({ sel, obj });
    } else {
      throw new Error('resource(s) were provided, but no name was specified');
    }
  }
  return out;
}

export async function editMetadata(ctx: CommandContext, field: 'labels' | 'annotations'): Promise<number> {
  const what = field === 'labels' ? 'label' : 'annotation';
  const { resources, changes } = splitArgs(ctx.positionals);
  const parsed = parseChanges(changes, what);
  let rc = 0;
  for (const { sel, obj } of await targets(ctx, parseResourceArgs(resources))) {
    const name = obj.metadata.name ?? '';
    try {
      const planned = metadataPatch(obj.metadata[field], parsed, ctx.bool('overwrite'), field);
      if (!planned.ok) throw new Error(planned.error);
      const patch = planned.patch;
      if (field === 'labels') for (const k of parsed.remove) if (obj.metadata.labels?.[k] === undefined) ctx.out(`label ${JSON.stringify(k)} not found.\n`);
      if (Object.keys(patch).length > 0) {
        await ctx.client.resource(sel.info).patch(obj.metadata.namespace, name, { metadata: { [field]: patch, resourceVersion: ctx.str('resource-version') } }, 'merge');
      }
      ctx.out(`${kindRef(sel.info)}/${name} ${changeMessage(field, obj.metadata[field], patch, ctx.bool('overwrite'))}\n`);
    } catch (e) {
      ctx.err(`${formatError(e)}\n`);
      rc = 1;
    }
  }
  return rc;
}
