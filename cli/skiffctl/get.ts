// `skiffctl get TYPE [NAME...]`: the server's Table (-o wide), -o yaml|json|name|jsonpath=,
// -l, --field-selector, -A, -w, --show-labels.
import { resourcePath, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject, Table, WatchEvent } from '../../api/types/meta.js';
import { apiErrorFromStatus } from '../../client/api-error.js';
import { WatchLineParser } from '../../client/watch-stream.js';
import type { FlagSpec } from '../flags.js';
import type { CommandContext } from './command-context.js';
import { formatError } from './error-format.js';
import { parseOutputFormat, printObjects, toJson, toYaml, withoutManagedFields, type OutputFormat } from './object-printer.js';
import { kindRef, parseResourceArgs, type ResourceSelection } from './resource-args.js';
import { fetchTable, fetchTableList, listAll, TABLE_ACCEPT } from './table-fetch.js';
import { printTable, tableCells, visibleColumns } from './table-printer.js';
import { alignColumns, TABLE_TABWRITER } from './tab-writer.js';
import type { Status } from '../../api/types/meta.js';

export const flags: FlagSpec = {
  values: ['output', 'selector', 'field-selector'],
  booleans: ['watch', 'watch-only', 'show-labels', 'no-headers', 'ignore-not-found', 'show-managed-fields'],
  aliases: { o: 'output', l: 'selector', w: 'watch', L: 'label-columns' },
  repeated: ['label-columns'],
};

function labelColumns(ctx: CommandContext): string[] {
  return ctx.list('label-columns').flatMap((v) => v.split(',')).filter(Boolean);
}

function namespaceFor(ctx: CommandContext, info: ResourceInfo): string | undefined {
  if (!info.namespaced) return undefined;
  return ctx.allNamespaces ? undefined : ctx.namespace;
}

function noResourcesMessage(ctx: CommandContext, sels: ResourceSelection[]): string {
  if (ctx.allNamespaces || sels.every((s) => !s.info.namespaced)) return 'No resources found\n';
  return `No resources found in ${ctx.namespace} namespace.\n`;
}

export async function run(ctx: CommandContext): Promise<number> {
  const sels = parseResourceArgs(ctx.positionals);
  const format = parseOutputFormat(ctx.str('output'));
  const q = { labelSelector: ctx.str('selector'), fieldSelector: ctx.str('field-selector') };
  const watching = ctx.bool('watch') || ctx.bool('watch-only');
  if (watching && sels.length !== 1) throw new Error('you may only specify a single resource type');
  let rc = 0;
  const multi = sels.length > 1;

  if (format.kind === 'table') {
    const tables: { sel: ResourceSelection; table: Table }[] = [];
    for (const sel of sels) {
      const ns = namespaceFor(ctx, sel.info);
      if (sel.names.length === 0) {
        tables.push({ sel, table: await fetchTableList(ctx.client, sel.info, ns, q) });
        continue;
      }
      let merged: Table | undefined;
      for (const name of sel.names) {
        try {
          const t = await fetchTable(ctx.client, sel.info, ns ?? (sel.info.namespaced ? ctx.namespace : undefined), name);
          if (!merged) merged = t;
          else merged.rows.push(...t.rows);
        } catch (e) {
          if (!(ctx.bool('ignore-not-found') && (e as { code?: number }).code === 404)) {
            ctx.err(`${formatError(e)}\n`);
            rc = 1;
          }
        }
      }
      if (merged) tables.push({ sel, table: merged });
    }
    const nonEmpty = tables.filter((t) => t.table.rows.length > 0);
    const printed = nonEmpty.map(({ sel, table }) =>
      printTable(table, {
        wide: format.wide,
        withNamespace: ctx.allNamespaces && sel.info.namespaced,
        showLabels: ctx.bool('show-labels'),
        kindPrefix: multi ? kindRef(sel.info) : undefined,
        noHeaders: ctx.bool('no-headers'),
        labelColumns: labelColumns(ctx),
      }),
    );
    // with -w the column widths carry over to the rows that follow, as kubectl's tabwriter remembers them
    const remembered: number[] = [];
    if (watching && nonEmpty.length === 1 && !ctx.bool('watch-only')) {
      const { sel, table } = nonEmpty[0];
      const cells = tableCells(table, visibleColumns(table, format.wide), {
        withNamespace: ctx.allNamespaces && sel.info.namespaced,
        showLabels: ctx.bool('show-labels'),
        noHeaders: ctx.bool('no-headers'),
        labelColumns: labelColumns(ctx),
      });
      ctx.out(alignColumns(cells, { ...TABLE_TABWRITER, remembered }));
    } else if (!ctx.bool('watch-only')) ctx.out(printed.join('\n'));
    if (nonEmpty.length === 0 && rc === 0 && !watching && sels.every((s) => s.names.length === 0)) ctx.err(noResourcesMessage(ctx, sels));
    if (watching) return watchTable(ctx, sels[0], tables[0]?.table, format.wide, q, remembered);
    return rc;
  }

  const objects: { info: ResourceInfo; obj: KubeObject }[] = [];
  let lastRv = '';
  for (const sel of sels) {
    const ns = namespaceFor(ctx, sel.info);
    const client = ctx.client.resource(sel.info);
    if (sel.names.length === 0) {
      const list = await listAll(ctx.client, sel.info, ns, q);
      lastRv = list.metadata.resourceVersion ?? '';
      objects.push(...list.items.map((obj) => ({ info: sel.info, obj })));
      continue;
    }
    for (const name of sel.names) {
      try {
        const obj = await client.get(ns ?? (sel.info.namespaced ? ctx.namespace : undefined), name);
        lastRv = obj.metadata.resourceVersion ?? lastRv;
        objects.push({ info: sel.info, obj });
      } catch (e) {
        if (!(ctx.bool('ignore-not-found') && (e as { code?: number }).code === 404)) {
          ctx.err(`${formatError(e)}\n`);
          rc = 1;
        }
      }
    }
  }
  const single = sels.length === 1 && sels[0].names.length === 1;
  if (!ctx.bool('watch-only') && (objects.length > 0 || single === false)) {
    if (objects.length > 0 || format.kind !== 'name') ctx.out(printObjects(format, objects, single, ctx.bool('show-managed-fields'), ctx.bool('no-headers')));
  }
  if (objects.length === 0 && rc === 0 && !watching && format.kind === 'name') ctx.err(noResourcesMessage(ctx, sels));
  if (watching) return watchObjects(ctx, sels[0], lastRv, format, q);
  return rc;
}

function watchQuery(sel: ResourceSelection, rv: string | undefined, q: { labelSelector?: string; fieldSelector?: string }) {
  const fieldSelector = sel.names.length === 1 ? `metadata.name=${sel.names[0]}` : q.fieldSelector;
  return { watch: 'true', resourceVersion: rv || undefined, labelSelector: q.labelSelector, fieldSelector };
}

/** Streams a watch until the server ends it (exit 0, as kubectl does). */
async function streamEvents<T>(ctx: CommandContext, sel: ResourceSelection, accept: string, query: Record<string, string | undefined>, onEvent: (ev: WatchEvent<T>) => void): Promise<number> {
  const ns = namespaceFor(ctx, sel.info);
  const timeoutMs = requestTimeoutMs(ctx.str('request-timeout'));
  const { response, abort } = ctx.client.openStream({
    method: 'GET',
    path: resourcePath(sel.info, ns),
    query: { ...query, timeoutSeconds: timeoutMs ? String(Math.max(1, Math.ceil(timeoutMs / 1000))) : undefined },
    accept,
  });
  // --request-timeout ends the watch (exit 0), as it does kubectl's
  let timedOut = false;
  const timer = timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        abort();
      }, timeoutMs)
    : undefined;
  try {
    return await readEvents(await response, onEvent);
  } catch (e) {
    if (timedOut) return 0;
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** `--request-timeout`: `0` (none), `5s`, `1m`, `500ms` or plain seconds. */
export function requestTimeoutMs(s: string | undefined): number {
  if (!s || s === '0') return 0;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new Error(`invalid argument "${s}" for "--request-timeout" flag: invalid duration`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

async function readEvents<T>(res: AsyncIterable<unknown>, onEvent: (ev: WatchEvent<T>) => void): Promise<number> {
  const parser = new WatchLineParser<T>();
  const deliver = (events: WatchEvent<T>[]): void => {
    for (const ev of events) {
      if (ev.type === 'ERROR') throw apiErrorFromStatus(ev.object as unknown as Status);
      if (ev.type !== 'BOOKMARK') onEvent(ev);
    }
  };
  for await (const chunk of res) deliver(parser.push(chunk as Buffer));
  deliver(parser.end());
  return 0;
}

async function watchTable(
  ctx: CommandContext,
  sel: ResourceSelection,
  initial: Table | undefined,
  wide: boolean,
  q: { labelSelector?: string; fieldSelector?: string },
  remembered: number[],
): Promise<number> {
  // later events may carry no columnDefinitions: their cells follow the last definitions seen
  let defs = initial?.columnDefinitions?.length ? initial.columnDefinitions : undefined;
  let headerPrinted = !!initial && initial.rows.length > 0 && !ctx.bool('watch-only');
  return streamEvents<Table>(ctx, sel, TABLE_ACCEPT, watchQuery(sel, initial?.metadata?.resourceVersion, q), (ev) => {
    const t = ev.object;
    if (t.kind !== 'Table') return;
    if (t.columnDefinitions?.length) defs = t.columnDefinitions;
    if (!defs) return;
    const table = { columnDefinitions: defs, rows: t.rows ?? [] };
    const cells = tableCells(table, visibleColumns(table, wide), {
      withNamespace: ctx.allNamespaces && sel.info.namespaced,
      showLabels: ctx.bool('show-labels'),
      noHeaders: headerPrinted || ctx.bool('no-headers'),
      labelColumns: labelColumns(ctx),
    });
    headerPrinted = true;
    ctx.out(alignColumns(cells, { ...TABLE_TABWRITER, remembered }));
  });
}

async function watchObjects(ctx: CommandContext, sel: ResourceSelection, rv: string, format: OutputFormat, q: { labelSelector?: string; fieldSelector?: string }): Promise<number> {
  return streamEvents<KubeObject>(ctx, sel, 'application/json', watchQuery(sel, rv, q), (ev) => {
    const obj = ctx.bool('show-managed-fields') ? ev.object : withoutManagedFields(ev.object);
    if (format.kind === 'yaml') ctx.out(`---\n${toYaml(obj)}`);
    else if (format.kind === 'json') ctx.out(toJson(obj));
    else if (format.kind !== 'table') ctx.out(printObjects(format, [{ info: sel.info, obj }], true, true, true));
  });
}
