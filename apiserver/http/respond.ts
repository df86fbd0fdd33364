// Writing replies: JSON bodies with `Content-Type: application/json`, Status errors, Warning headers.
import type { FastifyReply } from 'fastify';
import { toStatus } from '../../api/status.js';

export function sendJson(reply: FastifyReply, code: number, body: unknown, warnings: string[] = [], contentType = 'application/json'): FastifyReply {
  if (warnings.length) reply.header('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  if (contentType !== 'application/json') {
    // fastify re-formats media-type parameters (quoting them); kubectl needs this one byte-exact
    reply.hijack();
    const text = JSON.stringify(body);
    reply.raw.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), Vary: 'Accept' });
    reply.raw.end(text);
    return reply;
  }
  return reply.code(code).header('Content-Type', contentType).send(JSON.stringify(body));
}

export function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  const status = toStatus(e);
  return reply.code(status.code).header('Content-Type', 'application/json').send(JSON.stringify(status));
}
