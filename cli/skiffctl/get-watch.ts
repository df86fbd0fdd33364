// `skiffctl get -w`: after the first listing, one row (or object) per watch event until the server
// ends the watch or --request-timeout passes (exit 0 either way, as kubectl).
import { resourcePath } from '../../api/resources.js';
import type { KubeObject, Status, Table, WatchEvent } from '../../api/types/meta.js';
import { apiErrorFromStatus } from '../../client/api-error.js';
import { WatchLineParser } from '../../client/watch-stream.js';
import { listNamespace, tableOptions, type GetQuery } from './get-options.js';
import { requestTimeoutMs, type CommandContext } from './command-context.js';
import { printObjects, toJson, toYaml, withoutManagedFields, type OutputFormat } from './object-printer.js';
import type { ResourceSelection } from './resource-args.js';
import { TABLE_ACCEPT } from './table-fetch.js';
import { tableCells, visibleColumns } from './table-printer.js';
import { alignColumns, TABLE_TABWRITER } from './tab-writer.js';

function watchQuery(sel: ResourceSelection, rv: string | undefined, q: GetQuery): Record<string, string | undefined> {
  const fieldSelector = sel.names.length === 1 ? `metadata.name=${sel.names[0]}` : q.fieldSelector;
  return { watch: 'true', resourceVersion: rv || undefined, labelSelector: q.labelSelector, fieldSelector };
}

async function readEvents<T>(res: AsyncIterable<unknown>, onEvent: (ev: WatchEvent<T>) => void): Promise<void> {
  const parser = new WatchLineParser<T>();
  const deliver = (events: WatchEvent<T>[]): void => {
    for (const ev of events) {
      if (ev.type === 'ERROR') throw apiErrorFromStatus(ev.object as unknown as Status);
      if (ev.type !== 'BOOKMARK') onEvent(ev);
    }
  };
  for await (const chunk of res) deliver(parser.push(chunk as Buffer));
  deliver(parser.end());
}

async function streamEvents<T>(
  ctx: CommandContext,
  sel: ResourceSelection,
  accept: string,
  query: Record<string, string | undefined>,
  onEvent: (ev: WatchEvent<T>) => void,
): Promise<number> {
  const timeoutMs = requestTimeoutMs(ctx.str('request-timeout'));
  const { response, abort } = ctx.client.openStream({
    method: 'GET',
    path: resourcePath(sel.info, listNamespace(ctx, sel.info)),
    query: { ...query, timeoutSeconds: timeoutMs ? String(Math.max(1, Math.ceil(timeoutMs / 1000))) : undefined },
    accept,
  });
  let timedOut = false;
  const timer = timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        abort();
      }, timeoutMs)
    : undefined;
  try {
    await readEvents(await response, onEvent);
    return 0;
  } catch (e) {
    if (timedOut) return 0;
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Rows per event; `remembered` carries the column widths of the first listing (kubectl's
 * tabwriter remembers them), `headerPrinted` whether that listing printed the header.
 */
export function watchTable(
  ctx: CommandContext,
  sel: ResourceSelection,
  initial: Table | undefined,
  wide: boolean,
  q: GetQuery,
  remembered: number[],
  headerPrinted: boolean,
): Promise<number> {
  // later events may carry no columnDefinitions: their cells follow the last definitions seen
  let defs = initial?.columnDefinitions?.length ? initial.columnDefinitions : undefined;
  let header = headerPrinted;
  return streamEvents<Table>(ctx, sel, TABLE_ACCEPT, watchQuery(sel, initial?.metadata?.resourceVersion, q), (ev) => {
    const t = ev.object;
    if (t.kind !== 'Table') return;
    if (t.columnDefinitions?.length) defs = t.columnDefinitions;
    if (!defs) return;
    const table = { columnDefinitions: defs, rows: t.rows ?? [] };
    const cells = tableCells(table, visibleColumns(table, wide), tableOptions(ctx, sel.info, { noHeaders: header || ctx.bool('no-headers') }));
    header = true;
    ctx.out(alignColumns(cells, { ...TABLE_TABWRITER, remembered }));
  });
}

export function watchObjects(ctx: CommandContext, sel: ResourceSelection, rv: string, format: Exclude<OutputFormat, { kind: 'table' }>, q: GetQuery): Promise<number> {
  return streamEvents<KubeObject>(ctx, sel, 'application/json', watchQuery(sel, rv, q), (ev) => {
    const obj = ctx.bool('show-managed-fields') ? ev.object : withoutManagedFields(ev.object);
    if (format.kind === 'yaml') ctx.out(`---\n${toYaml(obj)}`);
    else if (format.kind === 'json') ctx.out(toJson(obj));
    else ctx.out(printObjects(format, [{ info: sel.info, obj }], true, true, true));
  });
}
