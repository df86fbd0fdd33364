// The two paths an agent uses to join: `GET /cacerts` (no credentials: the CA PEM, which the agent
// checks against the hash in its join token) and `POST /skiff/v1/join` with the bootstrap token as
// bearer and `{"nodeName": "..."}`, answered with the node's own token (user system:node:<name>,
// group system:nodes), which the node authorizer limits to that node's objects.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkName } from '../../api/names.js';
import { badRequest, unauthorized } from '../../api/status.js';
import { decodeBody } from '../http/negotiation.js';
import { sendJson } from '../http/respond.js';
import { bootstrapTokenValid, issueNodeToken } from './token-store.js';

export const CACERTS_PATH = '/cacerts';
export const JOIN_PATH = '/skiff/v1/join';

export interface JoinContext {
  caPem: string;
  tokensFile: string;
}

export interface NodeCredentials {
  kind: 'NodeCredentials';
  apiVersion: 'skiff.io/v1';
  nodeName: string;
  token: string;
}

export function isJoinPath(path: string): boolean {
  return path === CACERTS_PATH || path === JOIN_PATH;
}

/** serves /cacerts and /skiff/v1/join; the bearer token is checked here, not by the authorizer */
export function serveJoin(jc: JoinContext, path: string, req: FastifyRequest, reply: FastifyReply, bearerToken: string | undefined): void {
  if (path === CACERTS_PATH) {
    if (req.method !== 'GET') throw badRequest(`${CACERTS_PATH} only answers GET`);
    reply.code(200).header('Content-Type', 'application/x-pem-file').send(jc.caPem);
    return;
  }
  if (req.method !== 'POST') throw badRequest(`${JOIN_PATH} only answers POST`);
  if (!bearerToken || !bootstrapTokenValid(jc.tokensFile, bearerToken, new Date())) {
    throw unauthorized('a valid, unexpired join token is required (create one with `skiff token create` on the server)');
  }
  const body = decodeBody(req.body as Buffer | undefined, req.headers['content-type']) as { nodeName?: unknown } | undefined;
  const nodeName = body?.nodeName;
  if (typeof nodeName !== 'string' || nodeName === '') throw badRequest('nodeName: Required value');
  const problems = checkName('subdomain', nodeName);
  if (problems.length > 0) throw badRequest(`nodeName: Invalid value: ${JSON.stringify(nodeName)}: ${problems.join('; ')}`);
  const creds: NodeCredentials = { kind: 'NodeCredentials', apiVersion: 'skiff.io/v1', nodeName, token: issueNodeToken(jc.tokensFile, nodeName) };
  sendJson(reply, 200, creds);
}
