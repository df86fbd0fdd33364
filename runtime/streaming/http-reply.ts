// Answers on a raw socket whose HTTP upgrade is refused: a JSON Status with the HTTP status line,
// which kubectl prints ("error: unable to upgrade connection: <message>").
import type { Duplex } from 'node:stream';

const REASONS: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 500: 'InternalError', 503: 'ServiceUnavailable' };
const PHRASES: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export function statusBody(code: number, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code] ?? 'InternalError', code });
}

export function refuseUpgrade(socket: Duplex, code: number, message: string): void {
  const body = statusBody(code, message);
  socket.end(
    `HTTP/1.1 ${code} ${PHRASES[code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
