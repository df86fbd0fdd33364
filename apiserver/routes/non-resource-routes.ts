// Paths that are not resources: health, version, metrics, discovery, openapi, and TokenReview.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, pathNotFound } from '../../api/status.js';
import type { ApiContext } from '../api-context.js';
import { decodeBody, parseAccept } from '../http/negotiation.js';
import { sendJson } from '../http/respond.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  legacyApiGroup,
  legacyApiGroupList,
  legacyApiVersions,
  legacyResourceList,
} from './discovery.js';
import { OPENAPI_V2_PROTOBUF, openapiV2Document } from './openapi-v2.js';
import { openapiGroupDoc, openapiRoot, parseOpenapiPath } from './openapi.js';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-skiff',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.has(path) || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/');
}

/** Serves a non-resource path; false when the path is not one of ours. */
export async function serveNonResource(ctx: ApiContext, path: string, req: FastifyRequest, reply: FastifyReply, ready: () => Promise<boolean>): Promise<boolean> {
  const method = req.method;
  if (path === '/healthz' || path === '/livez' || path === '/readyz' || path.startsWith('/healthz/') || path.startsWith('/livez/') || path.startsWith('/readyz/')) {
    const ok = path.startsWith('/livez') ? true : await ready();
    reply.code(ok ? 200 : 500).header('Content-Type', 'text/plain; charset=utf-8').send(ok ? 'ok' : 'etcd not ready');
    return true;
  }
  if (path === '/version') {
    sendJson(reply, 200, VERSION_INFO);
    return true;
  }
  if (path === '/metrics') {
    reply.code(200).header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render());
    return true;
  }
  if (method === 'GET' && (path === '/api' || path === '/apis')) {
    const accept = parseAccept(req.headers.accept);
    if (accept.discovery) {
      sendJson(reply, 200, aggregatedDiscovery(path === '/api', accept.discovery), [], aggregatedContentType(accept.discovery));
    } else {
      sendJson(reply, 200, path === '/api' ? legacyApiVersions(`${req.hostname}`) : legacyApiGroupList());
    }
    return true;
  }
  if (method === 'GET') {
    const m = /^\/api\/([^/]+)$/.exec(path) ?? /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const [group, version] = path.startsWith('/api/') ? ['', m[1]!] : [m[1]!, m[2]!];
      const doc = legacyResourceList(group, version);
      if (!doc) throw pathNotFound();
      sendJson(reply, 200, doc);
      return true;
    }
    const g = /^\/apis\/([^/]+)$/.exec(path);
    if (g) {
      const doc = legacyApiGroup(g[1]!);
      if (!doc) throw pathNotFound();
      sendJson(reply, 200, doc);
      return true;
    }
    if (path === '/openapi/v2' && (req.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF)) {
      reply.code(200).header('Content-Type', OPENAPI_V2_PROTOBUF).send(openapiV2Document());
      return true;
    }
    if (path === '/openapi/v3') {
      sendJson(reply, 200, openapiRoot());
      return true;
    }
    if (path.startsWith('/openapi/v3/')) {
      const gv = parseOpenapiPath(path.slice('/openapi/v3/'.length));
      const doc = gv && openapiGroupDoc(gv.group, gv.version);
      if (!doc) throw pathNotFound();
      sendJson(reply, 200, doc);
      return true;
    }
  }
  if (method === 'POST' && path === '/apis/authentication.k8s.io/v1/tokenreviews') {
    const body = decodeBody(req.body as Buffer | undefined, req.headers['content-type']) as { kind?: string; spec?: { token?: string } };
    if (!body || typeof body !== 'object' || (body.kind !== undefined && body.kind !== 'TokenReview')) throw badRequest('the request body must be a TokenReview');
    const token = body.spec?.token;
    if (!token) throw badRequest('spec.token: Required value');
    const user = ctx.authenticator.authenticate(token);
    const status = user
      ? { authenticated: true, user: { username: user.username, uid: user.uid, groups: user.groups }, audiences: [] }
      : { authenticated: false, error: 'invalid bearer token' };
    sendJson(reply, 201, { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { token }, status });
    return true;
  }
  return false;
}
