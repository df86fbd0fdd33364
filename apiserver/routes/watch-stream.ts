// A watch over HTTP: newline-delimited {type, object} events from the shared watch cache, filtered by
// namespace and selectors (an object leaving the selection is sent as DELETED, entering as ADDED),
// with optional BOOKMARKs and timeoutSeconds. Without a resourceVersion (or "0") the current objects
// are sent as ADDED first.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject, WatchEventType } from '../../api/types/meta.js';
import { badRequest, gone, makeStatus } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';
import type { RawEvent } from '../storage/object-store.js';
import { collectionPrefix, resourcePrefix } from '../storage/keys.js';
import { CachedObject } from '../storage/object-snapshot.js';
import { selectionPredicate } from '../registry/selection.js';

export interface WatchParams {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
}

/**
 * Turns each object into the JSON text of what the client asked for (the object, or a one-row
 * Table).
 */
export type EventObjectEncoder = (obj: CachedObject, type: WatchEventType, first: boolean) => string;

/** bytes a watch may have queued for a slow client before it is closed */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024;

/** Decides what one raw event means for a watcher with this selection (pure). */
export function filterEvent(ev: RawEvent, matches: (o: KubeObject) => boolean, matchesAll: boolean): WatchEventType | undefined {
  if (matchesAll) return ev.type;
  if (ev.type === 'DELETED') return matches(ev.previous ?? ev.object) ? 'DELETED' : undefined;
  const now = matches(ev.object);
  const before = ev.previous ? matches(ev.previous) : false;
  if (now && before) return ev.type === 'ADDED' ? 'ADDED' : 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

export async function serveWatch(
  ctx: ApiContext,
  info: ResourceInfo,
  params: WatchParams,
  req: FastifyRequest,
  reply: FastifyReply,
  encode: EventObjectEncoder,
): Promise<void> {
  const { predicate, matchesAll } = selectionPredicate(info, params);
  let fromRev: number | undefined;
  if (params.resourceVersion && params.resourceVersion !== '0') {
    fromRev = Number(params.resourceVersion);
    if (!Number.isInteger(fromRev) || fromRev < 0) throw badRequest(`invalid resource version: ${JSON.stringify(params.resourceVersion)}`);
  }
  let initial: KubeObject[] = [];
  if (fromRev === undefined) {
    const list = await ctx.registry.list(info, params.namespace, params);
    initial = list.items;
    fromRev = Number(list.metadata.resourceVersion);
  }
  const cache = ctx.watchCaches.forPrefix(resourcePrefix(info));
  const nsPrefix = params.namespace && info.namespaced ? collectionPrefix(info, params.namespace) : undefined;

  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  ctx.metrics.watchStarted();

  let first = true;
  let progress = fromRev;
  let ended = false;
  const send = (type: WatchEventType, obj: CachedObject): void => {
    const text = encode(obj, type, first);
    first = false;
    res.write(`{"type":"${type}","object":${text}}\n`);
  };

  let sub: { cancel(): void } | undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    if (ended) return;
    ended = true;
    for (const t of timers) clearTimeout(t), clearInterval(t);
    sub?.cancel();
    ctx.metrics.watchEnded();
    ctx.closing.removeEventListener('abort', finish);
    if (!res.writableEnded) res.end();
  };
  req.raw.on('close', finish);
  for (const o of initial) send('ADDED', new CachedObject(undefined, o));
  /** A client that stops reading would make the apiserver buffer without bound: drop it (it
   *  re-watches from its last resourceVersion, as Kubernetes' clients do when a watch ends). */
  const sendLive = (type: WatchEventType, obj: CachedObject): void => {
    send(type, obj);
    if (res.writableLength > MAX_UNREAD_BYTES) {
      ctx.log.warn({ resource: info.resource, buffered: res.writableLength }, 'closing a watch whose client is not reading');
      finish();
    }
  };
  res.on('close', finish);
  ctx.closing.addEventListener('abort', finish);
  if (params.timeoutSeconds && params.timeoutSeconds > 0) timers.push(setTimeout(finish, params.timeoutSeconds * 1000));
  if (params.allowWatchBookmarks) {
    timers.push(
      setInterval(() => {
        if (ended) return;
        const latest = Math.max(progress, cache.latestRevision);
        const bookmark: KubeObject = {
          kind: info.kind,
          apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
          metadata: { resourceVersion: String(latest) },
        };
        res.write(JSON.stringify({ type: 'BOOKMARK', object: bookmark }) + '\n');
      }, ctx.bookmarkIntervalMs),
    );
  }
  if (ended) return;
  try {
    sub = await cache.subscribe(fromRev, {
      onEvents: (events) => {
        if (ended) return;
        for (const ev of events) {
          if (ev.revision > progress) progress = ev.revision;
          if (nsPrefix && !ev.key.startsWith(nsPrefix)) continue;
          const type = filterEvent(ev, predicate, matchesAll);
          if (type) sendLive(type, ev.current);
          if (ended) return;
        }
      },
      onError: (err) => {
        if (ended) return;
        const status = err.kind === 'compacted' ? gone(`too old resource version: ${fromRev} (${cache.latestRevision})`).status : makeStatus(500, 'InternalError', err.message);
        res.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
        finish();
      },
    });
    if (ended) sub.cancel();
  } catch (e) {
    if (!ended) {
      res.write(JSON.stringify({ type: 'ERROR', object: makeStatus(500, 'InternalError', (e as Error).message) }) + '\n');
      finish();
    }
  }
}
