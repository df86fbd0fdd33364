// The flags of `skiffctl get` that shape what is fetched and printed, read once.
import type { CommandContext } from './command-context.js';
import type { TableOptions } from './table-printer.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { ManifestObject } from './manifest-reader.js';
import { manifestTarget } from './manifest-target.js';
import type { ResourceSelection } from './resource-args.js';

export interface GetQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

export function getQuery(ctx: CommandContext): GetQuery {
  return { labelSelector: ctx.str('selector'), fieldSelector: ctx.str('field-selector') };
}

/** -L: label keys, repeatable and comma-separated */
export function labelColumns(ctx: CommandContext): string[] {
  return ctx.list('label-columns').flatMap((v) => v.split(',')).filter(Boolean);
}

/** The namespace a list or watch of `info` goes to (-A: all). */
export function listNamespace(ctx: CommandContext, info: ResourceInfo): string | undefined {
  if (!info.namespaced) return undefined;
  return ctx.allNamespaces ? undefined : ctx.namespace;
}

/** The namespace a named object of a selection is read from. */
export function objectNamespace(ctx: CommandContext, sel: ResourceSelection): string | undefined {
  return sel.info.namespaced ? (sel.namespace ?? ctx.namespace) : undefined;
}

/** The objects of -f manifests as selections, grouped by type and namespace in manifest order. */
export function selectionsFromManifests(ctx: CommandContext, items: ManifestObject[]): ResourceSelection[] {
  const out: ResourceSelection[] = [];
  for (const { source, obj } of items) {
    const t = manifestTarget(ctx, obj, source);
    const existing = out.find((s) => s.info === t.info && s.namespace === t.namespace);
    if (existing) existing.names.push(t.name);
    else out.push({ info: t.info, names: [t.name], namespace: t.namespace });
  }
  return out;
}

export function tableOptions(ctx: CommandContext, info: ResourceInfo, extra: Partial<TableOptions> = {}): TableOptions {
  return {
    withNamespace: ctx.allNamespaces && info.namespaced,
    showLabels: ctx.bool('show-labels'),
    noHeaders: ctx.bool('no-headers'),
    labelColumns: labelColumns(ctx),
    ...extra,
  };
}
