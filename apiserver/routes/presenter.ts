// Chooses the response shape: the object/list itself, or a Table when the client's Accept asks for
// one (list, get and watch).
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, List, WatchEventType } from '../../api/types/meta.js';
import { badRequest } from '../../api/status.js';
import type { AcceptInfo } from '../http/negotiation.js';
import { type IncludeObject, toTable } from '../tables/table.js';
import type { EventObjectEncoder } from './watch-stream.js';
import type { Query } from './query.js';

function includeObject(q: Query): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: ${JSON.stringify(v)}: supported values: "Metadata", "None", "Object"`);
}

export function presentObject(info: ResourceInfo, obj: KubeObject, accept: AcceptInfo, q: Query): unknown {
  if (!accept.table) return obj;
  return toTable(info, [obj], { include: includeObject(q), resourceVersion: obj.metadata.resourceVersion });
}

export function presentList(info: ResourceInfo, list: List<KubeObject>, accept: AcceptInfo, q: Query): unknown {
  if (!accept.table) return list;
  return toTable(info, list.items, {
    include: includeObject(q),
    resourceVersion: list.metadata.resourceVersion,
    continue: list.metadata.continue,
    remainingItemCount: list.metadata.remainingItemCount,
  });
}

export function watchEncoder(info: ResourceInfo, accept: AcceptInfo, q: Query): EventObjectEncoder {
  if (!accept.table) return (obj) => obj.json;
  const include = includeObject(q);
  return (obj, _type: WatchEventType, first: boolean) =>
    JSON.stringify(toTable(info, [obj.object], { include, resourceVersion: obj.object.metadata.resourceVersion, withColumns: first }));
}
