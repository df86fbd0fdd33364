// The flags of `skiffctl get` that shape what is fetched and printed, read once.
import type { CommandContext } from './command-context.js';
import type { TableOptions } from './table-printer.js';
import type { ResourceInfo } from '../../api/resources.js';

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

/** The namespace a named object is read from. */
export function objectNamespace(ctx: CommandContext, info: ResourceInfo): string | undefined {
  return info.namespaced ? ctx.namespace : undefined;
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

/** `--request-timeout`: `0` (none), `5s`, `1m`, `500ms` or plain seconds. */
export function requestTimeoutMs(s: string | undefined): number {
  if (!s || s === '0') return 0;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new Error(`invalid argument "${s}" for "--request-timeout" flag: invalid duration`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}
