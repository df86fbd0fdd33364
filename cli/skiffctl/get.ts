// `skiffctl get TYPE [NAME...]`: the server's Table (-o wide, -L, --show-labels, -A), or
// -o yaml|json|name|jsonpath=|custom-columns=; -l, --field-selector; -w (get-watch.ts).
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, Table } from '../../api/types/meta.js';
import { isNotFound } from '../../client/api-error.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { getQuery, listNamespace, objectNamespace, selectionsFromManifests, tableOptions } from './get-options.js';
import { readManifests } from './manifest-reader.js';
import { watchObjects, watchTable } from './get-watch.js';
import { parseOutputFormat, printObjects, type OutputFormat } from './object-printer.js';
import { kindRef, parseResourceArgs, type ResourceSelection } from './resource-args.js';
import { fetchTable, fetchTableList, listAll } from './table-fetch.js';
import { tableCells, visibleColumns } from './table-printer.js';
import { alignColumns, TABLE_TABWRITER } from './tab-writer.js';

export const flags: FlagSpec = {
  values: ['output', 'selector', 'field-selector'],
  booleans: ['watch', 'watch-only', 'show-labels', 'no-headers', 'ignore-not-found', 'show-managed-fields', 'recursive'],
  aliases: { o: 'output', l: 'selector', w: 'watch', L: 'label-columns', f: 'filename', R: 'recursive' },
  repeated: ['label-columns', 'filename'],
};

function noResourcesMessage(ctx: CommandContext, sels: ResourceSelection[]): string {
  if (ctx.allNamespaces || sels.every((s) => !s.info.namespaced)) return 'No resources found\n';
  return `No resources found in ${ctx.namespace} namespace.\n`;
}

/** Reports a failed named read (unless --ignore-not-found covers it); returns the exit code. */
function reportMissing(ctx: CommandContext, e: unknown): number {
  if (ctx.bool('ignore-not-found') && isNotFound(e)) return 0;
  ctx.err(`${formatError(e)}\n`);
  return 1;
}

async function getTables(ctx: CommandContext, sels: ResourceSelection[], wide: boolean, watching: boolean): Promise<number> {
  const q = getQuery(ctx);
  let rc = 0;
  const tables: { sel: ResourceSelection; table: Table }[] = [];
  for (const sel of sels) {
    if (sel.names.length === 0) {
      tables.push({ sel, table: await fetchTableList(ctx.client, sel.info, listNamespace(ctx, sel.info), q) });
      continue;
    }
    let merged: Table | undefined;
    for (const name of sel.names) {
      try {
        const t = await fetchTable(ctx.client, sel.info, objectNamespace(ctx, sel), name);
        if (merged) merged.rows.push(...t.rows);
        else merged = t;
      } catch (e) {
        rc = Math.max(rc, reportMissing(ctx, e));
      }
    }
    if (merged) tables.push({ sel, table: merged });
  }
  const nonEmpty = tables.filter((t) => t.table.rows.length > 0);
  // -w: the widths of this listing carry over to the rows that follow
  const remembered: number[] = [];
  const kindPrefix = sels.length > 1;
  if (!ctx.bool('watch-only')) {
    const printed = nonEmpty.map(({ sel, table }) => {
      const cells = tableCells(table, visibleColumns(table, wide), tableOptions(ctx, sel.info, { kindPrefix: kindPrefix ? kindRef(sel.info) : undefined }));
      return alignColumns(cells, { ...TABLE_TABWRITER, remembered: watching ? remembered : undefined });
    });
    ctx.out(printed.join('\n'));
  }
  if (watching) {
    const headerPrinted = nonEmpty.length > 0 && !ctx.bool('watch-only');
    return watchTable(ctx, sels[0], tables[0]?.table, wide, q, remembered, headerPrinted);
  }
  if (nonEmpty.length === 0 && rc === 0 && sels.every((s) => s.names.length === 0)) ctx.err(noResourcesMessage(ctx, sels));
  return rc;
}

async function getObjects(ctx: CommandContext, sels: ResourceSelection[], format: Exclude<OutputFormat, { kind: 'table' }>, watching: boolean): Promise<number> {
  const q = getQuery(ctx);
  let rc = 0;
  let lastRv = '';
  const objects: { info: ResourceInfo; obj: KubeObject }[] = [];
  for (const sel of sels) {
    if (sel.names.length === 0) {
      const list = await listAll(ctx.client, sel.info, listNamespace(ctx, sel.info), q);
      lastRv = list.metadata.resourceVersion ?? '';
      objects.push(...list.items.map((obj) => ({ info: sel.info, obj })));
      continue;
    }
    for (const name of sel.names) {
      try {
        const obj = await ctx.client.resource(sel.info).get(objectNamespace(ctx, sel), name);
        lastRv = obj.metadata.resourceVersion ?? lastRv;
        objects.push({ info: sel.info, obj });
      } catch (e) {
        rc = Math.max(rc, reportMissing(ctx, e));
      }
    }
  }
  const single = sels.length === 1 && sels[0].names.length === 1;
  // a list prints even when empty (an empty List, a header), except as names; a failed single read prints nothing
  const print = !ctx.bool('watch-only') && (objects.length > 0 || (!single && format.kind !== 'name'));
  if (print) ctx.out(printObjects(format, objects, single, ctx.bool('show-managed-fields'), ctx.bool('no-headers')));
  if (watching) return watchObjects(ctx, sels[0], lastRv, format, q);
  if (objects.length === 0 && rc === 0 && format.kind === 'name') ctx.err(noResourcesMessage(ctx, sels));
  return rc;
}

export async function run(ctx: CommandContext): Promise<number> {
  const files = ctx.list('filename');
  const sels = files.length
    ? selectionsFromManifests(ctx, await readManifests(files, ctx.bool('recursive'), ctx.io.stdin))
    : parseResourceArgs(ctx.positionals);
  const format = parseOutputFormat(ctx.str('output'));
  const watching = ctx.bool('watch') || ctx.bool('watch-only');
  if (watching && sels.length !== 1) throw new Error('you may only specify a single resource type');
  if (format.kind === 'table') return getTables(ctx, sels, format.wide, watching);
  return getObjects(ctx, sels, format, watching);
}
