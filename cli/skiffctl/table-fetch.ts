// Asks the server for Tables (the `as=Table` Accept kubectl sends), paginating lists at 500, and
// falls back to NAME/AGE tables when the server answers plain objects.
import { resourcePath, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject, List, Table } from '../../api/types/meta.js';
import type { ApiClient } from '../../client/rest-client.js';
import { tableFromObjects } from './table-printer.js';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export interface TableQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

function asTable(reply: Table | KubeObject | List<KubeObject>): Table {
  if ((reply as Table).kind === 'Table') return reply as Table;
  if (Array.isArray((reply as List<KubeObject>).items)) {
    const t = tableFromObjects((reply as List<KubeObject>).items);
    t.metadata = (reply as List<KubeObject>).metadata ?? {};
    return t;
  }
  return tableFromObjects([reply as KubeObject]);
}

export async function fetchTable(client: ApiClient, info: ResourceInfo, namespace: string | undefined, name: string): Promise<Table> {
  const reply = await client.request<Table | KubeObject>({ method: 'GET', path: resourcePath(info, namespace, name), accept: TABLE_ACCEPT });
  return asTable(reply);
}

/** The whole list as one Table (pages merged); metadata.resourceVersion is the list's. */
export async function fetchTableList(client: ApiClient, info: ResourceInfo, namespace: string | undefined, q: TableQuery): Promise<Table> {
  let merged: Table | undefined;
  let cont: string | undefined;
  do {
    const reply = await client.request<Table | List<KubeObject>>({
      method: 'GET',
      path: resourcePath(info, namespace),
      query: { labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, limit: 500, continue: cont },
      accept: TABLE_ACCEPT,
    });
    const page = asTable(reply);
    if (!merged) merged = page;
    else merged.rows.push(...page.rows);
    merged.metadata = { ...merged.metadata, resourceVersion: page.metadata?.resourceVersion ?? merged.metadata?.resourceVersion };
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return merged;
}

/** Every object of a list, following `continue`. */
export async function listAll<T extends KubeObject = KubeObject>(
  client: ApiClient,
  info: ResourceInfo,
  namespace: string | undefined,
  q: TableQuery,
): Promise<List<T>> {
  const rc = client.resource<T>(info);
  const first = await rc.list(namespace, { ...q, limit: 500 });
  let cont = first.metadata?.continue;
  while (cont) {
    const page = await rc.list(namespace, { ...q, limit: 500, continue: cont });
    first.items.push(...page.items);
    first.metadata.resourceVersion = page.metadata.resourceVersion;
    cont = page.metadata?.continue;
  }
  first.metadata.continue = undefined;
  return first;
}
