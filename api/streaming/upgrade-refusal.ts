// Refuses an HTTP upgrade on the raw socket with a Kubernetes Status body, which kubectl prints
// ("Error from server (NotFound): ..." / "error: error upgrading connection: ...").
import type { Duplex } from 'node:stream';

const REASONS: Record<number, [string, string]> = {
  400: ['BadRequest', 'Bad Request'],
  401: ['Unauthorized', 'Unauthorized'],
  403: ['Forbidden', 'Forbidden'],
  404: ['NotFound', 'Not Found'],
  405: ['MethodNotAllowed', 'Method Not Allowed'],
  500: ['InternalError', 'Internal Server Error'],
  503: ['ServiceUnavailable', 'Service Unavailable'],
};

export interface RefusalStatus {
  code: number;
  message: string;
  reason?: string;
  details?: unknown;
}

export function refuseUpgrade(socket: Duplex, s: RefusalStatus): void {
  const [reason, phrase] = REASONS[s.code] ?? ['InternalError', 'Error'];
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: s.message, reason: s.reason ?? reason, ...(s.details ? { details: s.details } : {}), code: s.code });
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${s.code} ${phrase}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
