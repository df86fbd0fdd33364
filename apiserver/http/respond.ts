// Writing replies: JSON bodies with `Content-Type: application/json`, Status errors, Warning headers.
import type { FastifyReply } from 'fastify';
import { toStatus } from '../../api/status.js';
import { knownObjectJson } from '../storage/object-snapshot.js';

export function sendJson(reply: FastifyReply, code: number, body: unknown, warnings: string[] = [], contentType = 'application/json'): FastifyReply {
  if (warnings.length) reply.header('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  if (contentType !== 'application/json') {
    // fastify re-formats media-type parameters (quoting them); kubectl needs this one byte-exact
    reply.hijack();
    const text = knownObjectJson(body) ?? JSON.stringify(body);
    reply.raw.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), Vary: 'Accept' });
    reply.raw.end(text);
    return reply;
  }
  // an object just written carries its stored JSON text: no second serialization
  return reply.code(code).header('Content-Type', contentType).send(knownObjectJson(body) ?? JSON.stringify(body));
}

export function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  const status = toStatus(e);
  return reply.code(status.code).header('Content-Type', 'application/json').send(JSON.stringify(status));
}
