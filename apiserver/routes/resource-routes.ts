// The verbs on a resource or one object: get, list, watch, create, update, patch, delete,
// deletecollection; subresources are dispatched to their own modules.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KubeObject, List } from '../../api/types/meta.js';
import { badRequest, methodNotAllowed } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';
import type { ResourceRequest } from '../request-info.js';
import { decodeBody, parseAccept } from '../http/negotiation.js';
import { sendJson } from '../http/respond.js';
import { asObjectOf } from './body-checks.js';
import { boolParam, deleteOptions, dryRunParam, fieldValidationParam, intParam, type Query } from './query.js';
import { serveWatch } from './watch-stream.js';
import { presentList, presentObject, watchEncoder } from './presenter.js';
import { servePatch } from './patch-route.js';
import { serveSubresource } from './subresource-routes.js';

export interface HandlerArgs {
  ctx: ApiContext;
  ri: ResourceRequest;
  req: FastifyRequest;
  reply: FastifyReply;
  query: Query;
  /** the request's User-Agent: the field manager when the request names none */
  userAgent: string;
}

/** The fieldManager parameter, or (as Kubernetes does) the user agent's product name: `kubectl`, `skiffctl`. */
export function fieldManagerOf(query: Query, userAgent: string): string {
  const fm = query.get('fieldManager');
  if (fm) {
    if (fm.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return fm;
  }
  const ua = userAgent.split('/')[0] || 'unknown';
  return ua.slice(0, 128);
}

export async function serveResource(a: HandlerArgs): Promise<void> {
  const { ctx, ri, req, reply, query } = a;
  if (ri.subresource) return serveSubresource(a);
  const { info, namespace, name } = ri;
  const accept = parseAccept(req.headers.accept);
  switch (ri.verb) {
    case 'get': {
      const obj = await ctx.registry.get(info, namespace, name!);
      sendJson(reply, 200, presentObject(info, obj, accept, query));
      return;
    }
    case 'list': {
      const opts = {
        labelSelector: query.get('labelSelector') ?? undefined,
        fieldSelector: query.get('fieldSelector') ?? undefined,
        limit: intParam(query, 'limit'),
        continue: query.get('continue') ?? undefined,
        resourceVersion: query.get('resourceVersion') ?? undefined,
      };
      if (!accept.table) {
        reply.code(200).header('Content-Type', 'application/json').send(await ctx.registry.listJson(info, namespace, opts));
        return;
      }
      sendJson(reply, 200, presentList(info, await ctx.registry.list(info, namespace, opts), accept, query));
      return;
    }
    case 'watch':
      return serveWatch(
        ctx,
        info,
        {
          namespace,
          labelSelector: query.get('labelSelector') ?? undefined,
          fieldSelector: query.get('fieldSelector') ?? undefined,
          resourceVersion: query.get('resourceVersion') ?? undefined,
          allowWatchBookmarks: boolParam(query, 'allowWatchBookmarks'),
          timeoutSeconds: intParam(query, 'timeoutSeconds'),
        },
        req,
        reply,
        watchEncoder(info, accept, query),
      );
    case 'create': {
      if (name !== undefined) throw methodNotAllowed();
      const body = asObjectOf(info, decodeBody(req.body as Buffer | undefined, req.headers['content-type']), namespace);
      if (info.namespaced && namespace === undefined) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const r = await ctx.registry.create(info, namespace, body, {
        fieldManager: fieldManagerOf(query, a.userAgent),
        fieldValidation: fieldValidationParam(query),
        dryRun: dryRunParam(query),
      });
      sendJson(reply, 201, presentObject(info, r.object, accept, query), r.warnings);
      return;
    }
    case 'update': {
      const body = asObjectOf(info, decodeBody(req.body as Buffer | undefined, req.headers['content-type']), namespace);
      const r = await ctx.registry.update(info, namespace, name!, body, {
        fieldManager: fieldManagerOf(query, a.userAgent),
        fieldValidation: fieldValidationParam(query),
        dryRun: dryRunParam(query),
      });
      sendJson(reply, 200, presentObject(info, r.object, accept, query), r.warnings);
      return;
    }
    case 'patch':
      return servePatch(a);
    case 'delete': {
      const raw = req.body && (req.body as Buffer).length ? decodeBody(req.body as Buffer, req.headers['content-type']) : undefined;
      const opts = deleteOptions(raw, query);
      const r = await ctx.registry.delete(info, namespace, name!, opts);
      sendJson(reply, r.deleted ? 200 : 202, presentObject(info, r.object, accept, query));
      return;
    }
    case 'deletecollection': {
      const raw = req.body && (req.body as Buffer).length ? decodeBody(req.body as Buffer, req.headers['content-type']) : undefined;
      const list: List<KubeObject> = await ctx.registry.deleteCollection(
        info,
        namespace,
        { labelSelector: query.get('labelSelector') ?? undefined, fieldSelector: query.get('fieldSelector') ?? undefined },
        deleteOptions(raw, query),
      );
      sendJson(reply, 200, list);
      return;
    }
  }
}
