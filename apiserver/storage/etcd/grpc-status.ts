// gRPC status: the codes, the error a failed call ends with, and reading the status from the
// trailers (or from the headers of a trailers-only response).
import type { IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';

/** response headers or trailers */
export type GrpcMetadata = IncomingHttpHeaders & IncomingHttpStatusHeader;

export const GRPC_STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export class GrpcError extends Error {
  constructor(
    /** the gRPC status code */
    readonly code: number,
    /** the server's grpc-message (or our description of a transport failure) */
    readonly details: string,
    /** the method, e.g. /etcdserverpb.KV/Txn */
    readonly method: string,
  ) {
    super(`${method}: ${details} (${GRPC_STATUS_NAMES[code] ?? 'code'} ${code})`);
    this.name = 'GrpcError';
  }
}

function decodeGrpcMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The status carried by trailers (or trailers-only headers): undefined when they carry none, a
 * GrpcError when it is not OK, null when OK.
 */
export function statusFromMetadata(
  headers: GrpcMetadata,
  method: string,
): GrpcError | null | undefined {
  const status = headers['grpc-status'];
  if (status === undefined) return undefined;
  const code = Number(status);
  if (code === 0) return null;
  const message = headers['grpc-message'];
  const text = typeof message === 'string' && message ? decodeGrpcMessage(message) : `status ${status}`;
  return new GrpcError(Number.isInteger(code) ? code : GrpcCode.UNKNOWN, text, method);
}

/** the error for an HTTP response that is not a gRPC one (a proxy's 502, a wrong port) */
export function httpStatusError(status: number | undefined, contentType: string | undefined, method: string): GrpcError | undefined {
  if (status !== 200) return new GrpcError(GrpcCode.UNAVAILABLE, `HTTP status ${status ?? 'missing'} instead of 200`, method);
  if (!contentType?.startsWith('application/grpc')) {
    return new GrpcError(GrpcCode.UNKNOWN, `content-type ${JSON.stringify(contentType ?? '')} is not application/grpc`, method);
  }
  return undefined;
}
