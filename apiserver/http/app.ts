// The fastify app: raw bodies (≤ 3 MiB), bearer-token authentication, authorization, dispatch to
// resource and non-resource routes, Status errors, and request metrics.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { KubeObject } from '../../api/types/meta.js';
import { forbidden, pathNotFound, requestEntityTooLarge, StatusError, unauthorized } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';
import { authorize, forbiddenMessage, nodeMayCreate, nodeNameOf, podBoundTo } from '../auth/authorizer.js';
import type { UserInfo } from '../auth/token-file.js';
import { parseRequestInfo } from '../request-info.js';
import { serveResource } from '../routes/resource-routes.js';
import { isPublicPath, serveNonResource } from '../routes/non-resource-routes.js';
import { isJoinPath, serveJoin, type JoinContext } from '../join/join-routes.js';
import { sendError } from './respond.js';
import { decodeBody } from './negotiation.js';
import { servePodStreamUpgrade } from '../streaming/pod-stream-proxy.js';
import { nodeProxyTarget, serveNodeProxy } from '../routes/node-proxy.js';
import { serveMetrics } from '../routes/metrics-api.js';
import { metricsRequest } from '../routes/metrics-objects.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const ADMIN: UserInfo = { username: 'system:admin', uid: '', groups: ['system:masters', 'system:authenticated'] };

export interface AppOptions {
  https?: { key: string; cert: string };
  /** plain-HTTP test listener: every request is the admin */
  insecure: boolean;
  ready: () => Promise<boolean>;
  /** serves /cacerts and /skiff/v1/join (node join with a bootstrap token) on the secure listener */
  join?: JoinContext;
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1]!.trim() : undefined;
}

export function buildApp(ctx: ApiContext, opts: AppOptions): FastifyInstance {
  const app = Fastify({
    ...(opts.https ? { https: opts.https } : {}),
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    forceCloseConnections: true,
    keepAliveTimeout: 65_000,
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
  }) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return sendError(reply, requestEntityTooLarge(`Request entity too large: limit is ${MAX_BODY_BYTES}`));
    }
    if (err instanceof StatusError) return sendError(reply, err);
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(reply, new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: err.statusCode, reason: 'BadRequest', message: err.message }));
    }
    ctx.log.error({ err }, 'request failed');
    return sendError(reply, err);
  });

  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const started = performance.now();
    const qi = req.url.indexOf('?');
    const path = qi < 0 ? req.url : req.url.slice(0, qi);
    const query = new URLSearchParams(qi < 0 ? '' : req.url.slice(qi + 1));
    const ri = parseRequestInfo(req.method, path, query.get('watch') === 'true' || query.get('watch') === '1');
    const verbLabel = ri.kind === 'resource' ? ri.verb.toUpperCase() : req.method;
    const resLabel = ri.kind === 'resource' ? (ri.subresource ? `${ri.info.resource}/${ri.subresource}` : ri.info.resource) : '';
    reply.raw.once('finish', () => ctx.metrics.observe(verbLabel, resLabel, reply.raw.statusCode, (performance.now() - started) / 1000));
    try {
      if (opts.join && isJoinPath(path)) {
        serveJoin(opts.join, path, req, reply, bearer(req));
        return;
      }
      let user: UserInfo;
      if (opts.insecure) user = ADMIN;
      else {
        const token = bearer(req);
        const found = token ? ctx.authenticator.authenticate(token) : undefined;
        if (!found) {
          if (isPublicPath(path)) {
            if (await serveNonResource(ctx, path, req, reply, opts.ready)) return;
          }
          throw unauthorized();
        }
        user = found;
      }
      const proxied = nodeProxyTarget(path);
      if (proxied) return await serveNodeProxy(ctx, user, req.method, proxied, query, reply);
      const metrics = metricsRequest(path);
      if (metrics) return await serveMetrics(ctx, user, req.method, metrics, query, reply);
      if (ri.kind !== 'resource') {
        const d = authorize(user, { verb: req.method.toLowerCase(), group: '', resource: '', path });
        if (!d.allowed && !isPublicPath(path)) throw forbidden(forbiddenMessage(user, { verb: req.method.toLowerCase(), group: '', resource: '', path }));
        if (await serveNonResource(ctx, path, req, reply, opts.ready)) return;
        throw pathNotFound();
      }
      const areq = { verb: ri.verb, group: ri.group, resource: ri.info.resource, subresource: ri.subresource, namespace: ri.namespace, name: ri.name };
      const d = authorize(user, areq);
      if (!d.allowed) throw forbidden(forbiddenMessage(user, areq));
      if (d.needsPodNode) {
        const pod = await ctx.registry.get(ri.info, ri.namespace, ri.name!);
        if (!podBoundTo(pod, d.needsPodNode)) throw forbidden(forbiddenMessage(user, areq) + `: pod is not bound to node ${JSON.stringify(d.needsPodNode)}`);
      }
      if (ri.verb === 'create' && nodeNameOf(user) !== undefined && !ri.subresource) {
        const body = decodeBody(req.body as Buffer | undefined, req.headers['content-type']) as KubeObject;
        if (!nodeMayCreate(user, ri.info.resource, body)) throw forbidden(forbiddenMessage(user, areq) + `: a node may only create its own ${ri.info.resource === 'nodes' ? 'Node' : 'Lease'}`);
      }
      await serveResource({ ctx, ri, req, reply, query, userAgent: String(req.headers['user-agent'] ?? '') });
    } catch (e) {
      if (reply.sent || reply.raw.headersSent) {
        ctx.log.warn({ err: e }, 'error after the reply started');
        return;
      }
      if (!(e instanceof StatusError)) ctx.log.error({ err: e, path, method: req.method }, 'request failed');
      sendError(reply, e);
    }
  };
  // pods/exec and pods/portforward arrive as HTTP upgrades (WebSocket or SPDY), outside fastify's routing
  app.server.on('upgrade', (req, socket, head) => void servePodStreamUpgrade(ctx, { fixedUser: opts.insecure ? ADMIN : undefined }, req, socket, head));
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/*', handler });
  app.route({ method: ['GET', 'HEAD'], url: '/', handler });
  return app;
}
