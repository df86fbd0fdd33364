// Runs the host-gw route syncer inside the kubelet: a node informer wakes it on every Node change
// (and on each resync), so routes follow nodes as they join, change address or go away.
import type { Node } from '../../api/types/core.js';
import type { KubeObject } from '../../api/types/meta.js';
import { createInformer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/types.js';
import { RouteSyncer, type RouteSyncerLog } from './route-syncer.js';
import { ipRouteTable, type RouteTable } from './route-table.js';

export interface RouteController {
  stop(): void;
}

export async function startRouteController(opts: {
  nodes: ResourceClient<Node & KubeObject>;
  nodeName: string;
  log: RouteSyncerLog;
  table?: RouteTable;
  resyncMs?: number;
}): Promise<RouteController> {
  const informer = createInformer(opts.nodes, { resyncMs: opts.resyncMs ?? 60_000 });
  const syncer = new RouteSyncer(opts.nodeName, () => informer.list(), opts.table ?? ipRouteTable(), opts.log);
  const wake = () => void syncer.trigger();
  informer.addHandlers({ add: wake, update: wake, delete: wake });
  await informer.start();
  await syncer.trigger();
  return { stop: () => informer.stop() };
}
